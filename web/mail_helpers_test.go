package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"admincenter/internal/jobs"
	"admincenter/internal/mail"
)

// smtpServer is a real SMTP server in the test process. Tests stop and restart it, and make it
// answer 451 (try later) or 550 (refused) to the DATA command.
type smtpServer struct {
	t    *testing.T
	addr string
	srv  *smtp.Server

	mu       sync.Mutex
	answer   int // 0: accept; 451 or 550
	messages []receivedMail
	arrived  chan struct{}
}

// receivedMail is one message the server accepted.
type receivedMail struct {
	To        string
	Subject   string
	MessageID string
	Text      string
	HTML      string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{t: t, addr: ln.Addr().String(), arrived: make(chan struct{}, 100)}
	s.serve(ln)
	t.Cleanup(s.stop)
	return s
}

func (s *smtpServer) serve(ln net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = discardLogger{}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln)
}

// url is the --smtp setting that reaches the server.
func (s *smtpServer) url() string { return "smtp://" + s.addr + "?tls=none" }

func (s *smtpServer) stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// restart listens again on the same address.
func (s *smtpServer) restart() {
	s.t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatal(err)
	}
	s.serve(ln)
}

func (s *smtpServer) setAnswer(code int) {
	s.mu.Lock()
	s.answer = code
	s.mu.Unlock()
}

func (s *smtpServer) received() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.messages...)
}

// to returns the messages received for the address.
func (s *smtpServer) to(addr string) []receivedMail {
	var out []receivedMail
	for _, m := range s.received() {
		if strings.EqualFold(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}

// waitFor waits until a message for addr arrives (for journeys, where the sender runs on its own).
func (s *smtpServer) waitFor(addr string, timeout time.Duration) receivedMail {
	s.t.Helper()
	deadline := time.After(timeout)
	for {
		if ms := s.to(addr); len(ms) > 0 {
			return ms[len(ms)-1]
		}
		select {
		case <-s.arrived:
		case <-deadline:
			s.t.Fatalf("no mail for %s within %s", addr, timeout)
		}
	}
}

type smtpSession struct {
	srv *smtpServer
	to  string
}

func (x *smtpSession) Reset()        {}
func (x *smtpSession) Logout() error { return nil }
func (x *smtpSession) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error { x.to = to; return nil }
func (x *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.srv.mu.Lock()
	answer := x.srv.answer
	x.srv.mu.Unlock()
	switch answer {
	case 451:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	case 550:
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"}
	}
	m, err := parseMail(raw)
	if err != nil {
		return err
	}
	m.To = x.to
	x.srv.mu.Lock()
	x.srv.messages = append(x.srv.messages, m)
	x.srv.mu.Unlock()
	x.srv.arrived <- struct{}{}
	return nil
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}

// parseMail reads the headers and the decoded text and HTML parts of a message.
func parseMail(raw []byte) (receivedMail, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return receivedMail{}, err
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	m := receivedMail{Subject: subject, MessageID: msg.Header.Get("Message-Id")}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return m, err
	}
	if !strings.HasPrefix(mt, "multipart/") {
		b, err := decodePart(msg.Body, msg.Header.Get("Content-Transfer-Encoding"))
		m.Text = b
		return m, err
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, err
		}
		body, err := decodePart(p, p.Header.Get("Content-Transfer-Encoding"))
		if err != nil {
			return m, err
		}
		switch {
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain"):
			m.Text = body
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/html"):
			m.HTML = body
		}
	}
	return m, nil
}

func decodePart(r io.Reader, enc string) (string, error) {
	if strings.EqualFold(enc, "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	return string(b), err
}

var linkInMailRE = regexp.MustCompile(`https?://[^\s"<>]+/(imports|shares|invitations|password-reset)/[A-Za-z0-9_-]+`)

// link returns the first emailed link of the message, as a path on the test server.
func (m receivedMail) link(t *testing.T) string {
	t.Helper()
	u := linkInMailRE.FindString(m.Text)
	if u == "" {
		t.Fatalf("no link in the mail %q:\n%s", m.Subject, m.Text)
	}
	i := strings.Index(u, "/"+linkInMailRE.FindStringSubmatch(u)[1]+"/")
	return u[i:]
}

// startMailWorkers points the app's mail at a new SMTP server and runs its background workers
// (the sender among them) until the test ends, as a journey needs.
func (a *testApp) startMailWorkers(t *testing.T) *smtpServer {
	t.Helper()
	srv := newSMTPServer(t)
	a.cfg.SMTPURL = srv.url()
	ctx, stop := context.WithCancel(context.Background())
	workers := jobs.Start(ctx, a.cfg, a.store, a.web.log)
	t.Cleanup(func() { stop(); workers.Wait() })
	return srv
}

// newSender is a mail sender for the app, talking to the SMTP server.
func (a *testApp) newSender(srv *smtpServer) *mail.Sender {
	a.t.Helper()
	a.cfg.SMTPURL = srv.url()
	s, err := mail.NewSender(a.cfg, a.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		a.t.Fatal(err)
	}
	s.Timeout = 5 * time.Second
	return s
}

// sendAll runs the sender once over every due message.
func sendAll(t *testing.T, s *mail.Sender) int {
	t.Helper()
	n, err := s.SendDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func strconvFormat(n int64) string { return strconv.FormatInt(n, 10) }
