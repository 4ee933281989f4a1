// Package api is the Organizations API: the JSON endpoints of Twilio's twilio_iam_organizations
// spec (OAuth token, Accounts, RoleAssignments, SCIM Users), served from the same store as the
// console so that Twilio's own SDKs work against Admin Center unchanged.
package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
	"admincenter/internal/store"
)

// Options configure the API.
type Options struct {
	BaseURL string       // absolute URLs in page metadata and error links use it, never the Host header
	Log     *slog.Logger // 5xx errors are logged here
	// RatePerSecond is how many calls a second each OAuth app may make (--api-rate).
	RatePerSecond float64
}

// Rate limits: each OAuth app may make Options.RatePerSecond calls a second (RatePerSecond unless
// set) in bursts of twice as many; the token endpoint allows TokenRatePerSecond requests a second
// per client address.
const (
	RatePerSecond      = 50
	TokenRatePerSecond = 2
	TokenBurst         = 20
)

// TokenLifetime is how long an access token works.
const TokenLifetime = time.Hour

// API serves the Organizations API.
type API struct {
	store  *store.Store
	keys   *auth.Keys
	opts   Options
	calls  *limiter // per OAuth app
	tokens *limiter // per client address, on the token endpoint
}

// Register adds the API's routes to e, outside the console's session and CSRF middleware.
func Register(e *echo.Echo, st *store.Store, keys *auth.Keys, opts Options) *API {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	if opts.RatePerSecond <= 0 {
		opts.RatePerSecond = RatePerSecond
	}
	a := &API{store: st, keys: keys, opts: opts,
		calls:  newLimiter(rate.Limit(opts.RatePerSecond), int(2*opts.RatePerSecond)),
		tokens: newLimiter(TokenRatePerSecond, TokenBurst)}

	notAllowed := methodNotAllowed("POST")
	notFound := func(echo.Context) error { return apiErrorf(404, CodeNotFound, "The requested resource was not found.") }
	for _, p := range []string{"/v1/token", "/v2/token"} {
		e.POST(p, a.handleToken, a.noStore)
		e.Match([]string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete}, p, notAllowed, a.noStore)
	}
	// Paths under /Organizations that match no route answer in JSON here, never reaching the
	// console's catch-all (and its CSRF check).
	e.RouteNotFound("/Organizations", notFound)
	e.RouteNotFound("/Organizations/*", notFound)

	g := e.Group("/Organizations/:org", a.noStore, a.authenticate)
	resource(g, "/Accounts", map[string]echo.HandlerFunc{http.MethodGet: a.handleAccountList})
	resource(g, "/Accounts/:sid", map[string]echo.HandlerFunc{http.MethodGet: a.handleAccountFetch})
	resource(g, "/RoleAssignments", map[string]echo.HandlerFunc{
		http.MethodGet: a.handleRoleAssignmentList, http.MethodPost: a.handleRoleAssignmentCreate})
	resource(g, "/RoleAssignments/:sid", map[string]echo.HandlerFunc{http.MethodDelete: a.handleRoleAssignmentDelete})
	resource(g, "/scim/Users", map[string]echo.HandlerFunc{
		http.MethodGet: a.handleSCIMUserList, http.MethodPost: a.handleSCIMUserCreate})
	resource(g, "/scim/Users/:sid", map[string]echo.HandlerFunc{
		http.MethodGet: a.handleSCIMUserFetch, http.MethodPut: a.handleSCIMUserReplace,
		http.MethodPatch: a.handleSCIMUserPatch, http.MethodDelete: a.handleSCIMUserDelete})
	return a
}

