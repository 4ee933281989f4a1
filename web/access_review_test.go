package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"admincenter/internal/store/storetest"
)

func TestAccessReview(t *testing.T) {
	app := newPeopleApp(t)
	ctx := context.Background()
	token := app.invite("contractor@outside.dev", "developer")
	c := app.person("contractor@outside.dev", "Casey")
	wantStatus(t, c.post("/invitations/"+token+"/accept", nil), http.StatusSeeOther)
	res := app.owner.post("/admin/accounts", url.Values{"friendly_name": {"=HYPERLINK(\"x\")"}, "type": {"standard"}})
	wantStatus(t, res, http.StatusSeeOther)
	app.invite("stale@outside.dev", "support")
	app.advance(8 * 24 * time.Hour)
	app.owner.signIn("owner@example.com", testPassword)
	app.invite("fresh@outside.dev", "billing_manager")

	res = app.owner.get("/admin/access-review")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Access review · Admin Center", "Billing EU", "contractor@outside.dev", "External", "owner@example.com",
		"stale@outside.dev", "Stale: expired", "fresh@outside.dev", `href="/admin/access-review?format=csv"`)
	if !strings.Contains(rowOf(res.Body, "contractor@outside.dev"), `class="highlight"`) {
		t.Error("the external user is not highlighted")
	}

	res = app.owner.get("/admin/access-review?role=developer")
	if rowOf(res.Body, "owner@example.com") != "" || rowOf(res.Body, "contractor@outside.dev") == "" {
		t.Error("the developer filter is wrong")
	}
	res = app.owner.get("/admin/access-review?external=on")
	if rowOf(res.Body, "owner@example.com") != "" || rowOf(res.Body, "contractor@outside.dev") == "" {
		t.Error("the external filter is wrong")
	}
	res = app.owner.get("/admin/access-review?account=HYPERLINK")
	if rowOf(res.Body, "Billing EU") != "" || rowOf(res.Body, "owner@example.com") == "" {
		t.Error("the account filter is wrong")
	}
	wantStatus(t, app.owner.get("/admin/access-review?role=nope"), http.StatusOK)
	wantStatus(t, app.owner.get("/admin/access-review?cursor=bad"), http.StatusUnprocessableEntity)

	res = app.owner.get("/admin/access-review?format=csv")
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type = %q", ct)
	}
	recs, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(recs), 1+3+2; got != want { // header, three roles rows, two invitations
		t.Fatalf("%d CSV records, want %d:\n%s", got, want, res.Body)
	}
	if recs[0][0] != "account_sid" || recs[0][12] != "access" {
		t.Errorf("header = %v", recs[0])
	}
	var sawFormula, sawExpired, sawExternal bool
	for _, r := range recs[1:] {
		sawFormula = sawFormula || r[1] == `'=HYPERLINK("x")`
		sawExpired = sawExpired || (r[5] == "stale@outside.dev" && r[12] == "invitation expired")
		sawExternal = sawExternal || (r[5] == "contractor@outside.dev" && r[7] == "external" && r[9] == "developer")
		if strings.HasPrefix(r[1], "=") {
			t.Errorf("a cell starts with a formula: %v", r)
		}
	}
	if !sawFormula || !sawExpired || !sawExternal {
		t.Errorf("CSV lacks rows (formula %v, expired %v, external %v):\n%s", sawFormula, sawExpired, sawExternal, res.Body)
	}

	// Nobody but the organization's Owner and Administrators, and only their organization.
	c.signIn("contractor@outside.dev", testPassword)
	wantStatus(t, c.get("/admin/access-review"), http.StatusNotFound)
	if _, _, err := storetest.AddOrganization(ctx, app.store, "Beta", "beta.dev", "Bo", "bo@beta.dev", testPassword); err != nil {
		t.Fatal(err)
	}
	b := app.browser()
	b.signIn("bo@beta.dev", testPassword)
	res = b.get("/admin/access-review?format=csv")
	wantStatus(t, res, http.StatusOK)
	if strings.Contains(res.Body, "Billing EU") || strings.Contains(res.Body, "contractor@outside.dev") {
		t.Error("another organization's review shows this one's accounts")
	}
}
