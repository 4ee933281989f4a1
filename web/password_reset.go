package web

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
	"admincenter/views"
)

func (s *Server) handlePasswordResetForm(c echo.Context) error {
	return s.render(c, http.StatusOK, views.PasswordResetRequestPage(s.page(c, loc(c).T("auth.reset.title"), ""), views.Form{}))
}

// handlePasswordResetRequest answers the same whether or not a user has the address. An address
// that has asked too often is paused (store.MaxPasswordResetRequests).
func (s *Server) handlePasswordResetRequest(c echo.Context) error {
	if err := s.store.CountPasswordResetRequest(c.Request().Context(), clientIP(c)); err != nil {
		if domain.ErrorCode(err) != domain.ETooMany {
			return err
		}
		s.setRetryAfter(c, err)
		return s.render(c, http.StatusTooManyRequests,
			views.PasswordResetRequestPage(s.page(c, loc(c).T("auth.reset.title"), ""), formOf(c, err, "email")))
	}
	err := s.store.RequestPasswordReset(c.Request().Context(), c.FormValue("email"), clientIP(c))
	if domain.ErrorCode(err) == domain.EInvalid {
		return s.render(c, http.StatusUnprocessableEntity,
			views.PasswordResetRequestPage(s.page(c, loc(c).T("auth.reset.title"), ""), formOf(c, err, "email")))
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/login", loc(c).T("auth.reset.sent", "Email", domain.NormalizeEmail(c.FormValue("email"))))
}

// passwordResetPage shows the link's form, or why it no longer works (404 for a token that
// never was, 410 for a used or expired one).
func (s *Server) passwordResetPage(c echo.Context, f views.Form) error {
	token := c.Param("token")
	v := views.PasswordResetView{Token: token, Form: f}
	status := http.StatusOK
	r, err := s.store.FindPasswordReset(c.Request().Context(), token)
	switch {
	case domain.ErrorCode(err) == domain.ENotFound:
		status, v.Gone = http.StatusNotFound, sayError(c, err)
	case err != nil:
		return err
	default:
		v.Email, v.Gone = r.User.Email, loc(c).Msg(r.Gone)
		if !r.Gone.IsZero() {
			status = http.StatusGone
		} else if f.Has() {
			status = http.StatusUnprocessableEntity
		}
	}
	return s.render(c, status, views.PasswordResetPage(s.page(c, loc(c).T("auth.reset.choose_title"), ""), v))
}

func (s *Server) handlePasswordResetLink(c echo.Context) error {
	return s.passwordResetPage(c, views.Form{})
}

func (s *Server) handlePasswordReset(c echo.Context) error {
	u, err := s.resetPassword(c.Request().Context(), c.Param("token"), c.FormValue("new_password"), clientIP(c))
	switch domain.ErrorCode(err) {
	case "":
		if cur := currentUser(c); cur != nil && cur.SID == u.SID {
			s.clearSessionCookie(c) // that session has just ended with the others
		}
		return s.redirectFlash(c, "/login", loc(c).T("auth.reset.done"))
	case domain.EInvalid, domain.EConflict, domain.ENotFound:
		return s.passwordResetPage(c, formOf(c, err))
	}
	return err
}

// resetPassword sets a new password through a reset link: a link that no longer works is refused
// first, then the password is checked against the policy with its user's email and name as
// hints, and hashed for the store.
func (s *Server) resetPassword(ctx context.Context, token, password, ip string) (*domain.User, error) {
	r, err := s.store.FindPasswordReset(ctx, token)
	if err != nil {
		return nil, err
	}
	if !r.Gone.IsZero() {
		return nil, domain.Fail(domain.EConflict, r.Gone)
	}
	if err := domain.FieldError("new_password", auth.PasswordProblem(password, r.User.Email, r.User.Name)); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	return s.store.ResetPassword(ctx, token, hash, ip)
}
