package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/static"
)

// Context keys.
const (
	ctxUser    = "user"
	ctxSession = "session"
	ctxCSRF    = "csrf"
	ctxAccess  = "access"
	ctxReqID   = "request_id"
)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestLog writes one line per request: method, route, status, duration, request id, user.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		id := randomHex(8)
		c.Set(ctxReqID, id)
		c.Response().Header().Set("X-Request-Id", id)
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		userSID := ""
		if u := currentUser(c); u != nil {
			userSID = u.SID
		}
		level := slog.LevelInfo
		if c.Response().Status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(c.Request().Context(), level, "request",
			slog.String("method", c.Request().Method), slog.String("route", c.Path()),
			slog.Int("status", c.Response().Status), slog.Duration("duration", time.Since(start)),
			slog.String("request_id", id), slog.String("user", userSID))
		return nil
	}
}

// warnForwardedFor logs, at most once an hour, that requests carry X-Forwarded-For while
// --trusted-proxies is empty: behind a reverse proxy every client then has the proxy's address,
// so the per-address limits count everyone together.
func (s *Server) warnForwardedFor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if len(s.cfg.TrustedProxies) == 0 && c.Request().Header.Get("X-Forwarded-For") != "" {
			now := time.Now().UnixNano()
			last := s.xffWarned.Load()
			if (last == 0 || now-last >= int64(time.Hour)) && s.xffWarned.CompareAndSwap(last, now) {
				s.log.Warn("requests arrive with X-Forwarded-For but --trusted-proxies (ADMINCENTER_TRUSTED_PROXIES) is empty: "+
					"the header is ignored and every client counts as the proxy's address, so the per-address sign-in and link limits "+
					"pause everyone behind it together; set --trusted-proxies to the proxy's address range",
					slog.String("remote_addr", c.Request().RemoteAddr))
			}
		}
		return next(c)
	}
}

// securityHeaders sets a strict CSP with a per-request nonce and the other protective headers.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		nonce := base64.RawStdEncoding.EncodeToString([]byte(randomHex(12)))
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-"+nonce+"'; style-src 'self'; "+
			"img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		if reachedFromEmail(c.Request().URL.Path) {
			noReferrer(c)
		}
		req := c.Request()
		c.SetRequest(req.WithContext(templ.WithNonce(req.Context(), nonce)))
		return next(c)
	}
}

// emailedLinkPrefixes are the paths of pages reached from emailed links: their URLs carry a
// token, which must not leak to other sites in a Referer header.
var emailedLinkPrefixes = []string{"/invitations/", "/imports/", "/shares/", "/password-reset/"}

func reachedFromEmail(path string) bool {
	for _, p := range emailedLinkPrefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// linkLimit pauses an address that opens too many emailed links whose token names nothing
// (store.MaxUnknownLinkTokens in store.LinkTokenWindow, then 429): it checks before the page and
// counts after it when the answer was "not found". A malformed token takes the same path as an
// unknown one (one check, the page's lookup, one count), so the answer's time does not tell
// them apart.
func (s *Server) linkLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, ip := c.Request().Context(), clientIP(c)
		if err := s.store.CheckLinkThrottle(ctx, ip); err != nil {
			s.setRetryAfter(c, err)
			return err
		}
		err := next(c)
		if deniedStatus(c, err) == http.StatusNotFound {
			if cerr := s.store.RecordUnknownLinkToken(ctx, ip); cerr != nil {
				return cerr
			}
		}
		return err
	}
}

// noReferrer makes the answer send no Referer at all, for a page whose URL holds a secret.
// securityHeaders applies it to every emailedLinkPrefixes path; a handler of another page
// whose URL holds a token calls it too.
func noReferrer(c echo.Context) { c.Response().Header().Set("Referrer-Policy", "no-referrer") }

func (s *Server) staticCache(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		return next(c)
	}
}

func staticFS() fs.FS { return static.FS }

// sessionCookieName is __Host- prefixed when the console is served over https.
func (s *Server) sessionCookieName() string {
	if s.secure {
		return "__Host-ac_session"
	}
	return "ac_session"
}

func (s *Server) csrfCookieName() string {
	if s.secure {
		return "__Host-ac_csrf"
	}
	return "ac_csrf"
}

// loadSession puts the signed-in user (and their session) in the context when the cookie
// names a live, fully signed-in session. Signed-in pages are never cached.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(s.sessionCookieName())
		if err == nil && ck.Value != "" {
			sess, u, err := s.store.FindSession(c.Request().Context(), ck.Value, s.policy)
			switch {
			case err == nil:
				c.Set(ctxSession, sess)
				if sess.State == domain.SessionActive {
					c.Set(ctxUser, u)
				}
			case errors.Is(err, store.ErrNoSession):
				s.clearSessionCookie(c)
			default:
				return err
			}
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

func (s *Server) setSessionCookie(c echo.Context, id string) {
	c.SetCookie(&http.Cookie{Name: s.sessionCookieName(), Value: id, Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: int(s.policy.Absolute / time.Second)})
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: s.sessionCookieName(), Value: "", Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

func currentUser(c echo.Context) *domain.User {
	u, _ := c.Get(ctxUser).(*domain.User)
	return u
}

func currentSession(c echo.Context) *store.Session {
	sess, _ := c.Get(ctxSession).(*store.Session)
	return sess
}

func currentAccess(c echo.Context) *domain.Access {
	a, _ := c.Get(ctxAccess).(*domain.Access)
	return a
}

// errCrossOrigin is the answer to a state change that a browser says another site sent.
var errCrossOrigin = domain.Errorf(domain.EForbidden, "This form was sent from another site, so it was refused. Open Admin Center directly and try again.")

// crossOrigin refuses a state-changing request (any method but GET, HEAD and OPTIONS) that a
// browser says came from another origin, with Go's http.CrossOriginProtection as it is: it
// reads Sec-Fetch-Site, or else compares Origin with the request's Host (not with the base URL,
// so a server reached by another name still works); requests with neither header, which no
// browser sends cross-site, pass. It comes on top of the CSRF token (SPEC §4a).
func (s *Server) crossOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := s.cop.Check(c.Request()); err != nil {
			return errCrossOrigin
		}
		return next(c)
	}
}

