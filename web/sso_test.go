package web

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

// ssoFixture is an organization (example.com) with SSO set up against a real in-process IdP:
// the Owner is exempted and signed in; alice@example.com is a Standard user, ada@example.com an
// Administrator; dana@example.com
// is deactivated; ghost@example.com exists only at the IdP.
type ssoFixture struct {
	app   *testApp
	idp   *testIdP
	admin *browser
	alice *domain.User
}

func newSSOFixture(t *testing.T, encrypt bool, settings url.Values) *ssoFixture {
	t.Helper()
	ctx := context.Background()
	app := newTestApp(t)
	app.setup()
	owner, err := app.store.FindUserByEmail(ctx, "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	f := &ssoFixture{app: app}
	if f.alice, err = storetest.AddUser(ctx, app.store, owner.OrgSID, domain.OrgRoleStandard, "alice@example.com", "Alice Adams", testPassword); err != nil {
		t.Fatal(err)
	}
	dana, err := storetest.AddUser(ctx, app.store, owner.OrgSID, domain.OrgRoleStandard, "dana@example.com", "Dana Gone", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := storetest.SetUserStatus(ctx, app.store, dana.SID, domain.UserDeactivated); err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.AddUser(ctx, app.store, owner.OrgSID, domain.OrgRoleAdministrator, "ada@example.com", "Ada Admin", testPassword); err != nil {
		t.Fatal(err)
	}
	f.idp = newTestIdP(t, app, encrypt, "alice@example.com", "ada@example.com", "owner@example.com", "dana@example.com", "ghost@example.com")
	f.admin = app.browser()
	f.admin.signIn("owner@example.com", testPassword)
	if settings == nil {
		settings = url.Values{}
	}
	settings.Set("exempt", "owner@example.com")
	wantStatus(t, f.admin.configureSSO(f.idp.metadata(), settings), http.StatusSeeOther)
	return f
}

// signedInAs returns the email the browser is signed in as, or "" (from My accounts).
func (b *browser) signedInAs() string {
	b.t.Helper()
	res := b.get("/settings/sessions")
	if res.Status != http.StatusOK {
		return ""
	}
	for name, email := range map[string]string{"Alice Adams": "alice@example.com", "Olive Owner": "owner@example.com"} {
		if strings.Contains(res.Body, `class="topbar-name">`+name) {
			return email
		}
	}
	return "?"
}

// wantRefused checks a refused response: 403, the refusal page, nobody signed in, and nothing
// of the assertion in the page.
func wantRefused(t *testing.T, b *browser, res response, p samlPost, says string) {
	t.Helper()
	wantStatus(t, res, http.StatusForbidden)
	wantBody(t, res, "Single sign-on refused", says)
	for _, leak := range []string{p.Response[:40], "Assertion", "ghost@example.com", "SAMLResponse"} {
		if strings.Contains(res.Body, leak) {
			t.Errorf("the refusal page echoes %q", leak)
		}
	}
	if who := b.signedInAs(); who != "" {
		t.Errorf("signed in as %s after a refused response", who)
	}
}

func TestSSOSignInEncryptedAndReplay(t *testing.T) {
	f := newSSOFixture(t, true, nil)
	b := f.app.browser()
	p := b.idpSignIn(f.idp, b.ssoStart("alice@example.com", "/accounts?q=x"), "alice@example.com")
	if doc := decodeResponse(t, p); doc.FindElement("//EncryptedAssertion") == nil || doc.FindElement("//Response/Assertion") != nil {
		t.Fatal("the IdP did not encrypt the assertion")
	}
	old := b.cookie("ac_session")
	res := b.acs(p)
	wantStatus(t, res, http.StatusSeeOther)
	if res.Location != "/accounts?q=x" {
		t.Errorf("Location = %q, want the next kept in RelayState", res.Location)
	}
	if got := b.cookie("ac_session"); got == "" || got == old {
		t.Errorf("session cookie not set anew: %q", got)
	}
	if who := b.signedInAs(); who != "alice@example.com" {
		t.Fatalf("signed in as %q", who)
	}
	events, err := storetest.AuditEvents(context.Background(), f.app.store, "signin.sso")
	if err != nil || len(events) != 1 || events[0].ActorLabel != "alice@example.com" {
		t.Fatalf("signin.sso events = %+v, %v", events, err)
	}

	// The same response again, here or at another instance on the same database: refused.
	other := f.app.browser()
	wantRefused(t, other, other.acs(p), p, "already used")
	second := New(f.app.cfg, f.app.store, f.app.web.keys, f.app.web.log)
	srv := httptest.NewServer(second.Handler())
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest("POST", srv.URL+"/sso/saml/acs", strings.NewReader(p.form().Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	third := f.app.browser()
	wantStatus(t, third.do(req), http.StatusForbidden)
}

func TestSSORefusesTamperedResponses(t *testing.T) {
	f := newSSOFixture(t, false, nil)
	fresh := func(t *testing.T) (*browser, samlPost) {
		b := f.app.browser()
		return b, b.ssoResponse(f.idp, "alice@example.com")
	}
	stripResponseSignature := func(doc *etree.Document) {
		if sig := doc.Root().SelectElement("Signature"); sig != nil {
			doc.Root().RemoveChild(sig)
		}
	}

	t.Run("only the assertion signed is enough", func(t *testing.T) {
		b, p := fresh(t)
		doc := decodeResponse(t, p)
		stripResponseSignature(doc)
		wantStatus(t, b.acs(encodeResponse(t, doc, p.RelayState)), http.StatusSeeOther)
	})
	t.Run("signature required", func(t *testing.T) {
		b, p := fresh(t)
		doc := decodeResponse(t, p)
		for _, sig := range doc.FindElements("//Signature") {
			sig.Parent().RemoveChild(sig)
		}
		wantRefused(t, b, b.acs(encodeResponse(t, doc, p.RelayState)), p, "could not be accepted")
	})
	t.Run("signature wrapping: a second, unsigned assertion", func(t *testing.T) {
		for _, before := range []bool{true, false} {
			b, p := fresh(t)
			doc := decodeResponse(t, p)
			stripResponseSignature(doc)
			signed := doc.Root().SelectElement("Assertion")
			evil := signed.Copy()
			evil.CreateAttr("ID", "id-evil")
			evil.RemoveChild(evil.SelectElement("Signature"))
			evil.FindElement("Subject/NameID").SetText("owner@example.com")
			if before {
				doc.Root().InsertChildAt(signed.Index(), evil)
			} else {
				doc.Root().AddChild(evil)
			}
			wantRefused(t, b, b.acs(encodeResponse(t, doc, p.RelayState)), p, "could not be accepted")
		}
	})
	t.Run("destination", func(t *testing.T) {
		b, p := fresh(t)
		doc := decodeResponse(t, p)
		stripResponseSignature(doc)
		doc.Root().CreateAttr("Destination", "https://elsewhere.example/sso/saml/acs")
		wantRefused(t, b, b.acs(encodeResponse(t, doc, p.RelayState)), p, "could not be accepted")
	})
	t.Run("audience", func(t *testing.T) {
		f.idp.setTwist(func(r *saml.IdpAuthnRequest) {
			r.Assertion.Conditions.AudienceRestrictions[0].Audience.Value = "https://elsewhere.example/sso/saml/metadata"
		})
		defer f.idp.setTwist(nil)
		b, p := fresh(t)
		wantRefused(t, b, b.acs(p), p, "could not be accepted")
	})
	t.Run("recipient", func(t *testing.T) {
		f.idp.setTwist(func(r *saml.IdpAuthnRequest) {
			r.Assertion.Subject.SubjectConfirmations[0].SubjectConfirmationData.Recipient = "https://elsewhere.example/sso/saml/acs"
		})
		defer f.idp.setTwist(nil)
		b, p := fresh(t)
		wantRefused(t, b, b.acs(p), p, "could not be accepted")
	})
	t.Run("clock skew up to 3 minutes", func(t *testing.T) {
		for _, c := range []struct {
			offset time.Duration // of this server's clock from the IdP's
			want   int
		}{{-2 * time.Minute, http.StatusSeeOther}, {-5 * time.Minute, http.StatusForbidden},
			{time.Minute, http.StatusSeeOther}, {10 * time.Minute, http.StatusForbidden}} {
			b, p := fresh(t)
			f.app.store.Now = func() time.Time { return time.Now().UTC().Add(c.offset) }
			res := b.acs(p)
			f.app.store.Now = func() time.Time { return time.Now().UTC() }
			if res.Status != c.want {
				t.Errorf("clock %v: status %d, want %d", c.offset, res.Status, c.want)
			}
		}
	})
	t.Run("certificate other than the configured one", func(t *testing.T) {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		other := base64.StdEncoding.EncodeToString(selfSigned(t, key, "impostor").Raw)
		md := f.idp.metadata()
		real := base64.StdEncoding.EncodeToString(f.idp.cert.Raw)
		if !strings.Contains(md, real) {
			t.Fatal("the IdP metadata does not carry its certificate")
		}
		wantStatus(t, f.admin.configureSSO(strings.ReplaceAll(md, real, other), url.Values{"exempt": {"owner@example.com"}}), http.StatusSeeOther)
		defer f.admin.configureSSO(md, url.Values{"exempt": {"owner@example.com"}})
		b, p := fresh(t)
		wantRefused(t, b, b.acs(p), p, "could not be accepted")
	})
	t.Run("unsolicited response becomes a sign-in started here", func(t *testing.T) {
		// As an IdP-initiated response has it: no InResponseTo anywhere.
		f.idp.setTwist(func(r *saml.IdpAuthnRequest) {
			r.Assertion.Subject.SubjectConfirmations[0].SubjectConfirmationData.InResponseTo = ""
		})
		defer f.idp.setTwist(nil)
		b, p := fresh(t)
		doc := decodeResponse(t, p)
		stripResponseSignature(doc)
		doc.Root().RemoveAttr("InResponseTo")
		res := b.acs(encodeResponse(t, doc, ""))
		wantStatus(t, res, http.StatusSeeOther)
		if res.Location != "/login/sso?email=alice%40example.com" {
			t.Errorf("Location = %q", res.Location)
		}
		if who := b.signedInAs(); who != "" {
			t.Errorf("an unsolicited response signed in %s", who)
		}
	})
}

func TestSSORefusesUnknownAndDeactivatedUsers(t *testing.T) {
	f := newSSOFixture(t, false, nil)
	for _, c := range []struct{ email, says, reason string }{
		{"ghost@example.com", "no user of the organization has that email", "unknown email"},
		{"dana@example.com", "your user is deactivated", "user deactivated"},
	} {
		b := f.app.browser()
		p := b.ssoResponse(f.idp, c.email)
		wantRefused(t, b, b.acs(p), p, c.says)
	}
	events, err := storetest.AuditEvents(context.Background(), f.app.store, "signin.failure")
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, e := range events {
		reasons = append(reasons, e.After)
	}
	got := strings.Join(reasons, "\n")
	for _, want := range []string{`"reason":"unknown email"`, `"reason":"user deactivated"`} {
		if !strings.Contains(got, want) {
			t.Errorf("audit has no %s:\n%s", want, got)
		}
	}
}

func TestSSOTwoFactorAfterIdPWithoutMFA(t *testing.T) {
	f := newSSOFixture(t, false, nil)
	if err := storetest.SetTOTPEnabled(context.Background(), f.app.store, f.alice.SID, true); err != nil {
		t.Fatal(err)
	}
	b := f.app.browser()
	res := b.acs(b.ssoResponse(f.idp, "alice@example.com"))
	wantStatus(t, res, http.StatusSeeOther)
	if !strings.HasPrefix(res.Location, "/login/2fa") {
		t.Errorf("Location = %q, want the two-factor step (the IdP does not enforce MFA)", res.Location)
	}
	// With idp_mfa=on the SSO sign-in is enough.
	wantStatus(t, f.admin.configureSSO(f.idp.metadata(), url.Values{"exempt": {"owner@example.com"}, "idp_mfa": {"on"}}), http.StatusSeeOther)
	b = f.app.browser()
	res = b.acs(b.ssoResponse(f.idp, "alice@example.com"))
	if res.Location != "/accounts" {
		t.Errorf("with idp_mfa: Location = %q, want /accounts", res.Location)
	}
}

func TestSSOEnforcement(t *testing.T) {
	f := newSSOFixture(t, false, nil)
	// Without enforcement: password sign-in works and the page offers SSO.
	wantBody(t, f.app.browser().get("/login"), "Sign in with SSO", `action="/login/sso"`)
	alice := f.app.browser()
	alice.signIn("alice@example.com", testPassword)
	byIdP := f.app.browser()
	wantStatus(t, byIdP.acs(byIdP.ssoResponse(f.idp, "alice@example.com")), http.StatusSeeOther)

	res := f.admin.configureSSO(f.idp.metadata(), url.Values{"exempt": {"owner@example.com"}, "enforce": {"on"}})
	wantStatus(t, res, http.StatusSeeOther)
	if who := alice.signedInAs(); who != "" {
		t.Errorf("alice's password session survived enforcement (%s)", who)
	}
	if who := byIdP.signedInAs(); who != "alice@example.com" {
		t.Errorf("alice's SSO session ended with enforcement (%q)", who)
	}
	if who := f.admin.signedInAs(); who != "owner@example.com" {
		t.Errorf("the exempted Owner's session ended (%q)", who)
	}
	events, _ := storetest.AuditEvents(context.Background(), f.app.store, "sso.update")
	if len(events) != 2 || !strings.Contains(events[1].After, `"sessions_ended":1`) {
		t.Errorf("sso.update events = %+v", events)
	}

	// POST /login stays one request: 403 with the link for alice, password for the Owner.
	res = f.app.browser().post("/login", url.Values{"email": {"Alice@Example.com"}, "password": {testPassword}, "next": {"/accounts"}})
	wantStatus(t, res, http.StatusForbidden)
	wantBody(t, res, `href="/login/sso?email=alice%40example.com&amp;next=%2Faccounts"`)
	// Said in the browser's language, and the sign-in page's SSO form too.
	jb := f.app.browser()
	form := url.Values{"email": {"alice@example.com"}, "password": {testPassword}, "_csrf": {jb.csrf()}}
	req, _ := http.NewRequest("POST", f.app.srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "ja")
	res = jb.do(req)
	wantStatus(t, res, http.StatusForbidden)
	wantBody(t, res, `<html lang="ja">`, "alice@example.com は組織の IDプロバイダーでサインインする設定になっているため", "シングルサインオンで続ける")
	req, _ = http.NewRequest("GET", f.app.srv.URL+"/login/sso?email=nobody%40elsewhere.test", nil)
	req.Header.Set("Accept-Language", "ja")
	res = jb.do(req)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "<title>サインイン", "SSO でサインイン", "elsewhere.test ではシングルサインオンが設定されていません。", `value="nobody@elsewhere.test"`)
	f.app.browser().signIn("owner@example.com", testPassword)
}

func TestSSOSettingsPage(t *testing.T) {
	f := newSSOFixture(t, false, nil)
	res := f.admin.get("/admin/sso")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, f.app.srv.URL+"/sso/saml/metadata", f.app.srv.URL+"/sso/saml/acs", `href="/sso/saml/metadata"`,
		`value="example.com" checked`, "Olive Owner (owner@example.com) · Owner")
	md := f.idp.metadata()
	req, _ := http.NewRequest("GET", f.app.srv.URL+"/admin/sso", nil)
	req.Header.Set("Accept-Language", "ja")
	wantBody(t, f.admin.do(req), "<h1>シングルサインオン</h1>", "· 所有者")

	for _, c := range []struct {
		name  string
		form  url.Values
		field string
		says  string
	}{
		{"unparseable metadata", url.Values{"idp_metadata": {"<not-metadata/>"}, "domain": {"example.com"}}, "idp_metadata", "not SAML 2.0 IdP metadata"},
		{"unknown domain", url.Values{"idp_metadata": {md}, "domain": {"other.org"}}, "domain", "other.org is not a verified domain"},
		{"unknown exempt user", url.Values{"idp_metadata": {md}, "domain": {"example.com"}, "exempt": {"nobody@example.com"}}, "exempt", "nobody@example.com is not a user of the organization"},
		{"lockout", url.Values{"idp_metadata": {md}, "domain": {"example.com"}, "enforce": {"on"}}, "enforce", "no Owner or Administrator"},
	} {
		res := f.admin.post("/admin/sso", c.form)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, c.says, `id="`+c.field+`"`)
		if c.name == "unknown exempt user" {
			wantBody(t, res, `value="nobody@example.com" checked`)
		}
	}
	set, err := f.app.store.FindSSOSettings(context.Background(), f.alice.OrgSID)
	if err != nil || set.Enforce || len(set.Exempt) != 1 {
		t.Errorf("settings changed by refused input: %+v %v", set, err)
	}

	// Standard users do not see the page; the form refuses cross-site posts; the ACS does not.
	alice := f.app.browser()
	alice.signIn("alice@example.com", testPassword)
	wantStatus(t, alice.get("/admin/sso"), http.StatusNotFound)
	req, _ = http.NewRequest("POST", f.app.srv.URL+"/admin/sso", strings.NewReader(url.Values{"_csrf": {f.admin.csrf()}, "idp_metadata": {md}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	wantStatus(t, f.admin.do(req), http.StatusForbidden)
	meta := f.app.browser().get("/sso/saml/metadata")
	wantStatus(t, meta, http.StatusOK)
	wantBody(t, meta, `entityID="`+f.app.srv.URL+`/sso/saml/metadata"`, `Location="`+f.app.srv.URL+`/sso/saml/acs"`, "HTTP-POST")
}

// An account that requires two-factor sign-in: an SSO sign-in satisfies it only when the
// settings say the IdP enforces multi-factor (SPEC §4a).
func TestSSOAndRequire2FA(t *testing.T) {
	f := newSSOFixture(t, false, nil)
	ctx := context.Background()
	acc, err := f.app.store.CreateAccount(ctx, f.alice, domain.CreateAccountInput{FriendlyName: "Billing EU", Type: domain.AccountStandard}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.app.store.Exec(ctx, `UPDATE accounts SET require_2fa = 1 WHERE sid = ?`, acc.SID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		idpMFA string
		want   int
	}{{"", http.StatusSeeOther}, {"on", http.StatusOK}} {
		form := url.Values{"exempt": {"owner@example.com"}}
		if c.idpMFA != "" {
			form.Set("idp_mfa", c.idpMFA)
		}
		wantStatus(t, f.admin.configureSSO(f.idp.metadata(), form), http.StatusSeeOther)
		b := f.app.browser()
		wantStatus(t, b.acs(b.ssoResponse(f.idp, "alice@example.com")), http.StatusSeeOther)
		res := b.get("/admin/accounts/" + acc.SID)
		if res.Status != c.want || (c.want == http.StatusSeeOther && res.Location != "/settings/2fa") {
			t.Errorf("idp_mfa=%q: GET the account = %d %s, want %d", c.idpMFA, res.Status, res.Location, c.want)
		}
	}
}
