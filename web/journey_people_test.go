package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"admincenter/internal/domain"
	"admincenter/internal/mail/mailtest"
	"admincenter/internal/store/storetest"
)

// TestJourneyInviteContractor: the administrator invites a contractor as a developer; the
// contractor, in a browser of their own, opens the emailed link, signs up, accepts and lands in
// the account; the administrator filters the Users tab by Developer and finds them.
func TestJourneyInviteContractor(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	ctx := newChrome(t)
	base := app.srv.URL
	bg := context.Background()
	owner, _ := app.store.FindUserByEmail(bg, "owner@example.com")
	acct, err := app.store.CreateAccount(bg, owner, domain.CreateAccountInput{FriendlyName: "Billing EU", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	users := base + "/admin/accounts/" + acct.SID + "/users"

	run(t, ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.sidebar`)),
		chromedp.Navigate(users),
		chromedp.WaitVisible(chromedp.CSS(`#account-users`)),
		chromedp.Click(chromedp.CSS(`#invite-user > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`.invite-panel #email`)),
		chromedp.SendKeys(chromedp.CSS(`.invite-panel #email`), "casey@contractors.dev"),
		chromedp.Click(chromedp.CSS(`.invite-panel button[type=submit]`)), // no role yet
		chromedp.WaitVisible(chromedp.CSS(`.invite-panel .error-summary`)),
	)
	if got := text(t, ctx, chromedp.CSS(`.invite-panel .field-error`)); got != "Choose at least one role." {
		t.Errorf("invite without a role: %q", got)
	}
	screenshot(t, ctx, "people-1-invite-no-role")
	run(t, ctx, chromedp.Click(chromedp.ID("invite-developer")))
	screenshot(t, ctx, "people-1-invite-panel")
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`.invite-panel button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#pending-invitations`)),
	)
	if got := text(t, ctx, chromedp.CSS(".flash")); !strings.Contains(got, "Invitation sent to casey@contractors.dev") {
		t.Errorf("flash after invite = %q", got)
	}
	if got := text(t, ctx, chromedp.CSS("#pending-invitations tbody")); !strings.Contains(got, "casey@contractors.dev") || !strings.Contains(got, "Developer") {
		t.Errorf("pending users = %q", got)
	}
	screenshot(t, ctx, "people-2-pending-users")

	// The contractor gets the email with the link.
	mails := mailtest.MailsTo(t, app.store, base, "casey@contractors.dev")
	if len(mails) != 1 || mails[0].Token == "" {
		t.Fatalf("invitation mail: %+v", mails)
	}
	link := base + "/invitations/" + mails[0].Token
	if !strings.Contains(mails[0].Text, link) {
		t.Fatalf("mail has no link:\n%s", mails[0].Text)
	}
	// The administrator, signed in, opening the contractor's link is told whose it is.
	run(t, ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("invitation-other")))
	if got := text(t, ctx, chromedp.ID("invitation-other")); !strings.Contains(got, "This invitation is for casey@contractors.dev") {
		t.Errorf("link opened by someone else: %q", got)
	}
	screenshot(t, ctx, "people-3b-link-opened-by-someone-else")
	casey := newPerson(t, ctx)
	run(t, casey,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("invitation")),
	)
	if got := text(t, casey, chromedp.ID("invitation-roles")); !strings.Contains(got, "Developer") {
		t.Errorf("invitation roles = %q", got)
	}
	screenshot(t, casey, "people-3-invitation-signed-out")
	run(t, casey,
		chromedp.Click(chromedp.CSS(`#invitation a.btn-primary[href^="/signup"]`)),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "Casey Contractor"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
	)
	if got, _ := chromedp.Run(casey, chromedp.Value(chromedp.ID("email"))); got != "casey@contractors.dev" {
		t.Errorf("sign-up email = %q, want the invited address", got)
	}
	screenshot(t, casey, "people-3c-signup-from-invitation")
	run(t, casey,
		chromedp.Click(chromedp.CSS(`form[action="/signup"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("accept-invitation")),
	)
	screenshot(t, casey, "people-4-invitation-accept")
	run(t, casey,
		chromedp.Click(chromedp.ID("accept-invitation")),
		chromedp.WaitVisible(chromedp.ID("account-sid")),
	)
	if got := text(t, casey, chromedp.CSS(".flash")); !strings.Contains(got, "Welcome to Billing EU") || !strings.Contains(got, "Developer") {
		t.Errorf("flash after accept = %q", got)
	}
	screenshot(t, casey, "people-5-contractor-in-account")

	// The administrator filters the Users tab by Developer.
	run(t, ctx,
		chromedp.Navigate(users),
		chromedp.WaitVisible(chromedp.CSS(`#account-users`)),
		chromedp.Click(chromedp.CSS(`#role-filter > summary`)),
		chromedp.WaitVisible(chromedp.ID("filter-developer")),
		chromedp.Click(chromedp.ID("filter-developer")),
	)
	screenshot(t, ctx, "people-6-role-filter")
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`#role-filter button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.filter-summary`)),
	)
	got := text(t, ctx, chromedp.CSS("#account-users tbody"))
	if !strings.Contains(got, "casey@contractors.dev") || !strings.Contains(got, "External") || strings.Contains(got, "owner@example.com") {
		t.Errorf("users filtered by developer = %q", got)
	}
	screenshot(t, ctx, "people-7-filtered-developers")
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`#account-users tbody .row-actions summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#account-users tbody .row-actions .popover-panel`)),
	)
	screenshot(t, ctx, "people-7b-edit-roles")

	// The organization's pages, to look at.
	run(t, ctx, chromedp.Navigate(base+"/admin/users"), chromedp.WaitVisible(chromedp.ID("org-users")))
	screenshot(t, ctx, "people-8-org-users")
	run(t, ctx, chromedp.Navigate(base+"/admin/access-review"), chromedp.WaitVisible(chromedp.ID("access-review")))
	screenshot(t, ctx, "people-9-access-review")

	// Removing a member who owns an account asks for its new owner first.
	sam, err := storetest.AddUser(bg, app.store, "", "", "sam@example.com", "Sam Standard", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := storetest.JoinOrg(bg, app.store, sam.SID, owner.OrgSID, "standard"); err != nil {
		t.Fatal(err)
	}
	sam, _ = app.store.FindUserBySID(bg, sam.SID)
	if _, err := app.store.CreateAccount(bg, sam, domain.CreateAccountInput{FriendlyName: "Sam's sandbox", Type: "standard"}, ""); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Navigate(base+"/admin/users/"+sam.SID+"/remove"), chromedp.WaitVisible(chromedp.ID("remove-user")))
	screenshot(t, ctx, "people-10-remove-from-org")
}