var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// resource registers a path's handlers by method, and a 405 naming them for every other method
// (without it the router would answer 404).
func resource(g *echo.Group, path string, handlers map[string]echo.HandlerFunc) {
	var allowed []string
	for _, m := range methods {
		if handlers[m] != nil {
			allowed = append(allowed, m)
		}
	}
	for _, m := range methods {
		switch {
		case handlers[m] != nil:
			g.Add(m, path, handlers[m])
		case m == http.MethodHead && handlers[http.MethodGet] != nil:
			g.Add(m, path, handlers[http.MethodGet]) // the server sends the headers only
		default:
			g.Add(m, path, methodNotAllowed(strings.Join(allowed, ", ")))
		}
	}
}

func methodNotAllowed(allow string) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Allow", allow)
		return apiErrorf(405, CodeMethod, "That method is not allowed on this resource; use "+allow+".")
	}
}

// Owns reports whether a request path belongs to the API, so that the server's one error
// handler answers it in JSON.
func Owns(path string) bool {
	return path == "/v1/token" || path == "/v2/token" || path == "/Organizations" || strings.HasPrefix(path, "/Organizations/")
}

// Error is an API error: an HTTP status, a Twilio error code and a message; SCIM errors also
// carry a scimType.
type Error struct {
	Status   int
	Code     int
	Message  string
	ScimType string
}

func (e *Error) Error() string { return e.Message }

func apiErrorf(status, code int, msg string) *Error {
	return &Error{Status: status, Code: code, Message: msg}
}

// Error codes. 20xxx follow Twilio's numbering for the same situations; each is explained on the
// console's API page, which more_info links to.
const (
	CodeInvalid        = 20001
	CodeAuthenticate   = 20003
	CodeMethod         = 20004
	CodeNotFound       = 20404
	CodeConflict       = 20409
	CodeTooLarge       = 20413
	CodeTooMany        = 20429
	CodeInternal       = 20500
	CodeUnavailable    = 20503
	CodeScopeNotInOrg  = 25200
	scimErrorSchema    = "urn:ietf:params:scim:api:messages:2.0:Error"
	scimUserSchema     = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimListSchema     = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	scimPatchSchema    = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	scimContentType    = "application/scim+json"
	jsonContentType    = "application/json"
	formContentType    = "application/x-www-form-urlencoded"
	bearerPrefix       = "Bearer "
	ctxApp             = "api_app"
	errWrongMediaType  = "The request body must be JSON (Content-Type: application/json)."
	errMalformedJSON   = "The request body is not valid JSON."
	errBodyTooLarge    = "The request body is larger than 1 MiB."
	errUnauthenticated = "Authenticate with a Bearer access token from /v1/token."
)

// toError maps any error to the API's error.
func toError(err error) *Error {
	if store.Unavailable(err) {
		return apiErrorf(503, CodeUnavailable, "The service cannot reach its database just now; retry in a few seconds.")
	}
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return apiErrorf(404, CodeNotFound, "The requested resource was not found.")
		case http.StatusMethodNotAllowed:
			return apiErrorf(405, CodeMethod, "That method is not allowed on this resource.")
		case http.StatusRequestEntityTooLarge:
			return apiErrorf(413, CodeTooLarge, errBodyTooLarge)
		case http.StatusUnsupportedMediaType:
			return apiErrorf(400, CodeInvalid, errWrongMediaType)
		}
		if he.Code >= 400 && he.Code < 500 {
			return apiErrorf(he.Code, CodeInvalid, http.StatusText(he.Code))
		}
		return apiErrorf(500, CodeInternal, "Something went wrong on our side. Please try again.")
	}
	msg := domain.ErrorMessage(err)
	switch {
	case errors.Is(err, store.ErrScopeNotManaged):
		return apiErrorf(400, CodeScopeNotInOrg, msg)
	}
	switch domain.ErrorCode(err) {
	case domain.EInvalid:
		if f := domain.FieldErrors(err); len(f) > 0 {
			for _, m := range f { // one field at a time is plenty for a machine client
				msg = m
				break
			}
		}
		return apiErrorf(400, CodeInvalid, msg)
	case domain.ENotFound:
		return apiErrorf(404, CodeNotFound, msg)
	case domain.EConflict:
		return apiErrorf(409, CodeConflict, msg)
	case domain.EUnauthorized:
		return apiErrorf(401, CodeAuthenticate, msg)
	case domain.EForbidden:
		return apiErrorf(403, CodeAuthenticate, msg)
	case domain.ETooMany:
		return apiErrorf(429, CodeTooMany, msg)
	}
	return apiErrorf(500, CodeInternal, "Something went wrong on our side. Please try again.")
}

