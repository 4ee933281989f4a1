package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/views"
)

// usersView builds the Users tab: everyone with access, filtered by the ?role= values.
func (s *Server) usersView(c echo.Context) (views.Page, views.AccountUsersView, error) {
	var filter []string
	for _, r := range c.QueryParams()["role"] {
		if !domain.ValidAccountRole(r) {
			s.flashNow(c, "error", loc(c).T("account.users.bad_role_filter"))
			continue
		}
		if !containsString(filter, r) {
			filter = append(filter, r)
		}
	}
	p, av, err := s.accountView(c, "users")
	if err != nil {
		return p, views.AccountUsersView{}, err
	}
	acc := currentAccess(c)
	v := views.AccountUsersView{AccountView: av, CanManage: acc.CanManageUsers(), Me: currentUser(c).SID, RoleFilter: filter,
		ShowInvite: c.QueryParam("invite") == "1"}
	users, err := s.store.ListAccountUsers(c.Request().Context(), acc.Account.SID, v.RoleFilter...)
	v.Users = users
	return p, v, err
}

func (s *Server) handleAccountUsers(c echo.Context) error {
	p, v, err := s.usersView(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.AccountUsersPage(p, v))
}

// requireManageUsers answers 403, naming the roles that may, to anyone who may not manage users.
func requireManageUsers(c echo.Context) error {
	acc := currentAccess(c)
	if !acc.CanManageUsers() {
		return domain.Fail(domain.EForbidden, domain.MsgManageUsersNeeds.With(acc.ManageUsersRoleNeeded()))
	}
	return nil
}

// formRoles returns the repeatable role field.
func formRoles(c echo.Context) []string {
	form, _ := c.FormParams()
	return form["role"]
}

func (s *Server) handleInviteUsers(c echo.Context) error {
	if err := requireManageUsers(c); err != nil {
		return err
	}
	form, _ := c.FormParams()
	in := domain.InviteInput{Email: strings.Join(form["email"], ", "), Roles: form["role"]}
	acc := currentAccess(c)
	invs, err := s.store.InviteUsers(c.Request().Context(), currentUser(c), acc.Account.SID, in, clientIP(c))
	if code := domain.ErrorCode(err); isInvalid(err) || code == domain.ETooMany || code == domain.EConflict {
		status := http.StatusUnprocessableEntity
		if code == domain.ETooMany {
			status = http.StatusTooManyRequests
		}
		p, v, lerr := s.usersView(c)
		if lerr != nil {
			return lerr
		}
		v.Invite, v.InviteRoles, v.ShowInvite = formOf(c, err, "email"), validRoles(form["role"]), true
		v.Invite.Values["email"] = shortenInput(in.Email, 5000)
		return s.render(c, status, views.AccountUsersPage(p, v))
	}
	if err != nil {
		return err
	}
	msg := loc(c).T("account.users.invited_one", "Email", invs[0].Email)
	if len(invs) > 1 {
		msg = loc(c).TN("account.users.invited_many", len(invs))
	}
	return s.redirectFlash(c, "/admin/accounts/"+acc.Account.SID+"/users/pending", msg)
}

