package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// TestJourneySSO: under enforced single sign-on an Administrator types their email and password
// at the console, is told to use single sign-on, signs in at the identity provider's own page and
// lands on the Accounts list; then the exempted Owner signs in with password and TOTP code.
func TestJourneySSO(t *testing.T) {
	f := newSSOFixture(t, true, url.Values{"enforce": {"on"}})
	// The Owner turns on two-factor sign-in; the store's clock then moves to the next time step
	// (a code is good once), staying close enough to the IdP's for its assertions.
	clk := &testClock{}
	clk.ns.Store(time.Now().UnixNano())
	f.app.store.Now = clk.Now
	secret, _ := enroll(t, f.admin, clk)
	ctx := newChrome(t)
	u := f.app.srv.URL

	run(t, ctx,
		chromedp.Navigate(u+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("sso-continue")),
	)
	screenshotView(t, ctx, "sso-1-required")
	run(t, ctx,
		chromedp.Click(chromedp.ID("sso-continue")),
		chromedp.WaitVisible(chromedp.CSS(`input[name=user]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=user]`), "ada"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), idpPassword),
		chromedp.Click(chromedp.CSS(`input[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.sidebar`)),
	)
	if path := eval[string](t, ctx, `location.pathname`); path != "/admin/accounts" {
		t.Errorf("after the IdP the browser is at %q, want /admin/accounts", path)
	}
	if name := strings.TrimSpace(text(t, ctx, chromedp.CSS(`.topbar-name`))); name != "Ada Admin" {
		t.Errorf("signed in as %q", name)
	}
	run(t, ctx, chromedp.Navigate(u+"/admin/sso"), chromedp.WaitVisible(chromedp.ID("sp-entity-id")))
	screenshot(t, ctx, "sso-2-settings")

	owner := newPerson(t, ctx)
	code, err := totp.GenerateCode(secret, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	run(t, owner,
		chromedp.Navigate(u+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login/2fa"]`)),
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.CSS(`form[action="/login/2fa"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.sidebar`)),
	)
	if path := eval[string](t, owner, `location.pathname`); path != "/admin/accounts" {
		t.Errorf("the Owner is at %q, want /admin/accounts", path)
	}
}
