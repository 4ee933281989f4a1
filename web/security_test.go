package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

// postWith posts a form with the browser's CSRF token and the extra headers.
func (b *browser) postWith(path string, form url.Values, header map[string]string) response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", b.csrf())
	req, _ := http.NewRequest("POST", b.app.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		if k == "Host" {
			// The client's cookie jar goes by the Host header: hand it the browser's cookies.
			req.Host = v
			u, _ := url.Parse(b.app.srv.URL)
			for _, c := range b.http.Jar.Cookies(u) {
				req.AddCookie(c)
			}
			continue
		}
		req.Header.Set(k, v)
	}
	return b.do(req)
}

// TestCrossOriginRequestsAreRefused: a state change a browser says came from another site is a
// 403 even with a valid CSRF token (sign-in included); same-origin requests, requests without
// either header, and a server reached by another host name work; GETs from other sites work.
func TestCrossOriginRequestsAreRefused(t *testing.T) {
	ar := newArea(t)
	app := ar.app
	login := url.Values{"email": {"owner@example.com"}, "password": {testPassword}}
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"}, // a sibling subdomain is another origin
		{"Origin": "https://evil.example"},
		{"Origin": "null"},
	} {
		res := app.browser().postWith("/login", login, h)
		wantStatus(t, res, http.StatusForbidden)
		wantBody(t, res, "sent from another site")
		if c := deviceCookieOf(res); c != nil {
			t.Errorf("%v: a refused sign-in set a device cookie", h)
		}
		res = ar.owner.postWith(ar.path("/suspend"), nil, h)
		wantStatus(t, res, http.StatusForbidden)
	}
	if got := ar.status(t); got != domain.StatusActive {
		t.Fatalf("after cross-site posts the account is %s", got)
	}
	if evs, _ := storetest.AuditEvents(context.Background(), app.store, "signin.success"); len(evs) != 3 {
		t.Errorf("%d sign-ins, want only newArea's 3", len(evs))
	}
	hostPort := strings.TrimPrefix(app.srv.URL, "http://")
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "same-origin"},
		{"Sec-Fetch-Site": "none"}, // typed or bookmarked
		{"Origin": app.srv.URL},
		{},
		// Reached by another name than the base URL (a proxy, an alias): Origin matches Host.
		{"Host": "admin.internal:8443", "Origin": "http://admin.internal:8443"},
		{"Host": hostPort, "Origin": "http://" + hostPort},
	} {
		if res := app.browser().postWith("/login", login, h); res.Status != http.StatusSeeOther {
			t.Errorf("%v: status %d, want 303: %s", h, res.Status, trimBody(res.Body))
		}
	}
	res := ar.owner.postWith(ar.path("/suspend"), nil, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": app.srv.URL})
	wantStatus(t, res, http.StatusSeeOther)
	// A link from another site still opens a page.
	req, _ := http.NewRequest("GET", app.srv.URL+ar.path(""), nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	wantStatus(t, ar.owner.do(req), http.StatusOK)
}

// TestAuthorizationDenialsAreAudited: a 404 that hides an account, a 404 for an admin page and
// a 403 for a role each write authz.denied (actor, route, target), at most once per user and
// route a minute.
func TestAuthorizationDenialsAreAudited(t *testing.T) {
	ar := newArea(t)
	app := ar.app
	clk := app.useClock()
	ctx := context.Background()
	outsider := app.browser()
	if _, err := storetest.AddUser(ctx, app.store, ar.ownerUser.OrgSID, domain.OrgRoleStandard, "sam@example.com", "Sam Standard", testPassword); err != nil {
		t.Fatal(err)
	}
	outsider.signIn("sam@example.com", testPassword)

	for i := 0; i < 5; i++ {
		wantStatus(t, outsider.get(ar.path("")), http.StatusNotFound)
		wantStatus(t, ar.owner.get("/admin/accounts/"+ar.foreign), http.StatusNotFound)
		wantStatus(t, outsider.get("/admin/users"), http.StatusNotFound)
		wantStatus(t, ar.dev.post(ar.path("/suspend"), nil), http.StatusForbidden)
	}
	evs, _ := storetest.AuditEvents(ctx, app.store, "authz.denied")
	type key struct{ actor, target, route string }
	got := map[key]int{}
	for _, e := range evs {
		if e.Outcome != "denied" {
			t.Errorf("outcome %q", e.Outcome)
		}
		route := ""
		if i := strings.Index(e.After, `"route":"`); i >= 0 {
			route = e.After[i+9:]
			route = route[:strings.IndexByte(route, '"')]
		}
		got[key{e.ActorLabel, e.TargetSID, route}]++
	}
	want := map[key]int{
		{"sam@example.com", ar.acct, "GET /admin/accounts/:sid"}:          1,
		{"owner@example.com", ar.foreign, "GET /admin/accounts/:sid"}:     1,
		{"sam@example.com", "", "GET /admin/users"}:                       1,
		{"dev@example.com", ar.acct, "POST /admin/accounts/:sid/suspend"}: 1,
	}
	if len(got) != len(want) {
		t.Errorf("authz.denied events: %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("authz.denied %+v: %d events, want %d (all: %v)", k, got[k], n, got)
		}
	}
	// Another route is another event; a minute later the same route is audited again.
	wantStatus(t, outsider.get(ar.path("/users")), http.StatusNotFound)
	clk.Advance(61 * time.Second)
	wantStatus(t, outsider.get(ar.path("")), http.StatusNotFound)
	if evs, _ := storetest.AuditEvents(ctx, app.store, "authz.denied"); len(evs) != len(want)+2 {
		t.Errorf("%d authz.denied events, want %d", len(evs), len(want)+2)
	}
	// What users may do is not audited as denied.
	wantStatus(t, ar.dev.get(ar.path("")), http.StatusOK)
	wantStatus(t, ar.owner.get(ar.path("")), http.StatusOK)
	if evs, _ := storetest.AuditEvents(ctx, app.store, "authz.denied"); len(evs) != len(want)+2 {
		t.Errorf("%d authz.denied events after allowed requests, want %d", len(evs), len(want)+2)
	}
}
