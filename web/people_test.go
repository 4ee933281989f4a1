package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"admincenter/internal/domain"
	"admincenter/internal/mail/mailtest"
	"admincenter/internal/store/storetest"
)

// peopleApp is a set-up app with a clock the test moves, the Owner signed in and one account.
type peopleApp struct {
	*testApp
	t       *testing.T
	owner   *browser
	account string // AC…
	advance func(time.Duration)
}

func newPeopleApp(t *testing.T) *peopleApp {
	t.Helper()
	app := newTestApp(t)
	now, advance := storetest.Clock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	app.store.Now = now
	app.setup()
	owner := app.browser()
	owner.signIn("owner@example.com", testPassword)
	res := owner.post("/admin/accounts", url.Values{"friendly_name": {"Billing EU"}, "type": {"standard"}})
	wantStatus(t, res, http.StatusSeeOther)
	sid := strings.TrimSuffix(strings.TrimPrefix(res.Location, "/admin/accounts/"), "/users")
	return &peopleApp{testApp: app, t: t, owner: owner, account: sid, advance: advance}
}

func (a *peopleApp) users() string { return "/admin/accounts/" + a.account + "/users" }

// invite invites the email with the roles as the Owner and returns the link token from the outbox.
func (a *peopleApp) invite(email string, roles ...string) string {
	a.t.Helper()
	res := a.owner.post(a.users()+"/invite", url.Values{"email": {email}, "role": roles})
	wantStatus(a.t, res, http.StatusSeeOther)
	return a.lastToken(email)
}

// lastToken returns the link token of the newest email to the address.
func (a *peopleApp) lastToken(email string) string {
	a.t.Helper()
	mails := mailtest.MailsTo(a.t, a.store, a.cfg.BaseURL, email)
	for i := len(mails) - 1; i >= 0; i-- {
		if mails[i].Token != "" {
			return mails[i].Token
		}
	}
	a.t.Fatalf("no email with a link to %s", email)
	return ""
}

// person creates an external user and returns a browser signed in as them.
func (a *peopleApp) person(email, name string) *browser {
	a.t.Helper()
	if _, err := storetest.AddUser(context.Background(), a.store, "", "", email, name, testPassword); err != nil {
		a.t.Fatal(err)
	}
	b := a.browser()
	b.signIn(email, testPassword)
	return b
}

func TestInvitationMailAndLinkPage(t *testing.T) {
	app := newPeopleApp(t)
	token := app.invite("Contractor@Outside.dev", "developer")

	mails := mailtest.MailsTo(t, app.store, app.cfg.BaseURL, "contractor@outside.dev")
	if len(mails) != 1 {
		t.Fatalf("%d emails to the invitee, want 1", len(mails))
	}
	m := mails[0]
	link := app.cfg.BaseURL + "/invitations/" + token
	if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) {
		t.Errorf("mail bodies lack the link:\n%s", m.Text)
	}
	if !strings.Contains(m.Subject, "Billing EU") || !strings.Contains(m.Text, "Developer") {
		t.Errorf("mail = %q\n%s", m.Subject, m.Text)
	}
	if !strings.Contains(m.Text, "create your Admin Center user") {
		t.Errorf("the mail to an unknown email does not ask to sign up:\n%s", m.Text)
	}
	if _, err := storetest.AddUser(context.Background(), app.store, "", "", "known@outside.dev", "Known", ""); err != nil {
		t.Fatal(err)
	}
	app.invite("known@outside.dev", "support")
	if km := mailtest.MailsTo(t, app.store, app.cfg.BaseURL, "known@outside.dev"); len(km) != 1 || !strings.Contains(km[0].Text, "sign in as known@outside.dev") {
		t.Errorf("the mail to an existing user does not ask to sign in: %+v", km)
	}

	res := app.owner.get(app.users() + "/pending")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "contractor@outside.dev", "Developer", "Olive Owner", `<time datetime="2026-03-02T09:00:00Z"><span>Mar 2, 2026,</span> <span>09:00 UTC</span></time>`, "Mar 9, 2026,</span> <span>09:00 UTC", "Resend", "Revoke")

	// Signed out: the page shows the account, roles and inviter and offers sign-up; opening it twice uses nothing.
	anon := app.browser()
	for i := 0; i < 2; i++ {
		res = anon.get("/invitations/" + token)
		wantStatus(t, res, http.StatusOK)
	}
	wantBody(t, res, "Billing EU", "Developer", "Olive Owner", "contractor@outside.dev", `href="/signup?invitation=`+url.QueryEscape(token)+`"`,
		`href="/login?next=`+url.QueryEscape("/invitations/"+token)+`"`)
	if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q, want no-referrer", got)
	}
	res = anon.get("/invitations/not-a-real-token")
	wantStatus(t, res, http.StatusNotFound)
	wantBody(t, res, "This invitation link is not valid")

	// A signed-out accept is refused and asks to sign in.
	res = anon.post("/invitations/"+token+"/accept", nil)
	wantStatus(t, res, http.StatusUnauthorized)
	wantBody(t, res, "Sign in as contractor@outside.dev")
}

