package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestJourneySetupSignInCreateAccount: a newcomer sets up Admin Center, signs in, creates an
// account and finds it in the Accounts list.
func TestJourneySetupSignInCreateAccount(t *testing.T) {
	app := newTestApp(t)
	ctx := newChrome(t)
	u := app.srv.URL

	run(t, ctx,
		chromedp.Navigate(u+"/"),
		chromedp.WaitVisible(chromedp.ID("org_name")),
	)
	screenshot(t, ctx, "foundation-1-setup")
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("org_name"), "Example Corp"),
		chromedp.SendKeys(chromedp.ID("domain"), "example.com"),
		chromedp.SendKeys(chromedp.ID("name"), "Olive Owner"),
		chromedp.SendKeys(chromedp.ID("email"), "olive@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`button[type=submit].btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(`.empty`)),
	)
	// Setup signs the Owner in and lands on the Accounts list.
	if got := text(t, ctx, chromedp.CSS(".flash")); !strings.Contains(got, "Your organization is ready") {
		t.Errorf("flash after setup = %q", got)
	}
	screenshot(t, ctx, "foundation-3-accounts-empty")

	// The Create New Account panel opens as a dialog; the Flex switch reveals the Flex steps.
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`.page-header a[data-dialog="create-account"]`)),
		chromedp.WaitVisible(chromedp.ID("friendly_name")),
		chromedp.Click(chromedp.ID("type")),
		chromedp.WaitVisible(chromedp.ID("flex_region")),
	)
	screenshot(t, ctx, "foundation-4-create-dialog-flex")
	run(t, ctx,
		chromedp.Click(chromedp.ID("type")), // back to Standard
		chromedp.SendKeys(chromedp.ID("friendly_name"), "Billing EU"),
		chromedp.Click(chromedp.CSS(`dialog form.create-account button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.tabs a.active[href$="/users"]`)),
	)
	if got := text(t, ctx, chromedp.CSS("main h1")); got != "Billing EU" {
		t.Errorf("account page heading = %q, want Billing EU", got)
	}
	screenshot(t, ctx, "foundation-5-account-users")

	run(t, ctx,
		chromedp.Click(chromedp.CSS(`.sidebar a[href="/admin/accounts"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.table`)),
	)
	if got := text(t, ctx, chromedp.CSS(`table.table tbody`)); !strings.Contains(got, "Billing EU") || !strings.Contains(got, "olive@example.com") {
		t.Errorf("accounts table = %q", got)
	}
	screenshot(t, ctx, "foundation-6-accounts-list")
	run(t, ctx, chromedp.Click(chromedp.CSS(`table.table tbody a`)), chromedp.WaitVisible(chromedp.ID("account-sid")))
	screenshot(t, ctx, "foundation-7-account-general")
}
