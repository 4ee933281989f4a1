package api

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
)

// roleAssignmentJSON is one role assignment: a role (IX…) held by an identity (US…) on a scope (AC…).
type roleAssignmentJSON struct {
	SID      string `json:"sid"`
	RoleSID  string `json:"role_sid"`
	Scope    string `json:"scope"`
	Identity string `json:"identity"`
}

func roleAssignmentOf(ra store.RoleAssignment) roleAssignmentJSON {
	return roleAssignmentJSON{SID: ra.SID, RoleSID: domain.RoleSID(ra.Role), Scope: ra.AccountSID, Identity: ra.UserSID}
}

type roleAssignmentPage struct {
	Content []roleAssignmentJSON `json:"content"`
	Meta    pageMeta             `json:"meta"`
}

// handleRoleAssignmentList lists role assignments of the organization's managed accounts by SID,
// optionally of one identity and one scope.
func (a *API) handleRoleAssignmentList(c echo.Context) error {
	app := currentApp(c)
	identity, scope := c.QueryParam("Identity"), c.QueryParam("Scope")
	if identity != "" && !domain.ValidSID(domain.PrefixUser, identity) {
		return apiErrorf(400, CodeInvalid, "Identity must be a user SID (US…).")
	}
	if scope != "" && !domain.ValidSID(domain.PrefixAccount, scope) {
		return apiErrorf(400, CodeInvalid, "Scope must be an account SID (AC…).")
	}
	filters := url.Values{}
	if identity != "" {
		filters.Set("Identity", identity)
	}
	if scope != "" {
		filters.Set("Scope", scope)
	}
	p, err := pagingOf(c, "/Organizations/"+app.OrgSID+"/RoleAssignments", filters)
	if err != nil {
		return err
	}
	f := store.RoleAssignmentFilter{OrgSID: app.OrgSID, AccountSID: scope, UserSID: identity, Limit: p.size}
	page, err := a.store.ListRoleAssignmentPage(c.Request().Context(), f, p.token)
	if errors.Is(err, domain.ErrBadCursor) {
		return apiErrorf(400, CodeInvalid, "PageToken is not valid. Start again from the first page.")
	}
	if err != nil {
		return err
	}
	list := page.Assignments
	out := roleAssignmentPage{Content: make([]roleAssignmentJSON, 0, len(list)), Meta: a.meta(p, page.Next, page.Prev)}
	for _, ra := range list {
		out.Content = append(out.Content, roleAssignmentOf(ra))
	}
	return c.JSON(http.StatusOK, out)
}

type roleAssignmentIn struct {
	RoleSID      string  `json:"role_sid"`
	Scope        string  `json:"scope"`
	Identity     string  `json:"identity"`
	ResourceType *string `json:"resource_type"`
	ResourceID   *string `json:"resource_id"`
}

// handleRoleAssignmentCreate gives an identity a role on a managed account: the same change as
// ticking the role on the account's Users tab, audited with the OAuth app as the actor.
func (a *API) handleRoleAssignmentCreate(c echo.Context) error {
	var in roleAssignmentIn
	if err := decodeJSON(c, &in, jsonContentType); err != nil {
		return err
	}
	if in.ResourceType != nil || in.ResourceID != nil {
		return apiErrorf(400, CodeInvalid, "Resource-level role assignments are not supported; assign roles on an account (scope).")
	}
	role := domain.RoleBySID(in.RoleSID)
	if role == "" {
		return apiErrorf(400, CodeInvalid, "role_sid must be one of the role SIDs (IX…) listed on the OAuth apps page.")
	}
	ra, err := a.store.CreateRoleAssignment(c.Request().Context(), actorOf(c), currentApp(c).OrgSID, in.Scope, in.Identity, role)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, roleAssignmentOf(*ra))
}

// handleRoleAssignmentDelete takes a role back. The owner role changes only through owner transfer.
func (a *API) handleRoleAssignmentDelete(c echo.Context) error {
	sid := c.Param("sid")
	if !domain.ValidSID(domain.PrefixRoleAssignment, sid) {
		return apiErrorf(404, CodeNotFound, "The role assignment was not found.")
	}
	if err := a.store.RevokeRoleAssignment(c.Request().Context(), actorOf(c), currentApp(c).OrgSID, sid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
