package main

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to check the shared database

	"admincenter/internal/auth"
	"admincenter/internal/store/pgtest"
)

// startNginx runs Debian's nginx in front of the instances, round-robin on loopback, and
// returns its URL. Without nginx the test skips (fails under REQUIRE_POSTGRES=1, as in CI).
func startNginx(t *testing.T, upstreams ...string) string {
	t.Helper()
	bin := "/usr/sbin/nginx"
	if _, err := os.Stat(bin); err != nil {
		if bin, err = exec.LookPath("nginx"); err != nil {
			if os.Getenv("REQUIRE_POSTGRES") == "1" {
				t.Fatal("REQUIRE_POSTGRES=1 but nginx is not installed (Debian: apt-get install nginx)")
			}
			t.Skip("nginx is not installed")
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	var servers strings.Builder
	for _, u := range upstreams {
		fmt.Fprintf(&servers, "server %s max_fails=1 fail_timeout=2s;\n", strings.TrimPrefix(u, "http://"))
	}
	conf := fmt.Sprintf(`daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path %[1]s/body; proxy_temp_path %[1]s/proxy; fastcgi_temp_path %[1]s/fcgi;
  uwsgi_temp_path %[1]s/uwsgi; scgi_temp_path %[1]s/scgi;
  upstream admincenter { %[2]s }
  server {
    listen %[3]s;
    location / {
      proxy_pass http://admincenter;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
    }
  }
}
`, dir, servers.String(), addr)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	cmd := exec.Command(bin, "-c", filepath.Join(dir, "nginx.conf"), "-p", dir)
	// nginx runs in a process group of its own, which the cleanup kills whole: killing only the
	// master left its worker running for ever, holding every file the test inherited open (the
	// lock of the machine's heavy jobs among them).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); _ = cmd.Wait() })
	for i := 0; ; i++ {
		if res, err := http.Get("http://" + addr + "/healthz"); err == nil {
			res.Body.Close()
			return "http://" + addr
		}
		if i > 100 {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s", log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Two instances behind nginx on one PostgreSQL database, as an organization runs them: sign in
// through the proxy, a change shows whichever instance answers next, invitations keep coming
// while one instance is killed (each stored once, mailed once), and a database that goes away
// for a while is answered 503 and then works again with the same session.
func TestTwoInstancesBehindNginx(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary twice")
	}
	dbURL := pgtest.NewDatabase(t)
	dir := t.TempDir()
	cmd := exec.Command(binary(t), "setup", "--data", dir, "--database", dbURL, "--org", "Example Corp", "--domain", "example.com",
		"--name", "Olive Owner", "--email", "olive@example.com")
	cmd.Env = append(os.Environ(), "ADMINCENTER_SETUP_PASSWORD="+procPassword)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	// Each instance has its own port on one mailbox, with a 10 s SMTP timeout: a message is
	// claimed for 20 s. Once the invitations start, the first invitation instance A delivers is
	// recorded and then never acknowledged, so A dies holding its claim; instance B's invitations
	// wait until A holds one.
	mb := newMailbox(t)
	var holding atomic.Bool
	held, release := make(chan struct{}), make(chan struct{})
	var heldOnce sync.Once
	var heldRcpt string
	invitation := func(rcpts []string) bool {
		return holding.Load() && len(rcpts) == 1 && strings.HasSuffix(rcpts[0], "@contractors.test")
	}
	aSMTP := mb.listen(t, nil, func(rcpts []string) {
		if invitation(rcpts) {
			heldOnce.Do(func() { heldRcpt = strings.ToLower(rcpts[0]); close(held) })
			<-release
		}
	})
	bSMTP := mb.listen(t, func(rcpts []string) {
		if invitation(rcpts) {
			select {
			case <-held:
			case <-release:
			}
		}
	}, nil)
	t.Cleanup(func() { close(release) })
	a := startServer(t, dir, "--database", dbURL, "--smtp", "smtp://"+aSMTP+"?tls=none&timeout=10s")
	b := startServer(t, dir, "--database", dbURL, "--smtp", "smtp://"+bSMTP+"?tls=none&timeout=10s")
	proxy := startNginx(t, a.url, b.url)
	c := signedIn(t, proxy)
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// An account created through the proxy is listed on each of the next requests, whichever
	// instance answers them (round-robin: both do).
	var accounts []string
	for i := range 4 {
		form := url.Values{"friendly_name": {fmt.Sprintf("Shared %d", i)}, "type": {"standard"}, "_csrf": {c.csrf}}
		res, err := c.http.PostForm(proxy+"/admin/accounts", form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/accounts/AC") {
			t.Fatalf("create account: %d %q", res.StatusCode, loc)
		}
		accounts = append(accounts, strings.TrimSuffix(strings.TrimPrefix(loc, "/admin/accounts/"), "/users"))
		for range 2 {
			if body, st := c.get("/admin/accounts"); st != http.StatusOK || !strings.Contains(body, fmt.Sprintf("Shared %d", i)) {
				t.Fatalf("the list right after creating Shared %d: status %d, the account missing", i, st)
			}
		}
	}

	// Two-factor sign-in on, through the proxy; a code used to sign in on instance B is refused
	// when replayed on instance A, and the user is told so.
	body, _ := c.get("/settings/2fa")
	m := regexp.MustCompile(`id="totp-secret" class="secret">([A-Z2-7]+)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no secret offered on /settings/2fa: %s", body)
	}
	secret := m[1]
	if time.Now().Unix()%30 > 22 { // leave the steps below time to finish within this step
		time.Sleep(time.Duration(31-time.Now().Unix()%30) * time.Second)
	}
	now := time.Now()
	// The previous step's code turns it on (the server accepts it and uses that step up), which
	// leaves the current step's code to sign in with.
	if body, st, _ := c.submit("/settings/2fa", url.Values{"code": {totpCode(t, secret, now.Add(-auth.TOTPPeriod))}}); st != http.StatusOK ||
		!strings.Contains(body, "recovery") {
		t.Fatalf("turning two-factor on: status %d", st)
	}
	code := totpCode(t, secret, now)
	onB := passwordStep(t, b.url)
	if _, st, loc := onB.submit("/login/2fa", url.Values{"code": {code}}); st != http.StatusSeeOther || strings.HasPrefix(loc, "/login") {
		t.Fatalf("the code on instance B: status %d to %q, want signed in", st, loc)
	}
	if _, st := onB.get("/admin/accounts"); st != http.StatusOK {
		t.Fatalf("signed in on instance B: the accounts page answers %d", st)
	}
	onA := passwordStep(t, a.url)
	body, st, _ := onA.submit("/login/2fa", url.Values{"code": {code}})
	if st != http.StatusUnauthorized || !strings.Contains(body, "it was already used") {
		t.Fatalf("the same code replayed on instance A: status %d, want 401 saying it was already used", st)
	}
	if n := count(`SELECT count(*) FROM audit_events WHERE action = 'signin.code_replayed'`); n != 1 {
		t.Errorf("%d signin.code_replayed audit events, want 1", n)
	}
	if _, st := onA.get("/admin/accounts"); st == http.StatusOK {
		t.Error("the replayed code signed in on instance A")
	}

	// 200 invitations from 16 clients through the proxy; instance A is killed half way, holding
	// the claim of a message its SMTP server has received but not yet acknowledged.
	holding.Store(true)
	const total, clients = 200, 16
	burst := startInvitations(c, accounts, total, clients)
	select {
	case <-held:
	case <-time.After(30 * time.Second):
		t.Fatal("instance A's mail sender delivered nothing in 30 s")
	}
	for burst.acked.Load() < total/2 {
		time.Sleep(5 * time.Millisecond)
	}
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	<-a.done
	// A died with the message claimed: its lease has not run out, nobody has marked it sent.
	if n := count(`SELECT count(*) FROM outbox WHERE to_addr = $1 AND state = 'pending' AND locked_until > $2`,
		heldRcpt, time.Now().UnixMilli()); n != 1 {
		t.Fatalf("instance A did not die holding the claim of the message to %s (its SMTP answer came too late?)", heldRcpt)
	}
	burst.wg.Wait()
	t.Logf("%d of %d invitations acknowledged, instance A killed after %d, holding the message to %s",
		burst.acked.Load(), total, total/2, heldRcpt)
	if burst.acked.Load() < total*9/10 {
		t.Errorf("only %d of %d invitations acknowledged: the proxy should have sent the rest to instance B", burst.acked.Load(), total)
	}

	// Every acknowledged invitation is stored once, with one email.
	burst.emails.Range(func(k, _ any) bool {
		if n := count(`SELECT count(*) FROM invitations WHERE email = $1`, k); n != 1 {
			t.Errorf("acknowledged invitation for %s stored %d times", k, n)
		}
		if n := count(`SELECT count(*) FROM outbox WHERE to_addr = $1`, k); n != 1 {
			t.Errorf("acknowledged invitation for %s has %d emails in the outbox, want 1", k, n)
		}
		return true
	})
	var invited []string
	rows, err := db.Query(`SELECT email FROM invitations`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			t.Fatal(err)
		}
		invited = append(invited, e)
	}
	rows.Close()
	// Every stored invitation is mailed, once: instance B sends its own and, once its lease
	// runs out, the message A held when it died — again, under the same Message-ID. That takes
	// a lease (20 s here, a minute by default) and B's poll; a minute is plenty.
	deadline := killed.Add(time.Minute)
	for {
		missing := 0
		for _, e := range invited {
			if _, n := mb.deliveries(e); n == 0 {
				missing++
			}
		}
		_, resent := mb.deliveries(heldRcpt)
		pending := count(`SELECT count(*) FROM outbox WHERE state <> 'sent'`)
		if missing == 0 && resent == 2 && pending == 0 {
			t.Logf("the message A held went again %v after A was killed", time.Since(killed).Round(time.Second))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a minute after A was killed: %d of %d invitations not mailed, the message A held delivered %d times (want 2), %d outbox rows not sent",
				missing, len(invited), resent, pending)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, e := range invited {
		ids, n := mb.deliveries(e)
		want := 1
		if e == heldRcpt {
			want = 2 // received from A, which died before it was acknowledged, then from B
		}
		if ids != 1 || n != want {
			t.Errorf("%s received %d deliveries under %d Message-IDs, want %d under 1", e, n, ids, want)
		}
	}
	_, deliveries := mb.snapshot()
	t.Logf("%d invitations stored, %d SMTP deliveries in all", len(invited), deliveries)

	// The database goes away: the instance answers 503 and stays up; once it is back the same
	// session works again.
	if err := pgtest.StopServer(); err != nil {
		t.Fatal(err)
	}
	stopped := true
	defer func() {
		if stopped {
			_ = pgtest.StartServer()
		}
	}()
	for range 3 {
		if body, st := c.get("/admin/accounts"); st != http.StatusServiceUnavailable || !strings.Contains(body, "Try again in a moment") {
			t.Fatalf("with the database down: status %d, want 503 with the friendly page", st)
		}
	}
	if _, st := c.get("/healthz"); st != http.StatusServiceUnavailable {
		t.Errorf("/healthz with the database down: %d, want 503", st)
	}
	if err := pgtest.StartServer(); err != nil {
		t.Fatal(err)
	}
	stopped = false
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		body, st := c.get("/admin/accounts")
		if st == http.StatusOK && strings.Contains(body, "Shared 3") {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("after the database came back: status %d", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case err := <-b.done:
		t.Fatalf("instance B exited while the database was down: %v", err)
	default:
	}
}
