package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"admincenter/internal/domain"
)

// TestLinkTokenLimit: past 60 unknown tokens from one address in 10 minutes, the emailed-link
// pages answer 429 with the time to retry, malformed tokens counting exactly like unknown ones;
// other addresses are not paused, and the pause ends with the window.
func TestLinkTokenLimit(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	clk := app.useClock()
	cfg := *app.cfg
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	app.srv.Config.Handler = New(&cfg, app.store, mustKeys(t, cfg.DataDir), slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	b := app.browser()
	get := func(ip, path string) response {
		req, _ := http.NewRequest("GET", app.srv.URL+path, nil)
		req.Header.Set("X-Forwarded-For", ip)
		return b.do(req)
	}
	tokens := []string{
		"bm90LWEtcmVhbC10b2tlbi1idXQtdGhlLXJpZ2h0LWxlbmd0aC14eHh4eHh4", // unknown, well-formed
		strings.Repeat("z", 300), // malformed: too long
		"%21%40%23",              // malformed: not the token alphabet
		"x",                      // malformed: too short
	}
	prefixes := []string{"/invitations/", "/imports/", "/shares/", "/password-reset/"}
	for i := 0; i < 60; i++ {
		path := prefixes[i%4] + tokens[(i/4)%4] + strconv.Itoa(i)
		wantStatus(t, get("203.0.113.7", path), http.StatusNotFound)
	}
	for _, p := range prefixes {
		res := get("203.0.113.7", p+"anything")
		wantStatus(t, res, http.StatusTooManyRequests)
		wantBody(t, res, "Too many links that do not work were opened from your address.", "Try again after", "09:10 UTC (in 10 minutes)")
		if ra, _ := strconv.Atoi(res.Header.Get("Retry-After")); ra < 500 || ra > 600 {
			t.Errorf("Retry-After = %q, want about 595 seconds", res.Header.Get("Retry-After"))
		}
	}
	wantStatus(t, get("198.51.100.2", "/invitations/"+tokens[0]), http.StatusNotFound)
	clk.Advance(10 * time.Minute)
	wantStatus(t, get("203.0.113.7", "/shares/"+tokens[0]), http.StatusNotFound)
}

// TestPasswordResetRequestLimit: "Forgot your password?" takes 20 requests from one address in
// 15 minutes, then answers 429 with the form and the time to retry.
func TestPasswordResetRequestLimit(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	clk := app.useClock()
	b := app.browser()
	for i := 0; i < 20; i++ {
		wantStatus(t, b.post("/password-reset", url.Values{"email": {"user" + strconv.Itoa(i) + "@example.com"}}), http.StatusSeeOther)
	}
	res := b.post("/password-reset", url.Values{"email": {"owner@example.com"}})
	wantStatus(t, res, http.StatusTooManyRequests)
	wantBody(t, res, "Too many password reset requests came from your address.", `value="owner@example.com"`)
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	clk.Advance(15 * time.Minute)
	wantStatus(t, b.post("/password-reset", url.Values{"email": {"owner@example.com"}}), http.StatusSeeOther)
}

// TestAPIBodyLimitIsOneMiB: the API takes a body of exactly 1 MiB (1,048,576 bytes) and refuses
// one byte more with 413, as its message says.
func TestAPIBodyLimitIsOneMiB(t *testing.T) {
	f := newAPIFixture(t)
	body := func(n int) string {
		b := `{"userName": "big@example.com", "displayName": "Big Body"}`
		return b + strings.Repeat(" ", n-len(b)) // trailing whitespace is valid JSON
	}
	path := "/Organizations/" + f.org + "/scim/Users"
	res := f.call("POST", path, "application/scim+json", body(1<<20+1))
	wantAPIError(t, res, 413, 20413, "larger than 1 MiB")
	res = f.call("POST", path, "application/scim+json", body(1<<20))
	if res.Status != http.StatusCreated {
		t.Fatalf("a body of exactly 1,048,576 bytes: %d %s, want 201", res.Status, res.Body)
	}
	if u, _ := f.app.store.FindUserByEmail(context.Background(), "big@example.com"); u == nil || u.Status != domain.UserActive {
		t.Error("the 1 MiB request created no user")
	}
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{mu: make(chan struct{}, 1)} }

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.String()
}

// TestForwardedForWarning: requests with X-Forwarded-For while --trusted-proxies is empty log a
// warning that names the setting, once (at most once an hour), and none once proxies are set.
func TestForwardedForWarning(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	logs := newSyncBuffer()
	cfg := *app.cfg
	app.srv.Config.Handler = New(&cfg, app.store, mustKeys(t, cfg.DataDir), slog.New(slog.NewTextHandler(logs, nil))).Handler()
	b := app.browser()
	get := func(xff string) {
		req, _ := http.NewRequest("GET", app.srv.URL+"/login", nil)
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		wantStatus(t, b.do(req), http.StatusOK)
	}
	get("")
	if strings.Contains(logs.String(), "trusted-proxies") {
		t.Fatal("a warning without X-Forwarded-For")
	}
	for i := 0; i < 5; i++ {
		get("203.0.113." + strconv.Itoa(i))
	}
	if n := strings.Count(logs.String(), "level=WARN msg=\"requests arrive with X-Forwarded-For but --trusted-proxies"); n != 1 {
		t.Fatalf("%d warnings naming --trusted-proxies, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("the warning is not at WARN level:\n%s", logs.String())
	}

	trusted := newSyncBuffer()
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	app.srv.Config.Handler = New(&cfg, app.store, mustKeys(t, cfg.DataDir), slog.New(slog.NewTextHandler(trusted, nil))).Handler()
	get("203.0.113.9")
	if strings.Contains(trusted.String(), "--trusted-proxies") {
		t.Errorf("a warning with trusted proxies set:\n%s", trusted.String())
	}
}
