package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

func TestSetupThenNotFound(t *testing.T) {
	app := newTestApp(t)
	b := app.browser()
	wantStatus(t, b.get("/"), http.StatusSeeOther)
	res := b.get("/setup")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `name="org_name"`, `name="domain"`, `name="email"`)

	res = b.post("/setup", url.Values{"org_name": {""}, "domain": {"not a domain"}, "name": {"Olive"},
		"email": {"olive@example.com"}, "password": {"short"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Enter the organization&#39;s name.", "Enter a domain like example.com", "Use at least 12 characters.", `value="olive@example.com"`)
	if ok, _ := app.store.IsSetUp(context.Background()); ok {
		t.Fatal("a rejected setup wrote an organization")
	}

	res = b.post("/setup", url.Values{"org_name": {"Example Corp"}, "domain": {"Example.com"}, "name": {"Olive Owner"},
		"email": {"olive@example.com"}, "password": {testPassword}})
	wantStatus(t, res, http.StatusSeeOther)
	if res.Location != "/admin/accounts" {
		t.Errorf("setup redirected to %q, want /admin/accounts", res.Location)
	}
	// Setup signs the Owner in: no second typing of the password just chosen.
	res = b.get("/admin/accounts")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Example Corp", "No accounts yet", "you are signed in as its Owner")
	wantStatus(t, b.get("/setup"), http.StatusNotFound)
	wantStatus(t, b.post("/setup", url.Values{"org_name": {"Second"}, "domain": {"b.com"}, "name": {"B"},
		"email": {"b@b.com"}, "password": {testPassword}}), http.StatusNotFound)

	fresh := app.browser()
	fresh.signIn("OLIVE@example.com", testPassword)
	wantStatus(t, fresh.get("/admin/accounts"), http.StatusOK)
}

func TestSignInSameMessageForUnknownEmailAndWrongPassword(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	unknown := b.post("/login", url.Values{"email": {"nobody@example.com"}, "password": {testPassword}})
	wrong := b.post("/login", url.Values{"email": {"owner@example.com"}, "password": {"wrong password here"}})
	if unknown.Status != wrong.Status || unknown.Status != http.StatusUnauthorized {
		t.Fatalf("statuses %d and %d, want both 401", unknown.Status, wrong.Status)
	}
	for _, res := range []response{unknown, wrong} {
		wantBody(t, res, "The email or password is not right.")
	}
	if strings.Contains(wrong.Body, "wrong password here") {
		t.Error("the password was echoed back")
	}
	res := b.post("/login", url.Values{"email": {"owner@example.com"}, "password": {strings.Repeat("x", 10000)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
}

func TestCSRFRequired(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	b.csrf() // gets the cookie
	for _, form := range []url.Values{
		{"email": {"owner@example.com"}, "password": {testPassword}},
		{"email": {"owner@example.com"}, "password": {testPassword}, "_csrf": {"forged"}},
	} {
		res := b.postRaw("/login", form)
		wantStatus(t, res, http.StatusForbidden)
		wantBody(t, res, "This form has expired")
	}
}

func TestSessionRotatedAtSignInAndDeadAfterSignOut(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	first := b.cookie("ac_session")
	if first == "" {
		t.Fatal("no session cookie after sign-in")
	}
	b.signIn("owner@example.com", testPassword)
	second := b.cookie("ac_session")
	if second == first {
		t.Fatal("the session id was not replaced at sign-in")
	}
	// The old id no longer works.
	old := app.browser()
	u, _ := url.Parse(app.srv.URL)
	old.http.Jar.SetCookies(u, []*http.Cookie{{Name: "ac_session", Value: first}})
	wantStatus(t, old.get("/admin/accounts"), http.StatusSeeOther)

	// A copy of the live cookie works until sign-out, and never after.
	thief := app.browser()
	thief.http.Jar.SetCookies(u, []*http.Cookie{{Name: "ac_session", Value: second}})
	wantStatus(t, thief.get("/admin/accounts"), http.StatusOK)
	res := b.post("/logout", nil)
	wantStatus(t, res, http.StatusSeeOther)
	wantStatus(t, thief.get("/admin/accounts"), http.StatusSeeOther)
	wantStatus(t, b.get("/admin/accounts"), http.StatusSeeOther)

	// A planted cookie before sign-in does not become the session.
	planted := app.browser()
	planted.http.Jar.SetCookies(u, []*http.Cookie{{Name: "ac_session", Value: "planted-by-attacker"}})
	planted.signIn("owner@example.com", testPassword)
	if got := planted.cookie("ac_session"); got == "planted-by-attacker" || got == "" {
		t.Fatalf("session cookie after sign-in = %q", got)
	}
}

func TestCreateAccount(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)

	tests := []struct {
		name  string
		form  url.Values
		wants []string
	}{
		{"empty name", url.Values{"friendly_name": {"  "}, "type": {"standard"}}, []string{"Enter an account name."}},
		{"65 characters", url.Values{"friendly_name": {strings.Repeat("n", 65)}, "type": {"standard"}}, []string{"at most 64 characters", strings.Repeat("n", 65)}},
		{"flex without region or terms", url.Values{"friendly_name": {"Support desk"}, "type": {"flex"}}, []string{"Choose a region", "Accept the Flex terms", `value="Support desk"`}},
		{"unknown type", url.Values{"friendly_name": {"X"}, "type": {"premium"}}, []string{"Choose Standard or Flex."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := b.post("/admin/accounts", tc.form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantBody(t, res, tc.wants...)
		})
	}
	if res := b.get("/admin/accounts"); !strings.Contains(res.Body, "No accounts yet") {
		t.Fatal("a rejected form created an account")
	}

	res := b.post("/admin/accounts", url.Values{"friendly_name": {"Billing EU"}, "type": {"standard"}})
	wantStatus(t, res, http.StatusSeeOther)
	if !strings.HasPrefix(res.Location, "/admin/accounts/AC") || !strings.HasSuffix(res.Location, "/users") {
		t.Fatalf("create redirected to %q", res.Location)
	}
	sid := strings.TrimSuffix(strings.TrimPrefix(res.Location, "/admin/accounts/"), "/users")
	res = b.get(res.Location)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Billing EU", "created", "owner@example.com", "Owner")

	res = b.post("/admin/accounts", url.Values{"friendly_name": {"Contact center"}, "type": {"standard", "flex"},
		"flex_region": {"ie1"}, "flex_terms": {"on"}})
	wantStatus(t, res, http.StatusSeeOther)

	res = b.get("/admin/accounts")
	wantBody(t, res, "Billing EU", "Contact center", `href="/admin/accounts/`+sid+`"`, "Flex")
	res = b.get("/admin/accounts/" + sid)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, sid, "Standard", "Active", "Olive Owner", `href="/admin/accounts/`+sid+`/users/pending"`)
	res = b.get("/admin/accounts?q=contact")
	wantBody(t, res, "Contact center")
	if strings.Contains(res.Body, "Billing EU") {
		t.Error("search by name fragment showed a non-matching account")
	}
	res = b.get("/admin/accounts?q=" + strings.ToUpper(sid[2:6]) + "&status=active")
	wantStatus(t, res, http.StatusOK)

	var events int
	evs, err := storetest.AuditEvents(context.Background(), app.store, "account.create")
	if err != nil {
		t.Fatal(err)
	}
	events = len(evs)
	if events != 2 {
		t.Errorf("account.create audit events = %d, want 2", events)
	}
}

func TestAccountNotFound(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	for _, path := range []string{
		"/admin/accounts/AC00000000000000000000000000000000",
		"/admin/accounts/not-a-sid",
		"/admin/accounts/" + domain.NewSID("AC") + "/users",
		"/admin/accounts/ACZZ",
	} {
		res := b.get(path)
		wantStatus(t, res, http.StatusNotFound)
		wantBody(t, res, "Page not found")
	}
}

func TestSignedOutIsSentToSignIn(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	res := b.get("/admin/accounts")
	wantStatus(t, res, http.StatusSeeOther)
	if !strings.HasPrefix(res.Location, "/login") {
		t.Errorf("redirected to %q", res.Location)
	}
	res = b.post("/admin/accounts", url.Values{"friendly_name": {"X"}, "type": {"standard"}})
	wantStatus(t, res, http.StatusUnauthorized)
}

func TestHealthAndHeaders(t *testing.T) {
	app := newTestApp(t)
	b := app.browser()
	res := b.get("/healthz")
	wantStatus(t, res, http.StatusOK)
	res = b.get("/setup")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"'nonce-", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
		t.Errorf("missing headers: %v", res.Header)
	}
	nonce := csp[strings.Index(csp, "'nonce-")+7:]
	nonce = nonce[:strings.Index(nonce, "'")]
	wantBody(t, res, `nonce="`+nonce+`"`)
}

// TestStandardUserNavigation: a Standard user lands on My accounts, is offered Create account
// (not the administrators' Accounts list) and can create one.
func TestStandardUserNavigation(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	owner, err := app.store.FindUserByEmail(context.Background(), "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.AddUser(context.Background(), app.store, owner.OrgSID, domain.OrgRoleStandard, "sam@example.com", "Sam Standard", testPassword); err != nil {
		t.Fatal(err)
	}
	b := app.browser()
	res := b.post("/login", url.Values{"email": {"sam@example.com"}, "password": {testPassword}})
	if res.Location != "/accounts" {
		t.Fatalf("a Standard user landed on %q, want /accounts", res.Location)
	}
	res = b.get("/accounts")
	wantBody(t, res, `href="/admin/accounts/new"`, "Create account")
	if strings.Contains(res.Body, `<a href="/admin/accounts"`) {
		t.Error("the sidebar offers the administrators' Accounts list to a Standard user")
	}
	wantStatus(t, b.get("/admin/accounts"), http.StatusNotFound)
	wantStatus(t, b.get("/admin/accounts/new"), http.StatusOK)
	res = b.post("/admin/accounts", url.Values{"friendly_name": {"Sam's sandbox"}, "type": {"standard"}})
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, b.get("/accounts"), "Sam&#39;s sandbox")
}
