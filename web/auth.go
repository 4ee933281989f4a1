package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

func (s *Server) handleHome(c echo.Context) error {
	ok, err := s.store.IsSetUp(c.Request().Context())
	if err != nil {
		return err
	}
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/setup")
	}
	u := currentUser(c)
	if u == nil {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	return c.Redirect(http.StatusSeeOther, landing(u))
}

// landing is where a user goes after sign-in: the Accounts page for the organization's
// Owner and Administrators, My accounts for everyone else.
func landing(u *domain.User) string {
	if u.OrgAdmin() {
		return "/admin/accounts"
	}
	return "/accounts"
}

func (s *Server) handleHealth(c echo.Context) error {
	if err := s.store.Ping(c.Request().Context()); err != nil {
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ok\n")
}

var setupFields = []string{"org_name", "domain", "name", "email", "password"}

func (s *Server) setupOpen(c echo.Context) error {
	ok, err := s.store.IsSetUp(c.Request().Context())
	if err != nil {
		return err
	}
	if ok {
		return echo.ErrNotFound
	}
	return nil
}

func (s *Server) handleSetupForm(c echo.Context) error {
	if err := s.setupOpen(c); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.SetupPage(s.page(c, loc(c).T("auth.setup.title"), ""), views.Form{}))
}

func (s *Server) handleSetup(c echo.Context) error {
	if err := s.setupOpen(c); err != nil {
		return err
	}
	in := domain.SetupInput{OrgName: c.FormValue("org_name"), Domain: c.FormValue("domain"), Name: c.FormValue("name"),
		Email: c.FormValue("email"), Password: c.FormValue("password")}
	err := in.Validate(auth.PasswordProblem)
	var owner *domain.User
	if err == nil {
		var hash string
		if hash, err = auth.HashPassword(in.Password); err != nil {
			return err
		}
		_, owner, err = s.store.Setup(c.Request().Context(), in, hash, clientIP(c))
	}
	if errors.Is(err, store.ErrAlreadySetUp) {
		return echo.ErrNotFound
	}
	if isInvalid(err) {
		return s.render(c, http.StatusUnprocessableEntity, views.SetupPage(s.page(c, loc(c).T("auth.setup.title"), ""), formOf(c, err, setupFields...)))
	}
	if err != nil {
		return err
	}
	// The installer just chose the Owner's password: sign them in rather than ask for it again.
	id, _, err := s.store.SignIn(c.Request().Context(), owner, clientIP(c), c.Request().UserAgent(), s.policy)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, id)
	s.setDeviceCookie(c, owner)
	return s.redirectFlash(c, landing(owner), loc(c).T("auth.setup.done"))
}

func (s *Server) handleLoginForm(c echo.Context) error {
	if u := currentUser(c); u != nil {
		return c.Redirect(http.StatusSeeOther, landing(u))
	}
	f := views.Form{Values: map[string]string{"next": c.QueryParam("next")}}
	return s.render(c, http.StatusOK, views.LoginPage(s.page(c, loc(c).T("auth.signin.title"), ""), f, s.loginView(c)))
}

// loginView says what the sign-in page offers besides the password form.
func (s *Server) loginView(c echo.Context) views.LoginView {
	on, err := s.store.AnySSOSettings(c.Request().Context())
	return views.LoginView{SSO: err == nil && on}
}

// errBadCredentials is the one answer to a wrong email or password: it never says which.
var errBadCredentials = domain.Fail(domain.EUnauthorized, domain.MsgBadCredentials)

