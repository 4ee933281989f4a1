package web

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"admincenter/internal/store"
)

// TestSenderTimesOutOnASilentServer: an SMTP server that accepts the connection and never says a
// word. The send times out, the message is kept for a later try, and stopping the sender is not
// held up by it for longer than one message's timeout.
func TestSenderTimesOutOnASilentServer(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never answered
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	silent := &smtpServer{t: t, addr: ln.Addr().String()}
	sender := app.newSender(silent)
	sender.Timeout = time.Second

	admin := app.browser()
	admin.signIn("owner@example.com", testPassword)
	_, sid := app.signUp("Ian Inside", "ian@example.com")
	wantStatus(t, admin.post("/admin/accounts/import", url.Values{"account_sid": {sid}}), http.StatusSeeOther)

	if n := sendAll(t, sender); n != 1 {
		t.Fatalf("tried %d, want 1", n)
	}
	dev, err := app.store.ListDevMail(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, m := range dev {
		if m.To == "ian@example.com" {
			found = true
			if m.State != store.MailPending || m.LastError == "" {
				t.Errorf("after a timeout: state %q, last error %q; want pending with the error", m.State, m.LastError)
			}
		}
	}
	if !found {
		t.Fatal("the message is gone")
	}
	res := admin.get("/admin/mail")
	if !strings.Contains(strings.ToLower(res.Body), "timeout") && !strings.Contains(strings.ToLower(res.Body), "deadline") && !strings.Contains(strings.ToLower(res.Body), "timed out") {
		t.Errorf("the Mail page does not say the send timed out:\n%s", trimBody(res.Body))
	}

	// A hanging send does not hold up shutdown beyond its own timeout.
	app.store.Now = func() time.Time { return time.Now().UTC().Add(24 * time.Hour) } // due again
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sender.Run(ctx); close(done) }()
	time.Sleep(200 * time.Millisecond) // let it get stuck talking to the silent server
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the sender was still stuck 5 s after it was told to stop (its timeout is 1 s)")
	}
}
