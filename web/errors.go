package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"admincenter/internal/api"
	"admincenter/internal/domain"
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
	status, heading, msg := http.StatusInternalServerError, "Something went wrong", domain.ErrorMessage(err)
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
		switch status {
		case http.StatusNotFound:
			heading, msg = "Page not found", "There is nothing here, or you do not have access to it."
		case http.StatusMethodNotAllowed:
			heading, msg = "Not allowed", "That action cannot be done this way."
		case http.StatusRequestEntityTooLarge:
			heading, msg = "Too much data", "The form was larger than Admin Center accepts."
		default:
			heading, msg = http.StatusText(status), http.StatusText(status)
		}
	default:
		switch domain.ErrorCode(err) {
		case domain.ENotFound:
			status, heading, msg = http.StatusNotFound, "Page not found", "There is nothing here, or you do not have access to it."
		case domain.EForbidden:
			status, heading = http.StatusForbidden, "Not allowed"
		case domain.EUnauthorized:
			status, heading = http.StatusUnauthorized, "Please sign in"
		case domain.ETooMany:
			status, heading = http.StatusTooManyRequests, "Too many attempts"
		case domain.EConflict:
			status, heading = http.StatusConflict, "That changed meanwhile"
		case domain.EInvalid:
			status, heading = http.StatusUnprocessableEntity, "Please check your input"
		}
	}
	if status >= 500 {
		s.log.Error("request failed", slog.String("route", c.Path()), slog.Any("error", err),
			slog.String("request_id", c.Response().Header().Get("X-Request-Id")))
		heading, msg = "Something went wrong", "Something went wrong on our side. Please try again; if it keeps happening, tell your administrator."
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
