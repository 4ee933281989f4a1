package web

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/dnscheck"
	"admincenter/internal/dnscheck/dnstest"
	"admincenter/internal/domain"
	"admincenter/internal/jobs"
	"admincenter/internal/mail"
	"admincenter/internal/store"
	"admincenter/internal/store/storetest"
)

var accountSIDRE = regexp.MustCompile(`/admin/accounts/(AC[0-9a-f]{32})`)

// signUp creates a user through the sign-up form and returns their browser (signed in) and
// the SID of their own first account.
func (a *testApp) signUp(name, email string) (*browser, string) {
	a.t.Helper()
	b := a.browser()
	res := b.post("/signup", url.Values{"name": {name}, "email": {email}, "password": {testPassword}})
	if res.Status != http.StatusSeeOther || res.Location != "/accounts" {
		a.t.Fatalf("sign up %s: %d → %q\n%s", email, res.Status, res.Location, trimBody(res.Body))
	}
	m := accountSIDRE.FindStringSubmatch(b.get("/accounts").Body)
	if m == nil {
		a.t.Fatalf("sign up %s: no account on My accounts", email)
	}
	return b, m[1]
}

func TestSignUp(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	res := b.get("/signup")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `name="name"`, `name="email"`, `name="password"`, "Create your user")

	bad := []struct {
		name  string
		form  url.Values
		wants []string
	}{
		{"short password", url.Values{"name": {"Ada"}, "email": {"ada@outside.net"}, "password": {"short"}}, []string{"Use at least 12 characters.", `value="ada@outside.net"`, `value="Ada"`}},
		{"bad email", url.Values{"name": {"Ada"}, "email": {"ada-at-outside"}, "password": {testPassword}}, []string{"Enter an email address like name@example.com."}},
		{"no name", url.Values{"name": {"  "}, "email": {"ada@outside.net"}, "password": {testPassword}}, []string{"Enter your name."}},
		{"taken email", url.Values{"name": {"Ada"}, "email": {"OWNER@example.com"}, "password": {testPassword}}, []string{"already exists"}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			res := b.post("/signup", tc.form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantBody(t, res, tc.wants...)
			if strings.Contains(res.Body, testPassword) {
				t.Error("the page shows the password")
			}
		})
	}
	if _, err := app.store.FindUserByEmail(context.Background(), "ada@outside.net"); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("a rejected sign-up wrote a user: %v", err)
	}

	// Signing up with an email in the organization's verified domain does not join it.
	ub, sid := app.signUp("Uma User", "uma@example.com")
	res = ub.get("/accounts")
	wantBody(t, res, "Uma User’s account", "Owner")
	u, err := app.store.FindUserByEmail(context.Background(), "uma@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if u.Managed() {
		t.Errorf("a signed-up user joined organization %s", u.OrgSID)
	}
	res = ub.get("/admin/accounts/" + sid)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Outside the organization")
	if res := ub.get("/admin/accounts"); res.Status != http.StatusNotFound {
		t.Errorf("an external user reached the Accounts page: %d", res.Status)
	}
	if res := ub.get("/signup"); res.Status != http.StatusSeeOther {
		t.Errorf("signed-in /signup = %d, want a redirect", res.Status)
	}
	for _, action := range []string{"user.signup", "account.create"} {
		if evs, _ := storetest.AuditEvents(context.Background(), app.store, action); len(evs) != 1 {
			t.Errorf("%s audit events = %d, want 1", action, len(evs))
		}
	}
}

func TestSignUpFromDeadInvitation(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	res := b.get("/signup?invitation=nope")
	wantStatus(t, res, http.StatusGone)
	wantBody(t, res, "This invitation no longer works")
	res = b.post("/signup", url.Values{"name": {"Ann"}, "email": {"ann@outside.net"}, "password": {testPassword}, "invitation": {"nope"}})
	wantStatus(t, res, http.StatusGone)
	if _, err := app.store.FindUserByEmail(context.Background(), "ann@outside.net"); err == nil {
		t.Fatal("a sign-up from a dead invitation wrote a user")
	}
}

