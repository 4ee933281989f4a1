package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/internal/store/storetest"
)

// axeSource is axe-core's script, installed by npm from package-lock.json (make test runs npm ci).
// Without it the accessibility checks are skipped, except under REQUIRE_BROWSER, where they fail.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("REQUIRE_BROWSER") != "" {
			t.Fatalf("REQUIRE_BROWSER is set but axe-core is not installed (run npm ci, as make test does): %v", err)
		}
		t.Skip("axe-core is not installed (npm ci); set REQUIRE_BROWSER=1 to make this a failure")
	}
	return string(b)
}

// layoutSeed is an organization as a newcomer finds it after some use: hundreds of accounts and
// people from the seeder, and one account the Owner owns with a long name, a dozen people with
// roles, long email addresses and pending invitations.
type layoutSeed struct {
	account string // the Owner's busy account
}

func seedForLayout(t *testing.T, app *testApp) layoutSeed {
	t.Helper()
	ctx := context.Background()
	hash, err := storetest.PasswordHash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.store.Seed(ctx, store.SeedInput{Accounts: 300, Users: 60, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	owner := app.user("owner@example.com")
	acc, err := app.store.CreateAccount(ctx, owner, domain.CreateAccountInput{
		FriendlyName: "Contact center Asia-Pacific production (primary)", Type: domain.AccountFlex, FlexRegion: "au1", FlexTerms: true}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := app.store.Query(ctx, `SELECT sid FROM users WHERE org_sid IS NOT NULL AND org_role = 'standard' ORDER BY email LIMIT 12`)
	if err != nil {
		t.Fatal(err)
	}
	var sids []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		sids = append(sids, s)
	}
	rows.Close()
	roleSets := [][]string{{"administrator"}, {"developer", "billing_manager", "support"}, {"developer"}, {"support", "billing_manager"}}
	actor := domain.Actor{Type: "user", SID: owner.SID, Label: owner.Email, IP: "127.0.0.1"}
	for i, sid := range sids {
		for _, role := range roleSets[i%len(roleSets)] {
			if _, err := app.store.CreateRoleAssignment(ctx, actor, owner.OrgSID, acc.SID, sid, role); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := app.store.InviteUsers(ctx, owner, acc.SID, domain.InviteInput{
		Email: "maximiliana.vandenberg-oyelaran@contractors-of-the-southern-hemisphere.example, dev@agency.example",
		Roles: []string{"developer", "billing_manager", "support"}}, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, err := app.store.AddDomain(ctx, owner, "subsidiary-with-a-rather-long-name.example", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := app.store.CreateOAuthApp(ctx, owner, "Nightly provisioning from the HR system", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	return layoutSeed{account: acc.SID}
}

// pageProblems measures the page as it is shown: the document must not scroll sideways, every
// row's actions must be inside the viewport, and so must every pop-over and dialog once opened
// (each is opened, measured and closed again).
const pageProblems = `(() => {
  const out = [];
  const de = document.documentElement, vw = de.clientWidth;
  if (document.querySelectorAll("main h1").length !== 1) out.push("the page has " + document.querySelectorAll("main h1").length + " h1 headings in main, want 1");
  if (de.scrollWidth > vw) out.push("the document scrolls sideways: " + de.scrollWidth + " px wide in " + vw + " px");
  const name = (el) => (el.textContent || el.value || el.getAttribute("aria-label") || el.tagName).trim().replace(/\s+/g, " ").slice(0, 40);
  const outside = (el) => {
    const closed = el.closest("details:not([open])");
    if (closed && !el.matches("summary")) return ""; // inside a closed pop-over: not shown
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return "";
    if (r.left < -0.5 || r.right > vw + 0.5) return Math.round(r.left) + "–" + Math.round(r.right) + " px";
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== "visible" && s.overflowX !== "clip" && p !== document.body && p !== de) {
        const q = p.getBoundingClientRect();
        if (r.left < q.left - 0.5 || r.right > q.right + 0.5) return "clipped by a scrolling box (" + Math.round(r.right) + " > " + Math.round(q.right) + " px)";
      }
    }
    return "";
  };
  document.querySelectorAll("tbody tr").forEach((tr, i) => {
    tr.querySelectorAll(".row-actions button, .row-actions a, .row-actions summary, .row-actions select").forEach((el) => {
      const w = outside(el);
      if (w) out.push("row " + (i + 1) + ": action \"" + name(el) + "\" is outside the viewport (" + w + ")");
    });
  });
  const pops = Array.from(document.querySelectorAll("details.popover")).slice(0, 6);
  pops.forEach((d) => {
    const was = d.open;
    d.open = true;
    const panel = d.querySelector(".popover-panel");
    const w = panel ? outside(panel) : "";
    if (w) out.push("pop-over \"" + name(d.querySelector("summary")) + "\" is outside the viewport (" + w + ")");
    if (panel) panel.querySelectorAll("button, input:not([type=hidden]), select").forEach((el) => {
      const w2 = outside(el);
      if (w2) out.push("pop-over \"" + name(d.querySelector("summary")) + "\": \"" + name(el) + "\" is outside the viewport (" + w2 + ")");
    });
    d.open = was;
  });
  document.querySelectorAll("dialog").forEach((dlg) => {
    if (dlg.open || typeof dlg.showModal !== "function") return;
    dlg.showModal();
    const r = dlg.getBoundingClientRect();
    if (r.left < 0 || r.right > vw + 0.5) out.push("dialog #" + dlg.id + " is outside the viewport");
    if (dlg.scrollWidth > dlg.clientWidth + 1) out.push("dialog #" + dlg.id + " scrolls sideways");
    dlg.close();
  });
  if (de.scrollWidth > vw) out.push("after opening its pop-overs the document scrolls sideways: " + de.scrollWidth + " px");
  return out;
})()`

// axeRun runs axe-core with the WCAG 2.2 AA rules and lists each violation with up to three of its
// elements.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    resultTypes: ["violations"]})
  .then((r) => r.violations.map((v) => v.id + " (" + v.impact + "): " + v.help + " — " +
    v.nodes.slice(0, 3).map((n) => n.target.join(" ") + (n.failureSummary ? " [" + n.failureSummary.replace(/\s+/g, " ").slice(0, 160) + "]" : "")).join("; ")))`

// TestJourneyEveryPageFitsAndIsAccessible walks every main page of a seeded organization in
// Chromium at 1280×900 and at 375×800 (and the desktop size again in dark mode): no page scrolls
// sideways, each row's actions and each pop-over and dialog are inside the viewport, and axe-core
// finds no WCAG 2.2 AA violation. After a 422 far down the General page, the error summary is in
// view and has focus.
func TestJourneyEveryPageFitsAndIsAccessible(t *testing.T) {
	axe := axeSource(t)
	app := newTestApp(t, "--dev")
	app.setup()
	seed := seedForLayout(t, app)
	fresh := newTestApp(t) // not set up yet: the setup page
	ctx := newChromeFor(t, 8*time.Minute)
	u := app.srv.URL
	// axe-core comes with every page this browser context opens (the page's CSP does not apply to
	// what the test injects), sent to Chromium once rather than once a page.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: axe}); err != nil {
		t.Fatal(err)
	}
	acct := "/admin/accounts/" + seed.account

	signedOut := []string{fresh.srv.URL + "/setup", u + "/login", u + "/signup", u + "/password-reset"}
	signedIn := []string{
		"/admin/accounts", "/admin/accounts?tab=independent", "/admin/accounts?tab=pending",
		"/admin/accounts?q=billing", "/admin/accounts/new", "/admin/accounts/import",
		acct, acct + "/users", acct + "/users/pending",
		"/admin/users", "/admin/domains", "/admin/audit", "/admin/access-review",
		"/admin/oauth-apps", "/admin/api", "/admin/mail", "/dev/mail",
		"/accounts", "/settings/2fa", "/settings/sessions", "/settings/password",
	}
	sizes := []struct {
		name          string
		width, height int64
		dark          bool
	}{{"desktop", 1280, 900, false}, {"phone", 375, 800, false}, {"desktop-dark", 1280, 900, true}}

	// Screenshots of every page at every size cost a few seconds: taken when $SCREENSHOTS names
	// a folder to put them in.
	shots := os.Getenv("SCREENSHOTS") != ""
	check := func(size, url string) {
		t.Helper()
		start := time.Now()
		run(t, ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS(`main`)))
		t0 := time.Since(start)
		shown := strings.TrimPrefix(strings.TrimPrefix(url, u), fresh.srv.URL)
		for _, p := range eval[[]string](t, ctx, pageProblems) {
			t.Errorf("%s %s: %s", size, shown, p)
		}
		violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](axeRun, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("axe on %s: %v", shown, err)
		}
		for _, v := range violations {
			t.Errorf("%s %s: axe: %s", size, shown, v)
		}
		if testing.Verbose() {
			t.Logf("%s %s: load %v, all %v", size, shown, t0, time.Since(start))
		}
		if shots && size != "desktop-dark" {
			name := strings.NewReplacer("/", "_", "?", "_", "=", "-", "&", "-").Replace(strings.Trim(shown, "/"))
			screenshotView(t, ctx, "layout-"+size+"-"+name)
		}
	}
	for _, size := range sizes {
		scheme := "light"
		if size.dark {
			scheme = "dark"
		}
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
			t.Fatal(err)
		}
		run(t, ctx, chromedp.EmulateViewport(size.width, size.height))
		if !size.dark {
			for _, url := range signedOut {
				check(size.name, url)
			}
		}
		signIn(t, ctx, u, "owner@example.com")
		paths := signedIn
		if size.dark { // colours only: one page of each kind
			paths = []string{"/admin/accounts", "/admin/accounts/new", acct, acct + "/users", acct + "/users/pending", "/admin/users", "/admin/audit"}
		}
		for _, path := range paths {
			check(size.name, u+path)
		}
		if !size.dark {
			errorSummaryInView(t, ctx, u+acct, size.name)
		}
		run(t, ctx, chromedp.Click(chromedp.CSS(`.topbar form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.ID("email")))
	}
}

// signIn signs in through the sign-in page.
func signIn(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	run(t, ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.sidebar`)),
	)
}

// errorSummaryInView: a wrong owner transfer (the form far down the General page) comes back as a
// 422 whose error summary is on screen and focused, not 1,500 px below a page scrolled to the top.
func errorSummaryInView(t *testing.T, ctx context.Context, generalURL, size string) {
	t.Helper()
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			return
		}
	}()
	// The owner field suggests the organization's members as you type.
	run(t, ctx,
		chromedp.Navigate(generalURL),
		chromedp.WaitVisible(chromedp.ID("new_owner")),
		chromedp.SendKeys(chromedp.ID("new_owner"), "ada"),
		chromedp.WaitReady(chromedp.CSS(`#new_owner-options option`)),
	)
	if got := eval[string](t, ctx, `document.querySelector("#new_owner-options option").value`); !strings.Contains(got, "ada") {
		t.Errorf("%s: the owner field suggests %q for \"ada\"", size, got)
	}
	eval[bool](t, ctx, `(document.getElementById("new_owner").value = "") === ""`)
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("new_owner"), "nobody@example.com"),
		chromedp.Click(chromedp.CSS(`#owner-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#owner-form .error-summary`)),
	)
	<-done
	got := eval[string](t, ctx, `(() => {
	  const s = document.querySelector("#owner-form .error-summary"), r = s.getBoundingClientRect();
	  const inView = r.top >= 0 && r.bottom <= window.innerHeight;
	  return (inView ? "in view" : "out of view (" + Math.round(r.top) + "–" + Math.round(r.bottom) + " px of " + window.innerHeight + ")") +
	    ", " + (document.activeElement === s ? "focused" : "focus on " + document.activeElement.tagName);
	})()`)
	if got != "in view, focused" {
		t.Errorf("%s: after a 422 on the General page the error summary is %s", size, got)
	}
	if os.Getenv("SCREENSHOTS") != "" {
		screenshotView(t, ctx, fmt.Sprintf("layout-%s-general-422", size))
	}
}
