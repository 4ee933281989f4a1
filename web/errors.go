package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"admincenter/internal/api"
	"admincenter/internal/domain"
	"admincenter/internal/i18n"
	"admincenter/internal/store"
	"admincenter/views"
)

// handleError is the one error handler: it maps errors to a status and a friendly page,
// and logs what went wrong on our side.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if api.Owns(c.Request().URL.Path) {
		s.api.HandleError(err, c)
		return
	}
	if c.Get(ctxLocale) == nil { // a request no route took: the browser's language
		setLocale(c, s.localeOf(c))
	}
	loc := i18n.From(c.Request().Context())
	status, heading, msg := http.StatusInternalServerError, loc.T("error.internal.heading"), sayError(c, err)
	var he *echo.HTTPError
	switch {
	case store.Unavailable(err):
		// The database went away (a restart, a lost connection): nothing was half done, the
		// session is kept, and the same request works once it is back.
		status, heading, msg = http.StatusServiceUnavailable, loc.T("error.unavailable.heading"), loc.T("error.unavailable.message")
		c.Response().Header().Set("Retry-After", "5")
	case errors.As(err, &he):
		status = he.Code
		switch status {
		case http.StatusNotFound:
			heading, msg = loc.T("error.not_found.heading"), loc.T("error.not_found.message")
		case http.StatusMethodNotAllowed:
			heading, msg = loc.T("error.forbidden.heading"), loc.T("error.method.message")
		case http.StatusRequestEntityTooLarge:
			heading, msg = loc.T("error.too_large.heading"), loc.T("error.too_large.message")
		default:
			heading, msg = loc.T("error.other.heading", "Status", status), loc.T("error.other.heading", "Status", status)
		}
	default:
		switch domain.ErrorCode(err) {
		case domain.ENotFound:
			status, heading, msg = http.StatusNotFound, loc.T("error.not_found.heading"), loc.T("error.not_found.message")
		case domain.EForbidden:
			status, heading = http.StatusForbidden, loc.T("error.forbidden.heading")
		case domain.EUnauthorized:
			status, heading = http.StatusUnauthorized, loc.T("error.unauthorized.heading")
		case domain.ETooMany:
			status, heading = http.StatusTooManyRequests, loc.T("error.too_many.heading")
		case domain.EConflict:
			status, heading = http.StatusConflict, loc.T("error.conflict.heading")
		case domain.EInvalid:
			status, heading = http.StatusUnprocessableEntity, loc.T("error.invalid.heading")
		}
	}
	if status == http.StatusServiceUnavailable {
		s.log.Warn("database unavailable", slog.String("route", c.Path()), slog.Any("error", err))
	} else if status >= 500 {
		s.log.Error("request failed", slog.String("route", c.Path()), slog.Any("error", err),
			slog.String("request_id", c.Response().Header().Get("X-Request-Id")))
		heading, msg = loc.T("error.internal.heading"), loc.T("error.internal.message")
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	p := s.page(c, heading, "")
	if rerr := s.render(c, status, views.ErrorPage(p, status, heading, msg)); rerr != nil {
		s.log.Error("rendering the error page", slog.Any("error", rerr))
		_ = c.String(status, msg)
	}
}
