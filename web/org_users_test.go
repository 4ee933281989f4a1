package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

// orgMember creates a managed user of the app's organization and a browser signed in as them.
func (a *peopleApp) orgMember(email, role string) (*domain.User, *browser) {
	a.t.Helper()
	ctx := context.Background()
	u, err := storetest.AddUser(ctx, a.store, "", "", email, "Member "+email, testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	owner, _ := a.store.FindUserByEmail(ctx, "owner@example.com")
	if err := storetest.JoinOrg(ctx, a.store, u.SID, owner.OrgSID, role); err != nil {
		a.t.Fatal(err)
	}
	b := a.browser()
	b.signIn(email, testPassword)
	u, _ = a.store.FindUserBySID(ctx, u.SID)
	return u, b
}

func TestOrganizationUsersPage(t *testing.T) {
	app := newPeopleApp(t)
	ctx := context.Background()
	std, stdB := app.orgMember("std@example.com", "standard")
	admin, adminB := app.orgMember("admin@example.com", "administrator")
	owner, _ := app.store.FindUserByEmail(ctx, "owner@example.com")
	storetest.AddUser(ctx, app.store, "", "", "outsider@outside.dev", "Outsider", testPassword)

	res := app.owner.get("/admin/users")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "std@example.com", "admin@example.com", "owner@example.com", "Standard User", "Deactivate", "Users · Admin Center")
	if strings.Contains(res.Body, "outsider@outside.dev") {
		t.Error("an external user is listed among the organization's users")
	}
	if !strings.Contains(rowOf(res.Body, "owner@example.com"), `<td class="num">1</td>`) {
		t.Errorf("the owner's account count is not 1:\n%s", rowOf(res.Body, "owner@example.com"))
	}
	// A Standard User does not see the page.
	wantStatus(t, stdB.get("/admin/users"), http.StatusNotFound)
	wantStatus(t, stdB.post("/admin/users/"+admin.SID+"/deactivate", nil), http.StatusNotFound)

	// Guards, over HTTP: nobody changes themself; nobody touches the Owner.
	for _, tc := range []struct {
		b    *browser
		path string
		form url.Values
		want int
	}{
		{adminB, "/admin/users/" + admin.SID + "/role", url.Values{"role": {"standard"}}, http.StatusConflict},
		{adminB, "/admin/users/" + admin.SID + "/deactivate", nil, http.StatusConflict},
		{adminB, "/admin/users/" + admin.SID + "/remove", nil, http.StatusConflict},
		{adminB, "/admin/users/" + owner.SID + "/role", url.Values{"role": {"standard"}}, http.StatusConflict},
		{adminB, "/admin/users/" + owner.SID + "/deactivate", nil, http.StatusConflict},
		{adminB, "/admin/users/" + std.SID + "/role", url.Values{"role": {"owner"}}, http.StatusForbidden},
		{adminB, "/admin/users/" + std.SID + "/role", url.Values{"role": {"emperor"}}, http.StatusUnprocessableEntity},
		{adminB, "/admin/users/" + domain.NewSID("US") + "/deactivate", nil, http.StatusNotFound},
		{adminB, "/admin/users/nonsense/role", url.Values{"role": {"standard"}}, http.StatusNotFound},
	} {
		res := tc.b.post(tc.path, tc.form)
		if res.Status != tc.want {
			t.Errorf("POST %s %v: status %d, want %d", tc.path, tc.form, res.Status, tc.want)
		}
	}
	res = adminB.get("/admin/users/" + owner.SID + "/remove")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "The organization&#39;s Owner cannot be removed")
	if strings.Contains(res.Body, `id="remove-user"`) {
		t.Error("the removal form is offered for the Owner")
	}
	wantBody(t, adminB.get("/admin/users/"+admin.SID+"/remove"), "You cannot remove yourself")
	res = adminB.post("/admin/users/"+admin.SID+"/deactivate", nil)
	wantBody(t, res, "You cannot change your own role, deactivate yourself or remove yourself")

	// Promote, then deactivate: the user's browser is signed out at once.
	wantStatus(t, adminB.post("/admin/users/"+std.SID+"/role", url.Values{"role": {"administrator"}}), http.StatusSeeOther)
	wantStatus(t, stdB.get("/admin/users"), http.StatusOK)
	res = adminB.post("/admin/users/"+std.SID+"/deactivate", nil)
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, adminB.get(res.Location), "std@example.com is deactivated and signed out everywhere", "Reactivate")
	wantStatus(t, stdB.get("/admin/users"), http.StatusSeeOther)
	res = app.browser().post("/login", url.Values{"email": {"std@example.com"}, "password": {testPassword}})
	wantStatus(t, res, http.StatusUnauthorized)
	wantStatus(t, adminB.post("/admin/users/"+std.SID+"/reactivate", nil), http.StatusSeeOther)
	stdB.signIn("std@example.com", testPassword)

	// The Owner hands the organization to the administrator.
	wantStatus(t, app.owner.post("/admin/users/"+admin.SID+"/role", url.Values{"role": {"owner"}}), http.StatusSeeOther)
	o, _ := app.store.FindUserByEmail(ctx, "owner@example.com")
	if o.OrgRole != "administrator" {
		t.Errorf("former owner's role = %q", o.OrgRole)
	}
}

