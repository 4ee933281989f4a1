package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"admincenter/internal/domain"
	"admincenter/internal/i18n"
	"admincenter/internal/mail/mailtest"
	"admincenter/internal/store/storetest"
)

func init() {
	allowPseudo = true
	// A message no catalog has fails the test that rendered it (see i18n.Missing).
	i18n.Missing = func(id string) { missingMessages.add(id) }
}

// TestProfilePage: a user chooses a name, language and time zone; bad ones are 422 naming the
// field, the input kept; the change is audited; pages then speak Japanese with <html lang="ja">.
func TestProfilePage(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)

	res := b.get("/settings/profile")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `<html lang="en">`, `value="Olive Owner"`, `name="timezone"`)

	res = b.post("/settings/profile", url.Values{"name": {"Olive O."}, "language": {"fr"}, "timezone": {"Mars/Olympus"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, `id="language-error"`, `id="timezone-error"`, "Choose English or", `value="Mars/Olympus"`, `value="Olive O."`)

	res = b.post("/settings/profile", url.Values{"name": {"Olive O."}, "language": {"ja"}, "timezone": {"Asia/Tokyo"}})
	wantStatus(t, res, http.StatusSeeOther)
	res = b.get("/settings/profile")
	wantBody(t, res, `<html lang="ja">`, "プロフィールを保存しました。", "サインアウト", `value="Asia/Tokyo"`)
	// Form errors are said in the reader's language.
	res = b.post("/settings/profile", url.Values{"name": {"Olive O."}, "language": {"ja"}, "timezone": {"Mars/Olympus"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, `id="timezone-error"`, "一覧にあるタイムゾーン", `value="Mars/Olympus"`)
	if strings.Contains(res.Body, `id="language-error"`) {
		t.Error("a valid language is marked wrong")
	}

	u := app.user("owner@example.com")
	if u.Language != "ja" || u.TimeZone != "Asia/Tokyo" || u.Name != "Olive O." {
		t.Errorf("saved %q %q %q", u.Name, u.Language, u.TimeZone)
	}
	if n := countAudit(t, app, "profile.update"); n != 1 {
		t.Errorf("profile.update audited %d times", n)
	}
}

// TestOrganizationPage: Owner and Administrators set the organization's defaults; others may not.
func TestOrganizationPage(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	res := b.get("/admin/organization")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `value="Example Corp"`)

	res = b.post("/admin/organization", url.Values{"name": {""}, "language": {"de"}, "timezone": {"Asia/Tokyo"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, `id="name-error"`, `id="language-error"`, `value="Asia/Tokyo"`)

	res = b.post("/admin/organization", url.Values{"name": {"Example KK"}, "language": {"ja"}, "timezone": {"Etc/../../etc/passwd"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, `id="timezone-error"`)

	res = b.post("/admin/organization", url.Values{"name": {"Example KK"}, "language": {"ja"}, "timezone": {"Asia/Tokyo"}})
	wantStatus(t, res, http.StatusSeeOther)
	org, err := app.store.FindOrganization(context.Background(), app.user("owner@example.com").OrgSID)
	if err != nil || org.Name != "Example KK" || org.Language != "ja" || org.TimeZone != "Asia/Tokyo" {
		t.Fatalf("organization %+v, %v", org, err)
	}
	if n := countAudit(t, app, "organization.update"); n != 1 {
		t.Errorf("organization.update audited %d times", n)
	}

	// A Standard User may not see or change it (as every /admin page of Owners and Administrators, 404).
	member, _ := app.signUp("Sam Standard", "sam@example.com")
	wantStatus(t, member.get("/admin/organization"), http.StatusNotFound)
	wantStatus(t, member.post("/admin/organization", url.Values{"name": {"Mine"}, "language": {"en"}, "timezone": {"UTC"}}), http.StatusNotFound)
}

// TestAcceptLanguage: before a choice, pages follow the browser's language, else English.
func TestAcceptLanguage(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	for header, want := range map[string]string{"": "en", "ja-JP,ja;q=0.9,en;q=0.8": "ja", "fr-FR,fr": "en", "de, ja;q=0.5": "ja", "garbage;;": "en"} {
		req, _ := http.NewRequest("GET", app.srv.URL+"/login", nil)
		if header != "" {
			req.Header.Set("Accept-Language", header)
		}
		res := b.do(req)
		if !strings.Contains(res.Body, `<html lang="`+want+`">`) {
			t.Errorf("Accept-Language %q: want lang %s", header, want)
		}
	}
	req, _ := http.NewRequest("GET", app.srv.URL+"/no-such-page", nil)
	req.Header.Set("Accept-Language", "ja")
	res := b.do(req)
	wantStatus(t, res, http.StatusNotFound)
	wantBody(t, res, `<html lang="ja">`, "ページが見つかりません")
}

// TestEmailLanguages: an invitation to someone with no user is written in the organization's
// default language and time zone; a security notice in the user's own language.
func TestEmailLanguages(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	owner := app.user("owner@example.com")
	acc := app.seedAccounts(owner, "Support", 1)[0]
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	wantStatus(t, b.post("/admin/organization", url.Values{"name": {"Example Corp"}, "language": {"ja"}, "timezone": {"Asia/Tokyo"}}), http.StatusSeeOther)
	wantStatus(t, b.post("/admin/accounts/"+acc.SID+"/users/invite", url.Values{"email": {"carla@contractor.io"}, "role": {"developer"}}), http.StatusSeeOther)
	// The owner keeps English for themself, then changes the password: that notice is English.
	wantStatus(t, b.post("/settings/profile", url.Values{"name": {"Olive Owner"}, "language": {"en"}, "timezone": {"Europe/London"}}), http.StatusSeeOther)
	wantStatus(t, b.post("/settings/password", url.Values{"current_password": {testPassword}, "new_password": {"a brand new passphrase of words"}}), http.StatusSeeOther)
	// A member who chose Japanese gets the Japanese notice, though the organization's is Japanese too:
	// show it with a member who chose English in a Japanese organization instead.
	smtpSrv := newSMTPServer(t)
	sender := app.newSender(smtpSrv)
	sendAll(t, sender)

	inv := smtpSrv.to("carla@contractor.io")
	if len(inv) != 1 {
		t.Fatalf("%d invitations", len(inv))
	}
	if !strings.Contains(inv[0].Subject, "招待されました") || !strings.Contains(inv[0].Text, "JST") || !strings.Contains(inv[0].HTML, `lang="ja"`) {
		t.Errorf("invitation not in Japanese (Tokyo time):\n%s\n%s", inv[0].Subject, inv[0].Text)
	}
	notice := smtpSrv.to("owner@example.com")
	if len(notice) != 1 || notice[0].Subject != "Admin Center: Your password was changed" {
		t.Fatalf("password notice: %+v", notice)
	}

	// A member who chose Japanese in an organization whose default is English.
	wantStatus(t, b.post("/admin/organization", url.Values{"name": {"Example Corp"}, "language": {"en"}, "timezone": {"UTC"}}), http.StatusSeeOther)
	wantStatus(t, b.post("/settings/profile", url.Values{"name": {"Olive Owner"}, "language": {"ja"}, "timezone": {"Asia/Tokyo"}}), http.StatusSeeOther)
	wantStatus(t, b.post("/settings/password", url.Values{"current_password": {"a brand new passphrase of words"}, "new_password": {"yet another passphrase of words"}}), http.StatusSeeOther)
	sendAll(t, sender)
	notice = smtpSrv.to("owner@example.com")
	if len(notice) != 2 || notice[1].Subject != "Admin Center: パスワードが変更されました" || !strings.Contains(notice[1].Text, "Olive Owner 様") {
		t.Fatalf("Japanese password notice: %+v", notice[len(notice)-1])
	}
}

// missingMessages collects message IDs no catalog had.
var missingMessages = &idSet{}

type idSet struct{ ids []string }

func (s *idSet) add(id string) { s.ids = append(s.ids, id) }

// pseudoPending lists the pages whose templates still hold English outside the catalogs: each
// is removed as its templates and handlers are converted. It must end empty.
var pseudoPending = map[string]bool{}

// Data the test's pages show that is not the console's to translate.
var pseudoData = []string{"Olive Owner", "Example Corp", "owner@example.com", "Sam Standard", "sam@example.com", "example.com", "Admin Center", "UTC", "carla@contractor.io", "contractor.io",
	"example.net", "Nightly report", "Old sync", "Billing EU"}

var (
	pseudoBracket = regexp.MustCompile(`⟦[^⟧]*⟧`)
	englishWord   = regexp.MustCompile(`[A-Za-z]{2,}`)
)

// TestPseudoLocale renders every page in the pseudo-locale, in which each catalog string is
// accented and bracketed, and fails on visible text that is not: English that did not come
// from a catalog. Pages in pseudoPending are skipped until converted (and must then fail).
func TestPseudoLocale(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	member, _ := app.signUp("Sam Standard", "sam@example.com")
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	// The pages show data: Sam is a member of the organization who owns one of its accounts
	// (his removal page asks for its next owner), an invitation waits for an answer (the access
	// review lists it), and the audit log holds role changes, an invitation and sign-ins.
	ctx := context.Background()
	if err := storetest.JoinOrg(ctx, app.store, app.user("sam@example.com").SID, app.user("owner@example.com").OrgSID, "standard"); err != nil {
		t.Fatal(err)
	}
	sam := app.user("sam@example.com")
	samAcc := app.seedAccounts(sam, "Sam Standard", 1)[0]
	wantStatus(t, b.post("/admin/accounts/"+samAcc.SID+"/users/invite", url.Values{"email": {"carla@contractor.io"}, "role": {"developer"}}), http.StatusSeeOther)
	wantStatus(t, b.post("/admin/users/"+sam.SID+"/role", url.Values{"role": {"administrator"}}), http.StatusSeeOther)
	wantStatus(t, b.post("/admin/users/"+sam.SID+"/role", url.Values{"role": {"standard"}}), http.StatusSeeOther)
	// Two OAuth apps, one revoked; a domain whose TXT record was not found.
	wantStatus(t, b.post("/admin/oauth-apps", url.Values{"name": {"Old sync"}}), http.StatusSeeOther)
	apps, _ := app.store.ListOAuthApps(ctx, sam.OrgSID)
	wantStatus(t, b.post("/admin/oauth-apps/"+apps[0].SID+"/revoke", nil), http.StatusSeeOther)
	wantStatus(t, b.post("/admin/domains", url.Values{"domain": {"example.net"}}), http.StatusSeeOther)
	dom, err := app.store.FindDomain(ctx, sam.OrgSID, "example.net")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.store.RecordDomainVerification(ctx, app.user("owner@example.com"), dom, domain.MsgDomainNoRecord.With(dom.ChallengeName()), ""); err != nil {
		t.Fatal(err)
	}
	// A real account for the :sid pages, the owner's: Sam has roles on it and Carla is invited.
	res := b.post("/admin/accounts", url.Values{"friendly_name": {"Billing EU"}, "type": {"standard"}})
	wantStatus(t, res, http.StatusSeeOther)
	sid := strings.TrimSuffix(strings.TrimPrefix(res.Location, "/admin/accounts/"), "/users")
	wantStatus(t, b.post("/admin/accounts/"+sid+"/users/invite", url.Values{"email": {"sam@example.com"}, "role": {"developer", "support"}}), http.StatusSeeOther)
	var token string
	for _, m := range mailtest.MailsTo(t, app.store, app.cfg.BaseURL, "sam@example.com") {
		if m.Token != "" {
			token = m.Token
		}
	}
	wantStatus(t, member.post("/invitations/"+token+"/accept", nil), http.StatusSeeOther)
	wantStatus(t, b.post("/admin/accounts/"+sid+"/users/invite", url.Values{"email": {"carla@contractor.io"}, "role": {"billing_manager"}}), http.StatusSeeOther)
	b.get("/admin/users") // the flashes, said in English, are shown once here
	// The app created last is shown with its secret on the next visit of its page (and its flash,
	// said in the pseudo-locale, on the next page).
	form := url.Values{"name": {"Nightly report"}, "_csrf": {b.csrf()}}
	req, _ := http.NewRequest("POST", app.srv.URL+"/admin/oauth-apps", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", i18n.Pseudo)
	wantStatus(t, b.do(req), http.StatusSeeOther)
	shows := map[string][]string{
		"/accounts":                          {"Billing EU"},
		"/admin/accounts/:sid":               {`id="lockout-list"`, `id="close-form"`, `id="owner-form"`},
		"/admin/accounts/:sid/users":         {`id="user-` + sam.SID + `"`, `id="invite-user"`},
		"/admin/accounts/:sid/users/pending": {`id="pending-invitations"`, "carla@contractor.io"},
		"/admin/users":                       {`id="user-` + sam.SID + `"`, "sam@example.com"},
		"/admin/users/:user/remove":          {`name="owner_` + samAcc.SID + `"`, "Sam Standard 00"},
		"/admin/audit":                       {"<code class=\"sub\">user.org_role</code>", "<code class=\"sub\">invitation.create</code>", "carla@contractor.io"},
		"/admin/access-review":               {`id="access-review"`, `id="review-invitations"`, "carla@contractor.io", "Sam Standard 00"},
		"/admin/oauth-apps":                  {`id="client-secret"`, "Nightly report", "Old sync", "badge-closed", "owner@example.com"},
		"/admin/api":                         {`id="error-25200"`, `id="org-sid"`, "twilio-go", "/Organizations/{OR}/scim/Users"},
		"/admin/domains":                     {`id="domain-example.net"`, `class="field-error domain-error"`, "_admincenter-challenge.example.net"},
		"/login/sso":                         {`id="sso-form"`, `id="sso_email-error"`},
	}

	var paths []string
	for _, r := range app.web.routes {
		if r.method == "GET" && r.path != "/healthz" && r.path != "/admin/people" && r.path != "/sso/saml/metadata" && r.path != "/" {
			paths = append(paths, r.path)
		}
	}
	sort.Strings(paths)
	checked := 0
	for _, p := range paths {
		real := strings.NewReplacer(":user", sam.SID, ":token", "no-such-token", ":sid", sid).Replace(p)
		req, _ := http.NewRequest("GET", app.srv.URL+real, nil)
		req.Header.Set("Accept-Language", i18n.Pseudo)
		res := b.do(req)
		if res.Status >= 500 {
			t.Errorf("%s: status %d", p, res.Status)
			continue
		}
		bad := untransformed(res.Body)
		for _, want := range shows[p] {
			if !strings.Contains(res.Body, want) {
				t.Errorf("%s (%d) does not show %q: the check proves nothing", p, res.Status, want)
			}
		}
		if pseudoPending[p] {
			if len(bad) == 0 && res.Status == http.StatusOK {
				t.Errorf("%s is converted: remove it from pseudoPending", p)
			}
			continue
		}
		checked++
		for _, s := range bad {
			t.Errorf("%s (%d): English outside the catalogs: %q", p, res.Status, s)
		}
	}
	if checked == 0 {
		t.Error("no page checked")
	}
	if len(missingMessages.ids) > 0 {
		t.Errorf("messages missing from every catalog: %v", missingMessages.ids)
	}
}

// untransformed returns the visible text (and the text of title, aria-label, placeholder,
// alt attributes) that holds English words outside ⟦ ⟧ and outside the test's data.
func untransformed(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	check := func(s string) {
		rest := pseudoBracket.ReplaceAllString(s, " ")
		for _, d := range pseudoData {
			rest = strings.ReplaceAll(rest, d, " ")
		}
		if englishWord.MatchString(rest) {
			out = append(out, strings.Join(strings.Fields(s), " "))
		}
	}
	var walk func(n *html.Node, hidden bool)
	walk = func(n *html.Node, hidden bool) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "aria-hidden" && a.Val == "true" { // a logo, initials: decoration
					hidden = true
				}
			}
			switch n.Data {
			case "script", "style", "code", "datalist", "option":
				if n.Data != "option" {
					hidden = true
				}
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "title", "aria-label", "placeholder", "alt":
					check(a.Val)
				}
			}
		}
		if n.Type == html.TextNode && !hidden {
			check(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, hidden)
		}
	}
	walk(doc, false)
	return out
}

func countAudit(t *testing.T, app *testApp, action string) int {
	t.Helper()
	rows, err := app.store.Query(context.Background(), `SELECT count(*) FROM audit_events WHERE action = ?`, action)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	return n
}