func (s *Server) handleLogin(c echo.Context) error {
	email, password := domain.NormalizeEmail(c.FormValue("email")), c.FormValue("password")
	if err := domain.ValidateSignIn(email, password); err != nil {
		return s.render(c, http.StatusUnprocessableEntity, views.LoginPage(s.page(c, loc(c).T("auth.signin.title"), ""), formOf(c, err, "email", "next"), s.loginView(c)))
	}
	// A user under enforced single sign-on signs in at the identity provider, not here.
	if required, err := s.ssoRequired(c, email); err != nil {
		return err
	} else if required {
		link := ssoLink(email, safeNext(c.FormValue("next"), ""))
		return s.render(c, http.StatusForbidden, views.SSORequiredPage(s.page(c, loc(c).T("sso.required.title"), ""), email, link))
	}
	attempt := loginAttempt{email: email, password: password, ip: clientIP(c), userAgent: c.Request().UserAgent(),
		device: s.deviceCookie(c)}
	if old, err := c.Cookie(s.sessionCookieName()); err == nil {
		attempt.oldSession = old.Value
	}
	sess, err := s.signInWithPassword(c.Request().Context(), attempt)
	var throttled *store.ThrottledError
	switch {
	case errors.Is(err, errBadCredentials):
		f := formOf(c, errBadCredentials, "email", "next")
		return s.render(c, http.StatusUnauthorized, views.LoginPage(s.page(c, loc(c).T("auth.signin.title"), ""), f, s.loginView(c)))
	case errors.As(err, &throttled):
		s.setRetryAfter(c, err)
		f := formOf(c, err, "email", "next")
		return s.render(c, http.StatusTooManyRequests, views.LoginPage(s.page(c, loc(c).T("auth.signin.title"), ""), f))
	case err != nil:
		return err
	}
	s.setSessionCookie(c, sess.id)
	if sess.state == domain.SessionPending2FA {
		return c.Redirect(http.StatusSeeOther, loginTwoFactorURL(c.FormValue("next")))
	}
	s.setDeviceCookie(c, sess.user)
	return c.Redirect(http.StatusSeeOther, safeNext(c.FormValue("next"), landing(sess.user)))
}

// loginAttempt is a sign-in with an email and a password.
type loginAttempt struct {
	email, password string
	ip, userAgent   string
	oldSession      string // the raw id in the browser's session cookie, if it sent one
	device          string // the raw device cookie, if the browser sent one
}

// startedSession is the session a sign-in started.
type startedSession struct {
	user  *domain.User
	id    string // the raw session id, for the cookie
	state string // domain.SessionActive, or domain.SessionPending2FA until the second factor
}

// signInWithPassword runs the steps of a password sign-in: find the user, refuse a paused
// attempt (a *store.ThrottledError: see store.SignInSource for what is counted, which depends
// on whether the browser holds the user's device cookie), check the password and that the user
// is active, end the browser's old session and start a new one. Any wrong email or password or
// a deactivated user is recorded as a failure and answered with errBadCredentials. An unknown
// email costs a password check too, so that the answer takes as long as for a known one. The
// steps are separate store calls because the password check is slow by design and must not
// hold the writer.
func (s *Server) signInWithPassword(ctx context.Context, in loginAttempt) (startedSession, error) {
	src := store.SignInSource{Email: in.email, IP: in.ip}
	fail := func(u *domain.User, reason string) (startedSession, error) {
		if err := s.store.RecordSignInFailure(ctx, u, src, reason); err != nil {
			return startedSession{}, err
		}
		return startedSession{}, errBadCredentials
	}
	u, err := s.store.FindUserByEmail(ctx, in.email)
	if domain.ErrorCode(err) == domain.ENotFound {
		u, err = nil, nil
	}
	if err != nil {
		return startedSession{}, err
	}
	src.Device = s.deviceID(in.device, u)
	if err := s.store.CheckSignInThrottle(ctx, u, src); err != nil {
		return startedSession{}, err
	}
	if u == nil {
		auth.BurnPasswordCheck(in.password)
		return fail(nil, "unknown email")
	}
	ok, err := auth.CheckPassword(u.PasswordHash, in.password)
	if err != nil {
		return startedSession{}, err
	}
	if !ok {
		return fail(u, "wrong password")
	}
	if u.Status != domain.UserActive {
		return fail(u, "user deactivated")
	}
	// A new session id at every sign-in: a planted or older cookie is dropped.
	if in.oldSession != "" {
		if err := s.store.SignOut(ctx, in.oldSession, nil, ""); err != nil {
			return startedSession{}, err
		}
	}
	id, state, err := s.store.SignIn(ctx, u, in.ip, in.userAgent, s.policy)
	if err != nil {
		return startedSession{}, err
	}
	return startedSession{user: u, id: id, state: state}, nil
}

// confirmPassword checks the password u typed to confirm a sensitive change (action, as the
// audit log names it), under the same throttle as sign-in (src: the address and the browser's
// device cookie): a paused attempt is refused before any check. The hash is read again, since
// the user in hand may be from before a password change, and returned, for a change that must
// not overwrite a newer one. A wrong password is counted as a failed attempt, audited with
// reason, and answered with wrong on field.
func (s *Server) confirmPassword(ctx context.Context, u *domain.User, password string, src store.SignInSource, action, reason, field string, wrong domain.Message) (string, error) {
	if err := s.store.CheckSignInThrottle(ctx, u, src); err != nil {
		return "", err
	}
	fresh, err := s.store.FindUserBySID(ctx, u.SID)
	if err != nil {
		return "", err
	}
	ok, err := auth.CheckPassword(fresh.PasswordHash, password)
	if err != nil || ok {
		return fresh.PasswordHash, err
	}
	if err := s.store.RecordReauthenticationFailure(ctx, u, action, reason, src); err != nil {
		return "", err
	}
	return "", domain.FieldError(field, wrong)
}

