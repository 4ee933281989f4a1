package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	netmail "net/mail"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// mailbox is a real SMTP server in the test process that records what it receives.
type mailbox struct {
	addr string
	mu   sync.Mutex
	ids  map[string]map[string]int // recipient → Message-ID → deliveries
}

func newMailbox(t *testing.T) *mailbox {
	t.Helper()
	mb := &mailbox{ids: map[string]map[string]int{}}
	mb.addr = mb.listen(t, nil, nil)
	return mb
}

// listen serves SMTP on another loopback port that delivers into the same mailbox and returns
// its address. before, when set, runs as a message's data begins, before anything is recorded;
// after runs once the message is recorded, before the server acknowledges it.
func (mb *mailbox) listen(t *testing.T, before, after func(rcpts []string)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &mailboxSession{mb: mb, before: before, after: after}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func (mb *mailbox) url() string { return "smtp://" + mb.addr + "?tls=none" }

// recipients returns recipient → number of distinct Message-IDs, and the total of deliveries.
func (mb *mailbox) snapshot() (map[string]int, int) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	out, total := map[string]int{}, 0
	for rcpt, ids := range mb.ids {
		out[rcpt] = len(ids)
		for _, n := range ids {
			total += n
		}
	}
	return out, total
}

// deliveries returns how many distinct Message-IDs rcpt received, and in how many deliveries.
func (mb *mailbox) deliveries(rcpt string) (ids, n int) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	for _, k := range mb.ids[strings.ToLower(rcpt)] {
		ids++
		n += k
	}
	return ids, n
}

type mailboxSession struct {
	mb            *mailbox
	to            []string
	before, after func(rcpts []string)
}

func (x *mailboxSession) Reset()                               { x.to = nil }
func (x *mailboxSession) Logout() error                        { return nil }
func (x *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}
func (x *mailboxSession) Data(r io.Reader) error {
	if x.before != nil {
		x.before(x.to)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	id := msg.Header.Get("Message-Id")
	x.mb.mu.Lock()
	for _, rcpt := range x.to {
		rcpt = strings.ToLower(rcpt)
		if x.mb.ids[rcpt] == nil {
			x.mb.ids[rcpt] = map[string]int{}
		}
		x.mb.ids[rcpt][id]++
	}
	x.mb.mu.Unlock()
	if x.after != nil {
		x.after(x.to)
	}
	return nil
}

// TestCrashDuringInvitations: 200 invitations from 16 clients, the server killed with SIGKILL in the
// middle; after a restart every acknowledged invitation exists exactly once, the database is intact,
// and every invitation's email reaches the SMTP server under exactly one Message-ID.
func TestCrashDuringInvitations(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	dir := setupData(t)
	mb := newMailbox(t)
	p := startServer(t, dir, "--smtp", mb.url())
	c := signedIn(t, p.url)

	// Four accounts: an account takes at most 100 invitations an hour.
	var accounts []string
	for i := 0; i < 4; i++ {
		form := url.Values{"friendly_name": {fmt.Sprintf("Crash %d", i)}, "type": {"standard"}, "_csrf": {c.csrf}}
		res, err := c.http.PostForm(p.url+"/admin/accounts", form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/accounts/AC") {
			t.Fatalf("create account: %d %q", res.StatusCode, loc)
		}
		accounts = append(accounts, strings.TrimSuffix(strings.TrimPrefix(loc, "/admin/accounts/"), "/users"))
	}

	const total, clients = 200, 16
	burst := startInvitations(c, accounts, total, clients)
	// Kill the server without warning once about half the invitations are acknowledged.
	for burst.acked.Load() < total/2 {
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
	burst.wg.Wait()
	t.Logf("%d invitations acknowledged before the kill", burst.acked.Load())

	db := filepath.Join(dir, "admincenter.db")
	p2 := startServer(t, dir, "--smtp", mb.url())
	checkIntegrity(t, db)

	burst.emails.Range(func(k, _ any) bool {
		if n := countRows(t, db, fmt.Sprintf(`SELECT count(*) FROM invitations WHERE email = '%s'`, k)); n != 1 {
			t.Errorf("acknowledged invitation for %s stored %d times", k, n)
		}
		return true
	})
	stored := countRows(t, db, `SELECT count(*) FROM invitations`)
	if int64(stored) < burst.acked.Load() {
		t.Fatalf("%d invitations stored, %d acknowledged", stored, burst.acked.Load())
	}

	// Every stored invitation (acknowledged or committed just before the kill) gets its email.
	deadline := time.Now().Add(90 * time.Second)
	for {
		got, _ := mb.snapshot()
		n := 0
		for rcpt := range got {
			if strings.HasSuffix(rcpt, "@contractors.test") {
				n++
			}
		}
		if n >= stored {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart %d of %d invitation emails arrived", n, stored)
		}
		time.Sleep(100 * time.Millisecond)
	}
	got, deliveries := mb.snapshot()
	for rcpt, ids := range got {
		if strings.HasSuffix(rcpt, "@contractors.test") && ids != 1 {
			t.Errorf("%s received %d different Message-IDs, want 1", rcpt, ids)
		}
	}
	// The sender marks a message sent just after the SMTP server has taken it: give the last one
	// that moment before counting what is still pending.
	for {
		pending := countRows(t, db, `SELECT count(*) FROM outbox WHERE state = 'pending' AND to_addr LIKE '%@contractors.test'`)
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("%d invitation emails still pending after delivery", pending)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("%d invitations stored, %d SMTP deliveries (a message in flight at the kill goes again with its Message-ID)", stored, deliveries)
	_ = p2
}
