package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
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