// errorBody is the JSON of every error: Twilio's {code, message, more_info, status}, with
// SCIM's own fields added on SCIM paths.
type errorBody struct {
	Code     int      `json:"code"`
	Message  string   `json:"message"`
	MoreInfo string   `json:"more_info"`
	Status   int      `json:"status"`
	Schemas  []string `json:"schemas,omitempty"`
	Detail   string   `json:"detail,omitempty"`
	ScimType string   `json:"scimType,omitempty"`
}

// HandleError writes err as the API's JSON error. The server's one error handler calls it for
// every path that Owns.
func (a *API) HandleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := toError(err)
	if e.Status >= 500 {
		a.opts.Log.Error("api request failed", slog.String("route", c.Path()), slog.Any("error", err),
			slog.String("request_id", c.Response().Header().Get("X-Request-Id")))
	}
	body := errorBody{Code: e.Code, Message: e.Message, Status: e.Status,
		MoreInfo: a.opts.BaseURL + "/admin/api#error-" + itoa(e.Code)}
	if strings.Contains(c.Request().URL.Path, "/scim/") {
		body.Schemas, body.Detail, body.ScimType = []string{scimErrorSchema}, e.Message, e.ScimType
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	if e.Status == http.StatusServiceUnavailable {
		h.Set("Retry-After", "5")
	}
	if e.Status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="Admin Center"`)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(e.Status)
		return
	}
	_ = c.JSON(e.Status, body)
}

func (a *API) noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// authenticate admits a request with a live access token of an OAuth app of the organization in
// the path. The app is looked up on every call, so a revoked app's tokens stop at once. A token
// of another organization gets 404, exactly as an unknown organization does.
func (a *API) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get("Authorization")
		if len(h) <= len(bearerPrefix) || !strings.EqualFold(h[:len(bearerPrefix)], bearerPrefix) {
			return apiErrorf(401, CodeAuthenticate, errUnauthenticated)
		}
		claims, err := a.parseToken(strings.TrimSpace(h[len(bearerPrefix):]))
		if err != nil {
			return apiErrorf(401, CodeAuthenticate, "The access token is not valid or has expired. Fetch a new one from /v1/token.")
		}
		app, err := a.store.FindOAuthApp(c.Request().Context(), claims.Subject)
		if domain.ErrorCode(err) == domain.ENotFound || (err == nil && (app.Revoked() || app.OrgSID != claims.Org)) {
			return apiErrorf(401, CodeAuthenticate, "The OAuth app of this access token was revoked.")
		}
		if err != nil {
			return err
		}
		if ok, retry := a.calls.allow(app.SID); !ok {
			return tooMany(c, retry)
		}
		if c.Param("org") != app.OrgSID {
			return apiErrorf(404, CodeNotFound, "The organization was not found.")
		}
		c.Set(ctxApp, app)
		return next(c)
	}
}

func tooMany(c echo.Context, retry time.Duration) error {
	secs := int((retry + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	c.Response().Header().Set("Retry-After", itoa(secs))
	return apiErrorf(429, CodeTooMany, "Too many requests. Retry after "+itoa(secs)+" seconds.")
}

func currentApp(c echo.Context) *domain.OAuthApp {
	app, _ := c.Get(ctxApp).(*domain.OAuthApp)
	return app
}

func actorOf(c echo.Context) domain.Actor { return currentApp(c).APIActor(c.RealIP()) }

func itoa(n int) string { return strconv.Itoa(n) }
