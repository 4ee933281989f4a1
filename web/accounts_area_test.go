package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"admincenter/internal/domain"
	"admincenter/internal/jobs"
	"admincenter/internal/store/storetest"
)

// area is an organization with its Owner signed in, a Standard user "dev" with the Developer role
// on one account, an org Administrator without a role on it, and a second organization.
type area struct {
	app        *testApp
	owner, dev *browser
	admin      *browser
	ownerUser  *domain.User
	devUser    *domain.User
	adminUser  *domain.User
	acct       string
	foreign    string // an account of the second organization
}

func newArea(t *testing.T) *area {
	t.Helper()
	app := newTestApp(t)
	app.setup()
	ctx := context.Background()
	ar := &area{app: app}
	var err error
	if ar.ownerUser, err = app.store.FindUserByEmail(ctx, "owner@example.com"); err != nil {
		t.Fatal(err)
	}
	if ar.devUser, err = storetest.AddUser(ctx, app.store, ar.ownerUser.OrgSID, domain.OrgRoleStandard, "dev@example.com", "Dana Dev", testPassword); err != nil {
		t.Fatal(err)
	}
	if ar.adminUser, err = storetest.AddUser(ctx, app.store, ar.ownerUser.OrgSID, domain.OrgRoleAdministrator, "admin@example.com", "Ada Admin", testPassword); err != nil {
		t.Fatal(err)
	}
	a, err := app.store.CreateAccount(ctx, ar.ownerUser, domain.CreateAccountInput{FriendlyName: "Billing EU", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	ar.acct = a.SID
	if _, err := app.store.CreateRoleAssignment(ctx, domain.Actor{Type: "system"}, ar.ownerUser.OrgSID, a.SID, ar.devUser.SID, domain.RoleDeveloper); err != nil {
		t.Fatal(err)
	}
	_, beta, err := storetest.AddOrganization(ctx, app.store, "Beta", "beta.example", "Bea Owner", "owner@beta.example", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	fa, err := app.store.CreateAccount(ctx, beta, domain.CreateAccountInput{FriendlyName: "Beta secret", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	ar.foreign = fa.SID
	ar.owner, ar.dev, ar.admin = app.browser(), app.browser(), app.browser()
	ar.owner.signIn("owner@example.com", testPassword)
	ar.dev.signIn("dev@example.com", testPassword)
	ar.admin.signIn("admin@example.com", testPassword)
	return ar
}

func (ar *area) path(suffix string) string { return "/admin/accounts/" + ar.acct + suffix }

func (ar *area) status(t *testing.T) string {
	t.Helper()
	acc, err := ar.app.store.FindAccountAccess(context.Background(), ar.ownerUser, ar.acct)
	if err != nil {
		t.Fatal(err)
	}
	return acc.Account.Status
}

func TestAccountListTabsSearchAndBadInput(t *testing.T) {
	ar := newArea(t)
	ctx := context.Background()
	b := ar.owner
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 55; i++ {
		ar.app.store.Now = func() time.Time { return base.Add(time.Duration(i) * time.Minute) }
		if _, err := ar.app.store.CreateAccount(ctx, ar.ownerUser, domain.CreateAccountInput{FriendlyName: fmt.Sprintf("Team %02d", i), Type: "standard"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	ar.app.store.Now = func() time.Time { return time.Now().UTC() }

	res := b.get("/admin/accounts?q=team")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Team 54", `rel="next"`, `<span class="count">56</span>`)
	if strings.Contains(res.Body, "Billing EU") || strings.Contains(res.Body, `rel="prev"`) {
		t.Error("first page of the search shows a non-match or a previous link")
	}
	next := hrefOf(t, res.Body, `rel="next"`)
	if !strings.Contains(next, "q=team") {
		t.Fatalf("next link %q does not keep the search", next)
	}
	res = b.get(next)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Team 04", "Team 00", `rel="prev"`)
	if strings.Contains(res.Body, "Team 05") || strings.Contains(res.Body, `rel="next"`) {
		t.Error("second page repeats a row or has a next link")
	}
	prev := hrefOf(t, res.Body, `rel="prev"`)
	if !strings.Contains(prev, "q=team") {
		t.Fatalf("prev link %q does not keep the search", prev)
	}
	wantBody(t, b.get(prev), "Team 54", "Team 05")

	res = b.get("/admin/accounts?status=frozen")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "“frozen” is not an account status", "Billing EU")
	res = b.get("/admin/accounts?cursor=not-a-cursor")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "That page link is not valid", "Team 54")
	wantStatus(t, b.get("/admin/accounts?tab=secret"), http.StatusNotFound)
	res = b.get("/admin/accounts?q=" + strings.Repeat("x", 300))
	if res.Status >= 500 {
		t.Fatalf("a long search answered %d", res.Status)
	}
	res = b.get("/admin/accounts?q=nothing-like-this&status=suspended")
	wantBody(t, res, "No accounts match")

	// Independent tab and its empty state.
	wantBody(t, b.get("/admin/accounts?tab=independent"), "No independent accounts")
	if err := storetest.SetAccountRelation(ctx, ar.app.store, ar.acct, ar.ownerUser.OrgSID, domain.RelationIndependent); err != nil {
		t.Fatal(err)
	}
	res = b.get("/admin/accounts?tab=independent")
	wantBody(t, res, "Billing EU", `href="/admin/accounts/`+ar.acct+`"`)
	if strings.Contains(res.Body, "Team 01") {
		t.Error("Independent tab lists managed accounts")
	}

	// Pending tab: rows of account_requests.
	wantBody(t, b.get("/admin/accounts?tab=pending"), "No pending requests")
	now := ar.app.store.Now()
	if err := storetest.AddAccountRequest(ctx, ar.app.store, ar.ownerUser.OrgSID, ar.acct, "import", ar.ownerUser.SID, now.Add(7*24*time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	other, err := ar.app.store.CreateAccount(ctx, ar.ownerUser, domain.CreateAccountInput{FriendlyName: "Outside shop", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := storetest.AddAccountRequest(ctx, ar.app.store, ar.ownerUser.OrgSID, other.SID, "share", "", now.Add(-time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	res = b.get("/admin/accounts?tab=pending")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Import", "Share", "Outside shop", "Olive Owner", "Expired", `<span class="count">2</span>`)

	// The Accounts list is for the organization's Owner and Administrators.
	wantStatus(t, ar.dev.get("/admin/accounts"), http.StatusNotFound)
}

// hrefOf returns the href of the first link with attr.
func hrefOf(t *testing.T, body, attr string) string {
	t.Helper()
	i := strings.Index(body, attr)
	if i < 0 {
		t.Fatalf("no link with %s", attr)
	}
	rest := body[i:]
	j := strings.Index(rest, `href="`)
	rest = rest[j+6:]
	return strings.ReplaceAll(rest[:strings.Index(rest, `"`)], "&amp;", "&")
}

func TestAccountSettingsRules(t *testing.T) {
	ar := newArea(t)
	ctx := context.Background()
	form := func(name string, boxes ...string) url.Values {
		v := url.Values{"friendly_name": {name}}
		for _, b := range boxes {
			v.Set(b, "on")
		}
		return v
	}
	res := ar.owner.get(ar.path(""))
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `id="settings-form"`, `id="lockout-list"`, "dev@example.com", "admin@example.com", `id="suspend"`, `id="close-form"`, `id="owner-form"`, `id="remove"`)
	// The lock-out preview says why each person is listed.
	wantBody(t, res, "3 people cannot open the account", `Developer on this account</span>`, `Organization Administrator</span>`,
		`<span class="badge badge-reason">you</span><span class="badge badge-reason">Organization Owner</span><span class="badge badge-reason">Owner on this account</span>`)

	res = ar.owner.post(ar.path("/settings"), form(strings.Repeat("n", 65), "webhooks_https_only"))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "at most 64 characters", strings.Repeat("n", 65))
	res = ar.owner.post(ar.path("/settings"), form("Billing EU", "require_2fa"))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Turn on two-factor sign-in for yourself first")

	// Developers see the settings read-only and may not post them.
	res = ar.dev.get(ar.path(""))
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Only the Organization Owner or Administrator, or Account Administrator can change these settings",
		"Only the Organization Owner or Administrator can suspend")
	for _, s := range []string{`id="settings-form"`, `id="suspend"`, `id="close-form"`, `id="owner-form"`, `id="remove"`} {
		if strings.Contains(res.Body, s) {
			t.Errorf("a Developer's General tab shows %s", s)
		}
	}
	res = ar.dev.post(ar.path("/settings"), form("Dev was here"))
	wantStatus(t, res, http.StatusForbidden)
	wantBody(t, res, "Organization Owner or Administrator, or Account Administrator", "Account Developer")
	wantStatus(t, ar.owner.post("/admin/accounts/"+ar.foreign+"/settings", form("Mine now")), http.StatusNotFound)

	res = ar.owner.post(ar.path("/settings"), form("Billing Europe", "pkcv_required"))
	wantStatus(t, res, http.StatusSeeOther)
	acc, _ := ar.app.store.FindAccountAccess(ctx, ar.ownerUser, ar.acct)
	if a := acc.Account; a.FriendlyName != "Billing Europe" || a.WebhooksHTTPSOnly || !a.PKCVRequired || a.Require2FA {
		t.Fatalf("after save: %+v", a)
	}
	wantBody(t, ar.owner.get(res.Location), "Settings saved.", "Billing Europe")
}

func TestRequire2FALocksOutUsersWithout2FA(t *testing.T) {
	ar := newArea(t)
	ctx := context.Background()
	if err := storetest.SetTOTPEnabled(ctx, ar.app.store, ar.ownerUser.SID, true); err != nil {
		t.Fatal(err)
	}
	res := ar.owner.post(ar.path("/settings"), url.Values{"friendly_name": {"Billing EU"}, "require_2fa": {"on"}, "webhooks_https_only": {"on"}})
	wantStatus(t, res, http.StatusSeeOther)
	wantStatus(t, ar.owner.get(ar.path("")), http.StatusOK)

	for name, b := range map[string]*browser{"developer": ar.dev, "org administrator": ar.admin} {
		for _, p := range []string{"", "/users", "/users/pending"} {
			res := b.get(ar.path(p))
			wantStatus(t, res, http.StatusSeeOther)
			if res.Location != "/settings/2fa" {
				t.Errorf("%s GET %s → %q, want /settings/2fa", name, p, res.Location)
			}
		}
		res := b.post(ar.path("/suspend"), nil)
		if res.Status != http.StatusSeeOther || res.Location != "/settings/2fa" {
			t.Errorf("%s POST suspend → %d %q", name, res.Status, res.Location)
		}
	}
	if got := ar.status(t); got != domain.StatusActive {
		t.Fatalf("status = %s", got)
	}
	res = ar.dev.get(ar.path("/users"))
	wantBody(t, ar.dev.get(res.Location), "“Billing EU” requires two-factor sign-in")
	// Another organization's account stays a 404, 2FA or not.
	wantStatus(t, ar.dev.get("/admin/accounts/"+ar.foreign), http.StatusNotFound)
	// Once the Developer has 2FA, the account opens.
	if err := storetest.SetTOTPEnabled(ctx, ar.app.store, ar.devUser.SID, true); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, ar.dev.get(ar.path("")), http.StatusOK)
}

func TestOwnerTransferRules(t *testing.T) {
	ar := newArea(t)
	ctx := context.Background()
	if _, err := storetest.AddUser(ctx, ar.app.store, "", "", "friend@gmail.example", "Fred Friend", testPassword); err != nil {
		t.Fatal(err)
	}
	res := ar.admin.get(ar.path(""))
	wantBody(t, res, "Only the current owner (owner@example.com) can transfer")
	res = ar.admin.post(ar.path("/owner"), url.Values{"new_owner": {"admin@example.com"}})
	wantStatus(t, res, http.StatusForbidden)
	wantBody(t, res, "current Account Owner")
	for _, bad := range []string{"", "friend@gmail.example", "owner@beta.example", "nobody@example.com", "owner@example.com"} {
		res := ar.owner.post(ar.path("/owner"), url.Values{"new_owner": {bad}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if bad != "" {
			wantBody(t, res, `value="`+bad+`"`)
		}
	}
	res = ar.owner.post(ar.path("/owner"), url.Values{"new_owner": {ar.devUser.SID}})
	wantStatus(t, res, http.StatusSeeOther)
	res = ar.owner.get(res.Location)
	wantBody(t, res, "dev@example.com now owns this account", "Dana Dev")
	users := ar.owner.get(ar.path("/users"))
	wantBody(t, users, "Administrator")
	wantStatus(t, ar.owner.post(ar.path("/owner"), url.Values{"new_owner": {"owner@example.com"}}), http.StatusForbidden)
}

func TestLifecycleOverHTTP(t *testing.T) {
	ar := newArea(t)
	ctx := context.Background()

	res := ar.dev.post(ar.path("/suspend"), nil)
	wantStatus(t, res, http.StatusForbidden)
	wantBody(t, res, "Only the Organization Owner or Administrator may suspend this account", "You have: Account Developer")
	wantStatus(t, ar.owner.post("/admin/accounts/"+ar.foreign+"/suspend", nil), http.StatusNotFound)
	wantStatus(t, ar.owner.post("/admin/accounts/ACnot-a-sid/suspend", nil), http.StatusNotFound)
	if got := ar.status(t); got != domain.StatusActive {
		t.Fatalf("status = %s", got)
	}

	res = ar.owner.post(ar.path("/suspend"), nil)
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, ar.owner.get(res.Location), "is suspended.", `id="reactivate"`)
	res = ar.owner.post(ar.path("/suspend"), nil)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "Only an active account can be suspended. This account is suspended.")

	res = ar.owner.post(ar.path("/close"), url.Values{"confirm_name": {"Billing"}, "acknowledge": {"on"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Type the account name exactly", `value="Billing"`)
	res = ar.owner.post(ar.path("/close"), url.Values{"confirm_name": {"Billing EU"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Tick the box")
	if got := ar.status(t); got != domain.StatusSuspended {
		t.Fatalf("status after refused closes = %s", got)
	}
	res = ar.owner.post(ar.path("/close"), url.Values{"confirm_name": {"Billing EU"}, "acknowledge": {"on"}})
	wantStatus(t, res, http.StatusSeeOther)
	res = ar.owner.get(res.Location)
	wantBody(t, res, "is pending closure", `id="cancel-closure"`, "Pending closure")
	res = ar.owner.post(ar.path("/close/cancel"), nil)
	wantStatus(t, res, http.StatusSeeOther)
	if got := ar.status(t); got != domain.StatusSuspended {
		t.Fatalf("status after cancel = %s, want suspended (the status before)", got)
	}

	// Close again; the closure job, once the grace is over, closes it for good. (A short grace,
	// so that moving the clock past it does not end the session too.)
	ar.app.cfg.ClosureGrace = 10 * time.Minute
	wantStatus(t, ar.owner.post(ar.path("/reactivate"), nil), http.StatusSeeOther)
	wantStatus(t, ar.owner.post(ar.path("/close"), url.Values{"confirm_name": {"Billing EU"}, "acknowledge": {"on"}}), http.StatusSeeOther)
	later := time.Now().UTC().Add(ar.app.cfg.ClosureGrace + time.Minute)
	ar.app.store.Now = func() time.Time { return later }
	res = ar.owner.post(ar.path("/close/cancel"), nil)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "The cooling-off period is over")
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	jobs.Start(stopped, ar.app.cfg, ar.app.store, ar.app.web.log).Wait() // runs each job once, then stops
	if got := ar.status(t); got != domain.StatusClosed {
		t.Fatalf("status after the closure job = %s", got)
	}
	res = ar.owner.get(ar.path(""))
	wantBody(t, res, "This account is closed.", "A closed account")
	if strings.Contains(res.Body, `id="settings-form"`) {
		t.Error("a closed account shows the settings form")
	}
	wantStatus(t, ar.owner.post(ar.path("/reactivate"), nil), http.StatusConflict)

	evs, _ := storetest.AuditEvents(ctx, ar.app.store, "account.close")
	if len(evs) != 2 || evs[0].IP == "" {
		t.Errorf("close audit events = %+v", evs)
	}
}

func TestRemoveAndRelinquishOverHTTP(t *testing.T) {
	ar := newArea(t)
	ctx := context.Background()
	wantStatus(t, ar.dev.post(ar.path("/remove"), nil), http.StatusForbidden)
	// A managed account is removed, not relinquished: said in the reader's language.
	res := ar.admin.post(ar.path("/relinquish"), nil)
	wantStatus(t, res, http.StatusForbidden)
	wantBody(t, res, "Only an independent account is relinquished; a managed account is removed from the organization instead.")
	form := url.Values{"_csrf": {ar.admin.csrf()}}
	req, _ := http.NewRequest("POST", ar.app.srv.URL+ar.path("/relinquish"), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "ja")
	res = ar.admin.do(req)
	wantStatus(t, res, http.StatusForbidden)
	wantBody(t, res, "アクセス権を放棄できるのは独立アカウントだけです。")
	res = ar.admin.post(ar.path("/remove"), nil)
	wantStatus(t, res, http.StatusSeeOther)
	if res.Location != "/admin/accounts" {
		t.Errorf("remove → %q", res.Location)
	}
	wantBody(t, ar.admin.get(res.Location), "was removed from the organization", "No accounts yet")
	wantStatus(t, ar.admin.get(ar.path("")), http.StatusNotFound)
	wantStatus(t, ar.owner.get(ar.path("")), http.StatusOK) // its owner keeps it

	if err := storetest.SetAccountRelation(ctx, ar.app.store, ar.acct, ar.ownerUser.OrgSID, domain.RelationIndependent); err != nil {
		t.Fatal(err)
	}
	res = ar.admin.get(ar.path(""))
	wantBody(t, res, `action="/admin/accounts/`+ar.acct+`/relinquish"`, "Only the Account Owner can suspend")
	wantStatus(t, ar.admin.post(ar.path("/suspend"), nil), http.StatusForbidden)
	res = ar.admin.post(ar.path("/relinquish"), nil)
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, ar.admin.get(res.Location), "relinquished", "No independent accounts")
}

func TestAuditLogPageAndCSV(t *testing.T) {
	ar := newArea(t)
	ctx := context.Background()
	evil := "=HYPERLINK(\"http://x\",\"y\")"
	if _, err := ar.app.store.CreateAccount(ctx, ar.ownerUser, domain.CreateAccountInput{FriendlyName: evil, Type: "standard"}, "203.0.113.9"); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, ar.owner.post(ar.path("/suspend"), nil), http.StatusSeeOther)

	res := ar.owner.get("/admin/audit")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Audit log", "Account suspended", `<code class="sub">account.suspend</code>`, "owner@example.com", "203.0.113.9",
		"<strong>Status</strong>:", "Active", "Suspended", `<code class="sub">organization.setup</code>`)
	if strings.Contains(res.Body, "Beta secret") || strings.Contains(res.Body, "owner@beta.example") {
		t.Error("the audit log shows another organization's events")
	}
	res = ar.owner.get("/admin/audit?action=account.suspend&account=" + ar.acct)
	wantBody(t, res, "account.suspend")
	if strings.Contains(res.Body, `<code class="sub">organization.setup</code>`) {
		t.Error("the action filter let other actions through")
	}
	wantBody(t, ar.owner.get("/admin/audit?actor=nobody@example.com"), "No events match")
	res = ar.owner.get("/admin/audit?from=yesterday&account=AC1")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Enter a date like", "Enter an account SID", `value="yesterday"`)
	res = ar.owner.get("/admin/audit?cursor=n-5")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "That page link is not valid")

	res = ar.owner.get("/admin/audit?format=csv&action=account")
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("CSV headers: %v", res.Header)
	}
	recs, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 || recs[0][0] != "time_utc" { // header, 2 creates, the role grant, the suspend
		t.Fatalf("CSV has %d rows: %v", len(recs), recs)
	}
	for _, r := range recs {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("CSV cell %q starts with a formula character", cell)
			}
		}
	}
	if !strings.Contains(res.Body, `HYPERLINK`) {
		t.Error("the CSV lost the evil name")
	}
	wantStatus(t, ar.owner.get("/admin/audit?format=csv&from=nope"), http.StatusUnprocessableEntity)

	// Only the organization's Owner and Administrators read the audit log.
	wantStatus(t, ar.dev.get("/admin/audit"), http.StatusNotFound)
	wantStatus(t, ar.admin.get("/admin/audit"), http.StatusOK)
}

func TestAuditLogPages(t *testing.T) {
	ar := newArea(t)
	for i := 0; i < 30; i++ {
		wantStatus(t, ar.owner.post(ar.path("/suspend"), nil), http.StatusSeeOther)
		wantStatus(t, ar.owner.post(ar.path("/reactivate"), nil), http.StatusSeeOther)
	}
	res := ar.owner.get("/admin/audit?action=account")
	next := hrefOf(t, res.Body, `rel="next"`)
	if !strings.Contains(next, "action=account") {
		t.Fatalf("next %q drops the filter", next)
	}
	res = ar.owner.get(next)
	wantStatus(t, res, http.StatusOK)
	prev := hrefOf(t, res.Body, `rel="prev"`)
	wantStatus(t, ar.owner.get(prev), http.StatusOK)
}

// TestAdminRoutesAreGuarded is the route inventory: every /admin route names a guard that checks
// authorization, and nothing under /admin is served that the table does not list.
func TestAdminRoutesAreGuarded(t *testing.T) {
	app := newTestApp(t)
	listed := map[string]bool{}
	for _, r := range app.web.routes {
		listed[r.method+" "+r.path] = true
		if !strings.HasPrefix(r.path, "/admin") {
			continue
		}
		switch r.guard {
		case orgMember, orgAdmin, accountView:
		default:
			t.Errorf("%s %s has guard %d: every /admin route needs orgMember, orgAdmin or accountView", r.method, r.path, r.guard)
		}
		if strings.HasPrefix(r.path, "/admin/accounts/:sid") && r.guard != accountView {
			t.Errorf("%s %s names an account but does not use accountView", r.method, r.path)
		}
	}
	for _, r := range app.web.echo.Routes() {
		if strings.HasPrefix(r.Path, "/admin") && !listed[r.Method+" "+r.Path] {
			t.Errorf("%s %s is served but not in the route table", r.Method, r.Path)
		}
	}
}

// TestSignedOutAndOutsidersGetNothing: every /admin account route answers an outsider (another
// organization's Owner) 404 and a signed-out visitor a sign-in.
func TestSignedOutAndOutsidersGetNothing(t *testing.T) {
	ar := newArea(t)
	outsider := ar.app.browser()
	outsider.signIn("owner@beta.example", testPassword)
	anon := ar.app.browser()
	for _, r := range ar.app.web.routes {
		if !strings.HasPrefix(r.path, "/admin/accounts/:sid") {
			continue
		}
		p := strings.NewReplacer(":sid", ar.acct, ":id", "1", ":user", ar.devUser.SID).Replace(r.path)
		var res response
		if r.method == "GET" {
			res = outsider.get(p)
		} else {
			res = outsider.post(p, url.Values{"friendly_name": {"x"}, "confirm_name": {"Billing EU"}, "acknowledge": {"on"}, "new_owner": {"owner@beta.example"}})
		}
		if res.Status != http.StatusNotFound {
			t.Errorf("outsider %s %s = %d, want 404", r.method, p, res.Status)
		}
		if r.method == "GET" {
			if res := anon.get(p); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/login") {
				t.Errorf("signed out GET %s = %d %q", p, res.Status, res.Location)
			}
		}
	}
	if got := ar.status(t); got != domain.StatusActive {
		t.Fatalf("status = %s", got)
	}
}

// TestMyAccountsPagesAndSearches: My accounts shows 50 accounts a page by name with rel="next"
// and rel="prev" links that keep the search, finds by name or SID, and answers a hand-edited
// cursor with the first page and a message.
func TestMyAccountsPagesAndSearches(t *testing.T) {
	ar := newArea(t)
	ctx := context.Background()
	for i := 0; i < 60; i++ {
		if _, err := ar.app.store.CreateAccount(ctx, ar.devUser, domain.CreateAccountInput{FriendlyName: fmt.Sprintf("Team %02d", i), Type: "standard"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	b := ar.dev
	res := b.get("/accounts")
	wantStatus(t, res, http.StatusOK)
	// Billing EU (Developer) first, then Team 00 … Team 48 (Owner).
	wantBody(t, res, "Billing EU", "Developer", "Team 00", "Team 48", `rel="next"`, `<label for="q">`)
	if strings.Contains(res.Body, "Team 49") || strings.Contains(res.Body, `rel="prev"`) {
		t.Error("the first page shows a 51st account or a previous link")
	}
	res = b.get(hrefOf(t, res.Body, `rel="next"`))
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Team 49", "Team 59", `rel="prev"`)
	if strings.Contains(res.Body, "Team 48") || strings.Contains(res.Body, `rel="next"`) {
		t.Error("the second page repeats a row or has a next link")
	}
	wantBody(t, b.get(hrefOf(t, res.Body, `rel="prev"`)), "Billing EU", "Team 48")

	res = b.get("/accounts?q=team+5")
	wantBody(t, res, "Team 50", "Team 59", `value="team 5"`)
	if strings.Contains(res.Body, "Team 05") || strings.Contains(res.Body, "Billing EU") {
		t.Error("the search shows a non-match")
	}
	wantBody(t, b.get("/accounts?q="+ar.acct), "Billing EU")
	wantBody(t, b.get("/accounts?q=zzz"), "No accounts match")

	res = b.get("/accounts?cursor=junk")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Billing EU", "Team 00")

	// Nobody sees another user's accounts: the Owner holds none of Dana's Team accounts.
	if strings.Contains(ar.owner.get("/accounts").Body, "Team 00") {
		t.Error("My accounts of the Owner lists an account of Dana's")
	}
}

// TestAccountPagesInJapanese: the flashes, refusals and conflicts of an account's pages are said
// in the reader's language (the API's errors stay English).
func TestAccountPagesInJapanese(t *testing.T) {
	ar := newArea(t)
	for _, b := range []*browser{ar.owner, ar.dev} {
		wantStatus(t, b.post("/settings/profile", url.Values{"name": {"Someone"}, "language": {"ja"}, "timezone": {"Asia/Tokyo"}}), http.StatusSeeOther)
	}
	res := ar.dev.post(ar.path("/suspend"), nil)
	wantStatus(t, res, http.StatusForbidden)
	wantBody(t, res, "このアカウントを停止することができるのは、組織の所有者・管理者だけです。現在のロール: アカウントの Developer")
	res = ar.dev.post(ar.path("/users/invite"), url.Values{"email": {"x@example.com"}, "role": {"support"}})
	wantStatus(t, res, http.StatusForbidden)
	wantBody(t, res, "このアカウントのユーザーを管理できるのは、組織の所有者・管理者、またはアカウントの Owner・Administrator ロールを持つユーザーだけです。")

	res = ar.owner.post(ar.path("/settings"), url.Values{"friendly_name": {"Billing EU"}})
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, ar.owner.get(res.Location), "設定を保存しました。")
	wantStatus(t, ar.owner.post(ar.path("/suspend"), nil), http.StatusSeeOther)
	res = ar.owner.post(ar.path("/suspend"), nil)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "停止できるのは有効なアカウントだけです。このアカウントは現在「停止中」です。")

	res = ar.owner.post(ar.path("/users/"+ar.ownerUser.SID+"/remove"), nil)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "アカウントの所有者は削除できません。")
	res = ar.owner.get(ar.path("/users?role=nobody"))
	wantBody(t, res, "フィルターに不明なロールが含まれていたため、除外しました。", "最終サインイン", "ユーザーを招待")

	res = ar.dev.get("/accounts?q=" + strings.Repeat("x", 201))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "検索語が長すぎます。200 文字以内で入力してください。")
}
