// Package mail writes every email Admin Center sends and delivers the outbox over SMTP: one
// message at a time, composed when it goes out, retried with backoff on temporary failures,
// never on permanent ones.
package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	gomail "github.com/wneessen/go-mail"

	"admincenter/internal/config"
	"admincenter/internal/store"
)

// Sender delivers due outbox mail.
type Sender struct {
	Store   *store.Store
	SMTP    *config.SMTP
	From    string
	BaseURL string        // emailed links start with it
	Host    string        // the host part of Message-IDs: the base URL's host
	Timeout time.Duration // for one message, connection included
	Poll    time.Duration // how often to look for due mail when the queue is empty
	Log     *slog.Logger
}

// NewSender builds a sender from the configuration; it answers nil when no SMTP server is
// configured (the development mailbox keeps the mail).
func NewSender(cfg *config.Config, st *store.Store, log *slog.Logger) (*Sender, error) {
	if cfg.SMTPURL == "" {
		return nil, nil
	}
	smtp, err := config.ParseSMTP(cfg.SMTPURL)
	if err != nil {
		return nil, err
	}
	host := "localhost"
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return &Sender{Store: st, SMTP: smtp, From: cfg.MailFrom, BaseURL: cfg.BaseURL, Host: host, Timeout: smtp.Timeout,
		Poll: 2 * time.Second, Log: log}, nil
}

// Run delivers mail until ctx ends. It finishes the message in hand before it returns.
func (s *Sender) Run(ctx context.Context) {
	if n, err := s.Store.ReleaseMailLeases(ctx); err != nil {
		s.Log.Error("mail sender: releasing leases", slog.Any("error", err))
	} else if n > 0 {
		s.Log.Info("mail sender: resending mail claimed before a restart", slog.Int64("messages", n))
	}
	for {
		n, err := s.SendDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.Log.Error("mail sender", slog.Any("error", err))
		}
		if ctx.Err() != nil {
			return
		}
		if n == 0 || err != nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(s.Poll):
			}
		}
	}
}

// Lease is how long a message stays claimed by the sender that took it: twice the time one
// message may take, so that the database writes around the delivery fit in too. Another
// instance sends a message again only once its lease has run out: a message held by an instance
// that died goes again at most a lease and a Poll after it was claimed (a minute with the
// default 30 s timeout), under the same Message-ID.
func (s *Sender) Lease() time.Duration { return 2 * s.Timeout }

// SendDue sends every message that is due now and returns how many it tried. It stops
// between messages when ctx ends.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		// The message in hand is finished even if ctx ends meanwhile: its own timeout bounds it.
		work := context.WithoutCancel(ctx)
		m, err := s.Store.ClaimMail(work, s.Lease())
		if err != nil || m == nil {
			return n, err
		}
		n++
		if err := s.deliver(work, m); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (s *Sender) deliver(ctx context.Context, m *store.OutboxMail) error {
	start := time.Now()
	sendCtx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	err := s.send(sendCtx, m)
	log := s.Log.With(slog.Int64("outbox_id", m.ID), slog.Int("attempt", m.Attempts), slog.Duration("duration", time.Since(start)))
	switch {
	case err == nil:
		log.Info("mail sent")
		return s.Store.MarkMailSent(ctx, m.ID)
	case Permanent(err):
		log.Warn("mail refused", slog.String("error", err.Error()))
		return s.Store.FailMail(ctx, m.ID, err.Error())
	default:
		log.Warn("mail deferred", slog.String("error", err.Error()))
		return s.Store.RetryMailLater(ctx, m.ID, err.Error())
	}
}

func (s *Sender) send(ctx context.Context, m *store.OutboxMail) error {
	body, err := Compose(m, s.BaseURL)
	if err != nil {
		return permanentError{err}
	}
	msg := gomail.NewMsg()
	if err := msg.From(s.From); err != nil {
		return permanentError{fmt.Errorf("from address %q: %w", s.From, err)}
	}
	if err := msg.To(m.To); err != nil {
		return permanentError{fmt.Errorf("recipient %q: %w", m.To, err)}
	}
	msg.Subject(body.Subject)
	msg.SetMessageIDWithValue(m.MessageID(s.Host))
	msg.SetDateWithValue(m.CreatedAt)
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, body.Text)
	if body.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, body.HTML)
	}
	opts := []gomail.Option{gomail.WithPort(s.SMTP.Port), gomail.WithTimeout(s.Timeout)}
	switch s.SMTP.TLS {
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case "tls":
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.SMTP.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.SMTP.Username), gomail.WithPassword(s.SMTP.Password))
	}
	c, err := gomail.NewClient(s.SMTP.Host, opts...)
	if err != nil {
		return permanentError{err}
	}
	return c.DialAndSendWithContext(ctx, msg)
}

type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// Permanent reports whether a delivery error means the message will never go: the server
// answered 5xx, or the message itself is malformed. Connection errors, timeouts and 4xx
// answers are temporary.
func Permanent(err error) bool {
	var p permanentError
	if errors.As(err, &p) {
		return true
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		if se.IsTemp() {
			return false
		}
		if se.ErrorCode() >= 500 {
			return true
		}
		return se.Reason == gomail.ErrGetSender || se.Reason == gomail.ErrGetRcpts
	}
	return false
}
