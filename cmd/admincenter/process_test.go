package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
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

	"github.com/pquerna/otp/totp"
	_ "modernc.org/sqlite"
)

// These tests build the real binary and run it as a separate process.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "admincenter-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "admincenter")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

const procPassword = "correct horse battery staple"

// setupData runs `admincenter setup` into a new data folder.
func setupData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(binary(t), "setup", "--data", dir, "--org", "Example Corp", "--domain", "example.com",
		"--name", "Olive Owner", "--email", "olive@example.com")
	cmd.Env = append(os.Environ(), "ADMINCENTER_SETUP_PASSWORD="+procPassword)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	return dir
}

type process struct {
	cmd  *exec.Cmd
	url  string
	done chan error
	logs *strings.Builder
	mu   *sync.Mutex
}

// startServer runs `admincenter serve` on a free loopback port and waits until it answers.
func startServer(t *testing.T, dataDir string, extra ...string) *process {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"serve", "--data", dataDir, "--addr", "127.0.0.1:0"}, extra...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, done: make(chan error, 1), logs: &strings.Builder{}, mu: &sync.Mutex{}}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.logs.WriteString(line + "\n")
			p.mu.Unlock()
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "serving" {
				// The log says which URL to open: the first run's setup page, on the port the system chose.
				if open, _ := rec["open"].(string); !strings.HasPrefix(open, "http://"+rec["addr"].(string)+"/") {
					t.Errorf("the serving line's URL to open = %q, want it on http://%s", open, rec["addr"])
				}
				addrc <- rec["addr"].(string)
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case addr := <-addrc:
		p.url = "http://" + addr
	case err := <-p.done:
		t.Fatalf("server exited: %v\n%s", err, p.logs.String())
	case <-time.After(20 * time.Second):
		t.Fatal("server did not start")
	}
	return p
}

// client is a signed-in HTTP client for the process.
type client struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func signedIn(t *testing.T, base string) *client {
	t.Helper()
	c := newClient(t, base)
	if st, _ := c.post("/login", url.Values{"email": {"olive@example.com"}, "password": {procPassword}}); st != http.StatusSeeOther {
		t.Fatalf("sign in: status %d", st)
	}
	return c
}

// passwordStep signs the owner in up to the second step (two-factor sign-in is on).
func passwordStep(t *testing.T, base string) *client {
	t.Helper()
	c := newClient(t, base)
	_, st, loc := c.submit("/login", url.Values{"email": {"olive@example.com"}, "password": {procPassword}})
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/login/2fa") {
		t.Fatalf("password step: status %d to %q, want /login/2fa", st, loc)
	}
	return c
}

// totpCode is the TOTP code of secret at t.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// newClient is a client that has fetched the sign-in page, with its CSRF token.
func newClient(t *testing.T, base string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	body, _ := c.get("/login")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF field on /login: %s", body)
	}
	c.csrf = m[1]
	return c
}

func (c *client) get(path string) (string, int) {
	res, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b), res.StatusCode
}

func (c *client) post(path string, form url.Values) (int, error) {
	form.Set("_csrf", c.csrf)
	res, err := c.http.PostForm(c.base+path, form)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// submit posts a form and returns the page, the status and where a redirect leads.
func (c *client) submit(path string, form url.Values) (string, int, string) {
	form.Set("_csrf", c.csrf)
	res, err := c.http.PostForm(c.base+path, form)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b), res.StatusCode, res.Header.Get("Location")
}

func countRows(t *testing.T, dbPath, query string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func checkIntegrity(t *testing.T, dbPath string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
	rows, err := db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Fatal("foreign_key_check found violations")
	}
}