func TestDomains(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	dnsSrv := dnstest.New(t)
	app.web.dns = dnscheck.New(dnsSrv.Addr) // as --dns does
	b := app.browser()
	b.signIn("owner@example.com", testPassword)

	res := b.get("/admin/domains")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "example.com", "trusted at setup")

	bad := []struct{ in, want string }{
		{"", "Enter a domain."},
		{"exa mple.org", "A domain has no spaces"},
		{"gmail.com", "gmail.com is a public mail provider"},
		{"GMAIL.COM", "gmail.com is a public mail provider"},
		{"bob@example.org", "only the domain"},
		{"https://example.org/", "without http://"},
		{"-bad-.org", "Enter a domain like example.com"},
		{"localhost", "Enter a domain like example.com"},
		{"example.com", "already on this page"},
	}
	for _, tc := range bad {
		res := b.post("/admin/domains", url.Values{"domain": {tc.in}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, tc.want)
	}

	res = b.post("/admin/domains", url.Values{"domain": {" Example.ORG "}})
	wantStatus(t, res, http.StatusSeeOther)
	res = b.get("/admin/domains")
	wantBody(t, res, "example.org", "Not verified", "_admincenter-challenge.example.org", "admincenter-verification=")
	doms, _ := app.store.ListDomains(context.Background(), mustOwner(t, app).OrgSID)
	var d *domain.OrgDomain
	for _, x := range doms {
		if x.Domain == "example.org" {
			d = x
		}
	}
	if d == nil {
		t.Fatal("example.org not listed")
	}

	// No record yet: a clear message, still unverified.
	res = b.post("/admin/domains/example.org/verify", nil)
	wantStatus(t, res, http.StatusSeeOther)
	res = b.get("/admin/domains")
	wantBody(t, res, "No TXT record was found at _admincenter-challenge.example.org", "Not verified")

	// A wrong value.
	dnsSrv.SetTXT(d.ChallengeName(), "admincenter-verification=someone-else")
	b.post("/admin/domains/example.org/verify", nil)
	wantBody(t, b.get("/admin/domains"), "exists but does not hold")
	// Said in the reader's language, the record named.
	req, _ := http.NewRequest("GET", app.srv.URL+"/admin/domains", nil)
	req.Header.Set("Accept-Language", "ja")
	wantBody(t, b.do(req), "<h1>ドメイン</h1>", "未検証", "TXT レコード _admincenter-challenge.example.org はありますが、値 "+d.ChallengeValue()+" が含まれていません。")

	// A DNS server that does not answer.
	app.web.dns.Timeout = 300 * time.Millisecond
	dnsSrv.SetSilent(true)
	b.post("/admin/domains/example.org/verify", nil)
	wantBody(t, b.get("/admin/domains"), "The DNS server did not answer in time")
	dnsSrv.SetSilent(false)

	// The right record.
	dnsSrv.SetTXT(d.ChallengeName(), "v=spf1 -all", d.ChallengeValue())
	res = b.post("/admin/domains/example.org/verify", nil)
	wantStatus(t, res, http.StatusSeeOther)
	res = b.get("/admin/domains")
	wantBody(t, res, "example.org is verified.")
	if strings.Contains(res.Body, "Not verified") {
		t.Error("example.org still shows as not verified")
	}

	// Another organization cannot claim a domain verified here.
	_, other, err := storetest.AddOrganization(context.Background(), app.store, "Other", "other.net", "Otto", "otto@other.net", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.store.AddDomain(context.Background(), other, "example.org", ""); domain.FieldErrors(err)["domain"] == "" {
		t.Errorf("another organization added a verified domain: %v", err)
	}

	// The daily re-check: nothing is due within a day; after a day the record is looked up again,
	// and a record that has gone is shown.
	now := time.Now().UTC()
	app.store.Now = func() time.Time { return now }
	if n, err := jobs.RecheckDomains(context.Background(), app.store, app.web.dns, 24*time.Hour); err != nil || n != 0 {
		t.Fatalf("re-check right after verifying: %d, %v", n, err)
	}
	app.store.Now = func() time.Time { return now.Add(25 * time.Hour) }
	dnsSrv.SetTXT(d.ChallengeName(), "v=spf1 -all")
	if n, err := jobs.RecheckDomains(context.Background(), app.store, app.web.dns, 24*time.Hour); err != nil || n != 1 {
		t.Fatalf("re-check a day later: %d, %v", n, err)
	}
	b = app.browser() // a day later the session has ended
	b.signIn("owner@example.com", testPassword)
	wantBody(t, b.get("/admin/domains"), "exists but does not hold", "Verified")
	for _, action := range []string{"domain.add", "domain.verify", "domain.recheck"} {
		if evs, _ := storetest.AuditEvents(context.Background(), app.store, action); len(evs) == 0 {
			t.Errorf("no %s audit event", action)
		}
	}

	// Only the organization's Owner and Administrators see the page.
	ub, _ := app.signUp("Uma", "uma@outside.net")
	if res := ub.get("/admin/domains"); res.Status != http.StatusNotFound {
		t.Errorf("an outsider reached Domains: %d", res.Status)
	}
}

func mustOwner(t *testing.T, app *testApp) *domain.User {
	t.Helper()
	u, err := app.store.FindUserByEmail(context.Background(), "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAddExistingAccountRules(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	smtpSrv := newSMTPServer(t)
	sender := app.newSender(smtpSrv)
	admin := app.browser()
	admin.signIn("owner@example.com", testPassword)
	_, insideSID := app.signUp("Ian Inside", "ian@example.com")
	_, outsideSID := app.signUp("Sam Outside", "sam@outside.net")
	managed := admin.post("/admin/accounts", url.Values{"friendly_name": {"Billing EU"}, "type": {"standard"}})
	managedSID := accountSIDRE.FindStringSubmatch(managed.Location)[1]
	_, otherOwner, err := storetest.AddOrganization(context.Background(), app.store, "Other", "other.net", "Otto", "otto@other.net", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	otherAcc, err := app.store.CreateAccount(context.Background(), otherOwner, domain.CreateAccountInput{FriendlyName: "Other's", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}

	res := admin.get("/admin/accounts")
	wantBody(t, res, `href="/admin/accounts/import"`, `data-dialog="add-account"`, `<dialog id="add-account"`, "Add existing account")
	wantStatus(t, admin.get("/admin/accounts/import"), http.StatusOK)

	rules := []struct {
		name, sid, want string
		share           bool
	}{
		{"empty", "", "Enter the account SID", false},
		{"malformed", "AC123", "That is not an account SID", false},
		{"wrong prefix", "US" + insideSID[2:], "That is not an account SID", false},
		{"unknown", "AC0123456789abcdef0123456789abcdef", "No account with the SID", false},
		{"another organization's", otherAcc.SID, "No account with the SID", false},
		{"already managed", managedSID, "is already in your organization, as a managed account", false},
		{"owner outside the verified domains", outsideSID, "outside your verified domains (outside.net)", true},
	}
	for _, tc := range rules {
		t.Run(tc.name, func(t *testing.T) {
			res := admin.post("/admin/accounts/import", url.Values{"account_sid": {tc.sid}})
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantBody(t, res, tc.want)
			if got := strings.Contains(res.Body, `action="/admin/accounts/share"`); got != tc.share {
				t.Errorf("share offered = %v, want %v", got, tc.share)
			}
		})
	}
	if n := sendAll(t, sender); n != 0 {
		t.Fatalf("refused requests queued %d emails", n)
	}
	if c, _ := app.store.CountAccounts(context.Background(), mustOwner(t, app).OrgSID); c.Pending != 0 {
		t.Fatalf("refused requests left %d pending", c.Pending)
	}

	// Upper-case hex is accepted; the owner is emailed, and the request is pending.
	res = admin.post("/admin/accounts/import", url.Values{"account_sid": {" AC" + strings.ToUpper(insideSID[2:]) + " "}})
	wantStatus(t, res, http.StatusSeeOther)
	res = admin.get(res.Location)
	wantBody(t, res, "We emailed ian@example.com", insideSID, "Import", "Olive Owner", "Resend", "Cancel")
	res = admin.post("/admin/accounts/import", url.Values{"account_sid": {insideSID}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "already pending")

	// Share the outside owner's account instead.
	res = admin.post("/admin/accounts/share", url.Values{"account_sid": {outsideSID}})
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, admin.get("/admin/accounts?tab=pending"), "sam@outside.net", "Share")

	if n := sendAll(t, sender); n != 2 {
		t.Fatalf("sent %d, want 2", n)
	}
	ian := smtpSrv.to("ian@example.com")
	if len(ian) != 1 || !strings.Contains(ian[0].Subject, "Example Corp asks to manage your account") {
		t.Fatalf("mail to the owner: %+v", ian)
	}
	if !strings.Contains(ian[0].Text, app.srv.URL+"/imports/") || !strings.Contains(ian[0].HTML, `href="`+app.srv.URL+"/imports/") {
		t.Errorf("the mail's link does not use the base URL:\n%s", ian[0].Text)
	}
	if link := ian[0].link(t); !strings.HasPrefix(link, "/imports/") || len(link) < len("/imports/")+20 {
		t.Errorf("the mail's link %q lacks its token", link)
	}
	for _, action := range []string{"account.import.request", "account.share.request"} {
		if evs, _ := storetest.AuditEvents(context.Background(), app.store, action); len(evs) != 1 {
			t.Errorf("%s audit events = %d, want 1", action, len(evs))
		}
	}
}

func TestImportConfirm(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	smtpSrv := newSMTPServer(t)
	sender := app.newSender(smtpSrv)
	admin := app.browser()
	admin.signIn("owner@example.com", testPassword)
	ian, sid := app.signUp("Ian Inside", "ian@example.com")
	stranger, _ := app.signUp("Stella Stranger", "stella@outside.net")

	wantStatus(t, admin.post("/admin/accounts/import", url.Values{"account_sid": {sid}}), http.StatusSeeOther)
	sendAll(t, sender)
	link := smtpSrv.to("ian@example.com")[0].link(t)

	// Signed out: sent to sign in, then back.
	anon := app.browser()
	res := anon.get(link)
	wantStatus(t, res, http.StatusSeeOther)
	if res.Location != "/login?next="+url.QueryEscape(link) {
		t.Errorf("signed-out link → %q", res.Location)
	}
	if res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("Referrer-Policy = %q", res.Header.Get("Referrer-Policy"))
	}
	res = anon.post(link+"/confirm", nil)
	wantStatus(t, res, http.StatusUnauthorized)

	// Someone else signed in: told who the link is for, and the POST is refused.
	res = stranger.get(link)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "This link is for <strong>ian@example.com</strong>", "stella@outside.net", `action="/logout"`)
	if strings.Contains(res.Body, link+"/confirm") {
		t.Error("the wrong user is offered the confirm button")
	}
	wantStatus(t, stranger.post(link+"/confirm", nil), http.StatusForbidden)
	wantStatus(t, stranger.post(link+"/decline", nil), http.StatusForbidden)
	for _, action := range []string{"account.import.accept", "account.import.decline"} {
		evs, _ := storetest.AuditEvents(context.Background(), app.store, action)
		if len(evs) != 1 || evs[0].Outcome != "failure" || evs[0].ActorLabel != "stella@outside.net" {
			t.Errorf("%s: audit events %+v, want one refusal of stella@outside.net", action, evs)
		}
	}

	// The owner opens it: opening never consumes it.
	for range 2 {
		res = ian.get(link)
		wantStatus(t, res, http.StatusOK)
		wantBody(t, res, "Join Example Corp?", "What joining means", sid, link+"/confirm", link+"/decline")
	}
	if res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("Referrer-Policy = %q", res.Header.Get("Referrer-Policy"))
	}
	res = ian.post(link+"/confirm", nil)
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, ian.get(res.Location), "now belongs to Example Corp")

	u, _ := app.store.FindUserByEmail(context.Background(), "ian@example.com")
	if u.OrgSID != mustOwner(t, app).OrgSID || u.OrgRole != domain.OrgRoleStandard {
		t.Errorf("owner after confirm: org %q role %q, want a standard member", u.OrgSID, u.OrgRole)
	}
	res = admin.get("/admin/accounts")
	wantBody(t, res, sid, "Ian Inside’s account")
	res = admin.get("/admin/accounts?tab=pending")
	wantBody(t, res, "No pending requests")

	// Used twice: a clear page, nothing changes.
	res = ian.post(link+"/confirm", nil)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "This link has already been used: the request was accepted.")
	res = ian.get(link)
	wantStatus(t, res, http.StatusGone)
	wantBody(t, res, "already been used")
	res = ian.post(link+"/decline", nil)
	wantStatus(t, res, http.StatusConflict)

	// The administrators hear of it.
	sendAll(t, sender)
	notes := smtpSrv.to("owner@example.com")
	if len(notes) != 1 || !strings.Contains(notes[0].Subject, "joined Example Corp") {
		t.Fatalf("mail to the administrators: %+v", notes)
	}
	for _, action := range []string{"account.import.accept", "user.join"} {
		n := 0
		evs, _ := storetest.AuditEvents(context.Background(), app.store, action)
		for _, e := range evs {
			if e.Outcome == "success" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s audit events = %d, want 1 (and the stranger's refusal)", action, n)
		}
	}
	wantStatus(t, app.browser().get("/imports/not-a-token"), http.StatusNotFound)
}

