package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"admincenter/internal/auth"
	"admincenter/internal/store"
	"admincenter/internal/store/storetest"
)

// testClock is an injectable clock for store.Now, safe for the server's goroutines.
type testClock struct{ ns atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// useClock makes the app's store read the time from a clock that starts at a step boundary plus 5s.
func (a *testApp) useClock() *testClock {
	c := &testClock{}
	c.ns.Store(time.Date(2026, 3, 1, 9, 0, 5, 0, time.UTC).UnixNano())
	a.store.Now = c.Now
	return c
}

var (
	secretRE   = regexp.MustCompile(`id="totp-secret"[^>]*>([A-Z2-7]+)<`)
	recoveryRE = regexp.MustCompile(`class="recovery-code">([a-z0-9-]+)<`)
)

func code(t *testing.T, secret string, clk *testClock) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enroll turns two-factor on for the signed-in browser and returns the secret and recovery codes.
// It moves the clock to the next step, since enrolling used the current one.
func enroll(t *testing.T, b *browser, clk *testClock) (string, []string) {
	t.Helper()
	res := b.get("/settings/2fa")
	wantStatus(t, res, http.StatusOK)
	m := secretRE.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no #totp-secret on the page\n%s", trimBody(res.Body))
	}
	res = b.post("/settings/2fa", url.Values{"code": {code(t, m[1], clk)}})
	wantStatus(t, res, http.StatusOK)
	var codes []string
	for _, c := range recoveryRE.FindAllStringSubmatch(res.Body, -1) {
		codes = append(codes, c[1])
	}
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10\n%s", len(codes), trimBody(res.Body))
	}
	clk.Advance(30 * time.Second)
	return m[1], codes
}

// passwordStep signs in with the password only and expects the two-factor step.
func (b *browser) passwordStep(email string) {
	b.t.Helper()
	res := b.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/login/2fa") {
		b.t.Fatalf("after the password: redirect to %q, want /login/2fa", res.Location)
	}
}

func TestTwoFactorEnrollment(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	clk := app.useClock()
	b, other := app.browser(), app.browser()
	b.signIn("owner@example.com", testPassword)
	other.signIn("owner@example.com", testPassword)

	res := b.get("/settings/2fa")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `src="data:image/png;base64,`, `id="totp-secret"`, "Two-factor sign-in · Admin Center", `href="/settings/sessions"`, `href="/settings/password"`)
	secret := secretRE.FindStringSubmatch(res.Body)[1]
	// Showing the page changes nothing; a reload offers the same secret until it is confirmed.
	if again := secretRE.FindStringSubmatch(b.get("/settings/2fa").Body); again == nil || again[1] != secret {
		t.Error("a reload offered a different secret")
	}
	if st, _ := app.store.FindTwoFactorStatus(context.Background(), ownerSID(t, app)); st.Enabled {
		t.Fatal("showing the page turned two-factor on")
	}

	// Bad input: a clear message, the secret still offered, nothing changed.
	for _, tc := range []struct{ code, msg string }{
		{"", "Enter the 6-digit code"},
		{"12345", "The code from your app has 6 digits."},
		{"abc!def", "Enter the 6-digit code"},
		{strings.Repeat("9", 10000), "Enter the 6-digit code"},
		{"000000", "That code is not right."},
	} {
		if tc.code == code(t, secret, clk) {
			continue
		}
		res := b.post("/settings/2fa", url.Values{"code": {tc.code}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, tc.msg, secret)
	}

	res = b.post("/settings/2fa", url.Values{"code": {code(t, secret, clk)}})
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Two-factor sign-in is on", "shown only now")
	if n := len(recoveryRE.FindAllString(res.Body, -1)); n != 10 {
		t.Errorf("%d recovery codes shown, want 10", n)
	}
	// Once on, the secret is never shown again; the other session was ended.
	res = b.get("/settings/2fa")
	wantStatus(t, res, http.StatusOK)
	if strings.Contains(res.Body, secret) || strings.Contains(res.Body, "totp-secret") || strings.Contains(res.Body, "recovery-code\"") {
		t.Error("the secret or recovery codes are shown after enrollment")
	}
	wantBody(t, res, "10 of 10", "Turn off two-factor sign-in")
	wantStatus(t, other.get("/accounts"), http.StatusSeeOther)
	res = b.post("/settings/2fa", url.Values{"code": {code(t, secret, clk)}})
	wantStatus(t, res, http.StatusSeeOther)
	if evs, _ := storetest.AuditEvents(context.Background(), app.store, "2fa.enable"); len(evs) != 1 {
		t.Errorf("2fa.enable audit events = %d, want 1", len(evs))
	}
}

