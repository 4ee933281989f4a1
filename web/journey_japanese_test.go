package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"admincenter/internal/domain"
)

// TestJourneyJapanese: an administrator signs in, chooses 日本語 and Asia/Tokyo on their profile,
// and then reads the console in Japanese at 1280 and at 375 px: <html lang="ja">, times in JST,
// and no page scrolls sideways (Japanese text is wider).
func TestJourneyJapanese(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	owner := app.user("owner@example.com")
	app.seedAccounts(owner, "請求 アジア太平洋 本番環境", 8)
	a, err := app.store.CreateAccount(context.Background(), owner, domain.CreateAccountInput{FriendlyName: "サポート 東京", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	// An OAuth app revoked and one in use, a domain whose TXT record holds another value.
	bg := context.Background()
	for _, name := range []string{"人事システム連携", "夜間アクセスレポート"} {
		if _, _, err := app.store.CreateOAuthApp(bg, owner, name, ""); err != nil {
			t.Fatal(err)
		}
	}
	apps, _ := app.store.ListOAuthApps(bg, owner.OrgSID)
	if _, err := app.store.RevokeOAuthApp(bg, owner, apps[0].SID, ""); err != nil {
		t.Fatal(err)
	}
	dom, err := app.store.AddDomain(bg, owner, "example.net", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.store.RecordDomainVerification(bg, owner, dom, domain.MsgDomainWrongRecord.With(dom.ChallengeName(), dom.ChallengeValue()), ""); err != nil {
		t.Fatal(err)
	}
	ctx := newChrome(t)
	u := app.srv.URL
	run(t, ctx,
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(u+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.sidebar`)),
		chromedp.Navigate(u+"/settings/profile"),
		chromedp.WaitVisible(chromedp.ID("language")),
		chromedp.SetValue(chromedp.ID("language"), "ja"),
		chromedp.SetValue(chromedp.ID("timezone"), "Asia/Tokyo"),
		chromedp.Click(chromedp.CSS(`form[action="/settings/profile"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	if got := text(t, ctx, chromedp.CSS(`.flash-success`)); got != "プロフィールを保存しました。" {
		t.Errorf("flash after choosing Japanese = %q", got)
	}
	if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != "ja" {
		t.Errorf("<html lang> = %q", lang)
	}
	screenshot(t, ctx, "ja-1280-profile")

	pages := []struct{ name, path string }{
		{"accounts", "/admin/accounts"},
		{"account-general", "/admin/accounts/" + a.SID},
		{"account-users", "/admin/accounts/" + a.SID + "/users"},
		{"org-users", "/admin/users"},
		{"audit", "/admin/audit"},
		{"access-review", "/admin/access-review"},
		{"organization", "/admin/organization"},
		{"2fa", "/settings/2fa"},
		{"sessions", "/settings/sessions"},
		{"password", "/settings/password"},
		{"my-accounts", "/accounts"},
		{"oauth-apps", "/admin/oauth-apps"},
		{"api-guide", "/admin/api"},
		{"domains", "/admin/domains"},
	}
	for _, width := range []int{1280, 375} {
		run(t, ctx, chromedp.EmulateViewport(int64(width), 800))
		for _, p := range pages {
			run(t, ctx, chromedp.Navigate(u+p.path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
			if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > width {
				t.Errorf("%s is %d px wide on a %d px screen", p.path, w, width)
			}
			if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != "ja" {
				t.Errorf("%s: <html lang> = %q", p.path, lang)
			}
			switch p.name {
			case "accounts", "sessions", "2fa", "account-users", "oauth-apps", "domains":
				screenshot(t, ctx, "ja-"+strconv.Itoa(width)+"-"+p.name)
			}
		}
	}
	// Times are in the reader's zone, the zone named.
	run(t, ctx, chromedp.Navigate(u+"/settings/sessions"), chromedp.WaitVisible(chromedp.ID("sessions")))
	if body := text(t, ctx, chromedp.ID("sessions")); !strings.Contains(body, "JST") || !strings.Contains(body, "年") {
		t.Errorf("sessions table does not show Tokyo time in Japanese:\n%s", body)
	}
	// The navigation is Japanese.
	if nav := text(t, ctx, chromedp.CSS(`.sidebar`)); !strings.Contains(nav, "監査ログ") || !strings.Contains(nav, "二要素認証") {
		t.Errorf("navigation not in Japanese:\n%s", nav)
	}
}
