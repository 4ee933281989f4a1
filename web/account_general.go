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
		return store.Forbidden(acc, domain.MsgWhatSettings, acc.SettingsRoleNeeded())
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
	return s.redirectFlash(c, accountPath(a), loc(c).T("account.settings.saved"))
}

func (s *Server) handleAccountOwner(c echo.Context) error {
	acc := currentAccess(c)
	if !acc.CanTransferOwner() {
		return store.Forbidden(acc, domain.MsgWhatTransfer, domain.MsgNeedCurrentOwner)
	}
	a, err := s.store.TransferOwner(c.Request().Context(), currentUser(c), acc.Account.SID, c.FormValue("new_owner"), clientIP(c))
	if isInvalid(err) {
		return s.renderGeneral(c, http.StatusUnprocessableEntity, views.GeneralView{Owner: formOf(c, err, "new_owner")})
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, accountPath(a), loc(c).T("account.owner.transferred", "Email", a.OwnerEmail))
}

// lifecycleFunc is a store method for one lifecycle button.
type lifecycleFunc func(ctx context.Context, u *domain.User, sid, ip string) (*domain.Account, error)

// lifecycle runs one of the simple lifecycle buttons and reports done (a catalog message with
// the account's {{.Name}}).
func (s *Server) lifecycle(c echo.Context, what domain.Message, do lifecycleFunc, done string) error {
	acc := currentAccess(c)
	if !acc.CanRunLifecycle() {
		return store.Forbidden(acc, what, acc.LifecycleRoleNeeded())
	}
	a, err := do(c.Request().Context(), currentUser(c), acc.Account.SID, clientIP(c))
	if err != nil {
		return err
	}
	return s.redirectFlash(c, accountPath(a), loc(c).T(done, "Name", a.FriendlyName))
}

func (s *Server) handleAccountSuspend(c echo.Context) error {
	return s.lifecycle(c, domain.MsgWhatSuspend, s.store.SuspendAccount, "account.suspended")
}

func (s *Server) handleAccountReactivate(c echo.Context) error {
	return s.lifecycle(c, domain.MsgWhatReactivate, s.store.ReactivateAccount, "account.reactivated")
}

func (s *Server) handleAccountCloseCancel(c echo.Context) error {
	return s.lifecycle(c, domain.MsgWhatCancelClosure, s.store.CancelClosure, "account.closure_cancelled")
}

func (s *Server) handleAccountClose(c echo.Context) error {
	acc := currentAccess(c)
	if !acc.CanRunLifecycle() {
		return store.Forbidden(acc, domain.MsgWhatClose, acc.LifecycleRoleNeeded())
	}
	in := domain.CloseAccountInput{ConfirmName: c.FormValue("confirm_name"), Acknowledge: c.FormValue("acknowledge") == "on"}
	a, err := s.store.CloseAccount(c.Request().Context(), currentUser(c), acc.Account.SID, in, s.cfg.ClosureGrace, clientIP(c))
	if isInvalid(err) {
		return s.renderGeneral(c, http.StatusUnprocessableEntity, views.GeneralView{Close: formOf(c, err, "confirm_name", "acknowledge")})
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, accountPath(a), loc(c).T("account.closing", "Name", a.FriendlyName, "Date", loc(c).Time(a.ClosesAt)))
}

func (s *Server) handleAccountRemove(c echo.Context) error {
	acc := currentAccess(c)
	if !acc.OrgAdmin() {
		return store.Forbidden(acc, domain.MsgWhatRemove, domain.MsgNeedOrgAdmin)
	}
	a, err := s.store.RemoveFromOrganization(c.Request().Context(), currentUser(c), acc.Account.SID, clientIP(c))
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/accounts", loc(c).T("account.removed", "Name", a.FriendlyName, "Email", a.OwnerEmail))
}
