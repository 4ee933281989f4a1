package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"admincenter/views"
)

func (s *Server) handleAccountUsers(c echo.Context) error {
	p, v := s.accountView(c, "users")
	users, err := s.store.ListAccountUsers(c.Request().Context(), v.Access.Account.SID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.AccountUsersPage(p, v, users))
}

func (s *Server) handleAccountPending(c echo.Context) error {
	p, v := s.accountView(c, "pending")
	return s.render(c, http.StatusOK, views.AccountPendingPage(p, v))
}
