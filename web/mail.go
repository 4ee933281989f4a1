package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

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