// errCSRF is the answer to a form without the right token.
var errCSRF = domain.Errorf(domain.EForbidden, "This form has expired or came from another site. Go back, reload the page and try again.")

// csrf protects every unsafe request with a signed double-submit token: the browser holds a
// random value in an HttpOnly cookie and each form carries HMAC(key, value) in _csrf.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		seed := ""
		if ck, err := c.Cookie(s.csrfCookieName()); err == nil && len(ck.Value) == 32 {
			seed = ck.Value
		}
		if seed == "" {
			seed = randomHex(16)
			c.SetCookie(&http.Cookie{Name: s.csrfCookieName(), Value: seed, Path: "/", HttpOnly: true,
				Secure: s.secure, SameSite: http.SameSiteLaxMode})
		}
		token := s.csrfToken(seed)
		c.Set(ctxCSRF, token)
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if !hmac.Equal([]byte(c.FormValue("_csrf")), []byte(token)) {
			return errCSRF
		}
		return next(c)
	}
}

func (s *Server) csrfToken(seed string) string {
	m := hmac.New(sha256.New, s.keys.Session)
	m.Write([]byte("csrf:" + seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// guardMiddleware enforces a route's guard. Account routes load the account as the user
// may see it: one they may not see is a 404, exactly like one that does not exist. A signed-in
// user's request refused for lack of access, by the guard or the handler, is audited.
func (s *Server) guardMiddleware(g guard) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if g == public || g == fromIdP {
				return next(c)
			}
			u := currentUser(c)
			if u == nil {
				return s.redirectToLogin(c)
			}
			err := s.guarded(c, g, u, next)
			if status := deniedStatus(c, err); status != 0 {
				if aerr := s.auditDenied(c, u, status); aerr != nil {
					return aerr
				}
			}
			return err
		}
	}
}

// deniedStatus returns 404 or 403 when a request was refused for lack of access (an error that
// says so, or a page the handler answered with that status), or 0.
func deniedStatus(c echo.Context, err error) int {
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		if he.Code == http.StatusNotFound || he.Code == http.StatusForbidden {
			return he.Code
		}
	case err != nil:
		switch domain.ErrorCode(err) {
		case domain.ENotFound:
			return http.StatusNotFound
		case domain.EForbidden:
			return http.StatusForbidden
		}
	case c.Response().Committed:
		if st := c.Response().Status; st == http.StatusNotFound || st == http.StatusForbidden {
			return st
		}
	}
	return 0
}

// auditDenied records u's refused request as authz.denied: the route and what it named (at
// most once per user and route a minute; see store.RecordAuthzDenied).
func (s *Server) auditDenied(c echo.Context, u *domain.User, status int) error {
	d := store.AuthzDenial{Route: c.Request().Method + " " + c.Path(), Status: status}
	switch {
	case c.Param("user") != "":
		d.TargetType, d.TargetSID = "user", c.Param("user")
	case c.Param("sid") != "":
		d.TargetType, d.TargetSID = "account", c.Param("sid")
		if strings.HasPrefix(c.Path(), "/admin/oauth-apps/") {
			d.TargetType = "oauth_app"
		}
	}
	return s.store.RecordAuthzDenied(c.Request().Context(), u, d, clientIP(c))
}

// guarded runs next once u passes the guard g.
func (s *Server) guarded(c echo.Context, g guard, u *domain.User, next echo.HandlerFunc) error {
	switch g {
	case orgMember:
		if !u.Managed() {
			return echo.ErrNotFound
		}
	case orgAdmin:
		if !u.OrgAdmin() {
			return echo.ErrNotFound
		}
	case accountView:
		acc, err := s.store.FindAccountAccess(c.Request().Context(), u, c.Param("sid"))
		if err != nil {
			return err
		}
		// Require 2FA covers every tab and action of the account, for everyone.
		// An SSO sign-in through an IdP that enforces multi-factor satisfies it (SPEC §4a).
		if acc.Account.Require2FA && !u.TOTPEnabled && currentSession(c).Method != domain.SignInSSOMFA {
			s.flash(c, "error", "“"+acc.Account.FriendlyName+"” requires two-factor sign-in. Set it up here, then open the account again.")
			return c.Redirect(http.StatusSeeOther, "/settings/2fa")
		}
		c.Set(ctxAccess, acc)
	}
	return next(c)
}

func (s *Server) redirectToLogin(c echo.Context) error {
	if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead {
		return domain.Errorf(domain.EUnauthorized, "Your session has ended. Sign in again.")
	}
	return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
}

func clientIP(c echo.Context) string { return c.RealIP() }

// syncReadCache makes a change committed through another instance sharing the PostgreSQL
// database show on this request: it retires the cached reads when the database's change
// generation moved (store.SyncReadCache; nothing on SQLite). Static files skip it.
func (s *Server) syncReadCache(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			if err := s.store.SyncReadCache(c.Request().Context()); err != nil {
				return err
			}
		}
		return next(c)
	}
}