func TestContractorAcceptsAndStaysExternal(t *testing.T) {
	app := newPeopleApp(t)
	token := app.invite("contractor@outside.dev", "developer", "support")
	c := app.person("contractor@outside.dev", "Casey Contractor")

	res := c.get("/invitations/" + token)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Accept invitation")
	res = c.post("/invitations/"+token+"/accept", nil)
	wantStatus(t, res, http.StatusSeeOther)
	if res.Location != "/admin/accounts/"+app.account {
		t.Fatalf("accept went to %q", res.Location)
	}
	res = c.get(res.Location)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Welcome to Billing EU", "Developer, Support")

	res = app.owner.get(app.users())
	wantBody(t, res, "contractor@outside.dev", "External")
	u, _ := app.store.FindUserByEmail(context.Background(), "contractor@outside.dev")
	if u.Managed() {
		t.Error("a contractor outside the verified domains became a managed user")
	}
	if res := app.owner.get(app.users() + "/pending"); strings.Contains(res.Body, "contractor@outside.dev") {
		t.Error("an accepted invitation is still pending")
	}
	// The link is used: opening shows it was accepted, accepting again is refused.
	res = c.get("/invitations/" + token)
	wantStatus(t, res, http.StatusGone)
	wantBody(t, res, "already been accepted")
	wantStatus(t, c.post("/invitations/"+token+"/accept", nil), http.StatusConflict)

	evs, _ := storetest.AuditEvents(context.Background(), app.store, "invitation.accept")
	if len(evs) != 1 {
		t.Errorf("invitation.accept events = %d, want 1", len(evs))
	}
	mails := mailtest.MailsTo(t, app.store, app.cfg.BaseURL, "contractor@outside.dev")
	if last := mails[len(mails)-1]; !strings.Contains(last.Subject, "You were added to Billing EU") {
		t.Errorf("last mail to the contractor = %q", last.Subject)
	}
}

func TestInviteeInVerifiedDomainBecomesManaged(t *testing.T) {
	app := newPeopleApp(t)
	token := app.invite("dev@example.com", "developer")
	b := app.person("dev@example.com", "Dana Dev")
	wantStatus(t, b.post("/invitations/"+token+"/accept", nil), http.StatusSeeOther)
	u, _ := app.store.FindUserByEmail(context.Background(), "dev@example.com")
	if !u.Managed() || u.OrgRole != domain.OrgRoleStandard {
		t.Errorf("user = org %q role %q, want a managed Standard User", u.OrgSID, u.OrgRole)
	}
	res := app.owner.get(app.users())
	if strings.Contains(rowOf(res.Body, "dev@example.com"), "External") {
		t.Error("the managed user is shown as external")
	}
}

// rowOf returns the table row of the page that mentions s.
func rowOf(body, s string) string {
	for _, row := range strings.Split(body, "<tr")[1:] {
		if strings.Contains(row, s) {
			return row
		}
	}
	return ""
}

