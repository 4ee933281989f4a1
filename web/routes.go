package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"admincenter/internal/api"
	"admincenter/internal/domain"
)

// guard says who may reach a route. Every route names one; /admin routes must name
// one that checks authorization (see TestAdminRoutesAreGuarded).
type guard int

const (
	public      guard = iota // anyone
	signedIn                 // any signed-in user
	orgMember                // a managed user of an organization
	orgAdmin                 // the organization's Owner or an Administrator
	accountView              // anyone who may see the account in :sid; the handler checks actions
	fromIdP                  // anyone, by a cross-site POST from an identity provider: no CSRF token or same-origin check
)

type route struct {
	method  string
	path    string
	guard   guard
	handler echo.HandlerFunc
}

// registerRoutes is the one table of every route.
func (s *Server) registerRoutes() {
	s.routes = []route{
		{"GET", "/", public, s.handleHome},
		{"GET", "/healthz", public, s.handleHealth},

		{"GET", "/setup", public, s.handleSetupForm},
		{"POST", "/setup", public, s.handleSetup},
		{"GET", "/login", public, s.handleLoginForm},
		{"POST", "/login", public, s.handleLogin},
		{"POST", "/logout", public, s.handleLogout},
		{"GET", "/password-reset", public, s.handlePasswordResetForm},
		{"POST", "/password-reset", public, s.handlePasswordResetRequest},
		{"GET", "/password-reset/:token", public, s.handlePasswordResetLink},
		{"POST", "/password-reset/:token", public, s.handlePasswordReset},

		{"GET", "/accounts", signedIn, s.handleMyAccounts},

		// Sign-in security: two-step sign-in, two-factor settings, sessions, password.
		{"GET", "/login/2fa", public, s.handleLoginTwoFactorForm},
		{"POST", "/login/2fa", public, s.handleLoginTwoFactor},
		{"GET", "/settings/2fa", signedIn, s.handleTwoFactorSettings},
		{"POST", "/settings/2fa", signedIn, s.handleTwoFactorEnable},
		{"POST", "/settings/2fa/disable", signedIn, s.handleTwoFactorDisable},
		{"POST", "/settings/2fa/recovery-codes", signedIn, s.handleRecoveryCodesRegenerate},
		{"GET", "/settings/sessions", signedIn, s.handleSessions},
		{"POST", "/settings/sessions/revoke-others", signedIn, s.handleSessionsRevokeOthers},
		{"POST", "/settings/sessions/:ref/revoke", signedIn, s.handleSessionRevoke},
		{"GET", "/settings/password", signedIn, s.handlePasswordForm},
		{"GET", "/settings/profile", signedIn, s.handleProfileForm},
		{"POST", "/settings/profile", signedIn, s.handleProfile},
		{"GET", "/admin/organization", orgAdmin, s.handleOrganizationForm},
		{"POST", "/admin/organization", orgAdmin, s.handleOrganization},
		{"POST", "/settings/password", signedIn, s.handlePasswordChange},

		{"GET", "/admin/accounts", orgAdmin, s.handleAccountList},
		{"GET", "/admin/accounts/new", orgMember, s.handleAccountNew},
		{"POST", "/admin/accounts", orgMember, s.handleAccountCreate},
		{"GET", "/admin/accounts/:sid", accountView, s.handleAccountGeneral},
		{"GET", "/admin/accounts/:sid/users", accountView, s.handleAccountUsers},
		{"GET", "/admin/accounts/:sid/users/pending", accountView, s.handleAccountPending},

		// Accounts: settings, owner transfer, lifecycle; the audit log.
		{"POST", "/admin/accounts/:sid/settings", accountView, s.handleAccountSettings},
		{"POST", "/admin/accounts/:sid/owner", accountView, s.handleAccountOwner},
		{"POST", "/admin/accounts/:sid/suspend", accountView, s.handleAccountSuspend},
		{"POST", "/admin/accounts/:sid/reactivate", accountView, s.handleAccountReactivate},
		{"POST", "/admin/accounts/:sid/close", accountView, s.handleAccountClose},
		{"POST", "/admin/accounts/:sid/close/cancel", accountView, s.handleAccountCloseCancel},
		{"POST", "/admin/accounts/:sid/remove", accountView, s.handleAccountRemove},
		{"GET", "/admin/audit", orgAdmin, s.handleAuditLog},

		// People: account users, invitations, organization users, access review.
		{"POST", "/admin/accounts/:sid/users/invite", accountView, s.handleInviteUsers},
		{"POST", "/admin/accounts/:sid/users/:user/roles", accountView, s.handleAccountUserRoles},
		{"POST", "/admin/accounts/:sid/users/:user/remove", accountView, s.handleAccountUserRemove},
		{"POST", "/admin/accounts/:sid/invitations/:id/resend", accountView, s.handleInvitationResend},
		{"POST", "/admin/accounts/:sid/invitations/:id/revoke", accountView, s.handleInvitationRevoke},
		{"GET", "/invitations/:token", public, s.handleInvitation},
		{"POST", "/invitations/:token/accept", public, s.handleInvitationAccept},
		{"POST", "/invitations/:token/decline", public, s.handleInvitationDecline},
		{"GET", "/admin/users", orgAdmin, s.handleOrgUsers},
		{"POST", "/admin/users/:user/role", orgAdmin, s.handleOrgUserRole},
		{"POST", "/admin/users/:user/deactivate", orgAdmin, s.handleOrgUserDeactivate},
		{"POST", "/admin/users/:user/reactivate", orgAdmin, s.handleOrgUserReactivate},
		{"GET", "/admin/users/:user/remove", orgAdmin, s.handleOrgUserRemoveForm},
		{"POST", "/admin/users/:user/remove", orgAdmin, s.handleOrgUserRemove},
		{"GET", "/admin/access-review", orgAdmin, s.handleAccessReview},
		{"GET", "/admin/people", orgMember, s.handlePeoplePicker}, // JSON suggestions for the owner and invite fields

		// Organizations API: OAuth apps and the API guide (the JSON API itself is internal/api).
		{"GET", "/admin/oauth-apps", orgAdmin, s.handleOAuthApps},
		{"POST", "/admin/oauth-apps", orgAdmin, s.handleOAuthAppCreate},
		{"POST", "/admin/oauth-apps/:sid/revoke", orgAdmin, s.handleOAuthAppRevoke},
		{"GET", "/admin/api", orgAdmin, s.handleAPIGuide},
		// Email and outside owners: sign-up, domains, the outbox, import and share requests.
		{"GET", "/signup", public, s.handleSignupForm},
		{"POST", "/signup", public, s.handleSignup},
		{"GET", "/admin/sso", orgAdmin, s.handleSSOSettings},
		{"POST", "/admin/sso", orgAdmin, s.handleSSOSave},
		{"GET", "/sso/saml/metadata", public, s.handleSAMLMetadata},
		{"POST", "/sso/saml/acs", fromIdP, s.handleSAMLACS},
		{"GET", "/login/sso", public, s.handleLoginSSO},
		{"GET", "/admin/domains", orgAdmin, s.handleDomains},
		{"POST", "/admin/domains", orgAdmin, s.handleDomainAdd},
		{"POST", "/admin/domains/:domain/verify", orgAdmin, s.handleDomainVerify},
		{"GET", "/admin/mail", orgAdmin, s.handleMailPage},
		{"POST", "/admin/mail/:id/retry", orgAdmin, s.handleMailRetry},
		{"GET", "/dev/mail", public, s.handleDevMail},
		{"GET", "/admin/accounts/import", orgAdmin, s.handleAccountImportForm},
		{"POST", "/admin/accounts/import", orgAdmin, s.handleAccountImport},
		{"POST", "/admin/accounts/share", orgAdmin, s.handleAccountShare},
		{"POST", "/admin/accounts/requests/:id/resend", orgAdmin, s.handleAccountRequestResend},
		{"POST", "/admin/accounts/requests/:id/cancel", orgAdmin, s.handleAccountRequestCancel},
		{"POST", "/admin/accounts/:sid/relinquish", accountView, s.handleAccountRelinquish},
		{"GET", "/imports/:token", public, s.handleRequestLink(domain.RequestImport)},
		{"POST", "/imports/:token/confirm", signedIn, s.handleRequestAnswer(domain.RequestImport, true)},
		{"POST", "/imports/:token/decline", signedIn, s.handleRequestAnswer(domain.RequestImport, false)},
		{"GET", "/shares/:token", public, s.handleRequestLink(domain.RequestShare)},
		{"POST", "/shares/:token/accept", signedIn, s.handleRequestAnswer(domain.RequestShare, true)},
		{"POST", "/shares/:token/decline", signedIn, s.handleRequestAnswer(domain.RequestShare, false)},
	}

	e := s.echo
	e.Pre(headAsGet)
	// API paths keep their exact shape: /Accounts/ (an empty SID) is a 404, not the list.
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{
		Skipper: func(c echo.Context) bool { return api.Owns(c.Request().URL.Path) }}))
	// 1 MiB = 1,048,576 bytes ("1M" would be 1,000,000), as the API's message says.
	e.Use(headRestored, s.requestLog, middleware.Recover(), s.warnForwardedFor, s.securityHeaders, middleware.BodyLimit("1MiB"), s.syncReadCache)
	e.Group("/static", s.staticCache).StaticFS("/", staticFS())
	// The Organizations API authenticates with bearer tokens, not the console's session and CSRF.
	s.api = api.Register(e, s.store, s.keys, api.Options{BaseURL: s.cfg.BaseURL, Log: s.log, RatePerSecond: s.cfg.APIRate})
	web := e.Group("", s.crossOrigin, s.loadSession, s.withLocale, s.csrf)
	for _, r := range s.routes {
		if r.guard == fromIdP {
			// The SAML assertion consumer: the IdP's page posts to it from its own origin, so the
			// CSRF token and the same-origin check cannot apply; the signed response, whose
			// InResponseTo names a request of ours used once, is the check.
			e.Add(r.method, r.path, r.handler)
			continue
		}
		mw := []echo.MiddlewareFunc{s.guardMiddleware(r.guard)}
		if strings.Contains(r.path, "/:token") { // an emailed link
			mw = append([]echo.MiddlewareFunc{s.linkLimit}, mw...)
		}
		web.Add(r.method, r.path, r.handler, mw...)
	}
}

// headAsGet routes HEAD like GET, so that every GET route answers HEAD (curl -I); headRestored
// then puts the method back before anything else runs, so that net/http sends the headers
// without a body and the request log says HEAD.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r := c.Request(); r.Method == http.MethodHead {
			r.Method = http.MethodGet
			c.Set(ctxHead, true)
		}
		return next(c)
	}
}

func headRestored(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Get(ctxHead) != nil {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}

const ctxHead = "head"