func TestShareAcceptAndDecline(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	smtpSrv := newSMTPServer(t)
	sender := app.newSender(smtpSrv)
	admin := app.browser()
	admin.signIn("owner@example.com", testPassword)
	sam, samSID := app.signUp("Sam Outside", "sam@outside.net")
	dee, deeSID := app.signUp("Dee Decliner", "dee@example.com")

	wantStatus(t, admin.post("/admin/accounts/share", url.Values{"account_sid": {samSID}}), http.StatusSeeOther)
	wantStatus(t, admin.post("/admin/accounts/import", url.Values{"account_sid": {deeSID}}), http.StatusSeeOther)
	sendAll(t, sender)
	samLink := smtpSrv.to("sam@outside.net")[0].link(t)
	deeLink := smtpSrv.to("dee@example.com")[0].link(t)
	if !strings.HasPrefix(samLink, "/shares/") {
		t.Fatalf("share link %q", samLink)
	}
	// An import token does not work as a share link.
	wantStatus(t, dee.get(strings.Replace(deeLink, "/imports/", "/shares/", 1)), http.StatusNotFound)

	res := sam.get(samLink)
	wantBody(t, res, "What sharing means", samLink+"/accept")
	res = sam.post(samLink+"/accept", nil)
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, admin.get("/admin/accounts?tab=independent"), samSID)
	u, _ := app.store.FindUserByEmail(context.Background(), "sam@outside.net")
	if u.Managed() {
		t.Error("sharing made the owner a member of the organization")
	}

	res = dee.post(deeLink+"/decline", nil)
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, dee.get(res.Location), "You declined")
	res = admin.get("/admin/accounts?tab=managed")
	if strings.Contains(res.Body, deeSID) {
		t.Error("a declined import became managed")
	}
	sendAll(t, sender)
	subjects := []string{}
	for _, m := range smtpSrv.to("owner@example.com") {
		subjects = append(subjects, m.Subject)
	}
	if len(subjects) != 2 || !strings.Contains(strings.Join(subjects, "|"), "is shared with Example Corp") ||
		!strings.Contains(strings.Join(subjects, "|"), "declined") {
		t.Errorf("administrators' mail: %q", subjects)
	}
	for _, action := range []string{"account.share.accept", "account.import.decline"} {
		if evs, _ := storetest.AuditEvents(context.Background(), app.store, action); len(evs) != 1 {
			t.Errorf("%s audit events = %d, want 1", action, len(evs))
		}
	}
	// An independent account is in the organization: it cannot be imported until relinquished.
	res = admin.post("/admin/accounts/import", url.Values{"account_sid": {samSID}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "as an independent account (relinquish it first")

	// Relinquish: only the organization's administrators, only an independent account.
	res = admin.get("/admin/accounts/" + samSID)
	wantBody(t, res, "Relinquish account", "Independent (shared with the organization)")
	if strings.Contains(sam.get("/admin/accounts/"+samSID).Body, "Relinquish account") {
		t.Error("the owner is offered Relinquish")
	}
	wantStatus(t, sam.post("/admin/accounts/"+samSID+"/relinquish", nil), http.StatusForbidden)
	mine := admin.post("/admin/accounts", url.Values{"friendly_name": {"Ours"}, "type": {"standard"}})
	oursSID := accountSIDRE.FindStringSubmatch(mine.Location)[1]
	wantStatus(t, admin.post("/admin/accounts/"+oursSID+"/relinquish", nil), http.StatusForbidden)
	res = admin.post("/admin/accounts/"+samSID+"/relinquish", nil)
	wantStatus(t, res, http.StatusSeeOther)
	res = admin.get(res.Location)
	wantBody(t, res, "is relinquished")
	if strings.Contains(res.Body, samSID) {
		t.Error("a relinquished account still lists under Independent")
	}
	wantStatus(t, admin.get("/admin/accounts/"+samSID), http.StatusNotFound)
	wantStatus(t, sam.get("/admin/accounts/"+samSID), http.StatusOK)
	sendAll(t, sender)
	if got := smtpSrv.to("sam@outside.net"); len(got) != 2 || !strings.Contains(got[1].Subject, "no longer has access") {
		t.Errorf("owner's mail after relinquish: %d messages", len(got))
	}
	if evs, _ := storetest.AuditEvents(context.Background(), app.store, "account.relinquish"); len(evs) != 1 {
		t.Errorf("account.relinquish audit events = %d, want 1", len(evs))
	}
}