func TestResentRevokedAndExpiredLinksDoNotWork(t *testing.T) {
	app := newPeopleApp(t)
	ctx := context.Background()
	old := app.invite("a@outside.dev", "developer")
	ids := invitationIDs(t, app.owner.get(app.users()+"/pending").Body)
	res := app.owner.post(fmt.Sprintf("/admin/accounts/%s/invitations/%s/resend", app.account, ids[0]), nil)
	wantStatus(t, res, http.StatusSeeOther)
	fresh := app.lastToken("a@outside.dev")
	if fresh == old {
		t.Fatal("resend kept the old token")
	}
	a := app.person("a@outside.dev", "Ann")
	res = a.get("/invitations/" + old)
	wantStatus(t, res, http.StatusGone)
	wantBody(t, res, "A newer invitation replaced this one")
	wantStatus(t, a.post("/invitations/"+old+"/accept", nil), http.StatusConflict)
	if res := app.owner.get(app.users() + "/pending"); strings.Count(res.Body, "/resend") != 1 || rowOf(res.Body, "a@outside.dev") == "" {
		t.Error("the pending list should show the resent invitation once")
	}

	// Revoked.
	revoked := app.invite("b@outside.dev", "support")
	ids = invitationIDs(t, rowOf(app.owner.get(app.users()+"/pending").Body, "b@outside.dev"))
	wantStatus(t, app.owner.post(fmt.Sprintf("/admin/accounts/%s/invitations/%s/revoke", app.account, ids[0]), nil), http.StatusSeeOther)
	b := app.person("b@outside.dev", "Ben")
	res = b.get("/invitations/" + revoked)
	wantStatus(t, res, http.StatusGone)
	wantBody(t, res, "revoked")
	wantStatus(t, b.post("/invitations/"+revoked+"/accept", nil), http.StatusConflict)
	if res := app.owner.get(app.users() + "/pending"); rowOf(res.Body, "b@outside.dev") != "" {
		t.Error("a revoked invitation is still listed")
	}

	// Expired: a week and a minute later the fresh link no longer works, and stays listed as expired.
	app.advance(7*24*time.Hour + time.Minute)
	app.owner.signIn("owner@example.com", testPassword)
	a.signIn("a@outside.dev", testPassword)
	res = a.get("/invitations/" + fresh)
	wantStatus(t, res, http.StatusGone)
	wantBody(t, res, "expired")
	wantStatus(t, a.post("/invitations/"+fresh+"/accept", nil), http.StatusConflict)
	res = app.owner.get(app.users() + "/pending")
	wantBody(t, res, "a@outside.dev", "Expired")
	if users, _ := app.store.ListAccountUsers(ctx, app.account); len(users) != 1 {
		t.Errorf("%d users after refused links, want only the owner", len(users))
	}
	// An expired invitation can be sent again, and the new link works.
	ids = invitationIDs(t, rowOf(res.Body, "a@outside.dev"))
	wantStatus(t, app.owner.post(fmt.Sprintf("/admin/accounts/%s/invitations/%s/resend", app.account, ids[0]), nil), http.StatusSeeOther)
	wantStatus(t, a.post("/invitations/"+app.lastToken("a@outside.dev")+"/accept", nil), http.StatusSeeOther)
}

var invitationIDRE = regexp.MustCompile(`/invitations/(\d+)/resend`)

func invitationIDs(t *testing.T, body string) []string {
	t.Helper()
	var ids []string
	for _, m := range invitationIDRE.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	if len(ids) == 0 {
		t.Fatalf("no invitation ids in\n%s", trimBody(body))
	}
	return ids
}

func TestInvitationAcceptedTwentyTimesAtOnce(t *testing.T) {
	app := newPeopleApp(t)
	token := app.invite("c@outside.dev", "developer")
	c := app.person("c@outside.dev", "Cy")
	csrf := c.csrf()
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", app.srv.URL+"/invitations/"+token+"/accept", strings.NewReader(url.Values{"_csrf": {csrf}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := c.http.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	if counts[http.StatusSeeOther] != 1 || counts[http.StatusConflict] != 19 {
		t.Fatalf("statuses = %v, want one 303 and nineteen 409", counts)
	}
	evs, _ := storetest.AuditEvents(context.Background(), app.store, "account.role.grant")
	if len(evs) != 1 {
		t.Errorf("role grants = %d, want 1", len(evs))
	}
}

