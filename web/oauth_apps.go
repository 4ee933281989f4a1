package web

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"admincenter/internal/api"
	"admincenter/internal/domain"
	"admincenter/views"
)

func roleRows() []views.RoleRow {
	rows := make([]views.RoleRow, 0, len(domain.AccountRoles))
	for _, r := range domain.AccountRoles {
		rows = append(rows, views.RoleRow{Role: r, SID: domain.RoleSID(r)})
	}
	return rows
}

func (s *Server) handleOAuthApps(c echo.Context) error {
	return s.renderOAuthApps(c, http.StatusOK, views.Form{}, s.takeNewApp(c))
}

func (s *Server) renderOAuthApps(c echo.Context, status int, f views.Form, created *views.CreatedApp) error {
	u := currentUser(c)
	apps, err := s.store.ListOAuthApps(c.Request().Context(), u.OrgSID)
	if err != nil {
		return err
	}
	if created != nil {
		for _, a := range apps {
			if a.SID == created.ClientID {
				created.Name = a.Name
			}
		}
	}
	v := views.OAuthAppsView{OrgSID: u.OrgSID, Apps: apps, Roles: roleRows(), Created: created, Form: f}
	return s.render(c, status, views.OAuthAppsPage(s.page(c, loc(c).T("oauth.title"), "oauth"), v))
}

func (s *Server) handleOAuthAppCreate(c echo.Context) error {
	u := currentUser(c)
	app, secret, err := s.store.CreateOAuthApp(c.Request().Context(), u, c.FormValue("name"), clientIP(c))
	if isInvalid(err) {
		return s.renderOAuthApps(c, http.StatusUnprocessableEntity, formOf(c, err, "name"), nil)
	}
	if err != nil {
		return err
	}
	s.putNewApp(c, u, app.SID, secret)
	return s.redirectFlash(c, "/admin/oauth-apps", loc(c).T("oauth.flash.created", "Name", app.Name))
}

func (s *Server) handleOAuthAppRevoke(c echo.Context) error {
	app, err := s.store.RevokeOAuthApp(c.Request().Context(), currentUser(c), c.Param("sid"), clientIP(c))
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/oauth-apps", loc(c).T("oauth.flash.revoked", "Name", app.Name))
}

func (s *Server) handleAPIGuide(c echo.Context) error {
	l := loc(c)
	rate := func(r float64) string { return strconv.FormatFloat(r, 'f', -1, 64) }
	v := views.APIGuideView{OrgSID: currentUser(c).OrgSID, BaseURL: strings.TrimRight(s.cfg.BaseURL, "/"), Roles: roleRows(),
		Limits: []string{
			l.T("api.limits.token"),
			l.T("api.limits.rate", "Rate", rate(s.cfg.APIRate), "Burst", rate(2*s.cfg.APIRate)),
			l.T("api.limits.body"),
			l.T("api.limits.page", "Max", l.Number(domain.MaxPageSize), "Default", l.Number(domain.PageSize)),
		},
		Errors: []views.APIErrorRow{
			{Code: api.CodeInvalid, Status: 400},
			{Code: api.CodeAuthenticate, Status: 401},
			{Code: api.CodeMethod, Status: 405},
			{Code: api.CodeNotFound, Status: 404},
			{Code: api.CodeConflict, Status: 409},
			{Code: api.CodeTooLarge, Status: 413},
			{Code: api.CodeTooMany, Status: 429},
			{Code: api.CodeInternal, Status: 500},
			{Code: api.CodeUnavailable, Status: 503},
			{Code: api.CodeScopeNotInOrg, Status: 400},
		}}
	return s.render(c, http.StatusOK, views.APIGuidePage(s.page(c, l.T("api.title"), "oauth"), v))
}

// The secret of a new app reaches the page after the redirect in a short-lived cookie, sealed
// (AES-GCM) and bound to the user who created it; the page shows it once and clears the cookie.
// It is never stored on the server.

const newAppTTL = 2 * time.Minute

func (s *Server) newAppCookieName() string {
	if s.secure {
		return "__Secure-ac_new_app"
	}
	return "ac_new_app"
}

func (s *Server) putNewApp(c echo.Context, u *domain.User, clientID, secret string) {
	plain := strings.Join([]string{u.SID, clientID, secret, strconv.FormatInt(time.Now().Add(newAppTTL).Unix(), 10)}, "\x00")
	sealed, err := s.keys.Seal([]byte(plain))
	if err != nil {
		return
	}
	c.SetCookie(&http.Cookie{Name: s.newAppCookieName(), Value: base64.RawURLEncoding.EncodeToString(sealed),
		Path: "/admin/oauth-apps", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode, MaxAge: int(newAppTTL / time.Second)})
}

func (s *Server) takeNewApp(c echo.Context) *views.CreatedApp {
	ck, err := c.Cookie(s.newAppCookieName())
	if err != nil || ck.Value == "" {
		return nil
	}
	c.SetCookie(&http.Cookie{Name: s.newAppCookieName(), Value: "", Path: "/admin/oauth-apps", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	sealed, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return nil
	}
	plain, err := s.keys.Open(sealed)
	if err != nil {
		return nil
	}
	parts := strings.Split(string(plain), "\x00")
	if len(parts) != 4 || parts[0] != currentUser(c).SID {
		return nil
	}
	if exp, err := strconv.ParseInt(parts[3], 10, 64); err != nil || time.Now().Unix() > exp {
		return nil
	}
	return &views.CreatedApp{ClientID: parts[1], Secret: parts[2]}
}
