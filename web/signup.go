package web

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

func (s *Server) handleSignupForm(c echo.Context) error {
	if u := currentUser(c); u != nil {
		return c.Redirect(http.StatusSeeOther, landing(u))
	}
	v := views.SignupView{Invitation: c.QueryParam("invitation")}
	if v.Invitation != "" {
		email, err := s.store.FindInvitationEmail(c.Request().Context(), v.Invitation)
		if err != nil {
			return s.invitationGone(c, err)
		}
		v.InvitedEmail = email
	}
	return s.render(c, http.StatusOK, views.SignupPage(s.page(c, loc(c).T("auth.signup.title"), ""), v))
}

// invitationGone renders the page for an invitation link that no longer works.
func (s *Server) invitationGone(c echo.Context, err error) error {
	if err != store.ErrInvitationGone {
		return err
	}
	p := s.page(c, loc(c).T("invitation.title"), "")
	return s.render(c, http.StatusGone, views.ErrorPage(p, http.StatusGone, loc(c).T("auth.invitation_gone.heading"), sayError(c, err)))
}

func (s *Server) handleSignup(c echo.Context) error {
	ctx := c.Request().Context()
	in := domain.SignUpInput{Name: c.FormValue("name"), Email: c.FormValue("email"), Password: c.FormValue("password"),
		Invitation: c.FormValue("invitation")}
	u, err := s.signUp(ctx, in, clientIP(c))
	if err == store.ErrInvitationGone {
		return s.invitationGone(c, err)
	}
	if isInvalid(err) {
		v := views.SignupView{Form: formOf(c, err, "name", "email"), Invitation: in.Invitation}
		if in.Invitation != "" {
			v.InvitedEmail, _ = s.store.FindInvitationEmail(ctx, in.Invitation)
		}
		return s.render(c, http.StatusUnprocessableEntity, views.SignupPage(s.page(c, loc(c).T("auth.signup.title"), ""), v))
	}
	if err != nil {
		return err
	}
	id, _, err := s.store.SignIn(ctx, u, clientIP(c), c.Request().UserAgent(), s.policy)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, id)
	if in.Invitation != "" {
		return s.redirectFlash(c, "/invitations/"+in.Invitation, loc(c).T("auth.signup.welcome_invited", "Name", u.Name))
	}
	return s.redirectFlash(c, "/accounts", loc(c).T("auth.signup.welcome", "Name", u.Name))
}

// signUp checks the new user's password against the policy and hashes it, then creates the user.
func (s *Server) signUp(ctx context.Context, in domain.SignUpInput, ip string) (*domain.User, error) {
	if err := in.Validate(auth.PasswordProblem); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u, _, err := s.store.SignUp(ctx, in, hash, ip)
	return u, err
}
