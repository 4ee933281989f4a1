package web

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"admincenter/internal/store/storetest"
)

// TestPendingTabIsPaginated: the Pending tab shows 50 requests a page with next and previous
// links, so every pending request can be reached; a forged page link is a 422 with the first page.
func TestPendingTabIsPaginated(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	owner := app.user("owner@example.com")
	accounts := app.seedAccounts(owner, "Pending", 120)
	expires := time.Now().Add(7 * 24 * time.Hour).UnixMilli()
	for _, a := range accounts {
		if err := storetest.AddAccountRequest(context.Background(), app.store, owner.OrgSID, a.SID, "import", owner.SID, expires); err != nil {
			t.Fatal(err)
		}
	}
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	sidRE := regexp.MustCompile(`AC[0-9a-f]{32}`)
	nextRE := regexp.MustCompile(`rel="next" href="([^"]+)"`)
	prevRE := regexp.MustCompile(`rel="prev" href="([^"]+)"`)

	seen := map[string]bool{}
	path, pages := "/admin/accounts?tab=pending", 0
	var last response
	for path != "" {
		res := b.get(path)
		wantStatus(t, res, http.StatusOK)
		pages++
		for _, sid := range sidRE.FindAllString(res.Body, -1) {
			seen[sid] = true
		}
		last, path = res, ""
		if m := nextRE.FindStringSubmatch(res.Body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if got, want := pages, 3; got != want {
		t.Errorf("%d pages, want %d", got, want)
	}
	for _, a := range accounts {
		if !seen[a.SID] {
			t.Fatalf("pending request for %s is on no page", a.SID)
		}
	}
	m := prevRE.FindStringSubmatch(last.Body)
	if m == nil {
		t.Fatal("the last page has no previous link")
	}
	wantStatus(t, b.get(html.UnescapeString(m[1])), http.StatusOK)

	res := b.get("/admin/accounts?tab=pending&cursor=x123")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Body, "not valid") {
		t.Errorf("a forged page link does not say so:\n%s", trimBody(res.Body))
	}
}
