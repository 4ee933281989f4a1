package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/mail"
	"admincenter/internal/store"
	"admincenter/views"
)

// mailRow shows an outbox message as its recipient gets it. A message that cannot be written
// (a kind this version does not know) is still listed, with why, so that the page that shows
// failed mail never fails itself.
func (s *Server) mailRow(m *store.OutboxMail) views.MailRow {
	row := views.MailRow{ID: m.ID, To: m.To, State: m.State, Attempts: m.Attempts, LastError: m.LastError,
		NextAttemptAt: m.NextAttemptAt, CreatedAt: m.CreatedAt, SentAt: m.SentAt}
	msg, err := mail.Compose(m, s.cfg.BaseURL)
	if err != nil {
		row.Subject, row.Text = "(an email of kind “"+string(m.Kind)+"” that cannot be shown)", err.Error()
		return row
	}
	row.Subject, row.Text, row.LinkErased = msg.Subject, msg.Text, m.State == store.MailSent && msg.LinkErased
	return row
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
		v.Messages = append(v.Messages, s.mailRow(m))
	}
	return s.render(c, http.StatusOK, views.DevMailPage(s.page(c, loc(c).T("devmail.heading"), "dev-mail"), v))
}

func (s *Server) handleMailPage(c echo.Context) error {
	o, err := s.store.MailOverviewOf(c.Request().Context(), currentUser(c).OrgSID)
	if err != nil {
		return err
	}
	v := views.MailView{Queued: o.Queued, Sent: o.Sent, SMTP: s.cfg.SMTPURL != ""}
	for _, m := range o.Problems {
		v.Problems = append(v.Problems, s.mailRow(m))
	}
	return s.render(c, http.StatusOK, views.MailPage(s.page(c, loc(c).T("mailpage.heading"), "mail"), v))
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
	return s.redirectFlash(c, "/admin/mail", loc(c).T("mailpage.requeued", "To", m.To))
}
