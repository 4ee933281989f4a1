package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

// TestJourneyAccounts: the Owner creates a standard and a Flex account, searches, suspends one
// (accepting the confirmation), starts closing it (types the name, ticks the box), cancels the
// closure, and reads the audit log.
func TestJourneyAccounts(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	ctx := newChrome(t)
	u := app.srv.URL

	// Accept every "are you sure?" confirmation, as a person pressing OK would.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()

	run(t, ctx,
		chromedp.Navigate(u+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.empty`)),
	)
	screenshot(t, ctx, "accounts-1-empty")

	// A standard account, then a Flex one.
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`.page-header a[data-dialog="create-account"]`)),
		chromedp.WaitVisible(chromedp.ID("friendly_name")),
		chromedp.SendKeys(chromedp.ID("friendly_name"), "Billing EU"),
		chromedp.Click(chromedp.CSS(`dialog form.create-account button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.tabs a.active[href$="/users"]`)),
		chromedp.Navigate(u+"/admin/accounts"),
		chromedp.Click(chromedp.CSS(`.page-header a[data-dialog="create-account"]`)),
		chromedp.WaitVisible(chromedp.ID("friendly_name")),
		chromedp.SendKeys(chromedp.ID("friendly_name"), "Contact center"),
		chromedp.Click(chromedp.ID("type")),
		chromedp.WaitVisible(chromedp.ID("flex_region")),
		chromedp.SetValue(chromedp.ID("flex_region"), "ie1"),
		chromedp.Click(chromedp.ID("flex_terms")),
	)
	screenshot(t, ctx, "accounts-2-create-flex")
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`dialog form.create-account button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.tabs a.active[href$="/users"]`)),
	)
	if got := text(t, ctx, chromedp.CSS("main h1")); got != "Contact center" {
		t.Fatalf("heading after creating the Flex account = %q", got)
	}

	// Search by a fragment of the name.
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`.sidebar a[href="/admin/accounts"]`)),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "contact"),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.btn-quiet[href="/admin/accounts?tab=managed"]`)),
	)
	rows := text(t, ctx, chromedp.CSS(`table.table tbody`))
	if !strings.Contains(rows, "Contact center") || !strings.Contains(rows, "Flex") || strings.Contains(rows, "Billing EU") {
		t.Fatalf("search results = %q", rows)
	}
	screenshot(t, ctx, "accounts-3-search")

	// Open it and suspend it.
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`table.table tbody a`)),
		chromedp.WaitVisible(chromedp.ID("settings-form")),
	)
	screenshot(t, ctx, "accounts-4-general")
	run(t, ctx,
		chromedp.Click(chromedp.ID("suspend")),
		chromedp.WaitVisible(chromedp.ID("reactivate")),
	)
	if got := text(t, ctx, chromedp.CSS(".flash")); !strings.Contains(got, "is suspended") {
		t.Errorf("flash after suspend = %q", got)
	}
	screenshot(t, ctx, "accounts-5-suspended")

	// Close: a wrong name is refused, the right one with the box ticked starts the closure.
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("confirm_name"), "Contact"),
		chromedp.Click(chromedp.ID("acknowledge")),
		chromedp.Click(chromedp.ID("close-account")),
		chromedp.WaitVisible(chromedp.CSS(`#close-form .field-error`)),
	)
	screenshot(t, ctx, "accounts-6-close-wrong-name")
	run(t, ctx,
		chromedp.Evaluate[chromedp.Void](`document.getElementById("confirm_name").value = ""`),
		chromedp.SendKeys(chromedp.ID("confirm_name"), "Contact center"),

		chromedp.Click(chromedp.ID("close-account")),
		chromedp.WaitVisible(chromedp.ID("cancel-closure")),
	)
	if got := text(t, ctx, chromedp.CSS(".notice-danger")); !strings.Contains(got, "pending closure") {
		t.Errorf("closure banner = %q", got)
	}
	screenshot(t, ctx, "accounts-7-pending-closure")
	run(t, ctx,
		chromedp.Click(chromedp.ID("cancel-closure")),
		chromedp.WaitVisible(chromedp.ID("reactivate")),
	)
	if got := text(t, ctx, chromedp.CSS(".flash")); !strings.Contains(got, "closure is cancelled") {
		t.Errorf("flash after cancel = %q", got)
	}
	if got := text(t, ctx, chromedp.CSS("main .page-header .badge")); got != "Suspended" {
		t.Errorf("status after cancel = %q, want Suspended (the status before)", got)
	}
	screenshot(t, ctx, "accounts-8-closure-cancelled")

	run(t, ctx,
		chromedp.Click(chromedp.CSS(`.sidebar a[href="/admin/audit"]`)),
		chromedp.WaitVisible(chromedp.ID("audit-events")),
	)
	if got := text(t, ctx, chromedp.ID("audit-events")); !strings.Contains(got, "account.close.cancel") || !strings.Contains(got, "account.suspend") {
		t.Errorf("audit log = %q", got)
	}
	screenshot(t, ctx, "accounts-9-audit")
}

// TestJourneyDeveloperSeesAccountReadOnly: a Developer of an account opens it and sees its
// settings, owner and status read-only, each with who may change it.
func TestJourneyDeveloperSeesAccountReadOnly(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	ctx := context.Background()
	owner, err := app.store.FindUserByEmail(ctx, "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.store.CreateAccount(ctx, owner, domain.CreateAccountInput{FriendlyName: "Contact center", Type: "flex", FlexRegion: "ie1", FlexTerms: true}, "")
	if err != nil {
		t.Fatal(err)
	}
	dev, err := storetest.AddUser(ctx, app.store, owner.OrgSID, domain.OrgRoleStandard, "dev@example.com", "Dana Dev", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.store.CreateRoleAssignment(ctx, domain.Actor{Type: "system"}, owner.OrgSID, a.SID, dev.SID, domain.RoleDeveloper); err != nil {
		t.Fatal(err)
	}
	bctx := newChrome(t)
	u := app.srv.URL
	run(t, bctx,
		chromedp.Navigate(u+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "dev@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`main table a[href="/admin/accounts/`+a.SID+`"]`)),
		chromedp.Click(chromedp.CSS(`main table a[href="/admin/accounts/`+a.SID+`"]`)),
		chromedp.WaitVisible(chromedp.ID("account-sid")),
	)
	got := text(t, bctx, chromedp.CSS(`main`))
	for _, want := range []string{"Only the Organization Owner or Administrator can suspend", "Only the current owner (owner@example.com)",
		"Only the Organization Owner or Administrator, or Account Administrator can change these settings"} {
		if !strings.Contains(got, want) {
			t.Errorf("a Developer's General tab lacks %q", want)
		}
	}
	screenshot(t, bctx, "accounts-10-developer-read-only")
}
