package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

// The Organization Users page (Admin Center › Users) and its actions.

func (s *Server) orgUsersPage(c echo.Context, status int) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	// On a refused action (a POST) the page lists everyone from the start.
	query := url.Values{}
	if c.Request().Method == http.MethodGet {
		query = c.QueryParams()
	}
	f := store.OrgUserFilter{OrgSID: u.OrgSID, Query: query.Get("q"), Role: query.Get("role"), Status: query.Get("status"),
		NoTwoFactor: query.Get("no_2fa") == "on", NeverSignedIn: query.Get("never") == "on", Cursor: query.Get("cursor")}
	from := positiveInt(query.Get("from"), 1)
	if f.Cursor == "" {
		from = 1
	}
	// Bad input in the address (a hand-edited link) shows the list without it, and says so.
	if f.Role != "" && !domain.ValidOrgRole(f.Role) || f.Status != "" && f.Status != domain.UserActive && f.Status != domain.UserDeactivated {
		s.flashNow(c, "error", loc(c).T("users.filter.bad"))
		f.Role, f.Status, f.Cursor, from, status = "", "", "", 1, http.StatusUnprocessableEntity
	}
	page, err := s.store.ListOrgUsers(ctx, f)
	if errors.Is(err, domain.ErrBadCursor) {
		s.flashNow(c, "error", sayError(c, err))
		f.Cursor, from, status = "", 1, http.StatusUnprocessableEntity
		page, err = s.store.ListOrgUsers(ctx, f)
	}
	if err != nil {
		return err
	}
	total, capped, err := s.store.CountOrgUsers(ctx, f)
	if err != nil {
		return err
	}
	rows := make([]views.OrgUser, len(page.Users))
	for i, ou := range page.Users {
		rows[i] = views.OrgUser{User: ou.User, AccountCount: ou.AccountCount}
	}
	v := views.OrgUsersView{Users: rows, Query: f.Query, Role: f.Role, Status: f.Status, NoTwoFactor: f.NoTwoFactor,
		NeverSignedIn: f.NeverSignedIn, Me: u, From: from, Total: total, TotalCapped: capped}
	v.NextURL, v.PrevURL = orgUsersURL(v, page.Next, from+len(rows)), orgUsersURL(v, page.Prev, from-domain.PageSize)
	return s.render(c, status, views.OrgUsersPage(s.page(c, loc(c).T("users.title"), "users"), v))
}

// orgUsersURL is the Users page with the same search and filters at another cursor, whose first
// row is the from-th of the list.
func orgUsersURL(v views.OrgUsersView, cursor string, from int) string {
	if cursor == "" {
		return ""
	}
	q := v.Filters()
	q.Set("cursor", cursor)
	q.Set("from", strconv.Itoa(max(from, 1)))
	return "/admin/users?" + q.Encode()
}

func (s *Server) handleOrgUsers(c echo.Context) error { return s.orgUsersPage(c, http.StatusOK) }

// orgUserDone answers an action on the Users page: a redirect with a flash, or the page again
// with what was refused (409 for a guard, 422 for bad input; 403 and 404 go to the error page).
func (s *Server) orgUserDone(c echo.Context, err error, msg string) error {
	if err == nil {
		return s.redirectFlash(c, "/admin/users", msg)
	}
	switch domain.ErrorCode(err) {
	case domain.EConflict:
		s.flashNow(c, "error", sayError(c, err))
		return s.orgUsersPage(c, http.StatusConflict)
	case domain.EInvalid:
		for _, m := range domain.FieldMessages(err) {
			s.flashNow(c, "error", loc(c).Msg(m))
		}
		return s.orgUsersPage(c, http.StatusUnprocessableEntity)
	}
	return err
}

func (s *Server) handleOrgUserRole(c echo.Context) error {
	role := c.FormValue("role")
	u, err := s.store.SetOrgRole(c.Request().Context(), currentUser(c), c.Param("user"), role, clientIP(c))
	msg := ""
	if err == nil {
		msg = loc(c).T("users.role.changed."+role, "Email", u.Email)
	}
	return s.orgUserDone(c, err, msg)
}

func (s *Server) handleOrgUserDeactivate(c echo.Context) error {
	u, err := s.store.DeactivateUser(c.Request().Context(), currentUser(c), c.Param("user"), clientIP(c))
	msg := ""
	if err == nil {
		msg = loc(c).T("users.deactivated", "Email", u.Email)
	}
	return s.orgUserDone(c, err, msg)
}

func (s *Server) handleOrgUserReactivate(c echo.Context) error {
	u, err := s.store.ReactivateUser(c.Request().Context(), currentUser(c), c.Param("user"), clientIP(c))
	msg := ""
	if err == nil {
		msg = loc(c).T("users.reactivated", "Email", u.Email)
	}
	return s.orgUserDone(c, err, msg)
}

func (s *Server) removalPage(c echo.Context, status int, form views.Form) error {
	plan, err := s.store.PlanUserRemoval(c.Request().Context(), currentUser(c), c.Param("user"))
	if err != nil {
		return err
	}
	p := s.page(c, loc(c).T("users.remove.title", "Email", plan.User.Email), "users")
	p.Crumbs = []views.Crumb{{Label: loc(c).T("nav.users"), Href: "/admin/users"}, {Label: plan.User.Email}}
	v := views.RemoveOrgUserView{User: plan.User, Candidates: plan.Candidates, Form: form}
	switch {
	case plan.User.SID == currentUser(c).SID:
		v.Blocked = loc(c).T("users.remove.blocked_self")
	case plan.User.OrgRole == domain.OrgRoleOwner:
		v.Blocked = loc(c).T("users.remove.blocked_owner")
	}
	for _, a := range plan.Owned {
		v.Owned = append(v.Owned, views.OwnedAccount{SID: a.SID, Name: a.Name, Status: a.Status, Field: domain.OwnerField(a.SID)})
	}
	return s.render(c, status, views.RemoveOrgUserPage(p, v))
}

func (s *Server) handleOrgUserRemoveForm(c echo.Context) error {
	return s.removalPage(c, http.StatusOK, views.Form{})
}

func (s *Server) handleOrgUserRemove(c echo.Context) error {
	form, _ := c.FormParams()
	owners := map[string]string{}
	values := map[string]string{}
	for k, vs := range form {
		if sid, ok := strings.CutPrefix(k, "owner_"); ok && len(vs) > 0 && len(owners) < 10000 {
			owners[sid], values[k] = vs[0], vs[0]
		}
	}
	u, err := s.store.RemoveUserFromOrg(c.Request().Context(), currentUser(c), c.Param("user"), owners, clientIP(c))
	if code := domain.ErrorCode(err); code == domain.EInvalid || code == domain.EConflict {
		status := http.StatusUnprocessableEntity
		if code == domain.EConflict {
			status = http.StatusConflict
		}
		f := views.Form{Values: values, Errors: domain.FieldErrors(err), Msgs: domain.FieldMessages(err)}
		if len(f.Errors) == 0 {
			f.Error = sayError(c, err)
		}
		return s.removalPage(c, status, f)
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/users", loc(c).T("users.removed", "Email", u.Email))
}
