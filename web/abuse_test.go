package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"admincenter/internal/mail/mailtest"
	"admincenter/internal/store/storetest"
)

// wrongPasswords posts n wrong passwords for email from b and checks each answer.
func wrongPasswords(t *testing.T, b *browser, email string, n, want int) {
	t.Helper()
	for i := 0; i < n; i++ {
		res := b.post("/login", url.Values{"email": {email}, "password": {"wrong guess " + strconv.Itoa(i)}})
		wantStatus(t, res, want)
	}
}

// deviceCookieOf returns the device cookie the last answer set, as the browser received it.
func deviceCookieOf(res response) *http.Cookie {
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if strings.HasSuffix(c.Name, "ac_device") {
			return c
		}
	}
	return nil
}

// TestDeviceCookieKeepsTheUserIn: an attacker's wrong passwords pause the account for browsers
// without the user's device cookie; the user's own browser keeps signing in, with a limit of its
// own; a forged cookie or another user's counts for nothing; a password reset lifts the pause.
func TestDeviceCookieKeepsTheUserIn(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	clk := app.useClock()
	ctx := context.Background()
	if _, err := storetest.AddUser(ctx, app.store, "", "", "dana@outside.dev", "Dana Outside", testPassword); err != nil {
		t.Fatal(err)
	}
	mine := app.browser()
	res := mine.post("/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}})
	wantStatus(t, res, http.StatusSeeOther)
	ck := deviceCookieOf(res)
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.MaxAge < 300*24*3600 || ck.Secure || ck.Path != "/" {
		t.Fatalf("device cookie = %+v; want HttpOnly, SameSite=Strict, a year long, not Secure over http", ck)
	}
	wantStatus(t, mine.post("/logout", nil), http.StatusSeeOther)

	attacker := app.browser()
	wrongPasswords(t, attacker, "owner@example.com", 10, http.StatusUnauthorized)
	for i := 0; i < 10; i++ { // more guesses are not even checked
		wantStatus(t, attacker.post("/login", url.Values{"email": {"owner@example.com"}, "password": {"guess " + strconv.Itoa(i)}}),
			http.StatusTooManyRequests)
	}
	res = attacker.post("/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}})
	wantStatus(t, res, http.StatusTooManyRequests)
	wantBody(t, res, "try again after Mar 1, 2026, 09:15 UTC (in 15 minutes)")
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After on a 429")
	}

	// The owner's browser: straight in with the right password, and a new device cookie.
	res = mine.post("/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}})
	wantStatus(t, res, http.StatusSeeOther)
	if c := deviceCookieOf(res); c == nil || c.Value == ck.Value {
		t.Error("a sign-in with a device cookie did not issue a new one")
	}
	wantStatus(t, mine.post("/logout", nil), http.StatusSeeOther)

	// A forged device cookie (the owner's, signature changed) and another user's count for nothing.
	forger := app.browser()
	u, _ := url.Parse(app.srv.URL)
	cur := mine.cookie("ac_device")
	forger.http.Jar.SetCookies(u, []*http.Cookie{{Name: "ac_device", Value: cur[:len(cur)-2] + "xx"}})
	wantStatus(t, forger.post("/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}}), http.StatusTooManyRequests)
	dana := app.browser()
	dana.signIn("dana@outside.dev", testPassword)
	wantStatus(t, dana.post("/logout", nil), http.StatusSeeOther)
	wantStatus(t, dana.post("/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}}), http.StatusTooManyRequests)

	// The device cookie has its own limit: ten failures from it, then it is paused too.
	wrongPasswords(t, mine, "owner@example.com", 10, http.StatusUnauthorized)
	wantStatus(t, mine.post("/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}}), http.StatusTooManyRequests)

	// Fourteen refused attempts so far, all within a minute: one signin.throttled event (at most
	// one a minute for each user, so hammering at 429 can't flood the log). A minute later the
	// next refusal is audited again.
	if evs, _ := storetest.AuditEvents(ctx, app.store, "signin.throttled"); len(evs) != 1 {
		t.Errorf("signin.throttled audit events = %d, want 1", len(evs))
	}
	clk.Advance(time.Minute)
	wantStatus(t, attacker.post("/login", url.Values{"email": {"owner@example.com"}, "password": {"guess"}}), http.StatusTooManyRequests)
	if evs, _ := storetest.AuditEvents(ctx, app.store, "signin.throttled"); len(evs) != 2 {
		t.Errorf("signin.throttled audit events a minute later = %d, want 2", len(evs))
	}

	// A password reset lifts the account's pause (a device's ages out).
	wantStatus(t, attacker.post("/password-reset", url.Values{"email": {"owner@example.com"}}), http.StatusSeeOther)
	mails := mailtest.MailsTo(t, app.store, app.cfg.BaseURL, "owner@example.com")
	token := mails[len(mails)-1].Token
	const next = "walnut orchard lantern sky"
	wantStatus(t, attacker.post("/password-reset/"+token, url.Values{"new_password": {next}}), http.StatusSeeOther)
	attacker.signIn("owner@example.com", next)
}

// TestAddressLimitSparesDeviceCookies: 100 failures from one address (unknown emails count)
// pause that address for browsers without a device cookie, not before, and not a browser with
// its user's device cookie.
func TestAddressLimitSparesDeviceCookies(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	app.useClock()
	mine := app.browser()
	mine.signIn("owner@example.com", testPassword)
	wantStatus(t, mine.post("/logout", nil), http.StatusSeeOther)

	// 99 failures: a colleague behind the same address still signs in.
	sprayFrom(t, app, "127.0.0.1", 94)
	sprayer := app.browser()
	for i := 94; i < 99; i++ {
		wantStatus(t, sprayer.post("/login", url.Values{"email": {"someone" + strconv.Itoa(i) + "@example.com"}, "password": {"Winter2026!"}}),
			http.StatusUnauthorized)
	}
	colleague := app.browser()
	colleague.signIn("owner@example.com", testPassword)
	wantStatus(t, colleague.post("/logout", nil), http.StatusSeeOther)
	// The hundredth pauses the address for browsers without a device cookie …
	wantStatus(t, sprayer.post("/login", url.Values{"email": {"someone99@example.com"}, "password": {"Winter2026!"}}), http.StatusUnauthorized)
	res := app.browser().post("/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}})
	wantStatus(t, res, http.StatusTooManyRequests)
	wantBody(t, res, "Too many failed sign-in attempts")
	wantStatus(t, sprayer.post("/login", url.Values{"email": {"someone100@example.com"}, "password": {"Winter2026!"}}), http.StatusTooManyRequests)
	// … but the owner's browser, and the colleague's who signed in a moment ago, still get in.
	mine.signIn("owner@example.com", testPassword)
	colleague.signIn("owner@example.com", testPassword)
}

// TestReplayedCodeAndRecoveryMail: a TOTP code used once is audited as a replay when it comes
// again; a recovery code signs in once, is audited and emails the user how many are left.
func TestReplayedCodeAndRecoveryMail(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	clk := app.useClock()
	ctx := context.Background()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	secret, codes := enroll(t, b, clk)

	first := app.browser()
	first.passwordStep("owner@example.com")
	c := code(t, secret, clk)
	wantStatus(t, first.post("/login/2fa", url.Values{"code": {c}}), http.StatusSeeOther)

	thief := app.browser()
	thief.passwordStep("owner@example.com")
	res := thief.post("/login/2fa", url.Values{"code": {c}})
	wantStatus(t, res, http.StatusUnauthorized)
	wantBody(t, res, "That code is not right, or it was already used.")
	evs, _ := storetest.AuditEvents(ctx, app.store, "signin.code_replayed")
	if len(evs) != 1 || evs[0].Outcome != "failure" {
		t.Fatalf("signin.code_replayed audit events = %+v, want 1 failure", evs)
	}
	if fails, _ := storetest.AuditEvents(ctx, app.store, "signin.failure"); len(fails) != 0 {
		t.Errorf("the replay was also audited as a plain failure: %+v", fails)
	}

	wantStatus(t, thief.post("/login/2fa", url.Values{"code": {codes[3]}}), http.StatusSeeOther)
	wantStatus(t, thief.get("/accounts"), http.StatusOK)
	if evs, _ := storetest.AuditEvents(ctx, app.store, "2fa.recovery_code.use"); len(evs) != 1 || !strings.Contains(evs[0].After, `"recovery_codes_left":9`) {
		t.Errorf("2fa.recovery_code.use audit events = %+v", evs)
	}
	var notice *mailtest.Mail
	for _, m := range mailtest.MailsTo(t, app.store, app.cfg.BaseURL, "owner@example.com") {
		if strings.Contains(m.Subject, "recovery code was used") {
			notice = &m
		}
	}
	if notice == nil {
		t.Fatal("no email about the recovery code")
	}
	for _, want := range []string{"You have 9 recovery codes left.", "/settings/2fa"} {
		if !strings.Contains(notice.Text, want) {
			t.Errorf("the email lacks %q:\n%s", want, notice.Text)
		}
	}
	// The code works once.
	again := app.browser()
	again.passwordStep("owner@example.com")
	wantStatus(t, again.post("/login/2fa", url.Values{"code": {codes[3]}}), http.StatusUnauthorized)
}

// TestShortIdleSessionStaysAliveWhileUsed: with a 15 s idle timeout, a session used every 2 s
// lives until the absolute limit (its last use is recorded often enough), then ends.
func TestShortIdleSessionStaysAliveWhileUsed(t *testing.T) {
	app := newTestApp(t, "--session-idle", "15s", "--session-absolute", "2m")
	app.setup()
	clk := app.useClock()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	for elapsed := 2 * time.Second; elapsed < 2*time.Minute; elapsed += 2 * time.Second {
		clk.Advance(2 * time.Second)
		if res := b.get("/accounts"); res.Status != http.StatusOK {
			t.Fatalf("%v after sign-in, used every 2 s: status %d, want 200", elapsed, res.Status)
		}
	}
	clk.Advance(2 * time.Second)
	wantStatus(t, b.get("/accounts"), http.StatusSeeOther) // past the absolute limit
	// And idle still ends it: 16 s without a request.
	b.signIn("owner@example.com", testPassword)
	clk.Advance(16 * time.Second)
	wantStatus(t, b.get("/accounts"), http.StatusSeeOther)
}

// TestNewPasswordRetiresDeviceCookies: a browser that once signed in with a password keeps no
// exemption from the account's pause after the password changes (someone who signed in with a
// stolen password must not keep guessing past the limit); the browser that changed it gets a new
// device cookie and stays exempt.
func TestNewPasswordRetiresDeviceCookies(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	app.useClock()
	thief := app.browser()
	thief.signIn("owner@example.com", testPassword)
	wantStatus(t, thief.post("/logout", nil), http.StatusSeeOther)

	mine := app.browser()
	mine.signIn("owner@example.com", testPassword)
	const next = "walnut orchard lantern sky"
	res := mine.post("/settings/password", url.Values{"current_password": {testPassword}, "new_password": {next}})
	wantStatus(t, res, http.StatusSeeOther)
	if deviceCookieOf(res) == nil {
		t.Fatal("changing the password gave this browser no new device cookie")
	}
	wantStatus(t, mine.post("/logout", nil), http.StatusSeeOther)

	wrongPasswords(t, app.browser(), "owner@example.com", 10, http.StatusUnauthorized)
	res = thief.post("/login", url.Values{"email": {"owner@example.com"}, "password": {next}})
	wantStatus(t, res, http.StatusTooManyRequests)
	wantBody(t, res, "Too many failed sign-in attempts")
	mine.signIn("owner@example.com", next)
}
