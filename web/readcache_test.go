package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"admincenter/internal/store"
	"admincenter/views"
)

// The pages served from the store's read cache show a change on the very next request.
func TestCachedPagesShowChangesAtOnce(t *testing.T) {
	ar := newArea(t)
	// Every page once, so that each is cached.
	for _, p := range []string{"/admin/accounts", ar.path(""), ar.path("/users"), "/admin/audit"} {
		wantStatus(t, ar.owner.get(p), http.StatusOK)
	}
	wantStatus(t, ar.dev.get(ar.path("")), http.StatusOK)

	res := ar.owner.post(ar.path("/settings"), url.Values{"friendly_name": {"Billing EU renamed"}, "webhooks_https_only": {"on"}})
	wantStatus(t, res, http.StatusSeeOther)
	for _, p := range []string{"/admin/accounts", ar.path(""), "/admin/audit"} {
		res := ar.owner.get(p)
		wantStatus(t, res, http.StatusOK)
		wantBody(t, res, "Billing EU renamed")
	}
	if body := ar.owner.get("/admin/accounts").Body; strings.Contains(body, ">Billing EU<") {
		t.Error("the Accounts list still shows the old name")
	}

	// The developer loses the account: the next request is a 404, and the Users tab drops them.
	res = ar.owner.post(ar.path("/users/"+ar.devUser.SID+"/remove"), nil)
	wantStatus(t, res, http.StatusSeeOther)
	wantStatus(t, ar.dev.get(ar.path("")), http.StatusNotFound)
	wantBody(t, ar.owner.get(ar.path("/users")), "dev@example.com no longer has access") // the flash
	if body := ar.owner.get(ar.path("/users")).Body; strings.Contains(body, "dev@example.com") {
		t.Error("the Users tab still lists the removed developer")
	}
}

// A page whose rows were rendered once (and served from the page's Derived slot) is the same
// HTML as one rendered from scratch; a change makes new rows at once.
func TestRememberedRowsAreTheSamePage(t *testing.T) {
	ar := newArea(t)
	ctx := context.Background()
	p := views.Page{Title: "Accounts", Nav: "accounts", CSRF: "token", User: ar.ownerUser, OrgName: "Example Corp"}
	page, err := ar.app.store.ListAccounts(ctx, store.AccountFilter{OrgSID: ar.ownerUser.OrgSID, Relation: "managed", Brief: true})
	if err != nil {
		t.Fatal(err)
	}
	render := func(c templ.Component) string {
		t.Helper()
		var b strings.Builder
		if err := c.Render(ctx, &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	v := views.AccountsView{Tab: "managed", Accounts: page.Accounts, Counts: [3]int{1, 0, 0}}
	live := render(views.AccountsPage(p, v))
	for range 2 {
		v.Rows = renderedRows(ctx, &page.Rows, views.AccountRows(page.Accounts))
		if got := render(views.AccountsPage(p, v)); got != live {
			t.Fatalf("the page with remembered rows differs from the live one:\n%s\n---\n%s", got, live)
		}
	}

	events, err := ar.app.store.ListAuditEvents(ctx, store.AuditFilter{OrgSID: ar.ownerUser.OrgSID})
	if err != nil {
		t.Fatal(err)
	}
	av := views.AuditView{Events: events.Events}
	live = render(views.AuditPage(p, av))
	av.Rows = renderedRows(ctx, &events.Rows, views.AuditRows(events.Events))
	if got := render(views.AuditPage(p, av)); got != live {
		t.Fatalf("the audit page with remembered rows differs from the live one")
	}

	// Over HTTP: the list, twice from the cache, then after a rename.
	first := ar.owner.get("/admin/accounts").Body
	wantBody(t, ar.owner.get("/admin/accounts"), `>Billing EU</a>`)
	wantStatus(t, ar.owner.post(ar.path("/settings"), url.Values{"friendly_name": {"Billing EU two"}, "webhooks_https_only": {"on"}}), http.StatusSeeOther)
	if after := ar.owner.get("/admin/accounts").Body; after == first || !strings.Contains(after, `>Billing EU two</a>`) {
		t.Error("the list's rows did not change with the rename")
	}
}
