package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneyAddExistingAccount: the administrator adds an existing account; its owner, who signed
// up earlier with an email in the verified domain, opens the emailed link in their own browser,
// signs in and confirms; the administrator finds the account under Managed.
func TestJourneyAddExistingAccount(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	smtpSrv := app.startMailWorkers(t)
	_, ianSID := app.signUp("Ian Inside", "ian@example.com")
	_, samSID := app.signUp("Sam Outside", "sam@outside.net")

	ctx := newChrome(t)
	u := app.srv.URL
	run(t, ctx,
		chromedp.Navigate(u+"/login"),
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-header a[data-dialog="add-account"]`)),
		chromedp.Navigate(u+"/admin/domains"),
		chromedp.WaitVisible(chromedp.CSS(`table.domains`)),
		chromedp.SendKeys(chromedp.ID("domain"), "example.org"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/domains"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`code.record-value`)),
	)
	screenshot(t, ctx, "mail-1-domains")

	// An owner outside the verified domains: the panel says so and offers sharing.
	run(t, ctx,
		chromedp.Navigate(u+"/admin/accounts"),
		chromedp.Click(chromedp.CSS(`.page-header a[data-dialog="add-account"]`)),
		chromedp.WaitVisible(chromedp.ID("account_sid")),
	)
	screenshot(t, ctx, "mail-2-add-existing-dialog")
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("account_sid"), samSID),
		chromedp.Click(chromedp.CSS(`dialog form.import-account button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.share-offer`)),
	)
	if got := text(t, ctx, chromedp.CSS(".error-summary")); !strings.Contains(got, "outside your verified domains") {
		t.Errorf("refusal = %q", got)
	}
	screenshot(t, ctx, "mail-3-owner-outside-share-offer")

	// The owner in the verified domain: the request is sent and pending.
	run(t, ctx,
		chromedp.Navigate(u+"/admin/accounts"),
		chromedp.Click(chromedp.CSS(`.page-header a[data-dialog="add-account"]`)),
		chromedp.WaitVisible(chromedp.ID("account_sid")),
		chromedp.SendKeys(chromedp.ID("account_sid"), ianSID),
		chromedp.Click(chromedp.CSS(`dialog form.import-account button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.requests`)),
	)
	if got := text(t, ctx, chromedp.CSS(".flash")); !strings.Contains(got, "We emailed ian@example.com") {
		t.Errorf("flash = %q", got)
	}
	screenshot(t, ctx, "mail-4-pending")

	// The owner gets the email and opens its link in their own browser.
	link := smtpSrv.waitFor("ian@example.com", 20*time.Second).link(t)
	owner := newPerson(t, ctx)
	run(t, owner,
		chromedp.Navigate(u+link),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`)),
		chromedp.SendKeys(chromedp.ID("email"), "ian@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/confirm"]`)),
	)
	if got := text(t, owner, chromedp.CSS("main h1")); got != "Join Example Corp?" {
		t.Errorf("link page heading = %q", got)
	}
	screenshot(t, owner, "mail-5-owner-link-page")
	run(t, owner,
		chromedp.Click(chromedp.CSS(`form[action$="/confirm"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	if got := text(t, owner, chromedp.CSS(".flash-success")); !strings.Contains(got, "now belongs to Example Corp") {
		t.Errorf("owner's flash = %q", got)
	}
	screenshot(t, owner, "mail-6-owner-confirmed")

	// The administrator sees it under Managed, and the notice in the mail.
	run(t, ctx,
		chromedp.Navigate(u+"/admin/accounts?tab=managed"),
		chromedp.WaitVisible(chromedp.CSS(`table.table`)),
	)
	if got := text(t, ctx, chromedp.CSS(`table.table tbody`)); !strings.Contains(got, ianSID) || !strings.Contains(got, "ian@example.com") {
		t.Errorf("managed accounts = %q", got)
	}
	screenshot(t, ctx, "mail-7-managed")
	if m := smtpSrv.waitFor("owner@example.com", 20*time.Second); !strings.Contains(m.Subject, "joined Example Corp") {
		t.Errorf("administrator's notice: %q", m.Subject)
	}
	run(t, ctx, chromedp.Navigate(u+"/admin/mail"), chromedp.WaitVisible(chromedp.CSS(`.empty`)))
	screenshot(t, ctx, "mail-8-mail-page")
}

