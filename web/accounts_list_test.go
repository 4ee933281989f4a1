package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

var nextLinkRE = regexp.MustCompile(`rel="next" href="([^"]+)"`)

// TestAccountsListPositionSortAndCounts: the Accounts list says which rows it shows of how many,
// sorts by name and by creation either way with keyset links that keep the order and the
// position, and counts a search's matches.
func TestAccountsListPositionSortAndCounts(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	owner := app.user("owner@example.com")
	app.seedAccounts(owner, "Billing", 60) // Billing 00 … Billing 59, a minute apart
	app.seedAccounts(owner, "alerts", 3)
	b := app.browser()
	b.signIn("owner@example.com", testPassword)

	res := b.get("/admin/accounts")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "<strong>1–50</strong> of <strong>63</strong>", `aria-sort="descending"`, "Billing 59", "</strong> accounts</p>")
	next := nextLinkRE.FindStringSubmatch(res.Body)
	if next == nil {
		t.Fatal("no next link on the first page")
	}
	res = b.get(html.UnescapeString(next[1]))
	wantBody(t, res, "<strong>51–63</strong> of <strong>63</strong>")

	res = b.get("/admin/accounts?sort=name")
	wantStatus(t, res, http.StatusOK)
	if i, j := strings.Index(res.Body, "alerts 00"), strings.Index(res.Body, "Billing 00"); i < 0 || j < 0 || i > j {
		t.Errorf("sorted by name, alerts 00 (at %d) should come before Billing 00 (at %d)", i, j)
	}
	next = nextLinkRE.FindStringSubmatch(res.Body)
	if next == nil || !strings.Contains(next[1], "sort=name") || !strings.Contains(next[1], "from=51") {
		t.Fatalf("next link of the by-name list = %v", next)
	}
	res = b.get(html.UnescapeString(next[1]))
	wantBody(t, res, "<strong>51–63</strong> of <strong>63</strong>", "Billing 59", `aria-sort="ascending"`)
	if strings.Contains(res.Body, "alerts 00") {
		t.Error("page 2 by name repeats page 1")
	}

	res = b.get("/admin/accounts?q=alerts")
	wantBody(t, res, "<strong>1–3</strong> of <strong>3</strong>", "matches")
	res = b.get("/admin/accounts?q=billing&status=active&sort=name_desc")
	wantBody(t, res, "<strong>1–50</strong> of <strong>50+</strong> matches", "Billing 59")
	// A search is not counted; its last page knows its total.
	if next = nextLinkRE.FindStringSubmatch(res.Body); next == nil {
		t.Fatal("no next link on the first page of the search")
	}
	res = b.get(html.UnescapeString(next[1]))
	wantBody(t, res, "<strong>51–60</strong> of <strong>60</strong>")
	if nextLinkRE.MatchString(res.Body) {
		t.Error("the last page of the search has a next link")
	}

	res = b.get("/admin/accounts?sort=size")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "is not an order of the list")
}

// TestAccountTabsCountPeople: an account's Users and Pending Users tabs say how many they hold.
func TestAccountTabsCountPeople(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	owner := app.user("owner@example.com")
	acc := app.seedAccounts(owner, "Support", 1)[0]
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	res := b.post("/admin/accounts/"+acc.SID+"/users/invite", url.Values{"email": {"a@outside.dev, b@outside.dev"}, "role": {"developer"}})
	wantStatus(t, res, http.StatusSeeOther)
	for _, path := range []string{"", "/users", "/users/pending"} {
		res = b.get("/admin/accounts/" + acc.SID + path)
		wantBody(t, res, `Users <span class="count">1</span>`, `Pending Users <span class="count">2</span>`)
	}
}

// TestDevMailboxOnlyForAdministrators: in development mode the Dev mailbox is in the sidebar of
// the organization's Owner and Administrators, not of everyone; the Create page has its h1.
func TestDevMailboxOnlyForAdministrators(t *testing.T) {
	app := newTestApp(t, "--dev")
	app.setup()
	owner := app.user("owner@example.com")
	if _, err := storetest.AddUser(context.Background(), app.store, owner.OrgSID, domain.OrgRoleStandard, "std@example.com", "Sam Standard", testPassword); err != nil {
		t.Fatal(err)
	}
	admin, std := app.browser(), app.browser()
	admin.signIn("owner@example.com", testPassword)
	std.signIn("std@example.com", testPassword)
	wantBody(t, admin.get("/admin/accounts"), `href="/dev/mail"`)
	res := std.get("/accounts")
	wantStatus(t, res, http.StatusOK)
	if strings.Contains(res.Body, `href="/dev/mail"`) {
		t.Error("a Standard User's sidebar offers the Dev mailbox")
	}
	wantBody(t, std.get("/admin/accounts/new"), `<h1 id="create-account-title">Create new account</h1>`, `role="switch"`)
}
