package web

import (
	"net/http"
	"net/url"
	"testing"
)

// FuzzSCIMFilter: any filter on the SCIM Users list is answered 200 or a 400 JSON error
// (invalidFilter), never a 5xx.
func FuzzSCIMFilter(f *testing.F) {
	for _, s := range []string{`userName eq "owner@example.com"`, `userName sw "a"`, `userName eq "`, ``, `emails[type eq "work"]`, "userName eq \"\x00\""} {
		f.Add(s)
	}
	app := newTestApp(f)
	app.setup()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	oa := b.createOAuthApp("fuzz")
	tok := app.token(oa)
	f.Fuzz(func(t *testing.T, filter string) {
		app.t = t
		res := app.call(apiCall{Method: "GET", Path: "/Organizations/" + oa.OrgSID + "/scim/Users?filter=" + url.QueryEscape(filter), Token: tok})
		switch res.Status {
		case http.StatusOK, http.StatusBadRequest, http.StatusTooManyRequests:
		default:
			t.Fatalf("filter %q: status %d %s", filter, res.Status, res.Body)
		}
	})
}

// FuzzTokenEndpoint: any form posted to the token endpoint gets 200, 400, 401 or 429 with a JSON
// body, never a 5xx.
func FuzzTokenEndpoint(f *testing.F) {
	f.Add("client_credentials", "OQ00000000000000000000000000000000", "secret")
	f.Add("password", "", "")
	f.Add("", "OQ\x00", string(make([]byte, 300)))
	app := newTestApp(f)
	app.setup()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	oa := b.createOAuthApp("fuzz")
	f.Add("client_credentials", oa.ClientID, oa.Secret)
	f.Fuzz(func(t *testing.T, grant, id, secret string) {
		app.t = t
		form := url.Values{"grant_type": {grant}, "client_id": {id}, "client_secret": {secret}}
		res := app.call(apiCall{Method: "POST", Path: "/v1/token", ContentType: "application/x-www-form-urlencoded", Body: []byte(form.Encode())})
		switch res.Status {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusTooManyRequests:
		default:
			t.Fatalf("grant=%q id=%q: status %d %s", grant, id, res.Status, res.Body)
		}
	})
}
