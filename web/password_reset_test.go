package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const resetSubject = "Choose a new Admin Center password"

func resetMails(srv *smtpServer, to string) []receivedMail {
	var out []receivedMail
	for _, m := range srv.to(to) {
		if m.Subject == resetSubject {
			out = append(out, m)
		}
	}
	return out
}

// "Forgot your password?": a link by email over SMTP that works once, ends every session and
// tells nobody whether an address has a user.
func TestPasswordResetOverSMTP(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	smtpSrv := newSMTPServer(t)
	sender := app.newSender(smtpSrv)
	signedIn := app.browser()
	signedIn.signIn("owner@example.com", testPassword)

	anon := app.browser()
	wantBody(t, anon.get("/login"), `href="/password-reset"`, "Forgot your password?")
	wantBody(t, anon.get("/password-reset"), "Forgot your password?", `name="email"`)

	// Bad input: 422, the input kept.
	res := anon.post("/password-reset", url.Values{"email": {"not an address"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Enter an email address like name@example.com.", `value="not an address"`)

	// Nobody and somebody get the same answer; only somebody gets mail.
	for _, email := range []string{"nobody@example.com", "Owner@Example.com"} {
		res := anon.post("/password-reset", url.Values{"email": {email}})
		wantStatus(t, res, http.StatusSeeOther)
		if res.Location != "/login" {
			t.Errorf("%s: redirected to %q", email, res.Location)
		}
		wantBody(t, anon.get("/login"), "If an Admin Center user signs in with "+strings.ToLower(email)+", an email")
	}
	sendAll(t, sender)
	if n := len(smtpSrv.to("nobody@example.com")); n != 0 {
		t.Errorf("%d mails to an address of nobody", n)
	}
	mails := resetMails(smtpSrv, "owner@example.com")
	if len(mails) != 1 {
		t.Fatalf("%d reset mails to the owner, want 1", len(mails))
	}
	link := mails[0].link(t)

	// Opening the link changes nothing and leaks no Referer.
	for range 2 {
		res = anon.get(link)
		wantStatus(t, res, http.StatusOK)
		wantBody(t, res, "Choose a new password", "owner@example.com", `name="new_password"`)
	}
	if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q", got)
	}

	// A weak password is refused in the page; the link still works.
	res = anon.post(link, url.Values{"new_password": {"password"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, `name="new_password"`, "field-invalid")

	const newPassword = "saddle lantern quietly orbit"
	res = anon.post(link, url.Values{"new_password": {newPassword}})
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, anon.get("/login"), "Your password is changed. Sign in with it now.")

	// Once only; every session ended; the old password no longer signs in, the new one does.
	res = anon.post(link, url.Values{"new_password": {"another fine passphrase"}})
	wantStatus(t, res, http.StatusGone)
	wantBody(t, res, "This link no longer works", "used already")
	wantStatus(t, signedIn.get("/admin/accounts"), http.StatusSeeOther)
	if res := app.browser().post("/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}}); res.Status == http.StatusSeeOther {
		t.Error("the old password still signs in")
	}
	app.browser().signIn("owner@example.com", newPassword)
	sendAll(t, sender)
	told := false
	for _, m := range smtpSrv.to("owner@example.com") {
		told = told || strings.Contains(m.Subject, "Your password was changed")
	}
	if !told {
		t.Error("the owner was not told that the password changed")
	}

	// A newer link retires the older; at most three links an hour.
	for range 4 {
		wantStatus(t, anon.post("/password-reset", url.Values{"email": {"owner@example.com"}}), http.StatusSeeOther)
	}
	sendAll(t, sender)
	mails = resetMails(smtpSrv, "owner@example.com")
	if len(mails) != 3 {
		t.Fatalf("%d reset mails within the hour, want 3", len(mails))
	}
	wantStatus(t, anon.get(mails[1].link(t)), http.StatusGone)
	wantStatus(t, anon.get(mails[2].link(t)), http.StatusOK)
	wantStatus(t, anon.get("/password-reset/not-a-token"), http.StatusNotFound)
}
