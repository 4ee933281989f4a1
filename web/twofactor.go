package web

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

// enrollTTL is how long a secret offered for enrollment stays valid.
const enrollTTL = 30 * time.Minute

// The secret offered during enrollment lives in a sealed (AES-GCM) cookie until the user
// proves their app has it, so that showing the page changes nothing on the server.
func (s *Server) enrollCookieName() string {
	if s.secure {
		return "__Host-ac_totp_enroll"
	}
	return "ac_totp_enroll"
}

// enrollSecret returns the secret offered to u earlier in this browser, or "".
func (s *Server) enrollSecret(c echo.Context, u *domain.User) string {
	ck, err := c.Cookie(s.enrollCookieName())
	if err != nil || ck.Value == "" || len(ck.Value) > 512 {
		return ""
	}
	sealed, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return ""
	}
	plain, err := s.keys.Open(sealed)
	if err != nil {
		return ""
	}
	parts := strings.Split(string(plain), "\x00")
	if len(parts) != 3 || parts[0] != u.SID {
		return ""
	}
	issued, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || s.store.Now().Sub(time.Unix(issued, 0)) > enrollTTL {
		return ""
	}
	return parts[1]
}

func (s *Server) setEnrollCookie(c echo.Context, u *domain.User, secret string) error {
	sealed, err := s.keys.Seal([]byte(u.SID + "\x00" + secret + "\x00" + strconv.FormatInt(s.store.Now().Unix(), 10)))
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: s.enrollCookieName(), Value: base64.RawURLEncoding.EncodeToString(sealed), Path: "/",
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode, MaxAge: int(enrollTTL / time.Second)})
	return nil
}

func (s *Server) clearEnrollCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: s.enrollCookieName(), Value: "", Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// twoFactorView builds the settings page. While two-factor is off it offers a secret: the one
// this browser was already shown, or a new one.
func (s *Server) twoFactorView(c echo.Context, u *domain.User) (views.TwoFactorView, error) {
	st, err := s.store.FindTwoFactorStatus(c.Request().Context(), u.SID)
	if err != nil {
		return views.TwoFactorView{}, err
	}
	v := views.TwoFactorView{Enabled: st.Enabled, EnabledAt: st.EnabledAt, RecoveryCodesLeft: st.RecoveryCodesLeft, Account: u.Email}
	if st.Enabled {
		return v, nil
	}
	secret := s.enrollSecret(c, u)
	if secret == "" {
		secret = auth.NewTOTPSecret()
		if err := s.setEnrollCookie(c, u, secret); err != nil {
			return v, err
		}
	}
	png, err := auth.TOTPQRCode(auth.TOTPURL("Admin Center", u.Email, secret), 200)
	if err != nil {
		return v, err
	}
	v.Secret = secret
	v.QRCode = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	return v, nil
}

func (s *Server) handleTwoFactorSettings(c echo.Context) error {
	v, err := s.twoFactorView(c, currentUser(c))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.TwoFactorPage(s.page(c, loc(c).T("security.2fa.title"), "2fa"), v))
}

// handleTwoFactorEnable turns two-factor on and shows the recovery codes, once.
func (s *Server) handleTwoFactorEnable(c echo.Context) error {
	u := currentUser(c)
	if u.TOTPEnabled {
		return s.redirectFlash(c, "/settings/2fa", loc(c).T("security.2fa.already_on"))
	}
	secret := s.enrollSecret(c, u)
	if secret == "" {
		s.flashNow(c, "error", loc(c).T("security.2fa.key_expired"))
		v, err := s.twoFactorView(c, u)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, views.TwoFactorPage(s.page(c, loc(c).T("security.2fa.title"), "2fa"), v))
	}
	codes := auth.NewRecoveryCodes(auth.RecoveryCodeCount)
	err := s.enableTOTP(c.Request().Context(), u, currentSession(c).IDHash, secret, c.FormValue("code"), codes, clientIP(c))
	if isInvalid(err) {
		v, verr := s.twoFactorView(c, u)
		if verr != nil {
			return verr
		}
		v.Enroll = formOf(c, err)
		return s.render(c, http.StatusUnprocessableEntity, views.TwoFactorPage(s.page(c, loc(c).T("security.2fa.title"), "2fa"), v))
	}
	if err != nil {
		return err
	}
	s.clearEnrollCookie(c)
	s.flashNow(c, "success", loc(c).T("security.2fa.now_on"))
	return s.render(c, http.StatusOK, views.RecoveryCodesPage(s.page(c, loc(c).T("security.codes.title"), "2fa"), views.RecoveryCodesView{Codes: codes}))
}

