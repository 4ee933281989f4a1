package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneyPasswordReset: the Owner has forgotten the password, asks for a link from the
// sign-in page, opens it from the email, tries a weak password, chooses a strong one and signs in.
func TestJourneyPasswordReset(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	smtpSrv := app.startMailWorkers(t)

	ctx := newChrome(t)
	u := app.srv.URL
	run(t, ctx,
		chromedp.Navigate(u+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.Click(chromedp.CSS(`a[href="/password-reset"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/password-reset"]`)),
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
	)
	screenshot(t, ctx, "reset-1-ask")
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`form[action="/password-reset"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if got := text(t, ctx, chromedp.CSS(".flash")); !strings.Contains(got, "an email with a link") {
		t.Errorf("after asking: %q", got)
	}
	screenshot(t, ctx, "reset-2-sent")

	link := smtpSrv.waitFor("owner@example.com", 20*time.Second).link(t)
	run(t, ctx,
		chromedp.Navigate(u+link),
		chromedp.WaitVisible(chromedp.ID("new_password")),
		chromedp.SendKeys(chromedp.ID("new_password"), "password123"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.field-error`)),
	)
	screenshot(t, ctx, "reset-3-weak")
	const strong = "saddle lantern quietly orbit"
	if v := eval[string](t, ctx, `document.getElementById("new_password").value`); v != "" {
		t.Errorf("the refused password is shown again: %q", v)
	}
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("new_password"), strong),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if got := text(t, ctx, chromedp.CSS(".flash")); !strings.Contains(got, "Your password is changed") {
		t.Errorf("after the reset: %q", got)
	}
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), strong),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.sidebar`)),
	)
	// The link is used up.
	run(t, ctx,
		chromedp.Navigate(u+link),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
	)
	if got := text(t, ctx, chromedp.CSS("main h1")); got != "This link no longer works" {
		t.Errorf("the used link says %q", got)
	}
	screenshot(t, ctx, "reset-4-used-link")
}
