// Package web is Admin Center's HTTP server: routes, middleware, sessions, CSRF and handlers.
package web

import (
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"admincenter/internal/api"
	"admincenter/internal/auth"
	"admincenter/internal/config"
	"admincenter/internal/dnscheck"
	"admincenter/internal/store"
)

// Server serves the console.
type Server struct {
	cfg     *config.Config
	store   *store.Store
	keys    *auth.Keys
	log     *slog.Logger
	echo    *echo.Echo
	flashes *sessions.CookieStore
	secure  bool // base URL is https: __Host- cookies and HSTS
	policy  store.SessionPolicy
	routes  []route
	api     *api.API
	dns     *dnscheck.Checker // looks up the TXT record that proves control of a domain
	cop     *http.CrossOriginProtection
	// xffWarned is when the X-Forwarded-For warning was last logged (Unix ns).
	xffWarned atomic.Int64
}

// New builds the server with every route registered.
func New(cfg *config.Config, st *store.Store, keys *auth.Keys, log *slog.Logger) *Server {
	s := &Server{cfg: cfg, store: st, keys: keys, log: log,
		secure: strings.HasPrefix(cfg.BaseURL, "https://"),
		policy: store.SessionPolicy{Idle: cfg.SessionIdle, Absolute: cfg.SessionAbsolute}}
	s.flashes = sessions.NewCookieStore(keys.Session)
	s.flashes.Options = &sessions.Options{Path: "/", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
	s.dns = dnscheck.New(cfg.DNS)
	s.cop = http.NewCrossOriginProtection()
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	s.echo = e
	s.registerRoutes()
	return s
}

// Handler returns the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// ipExtractor trusts X-Forwarded-For only from the configured proxies.
func ipExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		_, n, err := net.ParseCIDR(p.String())
		if err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