// errEnrollCode answers an enrollment code that does not match the secret offered.
var errEnrollCode = domain.FieldError("code", domain.MsgCodeWrongEnroll)

// enableTOTP turns two-factor sign-in on with secret once code, a TOTP code, matches it; the
// store uses up the code's time step with the change.
func (s *Server) enableTOTP(ctx context.Context, u *domain.User, keep []byte, secret, code string, recoveryCodes []string, ip string) error {
	if m := domain.ValidateCodeInput(code); !m.IsZero() || !domain.IsTOTPCode(domain.NormalizeCode(code)) {
		if m.IsZero() {
			m = domain.MsgCodeTOTPOnly
		}
		return domain.FieldError("code", m)
	}
	step, ok := auth.MatchTOTP(secret, domain.NormalizeCode(code), s.store.Now())
	if !ok {
		return errEnrollCode
	}
	return s.store.EnableTOTP(ctx, u, keep, secret, step, recoveryCodes, ip)
}

func (s *Server) handleTwoFactorDisable(c echo.Context) error {
	u := currentUser(c)
	if !u.TOTPEnabled {
		return s.redirectFlash(c, "/settings/2fa", loc(c).T("security.2fa.already_off"))
	}
	ctx := c.Request().Context()
	f, err := s.reauthenticate(ctx, u, c.FormValue("password"), c.FormValue("code"), s.signInSource(c, u), "2fa.disable")
	if err == nil {
		err = s.store.DisableTOTP(ctx, u, currentSession(c).IDHash, f, clientIP(c))
	}
	if err != nil {
		return s.reauthFailed(c, u, err, func(v *views.TwoFactorView, f views.Form) { v.Disable = f })
	}
	return s.redirectFlash(c, "/settings/2fa", loc(c).T("security.2fa.now_off"))
}

func (s *Server) handleRecoveryCodesRegenerate(c echo.Context) error {
	u := currentUser(c)
	if !u.TOTPEnabled {
		return s.redirectFlash(c, "/settings/2fa", loc(c).T("security.2fa.codes_need_2fa"))
	}
	codes := auth.NewRecoveryCodes(auth.RecoveryCodeCount)
	ctx := c.Request().Context()
	f, err := s.reauthenticate(ctx, u, c.FormValue("password"), c.FormValue("code"), s.signInSource(c, u), "2fa.recovery_codes.regenerate")
	if err == nil {
		err = s.store.RegenerateRecoveryCodes(ctx, u, currentSession(c).IDHash, f, codes, clientIP(c))
	}
	if err != nil {
		return s.reauthFailed(c, u, err, func(v *views.TwoFactorView, f views.Form) { v.Regenerate = f })
	}
	s.flashNow(c, "success", loc(c).T("security.codes.ready"))
	return s.render(c, http.StatusOK, views.RecoveryCodesPage(s.page(c, loc(c).T("security.codes.title"), "2fa"),
		views.RecoveryCodesView{Codes: codes, Regenerated: true}))
}

