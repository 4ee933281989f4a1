package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestJourneyDeviceCookie: the Owner has signed in with this browser before. An attacker in a
// fresh browser types 20 wrong passwords for the Owner's email (the account is paused after 10,
// then even the right password is refused there); the Owner's own browser still signs in.
func TestJourneyDeviceCookie(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	app.useClock()
	owner := newChrome(t)
	u := app.srv.URL
	signIn := func(password string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.Clear(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
			chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		)
	}

	run(t, owner,
		chromedp.Navigate(u+"/login"),
		signIn(testPassword),
		chromedp.WaitVisible(chromedp.CSS(`.sidebar`)),
		chromedp.Click(chromedp.CSS(`.topbar form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.ID("email")),
	)

	attacker := newPerson(t, owner)
	run(t, attacker, chromedp.Navigate(u+"/login"))
	// submit signs in on the page shown and returns the answer's status and its message.
	submit := func(ctx context.Context, password string) (int64, string) {
		t.Helper()
		res, err := chromedp.RunResponse(ctx, signIn(password))
		if err != nil {
			t.Fatal(err)
		}
		msg := ""
		if res.Status != http.StatusSeeOther && res.Status != http.StatusOK {
			msg = text(t, ctx, chromedp.CSS(`.error-summary`))
		}
		return res.Status, msg
	}
	for i := 0; i < 20; i++ {
		status, msg := submit(attacker, "Summer2026-guess-"+strconv.Itoa(i))
		want := int64(http.StatusUnauthorized)
		if i >= 10 {
			want = http.StatusTooManyRequests
		}
		if status != want || (i >= 10) != strings.Contains(msg, "Too many failed sign-in attempts") {
			t.Fatalf("wrong password %d: status %d, page says %q", i+1, status, msg)
		}
	}
	if status, msg := submit(attacker, testPassword); status != http.StatusTooManyRequests || !strings.Contains(msg, "try again after") {
		t.Fatalf("the right password from the attacker's browser: %d %q, want the pause", status, msg)
	}
	screenshot(t, attacker, "device-1-attacker-paused")

	if status, msg := submit(owner, testPassword); status != http.StatusOK || msg != "" {
		t.Fatalf("the Owner's browser: %d %q, want the landing page", status, msg)
	}
	run(t, owner, chromedp.WaitVisible(chromedp.CSS(`.sidebar`)))
	if path := eval[string](t, owner, `location.pathname`); path != "/admin/accounts" {
		t.Errorf("the Owner's browser is at %q, want /admin/accounts", path)
	}
	screenshot(t, owner, "device-2-owner-signed-in")
}