func TestRequestResendCancelAndExpiry(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	smtpSrv := newSMTPServer(t)
	sender := app.newSender(smtpSrv)
	admin := app.browser()
	admin.signIn("owner@example.com", testPassword)
	ian, sid := app.signUp("Ian Inside", "ian@example.com")
	now := time.Now().UTC()
	app.store.Now = func() time.Time { return now }

	wantStatus(t, admin.post("/admin/accounts/import", url.Values{"account_sid": {sid}}), http.StatusSeeOther)
	sendAll(t, sender)
	first := smtpSrv.to("ian@example.com")[0].link(t)
	reqs := pendingRequests(t, app.store, mustOwner(t, app).OrgSID)
	if len(reqs) != 1 {
		t.Fatalf("%d pending requests", len(reqs))
	}
	id := reqs[0].ID

	// Resend: a new link; the old one says a newer one was sent.
	res := admin.post("/admin/accounts/requests/"+itoa64(id)+"/resend", nil)
	wantStatus(t, res, http.StatusSeeOther)
	sendAll(t, sender)
	mails := smtpSrv.to("ian@example.com")
	if len(mails) != 2 {
		t.Fatalf("%d mails to the owner, want 2", len(mails))
	}
	second := mails[1].link(t)
	if second == first {
		t.Fatal("resend sent the same link")
	}
	res = ian.get(first)
	wantStatus(t, res, http.StatusGone)
	wantBody(t, res, "A newer link was sent")
	wantStatus(t, ian.post(first+"/confirm", nil), http.StatusConflict)
	wantStatus(t, admin.post("/admin/accounts/requests/"+itoa64(id)+"/resend", nil), http.StatusConflict)

	// Expired after 7 days: shown as expired in Pending, the link says so. (Sessions end too,
	// so both sign in again at that time.)
	app.store.Now = func() time.Time { return now.Add(7*24*time.Hour + time.Minute) }
	ian7, admin7 := app.browser(), app.browser()
	ian7.signIn("ian@example.com", testPassword)
	admin7.signIn("owner@example.com", testPassword)
	res = ian7.get(second)
	wantStatus(t, res, http.StatusGone)
	wantBody(t, res, "This link has expired")
	wantStatus(t, ian7.post(second+"/confirm", nil), http.StatusConflict)
	wantBody(t, admin7.get("/admin/accounts?tab=pending"), "Expired")
	app.store.Now = func() time.Time { return now }

	// Cancel: the link stops working.
	reqs = pendingRequests(t, app.store, mustOwner(t, app).OrgSID)
	res = admin.post("/admin/accounts/requests/"+itoa64(reqs[0].ID)+"/cancel", nil)
	wantStatus(t, res, http.StatusSeeOther)
	res = ian.get(second)
	wantStatus(t, res, http.StatusGone)
	wantBody(t, res, "cancelled this request")
	u, _ := app.store.FindUserByEmail(context.Background(), "ian@example.com")
	if u.Managed() {
		t.Error("a cancelled import made the owner a member")
	}
	for _, action := range []string{"account.import.resend", "account.import.cancel"} {
		if evs, _ := storetest.AuditEvents(context.Background(), app.store, action); len(evs) != 1 {
			t.Errorf("%s audit events = %d, want 1", action, len(evs))
		}
	}
	// Another organization's administrator cannot touch the request.
	_, _, err := storetest.AddOrganization(context.Background(), app.store, "Other", "other.net", "Otto", "otto@other.net", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	otto := app.browser()
	otto.signIn("otto@other.net", testPassword)
	wantStatus(t, otto.post("/admin/accounts/requests/"+itoa64(reqs[0].ID)+"/resend", nil), http.StatusNotFound)
}

func itoa64(n int64) string { return strconvFormat(n) }

func TestSenderRetriesAndFailures(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	smtpSrv := newSMTPServer(t)
	sender := app.newSender(smtpSrv)
	admin := app.browser()
	admin.signIn("owner@example.com", testPassword)
	_, sid := app.signUp("Ian Inside", "ian@example.com")
	now := time.Now().UTC()
	app.store.Now = func() time.Time { return now }
	wantStatus(t, admin.post("/admin/accounts/import", url.Values{"account_sid": {sid}}), http.StatusSeeOther)

	// 451: temporary; due again later, not now.
	smtpSrv.setAnswer(451)
	if n := sendAll(t, sender); n != 1 {
		t.Fatalf("tried %d, want 1", n)
	}
	if n := sendAll(t, sender); n != 0 {
		t.Fatalf("a deferred message was retried at once (%d)", n)
	}
	res := admin.get("/admin/mail")
	wantBody(t, res, "ian@example.com", "Queued", "451")
	// The clock jumps by hours below, beyond the session's idle time: sign in afresh each time.
	fresh := func() *browser {
		b := app.browser()
		b.signIn("owner@example.com", testPassword)
		return b
	}

	// The server is down: a connection error is temporary too.
	smtpSrv.setAnswer(0)
	smtpSrv.stop()
	now = now.Add(time.Hour)
	if n := sendAll(t, sender); n != 1 {
		t.Fatalf("tried %d, want 1", n)
	}
	wantBody(t, fresh().get("/admin/mail"), "dial")

	// Back up: delivered once, with the link and a deterministic Message-ID.
	smtpSrv.restart()
	now = now.Add(2 * time.Hour)
	if n := sendAll(t, sender); n != 1 {
		t.Fatalf("tried %d, want 1", n)
	}
	got := smtpSrv.to("ian@example.com")
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1", len(got))
	}
	if !regexp.MustCompile(`^<outbox-\d+\.[0-9a-f]{16}@127\.0\.0\.1>$`).MatchString(got[0].MessageID) {
		t.Errorf("Message-ID = %q", got[0].MessageID)
	}
	admin = fresh()
	wantBody(t, admin.get("/admin/mail"), "No delivery problems")

	// The sent message no longer holds its token.
	dev, _ := app.store.ListDevMail(context.Background(), 10)
	if len(dev) != 1 || dev[0].State != store.MailSent || dev[0].Token != "" {
		t.Fatalf("sent row: %+v", dev)
	}
	if msg, err := mail.Compose(dev[0], app.cfg.BaseURL); err != nil || !msg.LinkErased {
		t.Errorf("the sent message's link is not shown as erased: %v", err)
	}

	// 550: refused for good, shown with a Retry button that queues it again.
	wantStatus(t, admin.post("/admin/domains", url.Values{"domain": {"example.net"}}), http.StatusSeeOther)
	smtpSrv.setAnswer(550)
	_, sid2 := app.signUp("Ivy Inside", "ivy@example.com")
	wantStatus(t, admin.post("/admin/accounts/import", url.Values{"account_sid": {sid2}}), http.StatusSeeOther)
	if n := sendAll(t, sender); n != 1 {
		t.Fatalf("tried %d, want 1", n)
	}
	now = now.Add(24 * time.Hour)
	if n := sendAll(t, sender); n != 0 {
		t.Fatalf("a refused message was retried (%d)", n)
	}
	admin = fresh()
	res = admin.get("/admin/mail")
	wantBody(t, res, "ivy@example.com", "Refused", "550", "Retry")
	m := regexp.MustCompile(`action="(/admin/mail/\d+/retry)"`).FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatal("no Retry form")
	}
	smtpSrv.setAnswer(0)
	res = admin.post(m[1], nil)
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, admin.get(res.Location), "queued again")
	if n := sendAll(t, sender); n != 1 || len(smtpSrv.to("ivy@example.com")) != 1 {
		t.Fatalf("retried message not delivered (%d)", n)
	}
	wantStatus(t, admin.post(m[1], nil), http.StatusSeeOther) // not failed any more: says so
	for _, action := range []string{"mail.failed", "mail.retry"} {
		if evs, _ := storetest.AuditEvents(context.Background(), app.store, action); len(evs) != 1 {
			t.Errorf("%s audit events = %d, want 1", action, len(evs))
		}
	}

	// Temporary failures until the attempts run out: dead.
	smtpSrv.setAnswer(451)
	admin = fresh()
	_, sid3 := app.signUp("Ike Inside", "ike@example.com")
	wantStatus(t, admin.post("/admin/accounts/import", url.Values{"account_sid": {sid3}}), http.StatusSeeOther)
	for i := 0; i < store.MaxMailAttempts; i++ {
		now = now.Add(2 * time.Hour)
		if n := sendAll(t, sender); n != 1 {
			t.Fatalf("attempt %d: tried %d", i+1, n)
		}
	}
	now = now.Add(2 * time.Hour)
	if n := sendAll(t, sender); n != 0 {
		t.Fatal("a dead message was tried again")
	}
	wantBody(t, fresh().get("/admin/mail"), "ike@example.com", "Gave up")

	// Other organizations' administrators do not see the organization's mail.
	if res := app.browser().get("/admin/mail"); res.Status != http.StatusSeeOther {
		t.Errorf("signed-out /admin/mail = %d", res.Status)
	}

	// A message this version cannot write (a kind it does not know) is refused for good by the
	// sender and still listed on the page, which keeps working.
	org := mustOwner(t, app).OrgSID
	if err := app.store.Exec(context.Background(), `INSERT INTO outbox (org_sid, to_addr, subject, text_body, kind, state, next_attempt_at, created_at)
		VALUES (?, 'zed@example.com', '', '', 'from.a.newer.version', 'pending', 0, ?)`, org, now.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if n := sendAll(t, sender); n != 1 {
		t.Fatalf("tried %d, want 1", n)
	}
	wantBody(t, fresh().get("/admin/mail"), "zed@example.com", "from.a.newer.version")
}

