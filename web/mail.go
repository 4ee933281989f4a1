package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/mail"
	"admincenter/internal/store"
	"admincenter/views"
)

// startMailWorkers starts the mail sender (when an SMTP server is configured) and the daily
// domain re-check; both stop when ctx ends, the sender after the message in hand.
func (s *Server) startMailWorkers(ctx context.Context, wg *sync.WaitGroup) {
	sender, err := mail.NewSender(s.cfg, s.store, s.log)
	if err != nil {
		s.log.Error("mail sender not started", slog.Any("error", err))
	}
	if sender == nil {
		s.log.Info("no --smtp: mail stays in the outbox", slog.Bool("dev_mailbox", s.cfg.Dev))
	} else {
		s.log.Info("mail sender started", slog.String("smtp_host", sender.SMTP.Host), slog.Int("smtp_port", sender.SMTP.Port),
			slog.String("tls", sender.SMTP.TLS))
		wg.Add(1)
		go func() { defer wg.Done(); sender.Run(ctx) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); s.recheckDomainsDaily(ctx) }()
}

func (s *Server) recheckDomainsDaily(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		start := time.Now()
		n, err := s.store.RecheckDomains(ctx, s.resolver(), 24*time.Hour)
		if err != nil && ctx.Err() == nil {
			s.log.Error("domain re-check", slog.Any("error", err))
		} else if n > 0 {
			s.log.Info("domain re-check", slog.Int("domains", n), slog.Duration("duration", time.Since(start)))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// resolver is the DNS resolver for domain checks: the configured --dns server, or the system's.
func (s *Server) resolver() *net.Resolver {
	if s.cfg.DNS == "" {
		return net.DefaultResolver
	}
	server := s.cfg.DNS
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, server)
	}}
}

func mailRow(m *store.OutboxMail) views.MailRow {
	return views.MailRow{ID: m.ID, To: m.To, Subject: m.Subject, State: m.State, Attempts: m.Attempts, LastError: m.LastError,
		NextAttemptAt: m.NextAttemptAt, CreatedAt: m.CreatedAt, SentAt: m.SentAt, Text: m.Text,
		LinkErased: m.State == store.MailSent && m.HasLink && strings.Contains(m.Text, store.MailTokenPlaceholder)}
}

// handleDevMail is the development mailbox: only in development mode without an SMTP server.
func (s *Server) handleDevMail(c echo.Context) error {
	if !s.cfg.Dev || s.cfg.SMTPURL != "" {
		return echo.ErrNotFound
	}
	list, err := s.store.ListDevMail(c.Request().Context(), 200)
	if err != nil {
		return err
	}
	v := views.DevMailView{}
	for _, m := range list {
		v.Messages = append(v.Messages, mailRow(m))
	}
	return s.render(c, http.StatusOK, views.DevMailPage(s.page(c, "Development mailbox", "dev-mail"), v))
}

func (s *Server) handleMailPage(c echo.Context) error {
	o, err := s.store.MailOverviewOf(c.Request().Context(), currentUser(c).OrgSID)
	if err != nil {
		return err
	}
	v := views.MailView{Queued: o.Queued, Sent: o.Sent, SMTP: s.cfg.SMTPURL != ""}
	for _, m := range o.Problems {
		v.Problems = append(v.Problems, mailRow(m))
	}
	return s.render(c, http.StatusOK, views.MailPage(s.page(c, "Mail", "mail"), v))
}

func (s *Server) handleMailRetry(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	m, err := s.store.RetryMail(c.Request().Context(), currentUser(c), id, clientIP(c))
	if domain.ErrorCode(err) == domain.EConflict {
		s.flash(c, "error", domain.ErrorMessage(err))
		return c.Redirect(http.StatusSeeOther, "/admin/mail")
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/mail", "The message to "+m.To+" is queued again.")
}
