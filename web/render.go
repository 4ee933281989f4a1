package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/i18n"
	"admincenter/internal/store"
	"admincenter/views"
)

// render is the one bridge from templ to Echo.
func (s *Server) render(c echo.Context, status int, comp templ.Component) error {
	buf := renderBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledRender {
			buf.Reset()
			renderBufs.Put(buf)
		}
	}()
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	// A known length spares the page chunked encoding: fewer writes to the connection.
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	return c.HTMLBlob(status, buf.Bytes())
}

// renderedRows renders a page's table rows once for as long as the store keeps the page (d is
// the page's Derived slot) and returns a component that writes the same HTML again. Should that
// first rendering fail, rows itself is returned and renders (and fails) as usual.
func renderedRows(ctx context.Context, d *store.Derived, rows templ.Component) templ.Component {
	// The rows speak the reader's language and zone: only the default reader's (English, UTC)
	// are shared; anyone else's are rendered for them.
	if l := i18n.From(ctx); l.Lang != domain.LangEnglish || l.Zone != time.UTC {
		return rows
	}
	type result struct {
		html string
		err  error
	}
	r := d.Get(func() any {
		var b strings.Builder
		b.Grow(32 << 10) // a page of rows is 15–30 KB: one allocation, not a doubling series
		err := rows.Render(ctx, &b)
		return result{b.String(), err}
	}).(result)
	if r.err != nil {
		return rows
	}
	return templ.Raw(r.html)
}

// renderBufs recycles the buffers pages are rendered into (a list page is ~40 KB), which saves
// the garbage of growing a fresh buffer on every request. An unusually large page's buffer is
// left to the collector so that the pool never pins much memory.
var renderBufs = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}

const maxPooledRender = 256 << 10

// page builds the layout's view model for the current request.
func (s *Server) page(c echo.Context, title, nav string) views.Page {
	p := views.Page{Title: title, Nav: nav, User: currentUser(c), Dev: s.cfg.Dev && s.cfg.SMTPURL == "",
		Flashes: append(s.takeFlashes(c), nowFlashes(c)...)}
	p.CSRF, _ = c.Get(ctxCSRF).(string)
	if p.User != nil && p.User.OrgSID != "" {
		// The session query reads the organization's name with the user; look it up only for a
		// user the session did not load.
		if sess := currentSession(c); sess != nil && sess.UserSID == p.User.SID && sess.OrgName != "" {
			p.OrgName = sess.OrgName
		} else if org, err := s.store.FindOrganization(c.Request().Context(), p.User.OrgSID); err == nil {
			p.OrgName = org.Name
		}
	}
	return p
}

const flashSession = "ac_flash"

// flash queues a message for the next page the browser shows.
// maxFlashes is how many messages the flash cookie keeps until a page shows them: the newest. A
// browser that posts forms without loading the pages they lead to (several tabs, a script) would
// otherwise grow the cookie with every post, until its response headers outgrow what a proxy
// accepts (nginx answers 502 past 4 KB by default) and the cookie what a browser keeps.
const maxFlashes = 3

func (s *Server) flash(c echo.Context, kind, msg string) {
	sess, _ := s.flashes.Get(c.Request(), flashSession)
	if old := sess.Flashes(); len(old) > 0 {
		for _, f := range old[max(0, len(old)-(maxFlashes-1)):] {
			sess.AddFlash(f)
		}
	}
	sess.AddFlash(kind + "\x00" + msg)
	_ = sess.Save(c.Request(), c.Response())
}

func (s *Server) takeFlashes(c echo.Context) []views.Flash {
	if _, err := c.Cookie(flashSession); err != nil {
		return nil
	}
	sess, _ := s.flashes.Get(c.Request(), flashSession)
	raw := sess.Flashes()
	if len(raw) == 0 {
		return nil
	}
	_ = sess.Save(c.Request(), c.Response())
	out := make([]views.Flash, 0, len(raw))
	for _, r := range raw {
		str, _ := r.(string)
		kind, msg, _ := strings.Cut(str, "\x00")
		out = append(out, views.Flash{Kind: kind, Message: msg})
	}
	return out
}

// redirectFlash answers a successful POST: a flash, then 303 to the next page.
func (s *Server) redirectFlash(c echo.Context, to, msg string) error {
	if msg != "" {
		s.flash(c, "success", msg)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// formOf captures the submitted fields (never passwords) and the error's field messages,
// so that a 422 page shows the user's input and what to fix.
func formOf(c echo.Context, err error, fields ...string) views.Form {
	f := views.Form{Values: map[string]string{}, Errors: domain.FieldErrors(err), Msgs: domain.FieldMessages(err)}
	for _, name := range fields {
		if name != "password" {
			f.Values[name] = c.FormValue(name)
		}
	}
	if err != nil && len(f.Errors) == 0 {
		f.Error = sayError(c, err)
	}
	return f
}

// sayError is an error's message for the page, in the reader's language when the error carries
// a catalog message (domain.Fail), else its English text.
func sayError(c echo.Context, err error) string {
	if m, ok := domain.ErrorMsg(err); ok {
		return loc(c).Msg(m)
	}
	return domain.ErrorMessage(err)
}

// isInvalid reports whether err is bad input that the form should show.
func isInvalid(err error) bool {
	code := domain.ErrorCode(err)
	return code == domain.EInvalid || (code == domain.EConflict && len(domain.FieldErrors(err)) > 0)
}

// safeNext returns next when it is a local path, else fallback.
func safeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return next
}
