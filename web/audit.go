package web

import (
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

var auditFields = []string{"actor", "action", "account", "from", "to"}

func (s *Server) handleAuditLog(c echo.Context) error {
	u := currentUser(c)
	f := store.AuditFilter{OrgSID: u.OrgSID, Actor: c.QueryParam("actor"), Action: c.QueryParam("action"),
		Account: c.QueryParam("account"), From: c.QueryParam("from"), To: c.QueryParam("to"), Cursor: c.QueryParam("cursor")}
	// The days of From and To are the reader's, as the times on the page are.
	if z := loc(c).Zone; z != time.UTC {
		f.Zone = z.String()
	}
	q := url.Values{}
	for _, name := range auditFields {
		if v := strings.TrimSpace(c.QueryParam(name)); v != "" {
			q.Set(name, v)
		}
	}
	if c.QueryParam("format") == "csv" {
		return s.auditCSV(c, f)
	}
	v := views.AuditView{Filter: views.Form{Values: map[string]string{}}}
	for name := range q {
		v.Filter.Values[name] = q.Get(name)
	}
	csvQ := url.Values{"format": {"csv"}}
	for k := range q {
		csvQ.Set(k, q.Get(k))
	}
	v.CSVURL = "/admin/audit?" + csvQ.Encode()
	status := http.StatusOK
	page, err := s.store.ListAuditEvents(c.Request().Context(), f)
	if errors.Is(err, domain.ErrBadCursor) {
		s.flashNow(c, "error", sayError(c, err))
		status, f.Cursor = http.StatusUnprocessableEntity, ""
		page, err = s.store.ListAuditEvents(c.Request().Context(), f)
	}
	if isInvalid(err) {
		v.Filter.Errors, v.Filter.Msgs = domain.FieldErrors(err), domain.FieldMessages(err)
		return s.render(c, http.StatusUnprocessableEntity, views.AuditPage(s.page(c, loc(c).T("audit.title"), "audit"), v))
	}
	if err != nil {
		return err
	}
	v.Events = page.Events
	v.Rows = renderedRows(c.Request().Context(), &page.Rows, views.AuditRows(page.Events))
	at := func(cursor string) string {
		if cursor == "" {
			return ""
		}
		n := url.Values{"cursor": {cursor}}
		for k := range q {
			n.Set(k, q.Get(k))
		}
		return "/admin/audit?" + n.Encode()
	}
	v.NextURL, v.PrevURL = at(page.Next), at(page.Prev)
	return s.render(c, status, views.AuditPage(s.page(c, loc(c).T("audit.title"), "audit"), v))
}

// auditCSV streams the filtered audit log as CSV. Cells that a spreadsheet would run as a
// formula are prefixed with a quote.
func (s *Server) auditCSV(c echo.Context, f store.AuditFilter) error {
	var w *csv.Writer
	start := func() error {
		h := c.Response().Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="audit-log-`+s.store.Now().UTC().Format("20060102-150405")+`.csv"`)
		c.Response().WriteHeader(http.StatusOK)
		w = csv.NewWriter(c.Response())
		return w.Write([]string{"time_utc", "actor_type", "actor_sid", "actor", "action", "target_type", "target_sid",
			"account_sid", "before", "after", "ip", "outcome"})
	}
	n := 0
	err := s.store.EachAuditEvent(c.Request().Context(), f, func(e domain.AuditEvent) error {
		if w == nil {
			if err := start(); err != nil {
				return err
			}
		}
		rec := []string{e.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"), e.ActorType, e.ActorSID, e.ActorLabel, e.Action,
			e.TargetType, e.TargetSID, e.AccountSID, e.Before, e.After, e.IP, e.Outcome}
		for i := range rec {
			rec[i] = csvSafe(rec[i])
		}
		if err := w.Write(rec); err != nil {
			return err
		}
		if n++; n%500 == 0 {
			w.Flush()
		}
		return w.Error()
	})
	if err != nil && w == nil {
		return err // nothing sent yet: the error page (a 422 for a bad filter)
	}
	if err != nil {
		s.log.Warn("audit export stopped", "error", err.Error(), "rows", strconv.Itoa(n))
		return nil
	}
	if w == nil {
		if err := start(); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// csvSafe defuses spreadsheet formula injection: a cell starting with = + - @ or a control
// character is prefixed with an apostrophe, which spreadsheets show as text.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	return s
}
