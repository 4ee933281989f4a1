package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Forms posted one after another without loading the pages they lead to keep only the newest
// messages in the flash cookie: it stays small (behind nginx, headers past 4 KB are a 502), and
// the next page shows the latest message.
func TestFlashCookieKeepsTheNewestMessages(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	csrf := b.csrf()
	for i := range 40 {
		res := b.postRaw("/admin/accounts", url.Values{"_csrf": {csrf}, "friendly_name": {fmt.Sprintf("Flash %02d", i)}, "type": {"standard"}})
		wantStatus(t, res, http.StatusSeeOther)
	}
	if n := len(b.cookie("ac_flash")); n == 0 || n > 1500 {
		t.Errorf("flash cookie after 40 posts: %d bytes, want a few hundred", n)
	}
	body := b.get("/admin/accounts").Body
	if n := strings.Count(body, `class="flash flash-success"`); n < 1 || n > maxFlashes {
		t.Errorf("the page after the posts shows %d messages, want 1 to %d", n, maxFlashes)
	}
}
