package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
	"admincenter/internal/store"
)

// SCIM 2.0 Users (RFC 7643/7644): the organization's managed users.

type scimName struct {
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
}

type scimEmail struct {
	Primary bool   `json:"primary"`
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
}

type scimMeta struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created"`
	LastModified string `json:"lastModified"`
	Location     string `json:"location"`
	Version      string `json:"version"`
}

type scimUserJSON struct {
	Schemas     []string    `json:"schemas"`
	ID          string      `json:"id"`
	ExternalID  string      `json:"externalId,omitempty"`
	UserName    string      `json:"userName"`
	DisplayName string      `json:"displayName"`
	Name        scimName    `json:"name"`
	Emails      []scimEmail `json:"emails"`
	Active      bool        `json:"active"`
	Meta        scimMeta    `json:"meta"`
}

type scimListJSON struct {
	Schemas      []string       `json:"schemas"`
	TotalResults int            `json:"totalResults"`
	StartIndex   int            `json:"startIndex"`
	ItemsPerPage int            `json:"itemsPerPage"`
	Resources    []scimUserJSON `json:"Resources"`
}

// etag is the user's version as a weak entity tag; meta.version and the ETag header carry it.
func etag(version int) string { return `W/"` + strconv.Itoa(version) + `"` }

func (a *API) scimUserOf(u *store.SCIMUser) scimUserJSON {
	updated := u.UpdatedAt
	if updated.IsZero() {
		updated = u.CreatedAt
	}
	return scimUserJSON{Schemas: []string{scimUserSchema}, ID: u.SID, ExternalID: u.ExternalID, UserName: u.Email,
		DisplayName: u.Name, Name: scimName{GivenName: u.GivenName, FamilyName: u.FamilyName},
		Emails: []scimEmail{{Primary: true, Value: u.Email, Type: "work"}}, Active: u.Active(),
		Meta: scimMeta{ResourceType: "User", Created: u.CreatedAt.UTC().Format(time.RFC3339),
			LastModified: updated.UTC().Format(time.RFC3339), Version: etag(u.Version),
			Location: a.opts.BaseURL + "/Organizations/" + u.OrgSID + "/scim/Users/" + u.SID}}
}

func (a *API) writeSCIMUser(c echo.Context, status int, u *store.SCIMUser) error {
	c.Response().Header().Set("ETag", etag(u.Version))
	body, err := json.Marshal(a.scimUserOf(u))
	if err != nil {
		return err
	}
	return c.Blob(status, scimContentType+"; charset=utf-8", body)
}

func scimError(status int, scimType, msg string) *Error {
	return &Error{Status: status, Code: CodeInvalid, Message: msg, ScimType: scimType}
}

// filterRE is the one filter supported: userName eq "…" (attribute and operator case-insensitive).
var filterRE = regexp.MustCompile(`^(?i:username)\s+(?i:eq)\s+"((?:[^"\\]|\\.)*)"$`)

func (a *API) handleSCIMUserList(c echo.Context) error {
	userName := ""
	if f := strings.TrimSpace(c.QueryParam("filter")); f != "" {
		m := filterRE.FindStringSubmatch(f)
		if m == nil {
			return scimError(400, "invalidFilter", `Only the filter userName eq "…" is supported.`)
		}
		s, err := strconv.Unquote(`"` + m[1] + `"`)
		if err != nil {
			return scimError(400, "invalidFilter", "The filter's value is not a valid string.")
		}
		userName = s
	}
	start, count := 1, domain.PageSize
	q := c.QueryParams()
	if v := q.Get("startIndex"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return scimError(400, "invalidValue", "startIndex must be a whole number from 1.")
		}
		start = max(n, 1)
	}
	for _, k := range []string{"PageSize", "count"} {
		if v := q.Get(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return scimError(400, "invalidValue", k+" must be a whole number from 0 to 100.")
			}
			count = min(n, domain.MaxPageSize)
		}
	}
	org := currentApp(c).OrgSID
	users, total, err := a.store.ListSCIMUsers(c.Request().Context(), org, userName, start-1, count)
	if err != nil {
		return err
	}
	out := scimListJSON{Schemas: []string{scimListSchema}, TotalResults: total, StartIndex: start,
		ItemsPerPage: len(users), Resources: make([]scimUserJSON, 0, len(users))}
	for _, u := range users {
		out.Resources = append(out.Resources, a.scimUserOf(u))
	}
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, scimContentType+"; charset=utf-8", body)
}

// scimUserIn is a SCIM User as clients send it; id and meta are read-only and ignored.
type scimUserIn struct {
	Schemas     []string        `json:"schemas"`
	ID          string          `json:"id"`
	ExternalID  string          `json:"externalId"`
	UserName    string          `json:"userName"`
	DisplayName string          `json:"displayName"`
	Name        *scimName       `json:"name"`
	Emails      []scimEmail     `json:"emails"`
	Active      *bool           `json:"active"`
	Locale      string          `json:"locale"`
	Timezone    string          `json:"timezone"`
	Meta        json.RawMessage `json:"meta"`
}

func (in *scimUserIn) check() error {
	if strings.TrimSpace(in.UserName) == "" {
		return scimError(400, "invalidValue", "userName is required: the user's email address.")
	}
	for _, e := range in.Emails {
		if (e.Primary || len(in.Emails) == 1) && !strings.EqualFold(strings.TrimSpace(e.Value), strings.TrimSpace(in.UserName)) {
			return scimError(400, "invalidValue", "The primary email must be the userName.")
		}
	}
	return nil
}

func (in *scimUserIn) apply(u *domain.SCIMUserInput) {
	u.UserName, u.DisplayName, u.ExternalID = in.UserName, in.DisplayName, in.ExternalID
	u.GivenName, u.FamilyName = "", ""
	if in.Name != nil {
		u.GivenName, u.FamilyName = in.Name.GivenName, in.Name.FamilyName
	}
	if in.Active != nil {
		u.Active = *in.Active
	}
}

