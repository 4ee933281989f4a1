package web

import (
	"net/http"
	"net/url"
	"testing"
)

// FuzzCreateAccountForm: whatever the Create New Account form holds, the answer is a 303 or a 422
// page, never a 5xx.
func FuzzCreateAccountForm(f *testing.F) {
	f.Add("Billing EU", "standard", "", "")
	f.Add("", "flex", "us1", "on")
	f.Add("x\x00y", "flex", "mars", "yes")
	f.Add("\u202egnp.exe", "standard\nflex", "ie1", "on")
	app := newTestApp(f)
	app.setup()
	f.Fuzz(func(t *testing.T, name, typ, region, terms string) {
		app.t = t
		b := app.browser()
		b.signIn("owner@example.com", testPassword)
		res := b.post("/admin/accounts", url.Values{"friendly_name": {name}, "type": {typ}, "flex_region": {region}, "flex_terms": {terms}})
		if res.Status != http.StatusSeeOther && res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("name=%q type=%q region=%q terms=%q: status %d", name, typ, region, terms, res.Status)
		}
	})
}

// FuzzLoginForm: sign-in answers 303, 401 or 422 to any input, never a 5xx; 429 once the
// failures pass the sign-in throttle.
func FuzzLoginForm(f *testing.F) {
	f.Add("owner@example.com", testPassword)
	f.Add("", "")
	f.Add("OWNER@EXAMPLE.COM", "x")
	f.Add("a@b\x00", string(make([]byte, 600)))
	app := newTestApp(f)
	app.setup()
	f.Fuzz(func(t *testing.T, email, password string) {
		app.t = t
		b := app.browser()
		res := b.post("/login", url.Values{"email": {email}, "password": {password}})
		switch res.Status {
		case http.StatusSeeOther, http.StatusUnauthorized, http.StatusUnprocessableEntity, http.StatusTooManyRequests:
		default:
			t.Fatalf("email=%q: status %d", email, res.Status)
		}
	})
}