// TestCrashBetweenCommitAndSend: the action commits its email, then the process dies — before
// sending, or while a sender held the message. A new process on the same database sends it, once.
func TestCrashBetweenCommitAndSend(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	smtpSrv := newSMTPServer(t)
	admin := app.browser()
	admin.signIn("owner@example.com", testPassword)
	_, sid := app.signUp("Ian Inside", "ian@example.com")
	wantStatus(t, admin.post("/admin/accounts/import", url.Values{"account_sid": {sid}}), http.StatusSeeOther)

	// A sender takes the message and dies before talking to the server.
	m, err := app.store.ClaimMail(context.Background(), time.Minute)
	if err != nil || m == nil {
		t.Fatalf("claim: %v %v", m, err)
	}

	// A new process: the same database file and keys, its own store and sender.
	dir := app.cfg.DataDir
	keys, err := auth.LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	st2, err := store.Open(context.Background(), filepath.Join(dir, "admincenter.db"), store.Options{Sealer: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	later := time.Now().UTC().Add(2 * time.Minute) // the dead sender's hold has run out
	st2.Now = func() time.Time { return later }
	cfg := *app.cfg
	cfg.SMTPURL = smtpSrv.url()
	s2, err := mail.NewSender(&cfg, st2, app.web.log)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s2.SendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("new sender: %d, %v", n, err)
	}
	if n, _ := s2.SendDue(context.Background()); n != 0 {
		t.Fatalf("sent again: %d", n)
	}
	got := smtpSrv.to("ian@example.com")
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want exactly 1", len(got))
	}
	if !strings.Contains(got[0].Text, app.srv.URL+"/imports/") {
		t.Errorf("delivered without its link:\n%s", got[0].Text)
	}
}

