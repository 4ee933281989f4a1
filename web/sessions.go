package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/i18n"
	"admincenter/internal/store"
	"admincenter/views"
)

func (s *Server) handleSessions(c echo.Context) error {
	u, cur := currentUser(c), currentSession(c)
	list, err := s.store.ListSessions(c.Request().Context(), u.SID, s.policy)
	if err != nil {
		return err
	}
	rows := make([]views.SessionRow, 0, len(list))
	for _, x := range list {
		rows = append(rows, views.SessionRow{Ref: store.SessionRef(x.IDHash), Browser: browserLabel(loc(c), x.UserAgent), IP: x.IP,
			CreatedAt: x.CreatedAt, LastSeenAt: x.LastSeenAt, Current: string(x.IDHash) == string(cur.IDHash)})
	}
	return s.render(c, http.StatusOK, views.SessionsPage(s.page(c, loc(c).T("security.sessions.title"), "sessions"), rows))
}

func (s *Server) handleSessionRevoke(c echo.Context) error {
	u := currentUser(c)
	if err := s.store.RevokeSession(c.Request().Context(), u, c.Param("ref"), clientIP(c)); err != nil {
		return err
	}
	if c.Param("ref") == store.SessionRef(currentSession(c).IDHash) {
		s.clearSessionCookie(c)
		return s.redirectFlash(c, "/login", loc(c).T("auth.signed_out"))
	}
	return s.redirectFlash(c, "/settings/sessions", loc(c).T("security.sessions.revoked"))
}

func (s *Server) handleSessionsRevokeOthers(c echo.Context) error {
	n, err := s.store.RevokeOtherSessions(c.Request().Context(), currentUser(c), currentSession(c).IDHash, clientIP(c))
	if err != nil {
		return err
	}
	msg := loc(c).T("security.sessions.none_other")
	if n > 0 {
		msg = loc(c).TN("security.sessions.others_done", n)
	}
	return s.redirectFlash(c, "/settings/sessions", msg)
}

func (s *Server) handlePasswordForm(c echo.Context) error {
	return s.render(c, http.StatusOK, views.PasswordPage(s.page(c, loc(c).T("security.password.title"), "password"), views.Form{}))
}

func (s *Server) handlePasswordChange(c echo.Context) error {
	u := currentUser(c)
	hash, err := s.changePassword(c.Request().Context(), u, currentSession(c).IDHash,
		c.FormValue("current_password"), c.FormValue("new_password"), s.signInSource(c, u))
	status := http.StatusUnprocessableEntity
	switch domain.ErrorCode(err) {
	case "":
		// The new password retired every device cookie; this browser, which knew the old one,
		// gets a new cookie.
		changed := *u
		changed.PasswordHash = hash
		s.setDeviceCookie(c, &changed)
		return s.redirectFlash(c, "/settings/password", loc(c).T("security.password.changed"))
	case domain.EInvalid:
	case domain.ETooMany:
		status = http.StatusTooManyRequests
		s.setRetryAfter(c, err)
	default:
		return err
	}
	return s.render(c, status, views.PasswordPage(s.page(c, loc(c).T("security.password.title"), "password"), formOf(c, err)))
}

// browserLabel is describeBrowser in the reader's language ("Firefox on Windows", "Windows の Firefox").
func browserLabel(l *i18n.Locale, ua string) string {
	b, os, _ := strings.Cut(describeBrowser(ua), " on ")
	switch b {
	case "Unknown browser":
		b = l.T("security.sessions.unknown_browser")
	case "Go HTTP client":
		b = l.T("security.sessions.go_client")
	}
	if os == "" {
		return b
	}
	return l.T("security.sessions.browser_on", "Browser", b, "OS", os)
}

// describeBrowser turns a User-Agent header into "Firefox on Windows"; good enough to recognise
// one's own devices, never shown as raw header text.
func describeBrowser(ua string) string {
	browser, os := "Unknown browser", ""
	switch {
	case strings.Contains(ua, "Edg/"):
		browser = "Edge"
	case strings.Contains(ua, "OPR/"):
		browser = "Opera"
	case strings.Contains(ua, "Firefox/"):
		browser = "Firefox"
	case strings.Contains(ua, "HeadlessChrome/"):
		browser = "Headless Chrome"
	case strings.Contains(ua, "Chrome/"):
		browser = "Chrome"
	case strings.Contains(ua, "Safari/"):
		browser = "Safari"
	case strings.HasPrefix(ua, "curl/"):
		browser = "curl"
	case strings.HasPrefix(ua, "Go-http-client"):
		browser = "Go HTTP client"
	}
	switch {
	case strings.Contains(ua, "Android"):
		os = "Android"
	case strings.Contains(ua, "iPhone"), strings.Contains(ua, "iPad"):
		os = "iOS"
	case strings.Contains(ua, "Windows"):
		os = "Windows"
	case strings.Contains(ua, "Mac OS X"), strings.Contains(ua, "Macintosh"):
		os = "macOS"
	case strings.Contains(ua, "CrOS"):
		os = "ChromeOS"
	case strings.Contains(ua, "Linux"):
		os = "Linux"
	}
	if os == "" {
		return browser
	}
	return browser + " on " + os
}
