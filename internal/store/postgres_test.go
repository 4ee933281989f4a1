package store

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strings"
	"sync"
	"testing"

	"admincenter/db"
	"admincenter/internal/store/pgtest"
)

func TestRewriteSQLForPostgres(t *testing.T) {
	tests := []struct{ in, want string }{
		{`SELECT a FROM t WHERE x = ? AND y = ?`, `SELECT a FROM t WHERE x = $1 AND y = $2`},
		{`SELECT ?2, ?1, ?2`, `SELECT $2, $1, $2`},
		{`SELECT '?', "a?" FROM t WHERE x = ?`, `SELECT '?', "a?" FROM t WHERE x = $1`},
		{`SELECT 1 FROM users o INDEXED BY users_sid_names WHERE +a.org_sid = ?`, `SELECT 1 FROM users o WHERE a.org_sid = $1`},
		{`WHERE name LIKE ? ESCAPE '\'`, `WHERE name ILIKE $1 ESCAPE '\'`},
		{`SELECT group_concat(r.role) FROM r`, `SELECT string_agg((r.role)::text, ',') FROM r`},
		{`ORDER BY max(r.role = 'owner') DESC`, `ORDER BY bool_or(r.role = 'owner') DESC`},
		{`INSERT OR IGNORE INTO t (a) VALUES (?)`, `INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING`},
		{`FROM r CROSS JOIN a ON a.sid = r.sid`, `FROM r JOIN a ON a.sid = r.sid`},
		{rawSQL + `SELECT '?' LIKE ?`, rawSQL + `SELECT '?' LIKE ?`},
	}
	d := &pgDialect{}
	for _, tc := range tests {
		if got := d.rewrite(tc.in); got != tc.want {
			t.Errorf("rewrite(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// postgresOnly skips a test of PostgreSQL itself unless the tests run on it.
func postgresOnly(t testing.TB) {
	t.Helper()
	if !pgtest.UsePostgres() {
		t.Skip("about PostgreSQL: run with TEST_DATABASE=postgres")
	}
}

func TestPostgresInstancesStartingTogetherMigrateOnce(t *testing.T) {
	postgresOnly(t)
	url := pgtest.NewDatabase(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), url, Options{})
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	files, _ := fs.Glob(db.Migrations, "migrations/postgres/*.sql")
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(files) {
		t.Errorf("schema_migrations has %d rows (%v), want one per file: %d", n, err, len(files))
	}
}

func TestPostgresRefusesADatabaseOfANewerVersion(t *testing.T) {
	postgresOnly(t)
	url := pgtest.NewDatabase(t)
	s, err := Open(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Exec(context.Background(), `INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_from_the_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(context.Background(), url, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer version") || !strings.Contains(err.Error(), "9999_from_the_future.sql") {
		t.Errorf("err = %v, want a refusal naming the unknown migration", err)
	}
}

func TestPostgresUnreachableIsAClearErrorWithoutThePassword(t *testing.T) {
	_, err := Open(context.Background(), "postgres://admin:s3cret-pw@127.0.0.1:1/admincenter?connect_timeout=2", Options{})
	if err == nil || !strings.Contains(err.Error(), "cannot reach the PostgreSQL database") || strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("err = %v, want a clear error without the password", err)
	}
}

func TestPostgresBackupSaysToUsePgDump(t *testing.T) {
	postgresOnly(t)
	s := openTest(t)
	err := s.Backup(context.Background(), t.TempDir()+"/x.db")
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("err = %v, want it to point to pg_dump", err)
	}
}

// Every SQLite migration after those the PostgreSQL baseline holds has a PostgreSQL twin of the
// same file name, so that both engines have the same schema.
func TestEverySQLiteMigrationHasAPostgresTwin(t *testing.T) {
	const baselineUpTo = "0014b_authz_denials.sql" // the last SQLite migration 0001_baseline.sql holds
	sqlite, _ := fs.Glob(db.Migrations, "migrations/*.sql")
	for _, f := range sqlite {
		name := path.Base(f)
		if name <= baselineUpTo {
			continue
		}
		if _, err := fs.Stat(db.Migrations, "migrations/postgres/"+name); err != nil {
			t.Errorf("db/migrations/%s has no PostgreSQL twin db/migrations/postgres/%s", name, name)
		}
	}
}
