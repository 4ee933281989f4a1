package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

// The invitation link pages. Opening a link never uses it; only the accept or decline POST does.
// The token is in the path, so these pages send no Referer anywhere (securityHeaders).

// invitationPage renders the page of a link with the given status and an optional error.
func (s *Server) invitationPage(c echo.Context, status int, token string, inv *domain.Invitation, problem string) error {
	v := views.InvitationView{Inv: inv, Token: token, Error: problem}
	if inv != nil {
		if err := store.InvitationGone(inv, s.store.Now()); err != nil {
			v.Gone = sayError(c, err)
		}
	}
	u := currentUser(c)
	switch {
	case u == nil:
		v.Mode = "signed-out"
	case inv != nil && domain.NormalizeEmail(u.Email) == domain.NormalizeEmail(inv.Email):
		v.Mode = "invitee"
	default:
		v.Mode = "other"
		v.SignedInAs = u.Email
	}
	v.SignInURL = "/login?next=" + url.QueryEscape("/invitations/"+token)
	v.SignUpURL = "/signup?invitation=" + url.QueryEscape(token)
	title := loc(c).T("invitation.title")
	if inv != nil {
		title = loc(c).T("invitation.title_to", "Account", inv.AccountName)
	}
	return s.render(c, status, views.InvitationPage(s.page(c, title, ""), v))
}

func (s *Server) handleInvitation(c echo.Context) error {
	token := c.Param("token")
	inv, err := s.store.FindInvitationByToken(c.Request().Context(), token)
	if domain.ErrorCode(err) == domain.ENotFound {
		return s.invitationPage(c, http.StatusNotFound, token, nil, sayError(c, err))
	}
	if err != nil {
		return err
	}
	status := http.StatusOK
	if store.InvitationGone(inv, s.store.Now()) != nil {
		status = http.StatusGone
	}
	return s.invitationPage(c, status, token, inv, "")
}

func (s *Server) handleInvitationAccept(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.Param("token")
	u := currentUser(c)
	if u == nil {
		inv, err := s.store.FindInvitationByToken(ctx, token)
		if domain.ErrorCode(err) == domain.ENotFound {
			return s.invitationPage(c, http.StatusNotFound, token, nil, sayError(c, err))
		}
		if err != nil {
			return err
		}
		return s.invitationPage(c, http.StatusUnauthorized, token, inv, loc(c).T("invitation.signin_as", "Email", inv.Email))
	}
	inv, err := s.store.AcceptInvitation(ctx, u, token, clientIP(c))
	if err != nil {
		return s.invitationRefused(c, token, err)
	}
	return s.redirectFlash(c, "/admin/accounts/"+inv.AccountSID,
		"Welcome to "+inv.AccountName+". You have the roles: "+roleNames(inv.Roles)+".")
}

// invitationRefused shows the link's page with why an accept or decline did not happen.
func (s *Server) invitationRefused(c echo.Context, token string, err error) error {
	status := 0
	switch domain.ErrorCode(err) {
	case domain.ENotFound:
		return s.invitationPage(c, http.StatusNotFound, token, nil, sayError(c, err))
	case domain.EForbidden:
		status = http.StatusForbidden
	case domain.EConflict:
		status = http.StatusConflict
	default:
		return err
	}
	inv, ferr := s.store.FindInvitationByToken(c.Request().Context(), token)
	if ferr != nil {
		return ferr
	}
	return s.invitationPage(c, status, token, inv, sayError(c, err))
}

func (s *Server) handleInvitationDecline(c echo.Context) error {
	token := c.Param("token")
	inv, err := s.store.DeclineInvitation(c.Request().Context(), currentUser(c), token, clientIP(c))
	if err != nil {
		return s.invitationRefused(c, token, err)
	}
	return s.redirectFlash(c, "/invitations/"+url.PathEscape(token), loc(c).T("invitation.declined_flash", "Account", inv.AccountName))
}

func roleNames(roles []string) string {
	out := ""
	for i, r := range roles {
		if i > 0 {
			out += ", "
		}
		out += domain.RoleLabel(r)
	}
	return out
}
