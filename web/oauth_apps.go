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
		note := ""
		switch r {
		case domain.RoleOwner:
			note = "Listed, but changes only through owner transfer: not created or deleted through the API."
		case domain.RoleAdministrator:
			note = "Includes the other roles."
		}
		rows = append(rows, views.RoleRow{Label: domain.RoleLabel(r), SID: domain.RoleSID(r), Note: note})
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
	return s.render(c, status, views.OAuthAppsPage(s.page(c, "OAuth apps", "oauth"), v))
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
	return s.redirectFlash(c, "/admin/oauth-apps", "OAuth app “"+app.Name+"” created. Copy its client secret now: it is shown only once.")
}

func (s *Server) handleOAuthAppRevoke(c echo.Context) error {
	app, err := s.store.RevokeOAuthApp(c.Request().Context(), currentUser(c), c.Param("sid"), clientIP(c))
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/oauth-apps", "OAuth app “"+app.Name+"” revoked. Its secret and tokens no longer work.")
}

func (s *Server) handleAPIGuide(c echo.Context) error {
	v := views.APIGuideView{OrgSID: currentUser(c).OrgSID, BaseURL: strings.TrimRight(s.cfg.BaseURL, "/"), Roles: roleRows(),
		Limits: []string{
			"Access tokens expire after one hour; fetch a new one with the same credentials.",
			"Each OAuth app may make " + strconv.FormatFloat(s.cfg.APIRate, 'f', -1, 64) + " calls a second, in bursts of up to " + strconv.FormatFloat(2*s.cfg.APIRate, 'f', -1, 64) + "; beyond that the answer is 429 with Retry-After.",
			"Request bodies are JSON (application/json; SCIM also application/scim+json) of at most 1 MiB; unknown fields are refused.",
			"Lists return at most " + strconv.Itoa(domain.MaxPageSize) + " items a page (PageSize, default " + strconv.Itoa(domain.PageSize) + ").",
		},
		Errors: []views.APIErrorRow{
			{Code: api.CodeInvalid, Status: 400, Meaning: "Bad request: malformed JSON, an unknown field, a wrong content type or an invalid value; SCIM errors add a scimType such as invalidFilter."},
			{Code: api.CodeAuthenticate, Status: 401, Meaning: "Missing, expired or invalid access token, wrong client credentials, or a revoked OAuth app."},
			{Code: api.CodeMethod, Status: 405, Meaning: "That method is not allowed on this resource."},
			{Code: api.CodeNotFound, Status: 404, Meaning: "No such resource in this organization (another organization's SIDs included)."},
			{Code: api.CodeConflict, Status: 409, Meaning: "It exists already (a duplicate role assignment or userName), or If-Match named an older version."},
			{Code: api.CodeTooLarge, Status: 413, Meaning: "The request body is larger than 1 MiB."},
			{Code: api.CodeTooMany, Status: 429, Meaning: "Too many requests: wait for the seconds in Retry-After."},
			{Code: api.CodeInternal, Status: 500, Meaning: "Something went wrong on our side; retry later."},
			{Code: api.CodeUnavailable, Status: 503, Meaning: "The database cannot be reached just now; retry after the seconds in Retry-After."},
			{Code: api.CodeScopeNotInOrg, Status: 400, Meaning: "The role assignment's scope is not a managed account of the organization."},
		}}
	return s.render(c, http.StatusOK, views.APIGuidePage(s.page(c, "API guide · OAuth apps", "oauth"), v))
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
