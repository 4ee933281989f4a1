package web

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

// renderGeneral renders the General tab, with g's forms (their input and errors after a 422).
func (s *Server) renderGeneral(c echo.Context, status int, g views.GeneralView) error {
	p, v, err := s.accountView(c, "general")
	if err != nil {
		return err
	}
	a := v.Access.Account
	if v.Access.CanEditSettings() && !a.Require2FA {
		locked, err := s.store.ListLockedOut(c.Request().Context(), a)
		if err != nil {
			return err
		}
		g.LockedOut = locked
	}
	g.Now = s.store.Now()
	return s.render(c, status, views.AccountGeneralPage(p, v, g))
}

func (s *Server) handleAccountGeneral(c echo.Context) error {
	return s.renderGeneral(c, http.StatusOK, views.GeneralView{})
}

// present reports whether a checkbox was submitted: present means on.
func present(c echo.Context, name string) bool {
	form, _ := c.FormParams()
	_, ok := form[name]
	return ok
}

func accountPath(a *domain.Account) string { return "/admin/accounts/" + a.SID }

func (s *Server) handleAccountSettings(c echo.Context) error {
	acc := currentAccess(c)
	if !acc.CanEditSettings() {
		return store.Forbidden(acc, "change this account's settings", acc.SettingsRoleNeeded())
	}
	in := domain.AccountSettings{FriendlyName: c.FormValue("friendly_name"), Require2FA: present(c, "require_2fa"),
		WebhooksHTTPSOnly: present(c, "webhooks_https_only"), PKCVRequired: present(c, "pkcv_required")}
	a, err := s.store.UpdateAccountSettings(c.Request().Context(), currentUser(c), acc.Account.SID, in, clientIP(c))
	if isInvalid(err) {
		f := formOf(c, err, "friendly_name")
		for name, on := range map[string]bool{"require_2fa": in.Require2FA, "webhooks_https_only": in.WebhooksHTTPSOnly, "pkcv_required": in.PKCVRequired} {
			if on {
				f.Values[name] = "on"
			}
		}
		return s.renderGeneral(c, http.StatusUnprocessableEntity, views.GeneralView{Settings: f})
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, accountPath(a), "Settings saved.")
}

func (s *Server) handleAccountOwner(c echo.Context) error {
	acc := currentAccess(c)
	if !acc.CanTransferOwner() {
		return store.Forbidden(acc, "transfer the ownership of this account", "current Account Owner")
	}
	a, err := s.store.TransferOwner(c.Request().Context(), currentUser(c), acc.Account.SID, c.FormValue("new_owner"), clientIP(c))
	if isInvalid(err) {
		return s.renderGeneral(c, http.StatusUnprocessableEntity, views.GeneralView{Owner: formOf(c, err, "new_owner")})
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, accountPath(a), a.OwnerEmail+" now owns this account. You keep the Administrator role.")
}

// lifecycleFunc is a store method for one lifecycle button.
type lifecycleFunc func(ctx context.Context, u *domain.User, sid, ip string) (*domain.Account, error)

// lifecycle runs one of the simple lifecycle buttons and reports done.
func (s *Server) lifecycle(c echo.Context, what string, do lifecycleFunc, done string) error {
	acc := currentAccess(c)
	if !acc.CanRunLifecycle() {
		return store.Forbidden(acc, what, acc.LifecycleRoleNeeded())
	}
	a, err := do(c.Request().Context(), currentUser(c), acc.Account.SID, clientIP(c))
	if err != nil {
		return err
	}
	return s.redirectFlash(c, accountPath(a), "“"+a.FriendlyName+"” "+done)
}

func (s *Server) handleAccountSuspend(c echo.Context) error {
	return s.lifecycle(c, "suspend this account", s.store.SuspendAccount, "is suspended.")
}

func (s *Server) handleAccountReactivate(c echo.Context) error {
	return s.lifecycle(c, "reactivate this account", s.store.ReactivateAccount, "is active again.")
}

func (s *Server) handleAccountCloseCancel(c echo.Context) error {
	return s.lifecycle(c, "cancel the closure of this account", s.store.CancelClosure, "will not be closed: its closure is cancelled.")
}

func (s *Server) handleAccountClose(c echo.Context) error {
	acc := currentAccess(c)
	if !acc.CanRunLifecycle() {
		return store.Forbidden(acc, "close this account", acc.LifecycleRoleNeeded())
	}
	in := domain.CloseAccountInput{ConfirmName: c.FormValue("confirm_name"), Acknowledge: c.FormValue("acknowledge") == "on"}
	a, err := s.store.CloseAccount(c.Request().Context(), currentUser(c), acc.Account.SID, in, s.cfg.ClosureGrace, clientIP(c))
	if isInvalid(err) {
		return s.renderGeneral(c, http.StatusUnprocessableEntity, views.GeneralView{Close: formOf(c, err, "confirm_name", "acknowledge")})
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, accountPath(a), "“"+a.FriendlyName+"” is pending closure. It will be closed for good on "+
		domain.FormatTime(a.ClosesAt)+" unless you cancel before.")
}

func (s *Server) handleAccountRemove(c echo.Context) error {
	acc := currentAccess(c)
	if !acc.OrgAdmin() {
		return store.Forbidden(acc, "remove this account from the organization", "Organization Owner or Administrator")
	}
	a, err := s.store.RemoveFromOrganization(c.Request().Context(), currentUser(c), acc.Account.SID, clientIP(c))
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/accounts", "“"+a.FriendlyName+"” was removed from the organization and went back to its owner, "+a.OwnerEmail+".")
}
