package web

import (
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestJourneyOAuthApps: the Owner creates an OAuth app, copies the secret shown once, finds it
// gone after a reload, revokes the app after confirming, and reads the API guide.
func TestJourneyOAuthApps(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	ctx := newChrome(t)
	u := app.srv.URL

	var mu sync.Mutex
	var confirms []string
	go func() {
		for ev, err := range chromedp.Events(ctx, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			mu.Lock()
			confirms = append(confirms, ev.Message)
			mu.Unlock()
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()

	run(t, ctx,
		chromedp.Navigate(u+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.sidebar`)),
		chromedp.Click(chromedp.CSS(`.sidebar a[href="/admin/oauth-apps"]`)),
		chromedp.WaitVisible(chromedp.ID("org-sid")),
	)
	if got := text(t, ctx, chromedp.CSS(".empty h2")); got != "No OAuth apps yet" {
		t.Errorf("empty state = %q", got)
	}
	orgSID := text(t, ctx, chromedp.ID("org-sid"))
	if !strings.HasPrefix(orgSID, "OR") {
		t.Errorf("org SID = %q", orgSID)
	}
	if got := text(t, ctx, chromedp.CSS("table.roles-table tbody")); !strings.Contains(got, "Developer") || !strings.Contains(got, "IX") {
		t.Errorf("role table = %q", got)
	}
	screenshot(t, ctx, "api-1-oauth-apps-empty")

	// An empty name is refused with a message next to the field.
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`form.create-app button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#name-error`)),
	)
	screenshot(t, ctx, "api-2-name-required")
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("name"), "HR provisioning"),
		chromedp.Click(chromedp.CSS(`form.create-app button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("client-secret")),
	)
	clientID := text(t, ctx, chromedp.ID("client-id"))
	secret := text(t, ctx, chromedp.ID("client-secret"))
	if !strings.HasPrefix(clientID, "OQ") || len(clientID) != 34 || len(secret) < 40 {
		t.Fatalf("client id %q, secret of %d characters", clientID, len(secret))
	}
	if got := text(t, ctx, chromedp.CSS(".flash")); !strings.Contains(got, "shown only once") {
		t.Errorf("flash = %q", got)
	}
	screenshot(t, ctx, "api-3-secret-shown-once")
	// The secret works.
	if tok := app.token(oauthApp{ClientID: clientID, Secret: secret}); tok == "" {
		t.Fatal("no token for the new credentials")
	}

	// A reload shows the app but never the secret again.
	run(t, ctx,
		chromedp.Navigate(u+"/admin/oauth-apps"),
		chromedp.WaitVisible(chromedp.CSS(`table.apps`)),
	)
	body := text(t, ctx, chromedp.CSS("main"))
	if strings.Contains(body, secret) {
		t.Error("the secret is shown again after a reload")
	}
	if !strings.Contains(body, clientID) || !strings.Contains(body, "Active") {
		t.Errorf("apps table does not list %s as active", clientID)
	}
	screenshot(t, ctx, "api-4-app-listed")

	run(t, ctx,
		chromedp.Click(chromedp.CSS(`table.apps button.btn-danger`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	if got := text(t, ctx, chromedp.CSS(".flash")); !strings.Contains(got, "revoked") {
		t.Errorf("flash after revoke = %q", got)
	}
	if got := text(t, ctx, chromedp.CSS("table.apps tbody")); !strings.Contains(got, "Revoked") {
		t.Errorf("apps table after revoke = %q", got)
	}
	mu.Lock()
	if len(confirms) != 1 || !strings.Contains(confirms[0], "HR provisioning") {
		t.Errorf("confirmations = %q", confirms)
	}
	mu.Unlock()
	screenshot(t, ctx, "api-5-revoked")

	run(t, ctx,
		chromedp.Click(chromedp.CSS(`nav.tabs a[href="/admin/api"]`)),
		chromedp.WaitVisible(chromedp.CSS(`pre.code-block`)),
	)
	if got := text(t, ctx, chromedp.CSS("main")); !strings.Contains(got, orgSID) || !strings.Contains(got, "twilio-go") {
		t.Errorf("API guide does not show the organization SID and the Go example")
	}
	screenshot(t, ctx, "api-6-guide")
}