// reauthFailed answers a password-and-code form that failed: 422 with the messages next to the
// fields, or 429 when attempts are paused. Any other error goes to the error handler.
func (s *Server) reauthFailed(c echo.Context, u *domain.User, err error, place func(*views.TwoFactorView, views.Form)) error {
	status := http.StatusUnprocessableEntity
	switch domain.ErrorCode(err) {
	case domain.EInvalid:
	case domain.ETooMany:
		status = http.StatusTooManyRequests
		s.setRetryAfter(c, err)
	default:
		return err
	}
	v, verr := s.twoFactorView(c, u)
	if verr != nil {
		return verr
	}
	place(&v, formOf(c, err))
	return s.render(c, status, views.TwoFactorPage(s.page(c, loc(c).T("security.2fa.title"), "2fa"), v))
}

// setRetryAfter adds Retry-After (seconds) to a 429 answer.
func (s *Server) setRetryAfter(c echo.Context, err error) {
	if d := store.RetryAfter(err, s.store.Now()); d > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
}

func loginTwoFactorURL(next string) string {
	if n := safeNext(next, ""); n != "" {
		return "/login/2fa?next=" + url.QueryEscape(n)
	}
	return "/login/2fa"
}

// loginURL is the sign-in page, keeping where the user was going.
func loginURL(next string) string {
	if n := safeNext(next, ""); n != "" {
		return "/login?next=" + url.QueryEscape(n)
	}
	return "/login"
}

// pendingSignIn returns the raw id of the browser's pending (password-only) session, or "".
func (s *Server) pendingSignIn(c echo.Context) string {
	sess := currentSession(c)
	if sess == nil || sess.State != domain.SessionPending2FA {
		return ""
	}
	ck, err := c.Cookie(s.sessionCookieName())
	if err != nil {
		return ""
	}
	return ck.Value
}

func (s *Server) handleLoginTwoFactorForm(c echo.Context) error {
	if u := currentUser(c); u != nil {
		return c.Redirect(http.StatusSeeOther, landing(u))
	}
	if s.pendingSignIn(c) == "" {
		s.flash(c, "info", loc(c).T("security.login2fa.timed_out"))
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	f := views.Form{Values: map[string]string{"next": safeNext(c.QueryParam("next"), "")}}
	return s.render(c, http.StatusOK, views.LoginTwoFactorPage(s.page(c, loc(c).T("security.login2fa.title"), ""), f))
}

func (s *Server) handleLoginTwoFactor(c echo.Context) error {
	if u := currentUser(c); u != nil {
		return c.Redirect(http.StatusSeeOther, landing(u))
	}
	pending := s.pendingSignIn(c)
	if pending == "" {
		s.flash(c, "info", loc(c).T("security.login2fa.timed_out"))
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	id, u, err := s.completeTwoFactorSignIn(c.Request().Context(), pending, c.FormValue("code"), clientIP(c), s.deviceCookie(c),
		c.Request().UserAgent())
	switch {
	case errors.Is(err, store.ErrNoSession):
		s.clearSessionCookie(c)
		s.flash(c, "info", loc(c).T("security.login2fa.timed_out"))
		return c.Redirect(http.StatusSeeOther, "/login")
	case errors.Is(err, store.ErrPendingSignInEnded):
		s.clearSessionCookie(c)
		s.flash(c, "error", domain.ErrorMessage(err))
		return c.Redirect(http.StatusSeeOther, loginURL(c.FormValue("next")))
	}
	if err != nil {
		status := 0
		switch domain.ErrorCode(err) {
		case domain.EInvalid:
			status = http.StatusUnprocessableEntity
		case domain.EUnauthorized:
			status = http.StatusUnauthorized
		case domain.ETooMany:
			status = http.StatusTooManyRequests
			s.setRetryAfter(c, err)
		default:
			return err
		}
		return s.render(c, status, views.LoginTwoFactorPage(s.page(c, loc(c).T("security.login2fa.title"), ""), formOf(c, err, "next")))
	}
	s.setSessionCookie(c, id)
	s.setDeviceCookie(c, u)
	return c.Redirect(http.StatusSeeOther, safeNext(c.FormValue("next"), landing(u)))
}