// TestGracefulShutdown: SIGTERM lets in-flight requests finish, checkpoints the WAL and exits 0 in time.
func TestGracefulShutdown(t *testing.T) {
	dir := setupData(t)
	p := startServer(t, dir)
	c := signedIn(t, p.url)

	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				st, err := c.post("/admin/accounts", url.Values{"friendly_name": {fmt.Sprintf("load %d-%d", i, n)}, "type": {"standard"}})
				switch {
				case err == nil && st == http.StatusSeeOther:
					ok.Add(1)
				case err != nil:
					return // the listener closed: expected once shutdown starts
				default:
					failed.Add(1)
				}
			}
		}(i)
	}
	time.Sleep(500 * time.Millisecond) // let load build up before the signal
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, p.logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not exit within 10 s of SIGTERM")
	}
	close(stop)
	wg.Wait()
	t.Logf("shutdown took %v; %d accounts created under load", time.Since(start), ok.Load())
	if failed.Load() > 0 {
		t.Errorf("%d requests answered with an error status during shutdown", failed.Load())
	}
	db := filepath.Join(dir, "admincenter.db")
	if st, err := os.Stat(db + "-wal"); err == nil && st.Size() > 0 {
		t.Errorf("WAL not checkpointed: %d bytes left", st.Size())
	}
	checkIntegrity(t, db)
	if got := countRows(t, db, `SELECT count(*) FROM accounts`); int64(got) < ok.Load() {
		t.Errorf("%d accounts stored, but %d creations were acknowledged", got, ok.Load())
	}
}

// TestBackupUnderWriteLoad: a backup taken while accounts are being created is consistent, and a
// server started on it signs in and lists the same accounts.
func TestBackupUnderWriteLoad(t *testing.T) {
	dir := setupData(t)
	p := startServer(t, dir)
	c := signedIn(t, p.url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var acked sync.Map
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for n := 0; ctx.Err() == nil && n < 2000; n++ {
				name := fmt.Sprintf("backup load %d-%d", i, n)
				if st, err := c.post("/admin/accounts", url.Values{"friendly_name": {name}, "type": {"standard"}}); err == nil && st == http.StatusSeeOther {
					acked.Store(name, time.Now())
				}
			}
		}(i)
	}
	time.Sleep(300 * time.Millisecond)
	backupStart := time.Now()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if out, err := exec.Command(binary(t), "backup", "--data", dir, "--out", copyPath).CombinedOutput(); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	time.Sleep(200 * time.Millisecond)
	cancel()
	wg.Wait()

	checkIntegrity(t, copyPath)
	inCopy := countRows(t, copyPath, `SELECT count(*) FROM accounts`)
	before := 0
	acked.Range(func(k, v any) bool {
		if v.(time.Time).Before(backupStart) {
			before++
		}
		return true
	})
	if inCopy < before {
		t.Fatalf("the copy has %d accounts, but %d were acknowledged before the backup began", inCopy, before)
	}
	// Restore: a server on the copy signs in and shows the same number of accounts.
	restored := t.TempDir()
	b, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, "admincenter.db"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	p2 := startServer(t, restored)
	c2 := signedIn(t, p2.url)
	body, st := c2.get("/admin/accounts")
	if st != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`Managed <span class="count">%d</span>`, inCopy)) {
		t.Errorf("restored server: status %d, want the Managed tab to count %d accounts", st, inCopy)
	}
}

// invitationBurst is invitations sent by several clients at once: how many were acknowledged
// (303), to whom, and the clients' WaitGroup.
type invitationBurst struct {
	acked  atomic.Int64
	emails sync.Map // acknowledged email → true
	wg     sync.WaitGroup
}

// startInvitations sends total invitations (contractor000@contractors.test…) to the given
// accounts in turn from clients goroutines sharing c, and returns at once.
func startInvitations(c *client, accounts []string, total, clients int) *invitationBurst {
	b := &invitationBurst{}
	var next atomic.Int64
	for range clients {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= total {
					return
				}
				email := fmt.Sprintf("contractor%03d@contractors.test", i)
				st, err := c.post("/admin/accounts/"+accounts[i%len(accounts)]+"/users/invite", url.Values{"email": {email}, "role": {"developer"}})
				if err == nil && st == http.StatusSeeOther {
					b.emails.Store(email, true)
					b.acked.Add(1)
				}
			}
		}()
	}
	return b
}