func ownerSID(t *testing.T, app *testApp) string {
	u, err := app.store.FindUserByEmail(context.Background(), "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return u.SID
}

func TestTwoStepSignIn(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	clk := app.useClock()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	secret, codes := enroll(t, b, clk)
	wantStatus(t, b.post("/logout", nil), http.StatusSeeOther)

	// A planted cookie, then the password: only a pending state that reaches no other page.
	u, _ := url.Parse(app.srv.URL)
	b.http.Jar.SetCookies(u, []*http.Cookie{{Name: "ac_session", Value: "planted-by-attacker"}})
	res := b.post("/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}, "next": {"/settings/sessions"}})
	wantStatus(t, res, http.StatusSeeOther)
	if res.Location != "/login/2fa?next=%2Fsettings%2Fsessions" {
		t.Fatalf("after the password: %q", res.Location)
	}
	pendingID := b.cookie("ac_session")
	if pendingID == "" || pendingID == "planted-by-attacker" {
		t.Fatalf("pending session cookie = %q", pendingID)
	}
	for _, p := range []string{"/accounts", "/admin/accounts", "/settings/2fa", "/settings/sessions"} {
		res := b.get(p)
		wantStatus(t, res, http.StatusSeeOther)
		if !strings.HasPrefix(res.Location, "/login") {
			t.Errorf("pending sign-in reached %s (redirect %q)", p, res.Location)
		}
	}
	res = b.get("/login/2fa?next=%2Fsettings%2Fsessions")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `name="code"`, `value="/settings/sessions"`, "recovery code")

	// Bad input: clear messages, never a 500.
	for _, tc := range []struct {
		code   string
		status int
		msg    string
	}{
		{"", 422, "Enter the 6-digit code"},
		{"12 34", 422, "The code from your app has 6 digits."},
		{"<script>", 422, "Enter the 6-digit code"},
		{strings.Repeat("x", 10000), 422, "Enter the 6-digit code"},
		{"000000", 401, "That code is not right, or it was already used."},
	} {
		if tc.code == code(t, secret, clk) {
			continue
		}
		res := b.post("/login/2fa", url.Values{"code": {tc.code}})
		wantStatus(t, res, tc.status)
		wantBody(t, res, tc.msg)
	}

	res = b.post("/login/2fa", url.Values{"code": {code(t, secret, clk)}, "next": {"/settings/sessions"}})
	wantStatus(t, res, http.StatusSeeOther)
	if res.Location != "/settings/sessions" {
		t.Errorf("after the code: %q", res.Location)
	}
	final := b.cookie("ac_session")
	if final == pendingID || final == "" {
		t.Fatal("the session id was not replaced when sign-in completed")
	}
	wantStatus(t, b.get("/settings/sessions"), http.StatusOK)
	// The pending id is dead.
	thief := app.browser()
	thief.http.Jar.SetCookies(u, []*http.Cookie{{Name: "ac_session", Value: pendingID}})
	wantStatus(t, thief.get("/login/2fa"), http.StatusSeeOther)

	// Replay in the same step: refused.
	b2 := app.browser()
	b2.passwordStep("owner@example.com")
	res = b2.post("/login/2fa", url.Values{"code": {code(t, secret, clk)}})
	wantStatus(t, res, http.StatusUnauthorized)
	// A recovery code works once.
	wantStatus(t, b2.post("/login/2fa", url.Values{"code": {strings.ToUpper(codes[0])}}), http.StatusSeeOther)
	wantStatus(t, b2.get("/accounts"), http.StatusOK)
	b3 := app.browser()
	b3.passwordStep("owner@example.com")
	wantStatus(t, b3.post("/login/2fa", url.Values{"code": {codes[0]}}), http.StatusUnauthorized)
	if res := b.get("/settings/2fa"); !strings.Contains(res.Body, "9 of 10") {
		t.Errorf("recovery codes left after one use: %s", trimBody(res.Body))
	}

	// The pending state lasts 5 minutes.
	b4 := app.browser()
	b4.passwordStep("owner@example.com")
	clk.Advance(5 * time.Minute)
	res = b4.post("/login/2fa", url.Values{"code": {code(t, secret, clk)}})
	wantStatus(t, res, http.StatusSeeOther)
	if res.Location != "/login" {
		t.Errorf("an expired pending sign-in went to %q, want /login", res.Location)
	}
}

func TestTwoFactorConcurrentDoubleSubmitOneWins(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	clk := app.useClock()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	secret, _ := enroll(t, b, clk)
	const n = 6
	browsers := make([]*browser, n)
	forms := make([]url.Values, n)
	for i := range browsers {
		browsers[i] = app.browser()
		browsers[i].passwordStep("owner@example.com")
		forms[i] = url.Values{"code": {code(t, secret, clk)}, "_csrf": {browsers[i].csrf()}}
	}
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range browsers {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest("POST", app.srv.URL+"/login/2fa", strings.NewReader(forms[i].Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := browsers[i].http.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			statuses[i] = res.StatusCode
		}(i)
	}
	close(start)
	wg.Wait()
	wins := 0
	for _, st := range statuses {
		switch st {
		case http.StatusSeeOther:
			wins++
		case http.StatusUnauthorized:
		default:
			t.Errorf("status %d", st)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d concurrent submissions of one code won (statuses %v), want exactly 1", wins, n, statuses)
	}
}

// TestSignInThrottle: ten failures on an account pause it for browsers without its user's
// device cookie, with the time to retry; typos never count; other emails from the same address
// are not paused by it.
func TestSignInThrottle(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	clk := app.useClock()
	b := app.browser()
	// Bad input does not count: a typo-ridden form never locks anyone out.
	for i := 0; i < 12; i++ {
		wantStatus(t, b.post("/login", url.Values{"email": {"owner@example.com"}, "password": {strings.Repeat("x", 10000)}}), 422)
		wantStatus(t, b.post("/login", url.Values{"email": {"owner@example.com"}, "password": {""}}), 422)
	}
	// Ten failures, with a forged X-Forwarded-For that must not spread them over many "clients".
	for i := 0; i < 10; i++ {
		form := url.Values{"email": {"owner@example.com"}, "password": {"wrong password " + strconv.Itoa(i)}, "_csrf": {b.csrf()}}
		req, _ := http.NewRequest("POST", app.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113."+strconv.Itoa(i))
		wantStatus(t, b.do(req), http.StatusUnauthorized)
	}
	// The right password is refused now too, with a retry time.
	res := b.post("/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}})
	wantStatus(t, res, http.StatusTooManyRequests)
	wantBody(t, res, "Too many failed sign-in attempts", "try again after Mar 1, 2026, 09:15 UTC (in 15 minutes)", "A browser you have signed in with before can still sign in.")
	if ra, _ := strconv.Atoi(res.Header.Get("Retry-After")); ra < 800 || ra > 900 {
		t.Errorf("Retry-After = %q, want about 895 seconds", res.Header.Get("Retry-After"))
	}
	// A reader of Japanese is told the same in Japanese, the time in their format.
	form := url.Values{"email": {"owner@example.com"}, "password": {testPassword}, "_csrf": {b.csrf()}}
	req, _ := http.NewRequest("POST", app.srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "ja")
	res = b.do(req)
	wantStatus(t, res, http.StatusTooManyRequests)
	wantBody(t, res, "サインインの失敗が多すぎます。保護のため、2026年3月1日 09:15 UTC 以降 (15 分後) にもう一度お試しください。")
	// Another email from the same address is not paused by one account's failures.
	wantStatus(t, b.post("/login", url.Values{"email": {"nobody@example.com"}, "password": {testPassword}}), http.StatusUnauthorized)
	if evs, _ := storetest.AuditEvents(context.Background(), app.store, "signin.throttled"); len(evs) != 1 {
		t.Errorf("signin.throttled audit events = %d, want 1", len(evs))
	}
	if evs, _ := storetest.AuditEvents(context.Background(), app.store, "signin.failure"); len(evs) != 11 || evs[0].IP != "127.0.0.1" {
		t.Errorf("signin.failure audit events = %d (first %+v), want 11 from 127.0.0.1", len(evs), evs[0])
	}
	// Not for good: once the failures age out, the real user signs in.
	clk.Advance(15 * time.Minute)
	b.signIn("owner@example.com", testPassword)
}

// TestTwoFactorCodeFailuresAreThrottled: the fifth wrong code ends a pending sign-in (back to
// the password step); the account's limit keeps counting across pending sessions.
func TestTwoFactorCodeFailuresAreThrottled(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	clk := app.useClock()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	secret, _ := enroll(t, b, clk)
	a := app.browser()
	good := code(t, secret, clk)
	for round := 0; round < 2; round++ {
		a.passwordStep("owner@example.com")
		for i := 0; i < 5; i++ {
			c := strconv.Itoa(100000 + 10*round + i)
			if c == good {
				c = "999999"
			}
			res := a.post("/login/2fa?next=%2Fsettings%2F2fa", url.Values{"code": {c}, "next": {"/settings/2fa"}})
			if i < 4 {
				wantStatus(t, res, http.StatusUnauthorized)
				wantBody(t, res, "That code is not right, or it was already used.")
				continue
			}
			// The fifth ends the pending session: the password step starts again.
			wantStatus(t, res, http.StatusSeeOther)
			if res.Location != "/login?next=%2Fsettings%2F2fa" {
				t.Errorf("after the fifth wrong code: Location %q", res.Location)
			}
			wantBody(t, a.get(res.Location), "After 5 wrong codes the sign-in starts again")
			wantStatus(t, a.post("/login/2fa", url.Values{"code": {good}}), http.StatusSeeOther) // to /login: nothing pending
			if a.get("/accounts").Status == http.StatusOK {
				t.Fatal("the right code after the pending session ended signed in")
			}
		}
	}
	if evs, _ := storetest.AuditEvents(context.Background(), app.store, "signin.pending_ended"); len(evs) != 2 {
		t.Errorf("signin.pending_ended audit events = %d, want 2", len(evs))
	}
	// Ten wrong codes on the account: a browser without the device cookie is paused at the password.
	res := a.post("/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}})
	wantStatus(t, res, http.StatusTooManyRequests)
	wantBody(t, res, "Too many failed sign-in attempts")
	// The owner's own browser still signs in, with a code.
	wantStatus(t, b.post("/logout", nil), http.StatusSeeOther)
	b.passwordStep("owner@example.com")
	wantStatus(t, b.post("/login/2fa", url.Values{"code": {good}}), http.StatusSeeOther)
	wantStatus(t, b.get("/accounts"), http.StatusOK)
}

func TestDisableAndRegenerateNeedPasswordAndCode(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	clk := app.useClock()
	b, other := app.browser(), app.browser()
	b.signIn("owner@example.com", testPassword)
	secret, codes := enroll(t, b, clk)
	other.passwordStep("owner@example.com")
	wantStatus(t, other.post("/login/2fa", url.Values{"code": {code(t, secret, clk)}}), http.StatusSeeOther)
	clk.Advance(30 * time.Second)

	for _, tc := range []struct {
		form url.Values
		msg  string
	}{
		{url.Values{}, "Enter your password."},
		{url.Values{"password": {testPassword}}, "Enter the 6-digit code"},
		{url.Values{"password": {"not my password"}, "code": {code(t, secret, clk)}}, "That password is not right."},
		{url.Values{"password": {strings.Repeat("p", 10000)}, "code": {"123456"}}, "longer than any Admin Center accepts"},
		{url.Values{"password": {testPassword}, "code": {"abc"}}, "Enter the 6-digit code"},
	} {
		res := b.post("/settings/2fa/disable", tc.form)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, tc.msg)
	}
	// Regenerate: the old codes stop working, the new ones are shown once.
	res := b.post("/settings/2fa/recovery-codes", url.Values{"password": {testPassword}, "code": {codes[5]}})
	wantStatus(t, res, http.StatusOK)
	fresh := recoveryRE.FindAllStringSubmatch(res.Body, -1)
	if len(fresh) != 10 {
		t.Fatalf("%d new recovery codes, want 10", len(fresh))
	}
	wantStatus(t, other.get("/accounts"), http.StatusSeeOther) // ended by the change
	x := app.browser()
	x.passwordStep("owner@example.com")
	wantStatus(t, x.post("/login/2fa", url.Values{"code": {codes[1]}}), http.StatusUnauthorized)
	wantStatus(t, x.post("/login/2fa", url.Values{"code": {fresh[1][1]}}), http.StatusSeeOther)

	res = b.post("/settings/2fa/disable", url.Values{"password": {testPassword}, "code": {code(t, secret, clk)}})
	wantStatus(t, res, http.StatusSeeOther)
	wantStatus(t, x.get("/accounts"), http.StatusSeeOther) // ended by the change
	if res := b.get("/settings/2fa"); !strings.Contains(res.Body, `id="totp-secret"`) {
		t.Error("after disabling, the page does not offer enrollment")
	}
	b.signIn("owner@example.com", testPassword) // straight in: no second step
	for _, action := range []string{"2fa.disable", "2fa.recovery_codes.regenerate", "2fa.recovery_code.use"} {
		if evs, _ := storetest.AuditEvents(context.Background(), app.store, action); len(evs) == 0 {
			t.Errorf("no %s audit event", action)
		}
	}
}

func TestSessionsPage(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	if _, _, err := storetest.AddOrganization(context.Background(), app.store, "Other", "other.com", "Oscar Other", "oscar@other.com", testPassword); err != nil {
		t.Fatal(err)
	}
	b, laptop, phone, oscar := app.browser(), app.browser(), app.browser(), app.browser()
	for _, x := range []*browser{b, laptop, phone} {
		x.signIn("owner@example.com", testPassword)
	}
	oscar.signIn("oscar@other.com", testPassword)
	res := b.get("/settings/sessions")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Sessions · Admin Center", "This browser", "127.0.0.1", "Go HTTP client", "Sign out everywhere else")
	refs := regexp.MustCompile(`/settings/sessions/([0-9a-f]{64})/revoke`).FindAllStringSubmatch(res.Body, -1)
	if len(refs) != 2 {
		t.Fatalf("%d revoke buttons, want 2 (not for this browser)", len(refs))
	}
	// Oscar cannot revoke them: not found, and nothing ends.
	wantStatus(t, oscar.post("/settings/sessions/"+refs[0][1]+"/revoke", nil), http.StatusNotFound)
	wantStatus(t, oscar.post("/settings/sessions/not-a-ref/revoke", nil), http.StatusNotFound)
	alive := 0
	for _, x := range []*browser{laptop, phone} {
		if x.get("/accounts").Status == http.StatusOK {
			alive++
		}
	}
	if alive != 2 {
		t.Fatalf("%d of 2 sessions alive after another user's revoke", alive)
	}
	res = b.post("/settings/sessions/"+refs[0][1]+"/revoke", nil)
	wantStatus(t, res, http.StatusSeeOther)
	if laptop.get("/accounts").Status == http.StatusOK && phone.get("/accounts").Status == http.StatusOK {
		t.Fatal("revoke ended no session")
	}
	res = b.post("/settings/sessions/revoke-others", nil)
	wantStatus(t, res, http.StatusSeeOther)
	res = b.get(res.Location)
	wantBody(t, res, "1 other session was signed out.", "This browser is your only session.")
	for _, x := range []*browser{laptop, phone} {
		wantStatus(t, x.get("/accounts"), http.StatusSeeOther)
	}
	wantStatus(t, oscar.get("/accounts"), http.StatusOK)
	wantStatus(t, b.get("/accounts"), http.StatusOK)
}

func TestPasswordChange(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b, other := app.browser(), app.browser()
	b.signIn("owner@example.com", testPassword)
	other.signIn("owner@example.com", testPassword)
	res := b.get("/settings/password")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `name="current_password"`, `name="new_password"`, "Change password · Admin Center")
	for _, tc := range []struct {
		cur, next, msg string
	}{
		{"", "", "Enter your current password."},
		{testPassword, "", "Enter a password."},
		{testPassword, "short", "Use at least 12 characters."},
		{testPassword, strings.Repeat("a", 10000), "Use at most 128 characters."},
		{testPassword, "password1234", "too easy to guess"},
		{testPassword, "owner@example.com!", "your name, your email address"},
		{testPassword, testPassword, "different from your current one"},
		{"wrong current password", "a brand new passphrase of words", "That is not your current password."},
	} {
		res := b.post("/settings/password", url.Values{"current_password": {tc.cur}, "new_password": {tc.next}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, tc.msg)
		if tc.next != "" && strings.Contains(res.Body, "value=\""+tc.next) {
			t.Error("a password was echoed back")
		}
	}
	const next = "plum tractor velvet harbour"
	res = b.post("/settings/password", url.Values{"current_password": {testPassword}, "new_password": {next}})
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, b.get(res.Location), "Your password is changed.")
	wantStatus(t, other.get("/accounts"), http.StatusSeeOther)
	wantStatus(t, b.get("/accounts"), http.StatusOK)
	x := app.browser()
	wantStatus(t, x.post("/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}}), http.StatusUnauthorized)
	x.signIn("owner@example.com", next)
}

func TestSessionTimeoutsOverHTTP(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	clk := app.useClock()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	clk.Advance(29 * time.Minute)
	wantStatus(t, b.get("/accounts"), http.StatusOK)
	clk.Advance(30 * time.Minute)
	res := b.get("/accounts")
	wantStatus(t, res, http.StatusSeeOther)
	if !strings.HasPrefix(res.Location, "/login") {
		t.Errorf("idle session went to %q", res.Location)
	}
	b.signIn("owner@example.com", testPassword)
	for elapsed := 29 * time.Minute; elapsed < 12*time.Hour; elapsed += 29 * time.Minute {
		clk.Advance(29 * time.Minute) // active all day, never idle
		wantStatus(t, b.get("/accounts"), http.StatusOK)
	}
	clk.Advance(29 * time.Minute) // past 12 h since sign-in
	wantStatus(t, b.get("/accounts"), http.StatusSeeOther)
}

func TestSecurityHeaders(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	for _, p := range []string{"/accounts", "/settings/2fa", "/settings/sessions", "/settings/password", "/login"} {
		res := b.get(p)
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control = %q, want no-store", p, got)
		}
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"'nonce-", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", p, csp, want)
			}
		}
	}
	for _, p := range []string{"/invitations/some-token", "/imports/some-token", "/shares/some-token"} {
		if got := b.get(p).Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("%s: Referrer-Policy = %q, want no-referrer", p, got)
		}
	}
	if got := b.get("/accounts").Header.Get("Referrer-Policy"); got == "no-referrer" || got == "" {
		t.Errorf("/accounts: Referrer-Policy = %q", got)
	}
}

// TestHTTPSCookieAndHSTS: with an https base URL the session cookie is __Host- prefixed and
// Secure, and HSTS is sent.
func TestHTTPSCookieAndHSTS(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	cfg := *app.cfg
	cfg.BaseURL = "https://admin.example.com"
	srv := New(&cfg, app.store, mustKeys(t, cfg.DataDir), slog.New(slog.NewTextHandler(io.Discard, nil)))
	app.srv.Config.Handler = srv.Handler()

	res := app.browser().get("/login")
	if got := res.Header.Get("Strict-Transport-Security"); !strings.Contains(got, "max-age=") {
		t.Errorf("HSTS = %q", got)
	}
	var csrfCookie *http.Cookie
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "__Host-ac_csrf" {
			csrfCookie = c
		}
	}
	if csrfCookie == nil || !csrfCookie.Secure {
		t.Fatalf("no Secure __Host-ac_csrf cookie in %v", res.Header["Set-Cookie"])
	}
	token := csrfRE.FindStringSubmatch(res.Body)[1]
	form := url.Values{"email": {"owner@example.com"}, "password": {testPassword}, "_csrf": {token}}
	req, _ := http.NewRequest("POST", app.srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: csrfCookie.Name, Value: csrfCookie.Value})
	res = app.browser().do(req)
	wantStatus(t, res, http.StatusSeeOther)
	var sess *http.Cookie
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "__Host-ac_session" {
			sess = c
		}
	}
	if sess == nil || !sess.Secure || !sess.HttpOnly || sess.Path != "/" || sess.Domain != "" {
		t.Fatalf("session cookie = %+v; want __Host-ac_session, Secure, HttpOnly, Path=/, no Domain", sess)
	}
	if dev := deviceCookieOf(res); dev == nil || dev.Name != "__Host-ac_device" || !dev.Secure || !dev.HttpOnly || dev.SameSite != http.SameSiteStrictMode {
		t.Fatalf("device cookie = %+v; want __Host-ac_device, Secure, HttpOnly, SameSite=Strict", dev)
	}
}

