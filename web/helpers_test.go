package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/config"
	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/internal/store/storetest"
)

// testApp is a real server on a real SQLite file, reached over real HTTP.
type testApp struct {
	t     testing.TB
	srv   *httptest.Server
	store *store.Store
	cfg   *config.Config
	web   *Server
}

const testPassword = storetest.Password

// newTestApp starts a server on an empty database; flags are settings beyond the defaults.
func newTestApp(t testing.TB, flags ...string) *testApp {
	t.Helper()
	dir := t.TempDir()
	keys, err := auth.LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	return serveTestApp(t, dir, filepath.Join(dir, "admincenter.db"), keys, flags...)
}

// serveTestApp starts a server on the database db (a SQLite file or a PostgreSQL URL) with the
// data folder dir and its keys; flags are settings beyond the defaults.
func serveTestApp(t testing.TB, dir, db string, keys *auth.Keys, flags ...string) *testApp {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{Sealer: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg, _, err := config.Load("test", append([]string{"--data", dir}, flags...), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	app := &testApp{t: t, store: st, cfg: cfg}
	app.srv = httptest.NewUnstartedServer(nil)
	app.srv.Start()
	cfg.BaseURL = app.srv.URL
	app.web = New(cfg, st, keys, slog.New(slog.NewTextHandler(io.Discard, nil)))
	app.srv.Config.Handler = app.web.Handler()
	t.Cleanup(app.srv.Close)
	return app
}

// setup creates the organization and its Owner (owner@example.com) through the store.
func (a *testApp) setup() {
	a.t.Helper()
	hash, err := storetest.PasswordHash(testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	_, _, err = a.store.Setup(context.Background(), domain.SetupInput{OrgName: "Example Corp", Domain: "example.com",
		Name: "Olive Owner", Email: "owner@example.com", Password: testPassword}, hash, "127.0.0.1")
	if err != nil {
		a.t.Fatal(err)
	}
}

// browser is an HTTP client with a cookie jar that does not follow redirects.
type browser struct {
	t    testing.TB
	app  *testApp
	http *http.Client
}

func (a *testApp) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: a.t, app: a, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is a read response.
type response struct {
	Status   int
	Body     string
	Header   http.Header
	Location string
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	// <wbr> (a line-break hint inside long emails) is invisible: tests read the text a person sees.
	text := strings.ReplaceAll(string(body), "<wbr>", "")
	return response{Status: res.StatusCode, Body: text, Header: res.Header, Location: res.Header.Get("Location")}
}

func (b *browser) get(path string) response {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.app.srv.URL+path, nil)
	return b.do(req)
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf returns the browser's form token, scraped from a page.
func (b *browser) csrf() string {
	b.t.Helper()
	for _, p := range []string{"/login", "/accounts", "/setup"} {
		if m := csrfRE.FindStringSubmatch(b.get(p).Body); m != nil {
			return m[1]
		}
	}
	b.t.Fatal("no _csrf field found on any page")
	return ""
}

// post submits a form with the browser's CSRF token added.
func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", b.csrf())
	}
	return b.postRaw(path, form)
}

// postRaw submits a form exactly as given.
func (b *browser) postRaw(path string, form url.Values) response {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.app.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signIn signs the browser in and fails the test if that does not work.
func (b *browser) signIn(email, password string) {
	b.t.Helper()
	res := b.post("/login", url.Values{"email": {email}, "password": {password}})
	if res.Status != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: status %d\n%s", email, res.Status, res.Body)
	}
}

func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.app.srv.URL)
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func wantStatus(t *testing.T, res response, want int) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("status = %d, want %d\n%s", res.Status, want, trimBody(res.Body))
	}
}

func wantBody(t *testing.T, res response, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(res.Body, s) {
			t.Errorf("page does not contain %q\n%s", s, trimBody(res.Body))
		}
	}
}

func trimBody(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return s
}