func TestInvitationOpenedBySomeoneElse(t *testing.T) {
	app := newPeopleApp(t)
	token := app.invite("d@outside.dev", "developer")
	app.person("d@outside.dev", "Dee")
	other := app.person("eve@outside.dev", "Eve")

	res := other.get("/invitations/" + token)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "This invitation is for d@outside.dev", "You are signed in as eve@outside.dev", `action="/logout"`,
		`name="next" value="/invitations/`+token+`"`)
	if strings.Contains(res.Body, "accept-invitation") {
		t.Error("the accept button is offered to someone else")
	}
	res = other.post("/invitations/"+token+"/accept", nil)
	wantStatus(t, res, http.StatusForbidden)
	wantBody(t, res, "This invitation is for d@outside.dev")
	wantStatus(t, other.post("/invitations/"+token+"/decline", nil), http.StatusForbidden)
	// Both refusals are in the audit log, as eve's.
	for _, action := range []string{"invitation.accept", "invitation.decline"} {
		evs, _ := storetest.AuditEvents(context.Background(), app.store, action)
		if len(evs) != 1 || evs[0].Outcome != "failure" || evs[0].ActorLabel != "eve@outside.dev" {
			t.Errorf("%s: audit events %+v, want one failure by eve@outside.dev", action, evs)
		}
	}

	// Signing out from that page comes back to the invitation, still pending.
	res = other.post("/logout", url.Values{"next": {"/invitations/" + token}})
	wantStatus(t, res, http.StatusSeeOther)
	if res.Location != "/invitations/"+token {
		t.Errorf("sign-out went to %q", res.Location)
	}
	wantStatus(t, other.get(res.Location), http.StatusOK)
	if users, _ := app.store.ListAccountUsers(context.Background(), app.account); len(users) != 1 {
		t.Errorf("%d users, want only the owner", len(users))
	}
	// The invitee may decline without signing in: the link shows the decline.
	res = app.browser().post("/invitations/"+token+"/decline", nil)
	wantStatus(t, res, http.StatusSeeOther)
	res = other.get("/invitations/" + token)
	wantStatus(t, res, http.StatusGone)
	wantBody(t, res, "declined")
	// The one who invited is told.
	mails := mailtest.MailsTo(t, app.store, app.cfg.BaseURL, "owner@example.com")
	told := false
	for _, m := range mails {
		told = told || (m.Subject == "d@outside.dev declined your invitation to Billing EU" && strings.Contains(m.Text, "were not given access"))
	}
	if !told {
		t.Errorf("the inviter was not told of the decline (mails: %d)", len(mails))
	}
}

