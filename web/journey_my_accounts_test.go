package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

// TestJourneyMyAccounts: a Standard user with 55 accounts lands on My accounts, pages forward and
// back, searches by a name fragment, and clears the search.
func TestJourneyMyAccounts(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	ctx := context.Background()
	owner, err := app.store.FindUserByEmail(ctx, "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	sam, err := storetest.AddUser(ctx, app.store, owner.OrgSID, domain.OrgRoleStandard, "sam@example.com", "Sam Standard", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 55; i++ {
		if _, err := app.store.CreateAccount(ctx, sam, domain.CreateAccountInput{FriendlyName: fmt.Sprintf("Support %02d", i), Type: "standard"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	cctx := newChrome(t)
	u := app.srv.URL
	run(t, cctx,
		chromedp.Navigate(u+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "sam@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[rel="next"]`)),
	)
	screenshot(t, cctx, "my-accounts-1-first-page")
	if rows := text(t, cctx, chromedp.CSS(`table.table tbody`)); !strings.Contains(rows, "Support 00") || strings.Contains(rows, "Support 50") {
		t.Fatalf("first page = %q", rows)
	}
	run(t, cctx,
		chromedp.Click(chromedp.CSS(`a[rel="next"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[rel="prev"]`)),
	)
	if rows := text(t, cctx, chromedp.CSS(`table.table tbody`)); !strings.Contains(rows, "Support 54") || strings.Contains(rows, "Support 49") {
		t.Fatalf("second page = %q", rows)
	}
	run(t, cctx,
		chromedp.Click(chromedp.CSS(`a[rel="prev"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[rel="next"]`)),
		chromedp.SendKeys(chromedp.ID("q"), "support 5"),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.btn-quiet[href="/accounts"]`)),
	)
	screenshot(t, cctx, "my-accounts-2-search")
	rows := text(t, cctx, chromedp.CSS(`table.table tbody`))
	for _, want := range []string{"Support 50", "Support 54", "Owner"} {
		if !strings.Contains(rows, want) {
			t.Errorf("search results lack %q: %q", want, rows)
		}
	}
	if strings.Contains(rows, "Support 05") {
		t.Errorf("search results show a non-match: %q", rows)
	}
	run(t, cctx,
		chromedp.Click(chromedp.CSS(`a.btn-quiet[href="/accounts"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[rel="next"]`)),
	)
}