func TestRemoveFromOrganizationChoosesNewOwners(t *testing.T) {
	app := newPeopleApp(t)
	ctx := context.Background()
	std, stdB := app.orgMember("std@example.com", "standard")
	res := stdB.post("/admin/accounts", url.Values{"friendly_name": {"Std project"}, "type": {"standard"}})
	wantStatus(t, res, http.StatusSeeOther)
	ac := strings.TrimSuffix(strings.TrimPrefix(res.Location, "/admin/accounts/"), "/users")
	owner, _ := app.store.FindUserByEmail(ctx, "owner@example.com")

	res = app.owner.get("/admin/users/" + std.SID + "/remove")
	wantStatus(t, res, http.StatusOK)
	field := domain.OwnerField(ac)
	wantBody(t, res, "Std project", `name="`+field+`"`, `value="`+owner.SID+`"`, "Remove from the organization")

	res = app.owner.post("/admin/users/"+std.SID+"/remove", nil)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Choose a new owner for “Std project”.")
	res = app.owner.post("/admin/users/"+std.SID+"/remove", url.Values{field: {std.SID}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if u, _ := app.store.FindUserBySID(ctx, std.SID); !u.Managed() {
		t.Fatal("a refused removal changed the user")
	}
	res = app.owner.post("/admin/users/"+std.SID+"/remove", url.Values{field: {owner.SID}})
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, app.owner.get("/admin/accounts/"+ac), "Olive Owner")
	if res := app.owner.get("/admin/users"); rowOf(res.Body, "std@example.com") != "" {
		t.Error("the removed user is still listed")
	}
	wantStatus(t, stdB.get("/admin/accounts/"+ac), http.StatusNotFound)
	for _, action := range []string{"user.remove", "account.owner.transfer"} {
		if evs, _ := storetest.AuditEvents(ctx, app.store, action); len(evs) != 1 {
			t.Errorf("%s events = %d, want 1", action, len(evs))
		}
	}
}

func TestOrganizationUsersPagination(t *testing.T) {
	app := newPeopleApp(t)
	ctx := context.Background()
	owner, _ := app.store.FindUserByEmail(ctx, "owner@example.com")
	for i := 0; i < 55; i++ {
		u, err := storetest.AddUser(ctx, app.store, "", "", "p"+string(rune('a'+i/26))+string(rune('a'+i%26))+"@example.com", "P", "")
		if err != nil {
			t.Fatal(err)
		}
		storetest.JoinOrg(ctx, app.store, u.SID, owner.OrgSID, "standard")
	}
	res := app.owner.get("/admin/users")
	if !strings.Contains(res.Body, `rel="next"`) || strings.Contains(res.Body, `rel="prev"`) {
		t.Fatal("first page: want a next link and no previous link")
	}
	next := between(res.Body, `rel="next" href="`, `"`)
	res = app.owner.get(strings.ReplaceAll(next, "&amp;", "&"))
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `rel="prev"`, "pcc@example.com")
	if strings.Contains(res.Body, `rel="next"`) {
		t.Error("second page has a next link")
	}
	wantStatus(t, app.owner.get("/admin/users?cursor=garbage!"), http.StatusUnprocessableEntity)
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	return s[:strings.Index(s, end)]
}