func TestInviteBadInput(t *testing.T) {
	app := newPeopleApp(t)
	app.invite("pending@outside.dev", "developer")
	many := make([]string, 21)
	for i := range many {
		many[i] = fmt.Sprintf("p%d@outside.dev", i)
	}
	tests := []struct {
		name string
		form url.Values
		want []string
	}{
		{"no email", url.Values{"email": {" "}, "role": {"developer"}}, []string{"Enter the email address"}},
		{"malformed", url.Values{"email": {"not-an-email"}, "role": {"developer"}}, []string{"is not an email address", `value="not-an-email"`}},
		{"display name", url.Values{"email": {"Bob <bob@x.dev>"}, "role": {"developer"}}, []string{"is not an email address"}},
		{"duplicate", url.Values{"email": {"x@outside.dev, X@outside.dev"}, "role": {"developer"}}, []string{"x@outside.dev is listed more than once"}},
		{"no role", url.Values{"email": {"x@outside.dev"}}, []string{"Choose at least one role."}},
		{"unknown role", url.Values{"email": {"x@outside.dev"}, "role": {"superuser"}}, []string{"Unknown role “superuser”"}},
		{"owner role", url.Values{"email": {"x@outside.dev"}, "role": {"owner"}}, []string{"The Owner role cannot be given here"}},
		{"already has access", url.Values{"email": {"owner@example.com"}, "role": {"developer"}}, []string{"owner@example.com already has access"}},
		{"already invited", url.Values{"email": {"pending@outside.dev"}, "role": {"support"}}, []string{"already has a pending invitation"}},
		{"too many", url.Values{"email": {strings.Join(many, ",")}, "role": {"developer"}}, []string{"Invite at most 20 people at once."}},
		{"long", url.Values{"email": {strings.Repeat("a", 300_000) + "@x.dev"}, "role": {"developer"}}, []string{"That is too long"}},
		{"thousands of roles", url.Values{"email": {"x@outside.dev"}, "role": strings.Fields(strings.Repeat("developer ", 5000))}, []string{"Choose from the listed roles."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := app.owner.post(app.users()+"/invite", tc.form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantBody(t, res, tc.want...)
			wantBody(t, res, `id="invite-user" open`)
		})
	}
	// A form larger than Admin Center accepts is refused whole.
	res := app.owner.post(app.users()+"/invite", url.Values{"email": {"big@outside.dev"}, "role": {"developer"}, "pad": {strings.Repeat("x", 2<<20)}})
	wantStatus(t, res, http.StatusRequestEntityTooLarge)
	wantBody(t, res, "larger than Admin Center accepts")

	res = app.owner.get(app.users() + "/pending")
	if got := strings.Count(res.Body, "/resend"); got != 1 {
		t.Errorf("%d pending invitations after bad input, want 1", got)
	}
	if mails := mailtest.MailsTo(t, app.store, app.cfg.BaseURL, "x@outside.dev"); len(mails) != 0 {
		t.Errorf("bad input sent %d emails", len(mails))
	}
}

func TestInvitationsPerHourLimit(t *testing.T) {
	app := newPeopleApp(t)
	batch := func(from int) string {
		var list []string
		for i := from; i < from+20; i++ {
			list = append(list, fmt.Sprintf("p%03d@outside.dev", i))
		}
		return strings.Join(list, ", ")
	}
	for i := 0; i < 5; i++ {
		wantStatus(t, app.owner.post(app.users()+"/invite", url.Values{"email": {batch(i * 20)}, "role": {"developer"}}), http.StatusSeeOther)
	}
	res := app.owner.post(app.users()+"/invite", url.Values{"email": {"one-more@outside.dev"}, "role": {"developer"}})
	wantStatus(t, res, http.StatusTooManyRequests)
	wantBody(t, res, "at most 100 an hour", `value="one-more@outside.dev"`)
	ids := invitationIDs(t, app.owner.get(app.users()+"/pending").Body)
	wantStatus(t, app.owner.post(fmt.Sprintf("/admin/accounts/%s/invitations/%s/resend", app.account, ids[0]), nil), http.StatusTooManyRequests)
	app.advance(time.Hour + time.Second)
	app.owner.signIn("owner@example.com", testPassword)
	wantStatus(t, app.owner.post(app.users()+"/invite", url.Values{"email": {"one-more@outside.dev"}, "role": {"developer"}}), http.StatusSeeOther)
}

func TestAccountUserRolesAndRemoval(t *testing.T) {
	app := newPeopleApp(t)
	ctx := context.Background()
	token := app.invite("c@outside.dev", "developer")
	c := app.person("c@outside.dev", "Cy")
	wantStatus(t, c.post("/invitations/"+token+"/accept", nil), http.StatusSeeOther)
	cu, _ := app.store.FindUserByEmail(ctx, "c@outside.dev")
	owner, _ := app.store.FindUserByEmail(ctx, "owner@example.com")

	// The role filter.
	res := app.owner.get(app.users() + "?role=developer")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "c@outside.dev", `value="developer" checked`)
	if strings.Contains(rowOf(res.Body, "owner@example.com"), "Owner") {
		t.Error("the developer filter shows the owner")
	}
	res = app.owner.get(app.users() + "?role=owner&role=support")
	wantBody(t, res, "owner@example.com")
	if strings.Contains(res.Body, "c@outside.dev") {
		t.Error("the owner/support filter shows the developer")
	}
	res = app.owner.get(app.users() + "?role=billing_manager")
	wantBody(t, res, "Nobody has these roles")
	res = app.owner.get(app.users() + "?role=bogus")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Unknown role in the filter", "c@outside.dev")

	// A developer sees the Users tab but may not change it: 403 naming the roles needed.
	res = c.get(app.users())
	wantStatus(t, res, http.StatusOK)
	if strings.Contains(res.Body, "Invite user") || strings.Contains(res.Body, "/remove") {
		t.Error("a developer is offered user management")
	}
	for _, path := range []string{"/invite", "/" + owner.SID + "/roles", "/" + owner.SID + "/remove"} {
		res = c.post(app.users()+path, url.Values{"email": {"z@outside.dev"}, "role": {"administrator"}})
		wantStatus(t, res, http.StatusForbidden)
		wantBody(t, res, "Account Owner or Administrator")
	}

	// Change roles: bad input first.
	rolesURL := app.users() + "/" + cu.SID + "/roles"
	for form, want := range map[string]string{"": "Choose at least one role, or remove the user", "admin": "Unknown role", "owner": "The Owner role cannot be given here"} {
		f := url.Values{}
		if form != "" {
			f["role"] = []string{form}
		}
		res = app.owner.post(rolesURL, f)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, want, `id="roles-`+cu.SID+`" open`)
	}
	res = app.owner.post(rolesURL, url.Values{"role": {"support", "billing_manager"}})
	wantStatus(t, res, http.StatusSeeOther)
	if users, _ := app.store.ListAccountUsers(ctx, app.account, "developer"); len(users) != 0 {
		t.Error("developer role not revoked")
	}
	if users, _ := app.store.ListAccountUsers(ctx, app.account, "support"); len(users) != 1 {
		t.Error("support role not granted")
	}
	mails := mailtest.MailsTo(t, app.store, app.cfg.BaseURL, "c@outside.dev")
	if last := mails[len(mails)-1]; !strings.Contains(last.Subject, "Your roles on Billing EU changed") || !strings.Contains(last.Text, "Billing Manager, Support") {
		t.Errorf("roles mail = %q\n%s", last.Subject, last.Text)
	}
	// The owner keeps the owner role; roles of someone without access are 404.
	wantStatus(t, app.owner.post(app.users()+"/"+owner.SID+"/roles", url.Values{"role": {"developer"}}), http.StatusSeeOther)
	wantStatus(t, app.owner.post(app.users()+"/"+domain.NewSID("US")+"/roles", url.Values{"role": {"developer"}}), http.StatusNotFound)
	wantStatus(t, app.owner.post(app.users()+"/junk/roles", url.Values{"role": {"developer"}}), http.StatusNotFound)

	// Remove: never the owner.
	res = app.owner.post(app.users()+"/"+owner.SID+"/remove", nil)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "The account owner cannot be removed")
	wantStatus(t, app.owner.post(app.users()+"/"+cu.SID+"/remove", nil), http.StatusSeeOther)
	if res := app.owner.get(app.users()); rowOf(res.Body, "c@outside.dev") != "" {
		t.Error("removed user still listed")
	}
	wantStatus(t, c.get(app.users()), http.StatusNotFound)
	mails = mailtest.MailsTo(t, app.store, app.cfg.BaseURL, "c@outside.dev")
	if last := mails[len(mails)-1]; !strings.Contains(last.Subject, "Your access to Billing EU was removed") {
		t.Errorf("removal mail = %q", last.Subject)
	}
	for _, action := range []string{"account.user.roles", "account.user.remove", "invitation.create"} {
		if evs, _ := storetest.AuditEvents(ctx, app.store, action); len(evs) == 0 {
			t.Errorf("no %s audit event", action)
		}
	}
}