func mustKeys(t *testing.T, dir string) *auth.Keys {
	k, err := auth.LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestThrottleCountsForwardedClientsOnlyFromTrustedProxies: behind a trusted proxy each client
// is counted by its own address, so one noisy client does not pause the others.
func TestThrottleCountsForwardedClientsOnlyFromTrustedProxies(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	cfg := *app.cfg
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	app.srv.Config.Handler = New(&cfg, app.store, mustKeys(t, cfg.DataDir), slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	b := app.browser()
	post := func(ip, email, password string) response {
		form := url.Values{"email": {email}, "password": {password}, "_csrf": {b.csrf()}}
		req, _ := http.NewRequest("POST", app.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", ip)
		return b.do(req)
	}
	// A spray over many emails from one client: the first 95 through the store method the
	// handler calls (each a password check over HTTP would take a tenth of a second), the last 5
	// over HTTP.
	sprayFrom(t, app, "203.0.113.9", 95)
	for i := 95; i < 100; i++ {
		wantStatus(t, post("203.0.113.9", "nobody"+strconv.Itoa(i)+"@example.com", "wrong password"), http.StatusUnauthorized)
	}
	wantStatus(t, post("203.0.113.9", "owner@example.com", testPassword), http.StatusTooManyRequests)
	wantStatus(t, post("198.51.100.4", "owner@example.com", testPassword), http.StatusSeeOther)
	evs, _ := storetest.AuditEvents(context.Background(), app.store, "signin.failure")
	if len(evs) != 100 || evs[len(evs)-1].IP != "203.0.113.9" {
		t.Errorf("failures recorded from %q, want the forwarded client 203.0.113.9", evs[len(evs)-1].IP)
	}
}

// sprayFrom records n failed sign-ins on unknown emails from ip, as signInWithPassword does.
func sprayFrom(t *testing.T, app *testApp, ip string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		src := store.SignInSource{Email: "spray" + strconv.Itoa(i) + "@example.com", IP: ip}
		if err := app.store.RecordSignInFailure(context.Background(), nil, src, "unknown email"); err != nil {
			t.Fatal(err)
		}
	}
}