// secondFactor matches a typed second-factor code of u: a TOTP code against the user's secret,
// as the time step it is of, or a recovery code, which the store checks by its hash. A code that
// matches nothing is the zero store.SecondFactor, which the store refuses and counts.
func (s *Server) secondFactor(ctx context.Context, u *domain.User, code string) (store.SecondFactor, error) {
	code = domain.NormalizeCode(code)
	switch {
	case domain.IsTOTPCode(code):
		key, err := s.store.FindTOTPKey(ctx, u.SID)
		if err != nil || key == nil {
			return store.SecondFactor{}, err
		}
		step, ok := auth.MatchTOTP(key.Secret, code, s.store.Now())
		if !ok {
			return store.SecondFactor{}, nil
		}
		return store.SecondFactor{Key: key, Step: step}, nil
	case domain.IsRecoveryCode(code):
		return store.SecondFactor{RecoveryCode: code}, nil
	}
	return store.SecondFactor{}, nil
}

// reauthenticate checks the password and second-factor code that confirm a sensitive change to
// u's two-factor sign-in (action names it in the audit log). A wrong password is recorded as a
// failed attempt and answered with a field error; otherwise it returns the second factor for
// the store to use up with the change (a wrong code is recorded there).
func (s *Server) reauthenticate(ctx context.Context, u *domain.User, password, code string, src store.SignInSource, action string) (store.SecondFactor, error) {
	if err := domain.ValidateReauthentication(password, code); err != nil {
		return store.SecondFactor{}, err
	}
	if _, err := s.confirmPassword(ctx, u, password, src, action, "wrong password", "password", domain.MsgPasswordWrong); err != nil {
		return store.SecondFactor{}, err
	}
	return s.secondFactor(ctx, u, code)
}

// completeTwoFactorSignIn runs the second step of a sign-in: the pending session pendingID and a
// TOTP or recovery code give a new, fully signed-in session, whose raw id it returns. The
// throttle is checked before the code is, with the browser's device cookie (rawDevice) as at
// the password step.
func (s *Server) completeTwoFactorSignIn(ctx context.Context, pendingID, code, ip, rawDevice, userAgent string) (string, *domain.User, error) {
	sess, u, err := s.store.FindSession(ctx, pendingID, s.policy)
	if err != nil {
		return "", nil, err
	}
	if sess.State != domain.SessionPending2FA {
		return "", nil, store.ErrNoSession
	}
	if err := domain.FieldError("code", domain.ValidateCodeInput(code)); err != nil {
		return "", u, err
	}
	src := store.SignInSource{Email: u.Email, IP: ip, Device: s.deviceID(rawDevice, u)}
	if err := s.store.CheckSignInThrottle(ctx, u, src); err != nil {
		return "", u, err
	}
	f, err := s.secondFactor(ctx, u, code)
	if err != nil {
		return "", u, err
	}
	id, err := s.store.CompleteTwoFactorSignIn(ctx, sess, u, f, src, userAgent, s.policy)
	return id, u, err
}

// changePassword sets u's password to next once current checks out: the new one is checked
// against the policy and hashed here, and replaces the hash current was checked against. A wrong
// current password is recorded as a failed attempt.
func (s *Server) changePassword(ctx context.Context, u *domain.User, keep []byte, current, next string, src store.SignInSource) (newHash string, err error) {
	if err := domain.ValidatePasswordChange(current, next, auth.PasswordProblem, u.Email, u.Name); err != nil {
		return "", err
	}
	oldHash, err := s.confirmPassword(ctx, u, current, src, "password.change", "wrong current password",
		"current_password", domain.MsgCurrentPasswordWrong)
	if err != nil {
		return "", err
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return "", err
	}
	return hash, s.store.ChangePassword(ctx, u, keep, oldHash, hash, src.IP)
}

func (s *Server) handleLogout(c echo.Context) error {
	if ck, err := c.Cookie(s.sessionCookieName()); err == nil && ck.Value != "" {
		if err := s.store.SignOut(c.Request().Context(), ck.Value, currentUser(c), clientIP(c)); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return s.redirectFlash(c, safeNext(c.FormValue("next"), "/login"), loc(c).T("auth.signed_out"))
}