func TestSenderStopsOnCancel(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	smtpSrv := newSMTPServer(t)
	sender := app.newSender(smtpSrv)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sender.Run(ctx); close(done) }()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the sender did not stop after its context ended")
	}
}

func TestDevMailbox(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	admin := app.browser()
	admin.signIn("owner@example.com", testPassword)
	_, sid := app.signUp("Ian Inside", "ian@example.com")
	wantStatus(t, admin.post("/admin/accounts/import", url.Values{"account_sid": {sid}}), http.StatusSeeOther)

	wantStatus(t, app.browser().get("/dev/mail"), http.StatusNotFound) // not in development mode
	app.cfg.Dev = true
	res := app.browser().get("/dev/mail")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Development mailbox", "ian@example.com", "Example Corp asks to manage your account", `<a href="`+app.srv.URL+`/imports/`)
	wantBody(t, admin.get("/admin/mail"), "No mail server is configured")
	app.cfg.SMTPURL = "smtp://127.0.0.1:1?tls=none"
	wantStatus(t, app.browser().get("/dev/mail"), http.StatusNotFound) // mail goes out over SMTP instead
}

// TestSignUpFromInvitation: the invitation link's sign-up fixes the email and returns to the invitation.
func TestSignUpFromInvitation(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	admin := app.browser()
	admin.signIn("owner@example.com", testPassword)
	res := admin.post("/admin/accounts", url.Values{"friendly_name": {"Billing EU"}, "type": {"standard"}})
	sid := accountSIDRE.FindStringSubmatch(res.Location)[1]
	// The invitations feature writes this row; here it is written directly.
	db, err := sql.Open("sqlite", filepath.Join(app.cfg.DataDir, "admincenter.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UnixMilli()
	if _, err := db.Exec(`INSERT INTO invitations (org_sid, account_sid, email, roles, token_hash, state, sent_at, expires_at, created_at)
		VALUES (?, ?, 'carla@contractor.io', 'developer', ?, 'pending', ?, ?, ?)`, mustOwner(t, app).OrgSID, sid,
		auth.HashToken("invite-token"), now, now+3600_000, now); err != nil {
		t.Fatal(err)
	}
	b := app.browser()
	res = b.get("/signup?invitation=invite-token")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `name="invitation" value="invite-token"`, `value="carla@contractor.io" readonly`)
	res = b.post("/signup", url.Values{"name": {"Carla"}, "email": {"other@else.where"}, "password": {"short"}, "invitation": {"invite-token"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Use at least 12 characters.", `value="carla@contractor.io" readonly`)
	res = b.post("/signup", url.Values{"name": {"Carla"}, "email": {"other@else.where"}, "password": {testPassword}, "invitation": {"invite-token"}})
	wantStatus(t, res, http.StatusSeeOther)
	if res.Location != "/invitations/invite-token" {
		t.Errorf("after sign-up → %q", res.Location)
	}
	u, err := app.store.FindUserByEmail(context.Background(), "carla@contractor.io")
	if err != nil || u.Managed() {
		t.Fatalf("invited user: %+v, %v", u, err)
	}
	if page, err := app.store.ListMyAccounts(context.Background(), store.MyAccountFilter{UserSID: u.SID}); err != nil || len(page.Accounts) != 0 {
		t.Errorf("an invited sign-up got own accounts: %+v, %v", page, err)
	}
	if !strings.Contains(b.get("/accounts").Body, "Carla") {
		t.Error("not signed in after sign-up")
	}
}

// pendingRequests returns the organization's pending import and share requests, newest first.
func pendingRequests(t *testing.T, st *store.Store, orgSID string) []*domain.AccountRequest {
	t.Helper()
	page, err := st.ListAccountRequestPage(context.Background(), orgSID, "", domain.MaxPageSize)
	if err != nil {
		t.Fatal(err)
	}
	return page.Requests
}
