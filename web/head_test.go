package web

import (
	"net/http"
	"testing"
)

// TestHeadAnswersLikeGet: every GET route answers HEAD with the GET's status and headers and no
// body (curl -I works), and HEAD changes nothing a GET would not.
func TestHeadAnswersLikeGet(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	for _, path := range []string{"/healthz", "/login", "/admin/accounts", "/admin/users", "/static/css/app.css", "/no/such/page"} {
		get := b.get(path)
		req, _ := http.NewRequest(http.MethodHead, app.srv.URL+path, nil)
		head := b.do(req)
		if head.Status != get.Status {
			t.Errorf("HEAD %s = %d, GET = %d", path, head.Status, get.Status)
		}
		if head.Body != "" {
			t.Errorf("HEAD %s sent a body of %d bytes", path, len(head.Body))
		}
		if got, want := head.Header.Get("Content-Type"), get.Header.Get("Content-Type"); got != want && get.Status < 400 {
			t.Errorf("HEAD %s Content-Type = %q, GET's = %q", path, got, want)
		}
	}
	req, _ := http.NewRequest(http.MethodHead, app.srv.URL+"/logout", nil)
	if res := b.do(req); res.Status != http.StatusMethodNotAllowed && res.Status != http.StatusNotFound {
		t.Errorf("HEAD /logout (a POST route) = %d", res.Status)
	}
	wantStatus(t, b.get("/admin/accounts"), http.StatusOK) // still signed in
}