func (a *API) handleSCIMUserCreate(c echo.Context) error {
	var in scimUserIn
	if err := decodeJSON(c, &in, scimContentType, jsonContentType); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	u := domain.SCIMUserInput{Active: true}
	in.apply(&u)
	if err := u.Validate(); err != nil {
		return err
	}
	// A managed user starts without a password: they choose one through password recovery.
	created, err := a.store.CreateSCIMUser(c.Request().Context(), actorOf(c), currentApp(c).OrgSID, u, auth.NoPassword)
	if domain.ErrorCode(err) == domain.EConflict {
		return scimError(409, "uniqueness", domain.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", a.scimUserOf(created).Meta.Location)
	return a.writeSCIMUser(c, http.StatusCreated, created)
}

func (a *API) handleSCIMUserFetch(c echo.Context) error {
	u, err := a.store.FindSCIMUser(c.Request().Context(), currentApp(c).OrgSID, c.Param("sid"))
	if err != nil {
		return err
	}
	return a.writeSCIMUser(c, http.StatusOK, u)
}

// ifMatch reads the If-Match header: absent or * matches any version.
func ifMatch(c echo.Context) (int, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" || h == "*" {
		return store.AnyVersion, nil
	}
	v := strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, scimError(400, "invalidVersion", `If-Match must be a version from meta.version, like W/"3".`)
	}
	return n, nil
}

func (a *API) update(c echo.Context, status int, change func(*domain.SCIMUserInput) error) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	u, err := a.store.UpdateSCIMUser(c.Request().Context(), actorOf(c), currentApp(c).OrgSID, c.Param("sid"), version, change)
	switch {
	case err == store.ErrStaleVersion:
		return scimError(409, "invalidVers", domain.ErrorMessage(err))
	case domain.ErrorCode(err) == domain.EConflict:
		return scimError(409, "uniqueness", domain.ErrorMessage(err))
	case err != nil:
		return err
	}
	if status == http.StatusNoContent {
		return c.NoContent(status)
	}
	return a.writeSCIMUser(c, status, u)
}

// handleSCIMUserReplace is PUT: the user's attributes become the body's; an absent active
// leaves the status as it is.
func (a *API) handleSCIMUserReplace(c echo.Context) error {
	var in scimUserIn
	if err := decodeJSON(c, &in, scimContentType, jsonContentType); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	return a.update(c, http.StatusOK, func(u *domain.SCIMUserInput) error {
		in.apply(u)
		return nil
	})
}

type scimPatchIn struct {
	Schemas    []string `json:"schemas"`
	Operations []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	} `json:"Operations"`
}

// handleSCIMUserPatch applies add/replace operations on active, displayName, name and externalId.
func (a *API) handleSCIMUserPatch(c echo.Context) error {
	var in scimPatchIn
	if err := decodeJSON(c, &in, scimContentType, jsonContentType); err != nil {
		return err
	}
	if len(in.Operations) == 0 {
		return scimError(400, "invalidSyntax", "Operations must list at least one operation.")
	}
	for _, op := range in.Operations {
		if o := strings.ToLower(op.Op); o != "replace" && o != "add" {
			return scimError(400, "invalidSyntax", "Only the add and replace operations are supported.")
		}
	}
	return a.update(c, http.StatusOK, func(u *domain.SCIMUserInput) error {
		for _, op := range in.Operations {
			if op.Path == "" {
				var attrs map[string]json.RawMessage
				if err := json.Unmarshal(op.Value, &attrs); err != nil {
					return scimError(400, "invalidValue", "An operation without a path needs an object value.")
				}
				for k, v := range attrs {
					if err := patchAttr(u, k, v); err != nil {
						return err
					}
				}
				continue
			}
			if err := patchAttr(u, op.Path, op.Value); err != nil {
				return err
			}
		}
		return nil
	})
}

func patchAttr(u *domain.SCIMUserInput, path string, v json.RawMessage) error {
	str := func(dst *string) error {
		if err := json.Unmarshal(v, dst); err != nil {
			return scimError(400, "invalidValue", path+" must be a string.")
		}
		return nil
	}
	switch strings.ToLower(path) {
	case "active":
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			var s string // some identity providers send "True" and "False"
			if json.Unmarshal(v, &s) != nil || (!strings.EqualFold(s, "true") && !strings.EqualFold(s, "false")) {
				return scimError(400, "invalidValue", "active must be true or false.")
			}
			b = strings.EqualFold(s, "true")
		}
		u.Active = b
		return nil
	case "displayname":
		return str(&u.DisplayName)
	case "externalid":
		return str(&u.ExternalID)
	case "name.givenname":
		return str(&u.GivenName)
	case "name.familyname":
		return str(&u.FamilyName)
	case "name":
		var n map[string]json.RawMessage
		if err := json.Unmarshal(v, &n); err != nil {
			return scimError(400, "invalidValue", "name must be an object with givenName and familyName.")
		}
		for k, x := range n {
			if err := patchAttr(u, "name."+k, x); err != nil {
				return err
			}
		}
		return nil
	}
	return scimError(400, "invalidPath", "The attribute "+strconv.Quote(path)+" cannot be changed with PATCH; use active, displayName, name or externalId.")
}

// handleSCIMUserDelete deactivates the user and ends their sessions; the user stays on record
// (and in the audit log) and may be reactivated with PATCH active true.
func (a *API) handleSCIMUserDelete(c echo.Context) error {
	return a.update(c, http.StatusNoContent, func(u *domain.SCIMUserInput) error {
		u.Active = false
		return nil
	})
}