// validRoles keeps the known roles, to re-tick the boxes of a rejected form.
func validRoles(roles []string) []string {
	var out []string
	for _, r := range roles {
		if domain.ValidAccountRole(r) && !containsString(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func shortenInput(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Server) handleAccountUserRoles(c echo.Context) error {
	if err := requireManageUsers(c); err != nil {
		return err
	}
	acc := currentAccess(c)
	roles := formRoles(c)
	u, changed, err := s.store.SetAccountUserRoles(c.Request().Context(), currentUser(c), acc.Account.SID, c.Param("user"), roles, clientIP(c))
	if isInvalid(err) || domain.ErrorCode(err) == domain.EConflict {
		return s.rerenderUsers(c, err, func(v *views.AccountUsersView) {
			v.RolesFor, v.RolesForm, v.RolesChecked = c.Param("user"), formOf(c, err), validRoles(roles)
		})
	}
	if err != nil {
		return err
	}
	to := "/admin/accounts/" + acc.Account.SID + "/users"
	if !changed {
		return s.redirectFlash(c, to, loc(c).T("account.users.roles_unchanged", "Email", u.Email))
	}
	return s.redirectFlash(c, to, loc(c).T("account.users.roles_updated", "Email", u.Email))
}

// rerenderUsers shows the Users tab again with an error: 422 for bad input, 409 for a refused change.
func (s *Server) rerenderUsers(c echo.Context, err error, set func(*views.AccountUsersView)) error {
	status := http.StatusUnprocessableEntity
	if domain.ErrorCode(err) == domain.EConflict {
		status = http.StatusConflict
	}
	if len(domain.FieldErrors(err)) == 0 {
		s.flashNow(c, "error", sayError(c, err))
	}
	p, v, lerr := s.usersView(c)
	if lerr != nil {
		return lerr
	}
	if set != nil {
		set(&v)
	}
	return s.render(c, status, views.AccountUsersPage(p, v))
}

func (s *Server) handleAccountUserRemove(c echo.Context) error {
	if err := requireManageUsers(c); err != nil {
		return err
	}
	acc := currentAccess(c)
	u, err := s.store.RemoveAccountUser(c.Request().Context(), currentUser(c), acc.Account.SID, c.Param("user"), clientIP(c))
	if domain.ErrorCode(err) == domain.EConflict {
		return s.rerenderUsers(c, err, nil)
	}
	if err != nil {
		return err
	}
	to := "/admin/accounts/" + acc.Account.SID + "/users"
	if u.SID == currentUser(c).SID && !acc.OrgAdmin() {
		to = "/accounts"
	}
	return s.redirectFlash(c, to, loc(c).T("account.users.removed", "Email", u.Email, "Name", acc.Account.FriendlyName))
}

func (s *Server) handleAccountPending(c echo.Context) error {
	p, v, err := s.pendingView(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.AccountPendingPage(p, v))
}

func (s *Server) pendingView(c echo.Context) (views.Page, views.AccountPendingView, error) {
	p, av, err := s.accountView(c, "pending")
	if err != nil {
		return p, views.AccountPendingView{}, err
	}
	acc := currentAccess(c)
	invs, err := s.store.ListPendingInvitations(c.Request().Context(), acc.Account.SID)
	return p, views.AccountPendingView{AccountView: av, Invitations: invs, Now: s.store.Now(), CanManage: acc.CanManageUsers()}, err
}

func invitationID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Errorf(domain.ENotFound, "The invitation was not found.")
	}
	return id, nil
}

func (s *Server) handleInvitationResend(c echo.Context) error {
	if err := requireManageUsers(c); err != nil {
		return err
	}
	id, err := invitationID(c)
	if err != nil {
		return err
	}
	acc := currentAccess(c)
	inv, err := s.store.ResendInvitation(c.Request().Context(), currentUser(c), acc.Account.SID, id, clientIP(c))
	if code := domain.ErrorCode(err); code == domain.EConflict || code == domain.ETooMany {
		status := http.StatusConflict
		if code == domain.ETooMany {
			status = http.StatusTooManyRequests
		}
		s.flashNow(c, "error", sayError(c, err))
		p, v, lerr := s.pendingView(c)
		if lerr != nil {
			return lerr
		}
		return s.render(c, status, views.AccountPendingPage(p, v))
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/accounts/"+acc.Account.SID+"/users/pending", loc(c).T("account.pending.resent", "Email", inv.Email))
}

func (s *Server) handleInvitationRevoke(c echo.Context) error {
	if err := requireManageUsers(c); err != nil {
		return err
	}
	id, err := invitationID(c)
	if err != nil {
		return err
	}
	acc := currentAccess(c)
	inv, err := s.store.RevokeInvitation(c.Request().Context(), currentUser(c), acc.Account.SID, id, clientIP(c))
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/accounts/"+acc.Account.SID+"/users/pending", loc(c).T("account.pending.revoked", "Email", inv.Email))
}
