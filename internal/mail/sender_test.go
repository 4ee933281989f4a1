package mail

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"admincenter/internal/config"
	"admincenter/internal/store"
)

func TestNewSenderWithoutSMTP(t *testing.T) {
	s, err := NewSender(&config.Config{BaseURL: "https://admin.example.com"}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if s != nil || err != nil {
		t.Fatalf("NewSender without --smtp = %v, %v; want nil, nil", s, err)
	}
	s, err = NewSender(&config.Config{BaseURL: "https://admin.example.com:8443", SMTPURL: "smtp://u:p@mail.example.com:25?tls=none",
		MailFrom: "Admin Center <no-reply@example.com>"}, nil, nil)
	if err != nil || s.Host != "admin.example.com" || s.BaseURL != "https://admin.example.com:8443" || s.SMTP.Port != 25 || s.SMTP.TLS != "none" {
		t.Fatalf("NewSender = %+v, %v", s, err)
	}
}

func TestPermanent(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{permanentError{errors.New("bad recipient")}, true},
		{fmt.Errorf("wrapped: %w", permanentError{errors.New("x")}), true},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, false},
		{errors.New("i/o timeout"), false},
	}
	for _, tc := range tests {
		if got := Permanent(tc.err); got != tc.want {
			t.Errorf("Permanent(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestMessageIDIsStablePerRow(t *testing.T) {
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := &store.OutboxMail{ID: 7, To: "a@example.com", CreatedAt: created}
	b := &store.OutboxMail{ID: 7, To: "a@example.com", CreatedAt: created}
	c := &store.OutboxMail{ID: 8, To: "a@example.com", CreatedAt: created}
	if a.MessageID("h") != b.MessageID("h") {
		t.Error("the same row gave two Message-IDs")
	}
	if a.MessageID("h") == c.MessageID("h") {
		t.Error("two rows share a Message-ID")
	}
}
