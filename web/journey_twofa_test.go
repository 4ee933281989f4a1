package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// TestJourneyTwoFactor: the Owner turns on two-factor sign-in from the page (reading the key as
// a person would type it), saves the recovery codes, signs out, and signs back in with a code.
func TestJourneyTwoFactor(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	clk := app.useClock()
	ctx := newChrome(t)
	u := app.srv.URL

	run(t, ctx,
		chromedp.Navigate(u+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.sidebar`)),
		chromedp.Click(chromedp.CSS(`.sidebar a[href="/settings/2fa"]`)),
		chromedp.WaitVisible(chromedp.ID("totp-secret")),
	)
	screenshot(t, ctx, "twofa-1-enroll")
	secret := strings.TrimSpace(text(t, ctx, chromedp.ID("totp-secret")))
	if qrLoaded := eval[bool](t, ctx, `(() => { const i = document.querySelector("img.qr"); return i.complete && i.naturalWidth >= 200; })()`); !qrLoaded {
		t.Error("the QR code image did not load")
	}

	// A wrong code first: the message sits next to the field.
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("code"), "000000"),
		chromedp.Click(chromedp.CSS(`form[action="/settings/2fa"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.field-error`)),
	)
	screenshot(t, ctx, "twofa-2-enroll-wrong-code")
	code, _ := totp.GenerateCode(secret, clk.Now())
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.CSS(`form[action="/settings/2fa"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.recovery-code`)),
	)
	if n := eval[int](t, ctx, `document.querySelectorAll(".recovery-code").length`); n != 10 {
		t.Errorf("%d recovery codes shown, want 10", n)
	}
	screenshot(t, ctx, "twofa-3-recovery-codes")
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`main a[href="/settings/2fa"]`)),
		chromedp.WaitVisible(chromedp.ID("recovery-codes-left")),
	)
	screenshot(t, ctx, "twofa-4-enabled")

	// Sign out, then back in: password, then a code from the app.
	clk.Advance(30 * time.Second)
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`.topbar form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login/2fa"]`)),
	)
	screenshot(t, ctx, "twofa-5-login-code")
	code, _ = totp.GenerateCode(secret, clk.Now())
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.CSS(`form[action="/login/2fa"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.sidebar`)),
	)
	if path := eval[string](t, ctx, `location.pathname`); path != "/admin/accounts" {
		t.Errorf("after the code the browser is at %q, want /admin/accounts", path)
	}

	run(t, ctx,
		chromedp.Click(chromedp.CSS(`.sidebar a[href="/settings/sessions"]`)),
		chromedp.WaitVisible(chromedp.ID("sessions")),
	)
	if got := text(t, ctx, chromedp.ID("sessions")); !strings.Contains(got, "This browser") || !strings.Contains(got, "Headless Chrome") {
		t.Errorf("sessions table = %q", got)
	}
	screenshot(t, ctx, "twofa-6-sessions")
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`.sidebar a[href="/settings/password"]`)),
		chromedp.WaitVisible(chromedp.ID("new_password")),
		chromedp.SendKeys(chromedp.ID("current_password"), testPassword),
		chromedp.SendKeys(chromedp.ID("new_password"), "password1234"),
		chromedp.Click(chromedp.CSS(`form[action="/settings/password"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.field-error`)),
	)
	if got := text(t, ctx, chromedp.CSS(`.field-error`)); !strings.Contains(got, "too easy to guess") {
		t.Errorf("weak password message = %q", got)
	}
	screenshot(t, ctx, "twofa-7-password-weak")
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