func TestAdministratorOfAnotherOrganizationSeesNothing(t *testing.T) {
	app := newPeopleApp(t)
	ctx := context.Background()
	app.invite("c@outside.dev", "developer")
	_, _, err := storetest.AddOrganization(ctx, app.store, "Beta", "beta.dev", "Bo Beta", "bo@beta.dev", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	owner, _ := app.store.FindUserByEmail(ctx, "owner@example.com")
	b := app.browser()
	b.signIn("bo@beta.dev", testPassword)
	ids := invitationIDs(t, app.owner.get(app.users()+"/pending").Body)
	for _, path := range []string{app.users(), app.users() + "/pending"} {
		wantStatus(t, b.get(path), http.StatusNotFound)
	}
	for _, path := range []string{"/invite", "/" + owner.SID + "/roles", "/" + owner.SID + "/remove"} {
		wantStatus(t, b.post(app.users()+path, url.Values{"email": {"z@beta.dev"}, "role": {"developer"}}), http.StatusNotFound)
	}
	for _, action := range []string{"resend", "revoke"} {
		wantStatus(t, b.post(fmt.Sprintf("/admin/accounts/%s/invitations/%s/%s", app.account, ids[0], action), nil), http.StatusNotFound)
	}
	if res := app.owner.get(app.users() + "/pending"); !strings.Contains(res.Body, "c@outside.dev") {
		t.Error("the other organization changed the invitation")
	}
}
