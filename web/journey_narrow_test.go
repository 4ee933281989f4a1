package web

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"admincenter/internal/domain"
)

// TestJourneyNarrowScreen: on a 375 px wide phone screen every main page fits the width; long
// tables scroll inside their own box rather than widening the page.
func TestJourneyNarrowScreen(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	owner := app.user("owner@example.com")
	app.seedAccounts(owner, "Billing Asia-Pacific production", 8)
	a, err := app.store.CreateAccount(context.Background(), owner, domain.CreateAccountInput{FriendlyName: "Support EU", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := newChrome(t)
	u := app.srv.URL
	run(t, ctx,
		chromedp.EmulateViewport(375, 740),
		chromedp.Navigate(u+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.sidebar`)),
	)
	pages := []struct{ name, path string }{
		{"accounts", "/admin/accounts"},
		{"account-general", "/admin/accounts/" + a.SID},
		{"account-users", "/admin/accounts/" + a.SID + "/users"},
		{"audit", "/admin/audit"},
		{"org-users", "/admin/users"},
		{"access-review", "/admin/access-review"},
		{"password-reset", "/password-reset"},
	}
	for _, p := range pages {
		run(t, ctx, chromedp.Navigate(u+p.path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("%s is %d px wide on a 375 px screen", p.path, w)
		}
		if p.name == "accounts" || p.name == "audit" {
			screenshot(t, ctx, "narrow-"+p.name)
		}
	}
}
