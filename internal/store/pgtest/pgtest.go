// Package pgtest runs a real PostgreSQL server for tests: one throwaway cluster per test binary
// (initdb in a temporary folder, pg_ctl on a free loopback port), started at the first test that
// asks for a database and stopped by Stop, which the package's TestMain calls; each test gets a
// fresh empty database. Where PostgreSQL's programs are missing the tests that need it skip,
// unless REQUIRE_POSTGRES=1, which makes them fail. Only tests import it.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Engine is the value of the TEST_DATABASE environment variable under which the tests of a
// package that runs on both engines use PostgreSQL rather than SQLite (make test runs both).
const Engine = "postgres"

// UsePostgres reports whether TEST_DATABASE asks this test run to use PostgreSQL.
func UsePostgres() bool { return os.Getenv("TEST_DATABASE") == Engine }

var (
	once    sync.Once
	cluster struct {
		dir, bin string
		port     int
		admin    *sql.DB
		err      error
		skip     string
	}
	seq atomic.Int64
)

// binDir finds PostgreSQL's programs: $PG_BIN, or Debian's /usr/lib/postgresql/N/bin.
func binDir() string {
	if d := os.Getenv("PG_BIN"); d != "" {
		return d
	}
	for _, v := range []string{"17", "16", "15", "14"} {
		d := "/usr/lib/postgresql/" + v + "/bin"
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

func start() {
	c := &cluster
	if c.bin = binDir(); c.bin == "" {
		c.skip = "PostgreSQL is not installed (no initdb; Debian: apt-get install postgresql)"
		return
	}
	if c.dir, c.err = os.MkdirTemp("", "admincenter-pg-"); c.err != nil {
		return
	}
	// initdb refuses to run as root: the cluster then belongs to the postgres user.
	var asUser []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			c.err = fmt.Errorf("running as root and there is no postgres user to run PostgreSQL as: %w", err)
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if c.err = os.Chown(c.dir, uid, gid); c.err != nil {
			return
		}
		asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(args ...string) error {
		args = append(asUser, args...)
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w\n%s", filepath.Base(args[len(asUser)]), err, out)
		}
		return nil
	}
	data := filepath.Join(c.dir, "data")
	if c.err = run(filepath.Join(c.bin, "initdb"), "-D", data, "-A", "trust", "-U", "admin", "-E", "UTF8",
		"--locale=C.UTF-8", "--no-sync"); c.err != nil {
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		c.err = err
		return
	}
	c.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	if c.err = StartServer(); c.err != nil {
		return
	}
	if c.admin, c.err = sql.Open("pgx", URL("postgres")); c.err != nil {
		return
	}
	c.admin.SetMaxOpenConns(2)
	c.err = c.admin.Ping()
}

// URL is the address of database name on the test cluster.
func URL(name string) string {
	return fmt.Sprintf("postgres://admin@127.0.0.1:%d/%s?sslmode=disable", cluster.port, name)
}

// Available starts the cluster if needed and reports why PostgreSQL cannot be used ("" when it
// can); with REQUIRE_POSTGRES=1 a missing PostgreSQL is a failure, not a reason to skip.
func available(t testing.TB) {
	t.Helper()
	once.Do(start)
	if cluster.err != nil {
		t.Fatalf("starting PostgreSQL: %v", cluster.err)
	}
	if cluster.skip != "" {
		if os.Getenv("REQUIRE_POSTGRES") == "1" {
			t.Fatalf("REQUIRE_POSTGRES=1 but %s", cluster.skip)
		}
		t.Skip(cluster.skip)
	}
}

// NewDatabase creates an empty database on the test cluster and returns its URL. It skips the
// test where PostgreSQL is not installed (fails under REQUIRE_POSTGRES=1).
func NewDatabase(t testing.TB) string {
	t.Helper()
	available(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), seq.Add(1))
	if _, err := cluster.admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	return URL(name)
}

// Admin runs a statement on the cluster's maintenance database, as its superuser (to stop a
// database's connections, for instance).
func Admin(ctx context.Context, query string, args ...any) error {
	if cluster.admin == nil {
		return fmt.Errorf("no test cluster")
	}
	_, err := cluster.admin.ExecContext(ctx, query, args...)
	return err
}

// Stop stops the cluster and removes its folder, if one was started; TestMain calls it after
// the tests.
func Stop() {
	c := &cluster
	if c.admin != nil {
		c.admin.Close()
	}
	if c.dir == "" {
		return
	}
	if c.port != 0 {
		args := []string{filepath.Join(c.bin, "pg_ctl"), "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop"}
		if os.Geteuid() == 0 {
			args = append([]string{"runuser", "-u", "postgres", "--"}, args...)
		}
		_ = exec.Command(args[0], args[1:]...).Run()
	}
	os.RemoveAll(c.dir)
}

// pgCtl runs pg_ctl on the cluster (as the postgres user when running as root).
func pgCtl(args ...string) error {
	c := &cluster
	args = append([]string{filepath.Join(c.bin, "pg_ctl"), "-D", filepath.Join(c.dir, "data")}, args...)
	if os.Geteuid() == 0 {
		args = append([]string{"runuser", "-u", "postgres", "--"}, args...)
	}
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl: %w\n%s", err, out)
	}
	return nil
}

// StopServer stops the test cluster's server (a database going away under the tests) until
// StartServer; the cluster and its databases stay.
func StopServer() error { return pgCtl("-m", "fast", "-w", "stop") }

// StartServer starts the server on the cluster's port: at the first test, and again after
// StopServer. A test server: durability off (the cluster is thrown away), a small footprint.
func StartServer() error {
	c := &cluster
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "+
		"-c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB", c.port, c.dir)
	return pgCtl("-o", opts, "-l", filepath.Join(c.dir, "log"), "-w", "start")
}