// TestOrganizationUsersFiltersAndTotal: the Users page filters by role, status, two-factor off
// and never signed in, says how many users match, and changes a role from a row's pop-over.
func TestOrganizationUsersFiltersAndTotal(t *testing.T) {
	app := newPeopleApp(t)
	ctx := context.Background()
	std, _ := app.orgMember("std@example.com", "standard") // signed in once
	admin, _ := app.orgMember("admin@example.com", "administrator")
	never, err := storetest.AddUser(ctx, app.store, "", "", "never@example.com", "Nora Never", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	owner, _ := app.store.FindUserByEmail(ctx, "owner@example.com")
	if err := storetest.JoinOrg(ctx, app.store, never.SID, owner.OrgSID, "standard"); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, app.owner.post("/admin/users/"+admin.SID+"/deactivate", nil), http.StatusSeeOther)

	res := app.owner.get("/admin/users")
	wantBody(t, res, "<strong>1–4</strong> of <strong>4</strong> users", `>Manage</summary>`,
		`name="role" value="administrator"`)
	for _, c := range []struct {
		query      string
		want, miss []string
		total      string
	}{
		{"role=standard", []string{"std@example.com", "never@example.com"}, []string{"admin@example.com"}, "2"},
		{"status=deactivated", []string{"admin@example.com"}, []string{"std@example.com"}, "1"},
		{"never=on", []string{"never@example.com"}, []string{"std@example.com", "owner@example.com"}, "1"},
		{"no_2fa=on&role=administrator", []string{"admin@example.com"}, []string{"never@example.com"}, "1"},
		{"q=nora", []string{"never@example.com"}, []string{"std@example.com"}, "1"},
	} {
		res := app.owner.get("/admin/users?" + c.query)
		wantStatus(t, res, http.StatusOK)
		noun := " matching users"
		if c.total == "1" {
			noun = " matching user<"
		}
		wantBody(t, res, append(c.want, "of <strong>"+c.total+"</strong>"+noun)...)
		for _, m := range c.miss {
			if strings.Contains(res.Body, m) {
				t.Errorf("%s lists %s", c.query, m)
			}
		}
	}
	res = app.owner.get("/admin/users?role=emperor")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "That filter is not one of the list")
	wantStatus(t, app.owner.post("/admin/users/"+std.SID+"/role", url.Values{"role": {"administrator"}}), http.StatusSeeOther)
	if u, _ := app.store.FindUserBySID(ctx, std.SID); u.OrgRole != "administrator" {
		t.Errorf("role after the change = %q", u.OrgRole)
	}
}

// TestPeoplePickerIsScopedAndPaged: the owner and invite fields' suggestions list the active
// members of the signed-in user's organization only, a page at a time, and nobody outside an
// organization reaches them.
func TestPeoplePickerIsScopedAndPaged(t *testing.T) {
	app := newPeopleApp(t)
	ctx := context.Background()
	for _, e := range []string{"ada@example.com", "adam@example.com", "adele@example.com"} {
		app.orgMember(e, "standard")
	}
	gone, _ := app.orgMember("adrian@example.com", "standard")
	wantStatus(t, app.owner.post("/admin/users/"+gone.SID+"/deactivate", nil), http.StatusSeeOther)
	storetest.AddUser(ctx, app.store, "", "", "adaline@outside.dev", "Adaline Outside", testPassword)
	_, stdB := app.orgMember("std@example.com", "standard")

	var page struct {
		People []struct{ SID, Name, Email string }
		Next   *string
	}
	get := func(b *browser, path string) {
		t.Helper()
		res := b.get(path)
		wantStatus(t, res, http.StatusOK)
		if err := json.Unmarshal([]byte(res.Body), &page); err != nil {
			t.Fatalf("%s: %v\n%s", path, err, res.Body)
		}
	}
	get(stdB, "/admin/people?q=ad&limit=2") // a Standard User transferring an account they own
	if len(page.People) != 2 || page.People[0].Email != "ada@example.com" || page.Next == nil {
		t.Fatalf("first page = %+v", page)
	}
	get(stdB, "/admin/people?q=ad&limit=2&cursor="+url.QueryEscape(*page.Next))
	if len(page.People) != 1 || page.People[0].Email != "adele@example.com" || page.Next != nil {
		t.Fatalf("second page = %+v (the deactivated and the outside user are never listed)", page)
	}
	storetest.AddUser(ctx, app.store, "", "", "ext@outside.dev", "Ext", testPassword)
	extB := app.browser()
	extB.signIn("ext@outside.dev", testPassword)
	wantStatus(t, extB.get("/admin/people?q=ad"), http.StatusNotFound)
	wantStatus(t, stdB.get("/admin/people?limit=zero"), http.StatusBadRequest)
}