// TestJourneyDevMailbox: without a mail server, a newcomer signs up, the administrator asks to share
// the new account, and the owner follows the link from the development mailbox.
func TestJourneyDevMailbox(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	app.cfg.Dev = true
	ctx := newChrome(t)
	u := app.srv.URL

	owner := newPerson(t, ctx)
	run(t, owner,
		chromedp.Navigate(u+"/login"),
		chromedp.Click(chromedp.CSS(`a[href="/signup"]`)),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "Sam Outside"),
		chromedp.SendKeys(chromedp.ID("email"), "sam@outside.net"),
		chromedp.SendKeys(chromedp.ID("password"), "short"),
		chromedp.Click(chromedp.CSS(`form[action="/signup"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.error-summary`)),
	)
	screenshot(t, owner, "mail-dev-1-signup-error")
	run(t, owner,
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/signup"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	screenshot(t, owner, "mail-dev-2-my-accounts")
	sid := firstSID(t, owner)

	run(t, ctx,
		chromedp.Navigate(u+"/login"),
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-header a[data-dialog="add-account"]`)),
		chromedp.Click(chromedp.CSS(`.page-header a[data-dialog="add-account"]`)),
		chromedp.WaitVisible(chromedp.ID("account_sid")),
		chromedp.SendKeys(chromedp.ID("account_sid"), sid),
		chromedp.Click(chromedp.CSS(`dialog form.import-account button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.share-offer`)),
		chromedp.Click(chromedp.CSS(`form.share-offer button`)),
		chromedp.WaitVisible(chromedp.CSS(`table.requests`)),
		chromedp.Navigate(u+"/dev/mail"),
		chromedp.WaitVisible(chromedp.CSS(`.mail-message`)),
	)
	screenshot(t, ctx, "mail-dev-3-mailbox")

	// The owner follows the link from the mailbox (its address, as in an inbox).
	href := attr(t, ctx, `.mail-body a[href*="/shares/"]`, "href")
	run(t, owner,
		chromedp.Navigate(href),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/accept"]`)),
	)
	screenshot(t, owner, "mail-dev-4-share-page")
	run(t, owner,
		chromedp.Click(chromedp.CSS(`form[action$="/accept"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	run(t, ctx,
		chromedp.Navigate(u+"/admin/accounts?tab=independent"),
		chromedp.WaitVisible(chromedp.CSS(`table.table`)),
	)
	if got := text(t, ctx, chromedp.CSS(`table.table tbody`)); !strings.Contains(got, sid) {
		t.Errorf("independent accounts = %q", got)
	}
	screenshot(t, ctx, "mail-dev-5-independent")
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`table.table tbody a`)),
		chromedp.WaitVisible(chromedp.CSS(`section.relinquish`)),
	)
	screenshot(t, ctx, "mail-dev-6-relinquish-panel")

	// The administrator opens the owner's (now used) link: it says so.
	run(t, ctx, chromedp.Navigate(href), chromedp.WaitVisible(chromedp.CSS(`.link-problem`)))
	screenshot(t, ctx, "mail-dev-7-used-link")
}

// firstSID returns the SID of the first account linked on the page.
func firstSID(t *testing.T, ctx context.Context) string {
	t.Helper()
	return strings.TrimPrefix(attr(t, ctx, `main a[href^="/admin/accounts/AC"]`, "href"), "/admin/accounts/")
}

// attr returns an attribute of the element matched by the CSS selector.
func attr(t *testing.T, ctx context.Context, css, name string) string {
	t.Helper()
	r, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(css), name))
	if err != nil || !r.Exists {
		t.Fatalf("%s[%s]: %v", css, name, err)
	}
	return r.Value
}
