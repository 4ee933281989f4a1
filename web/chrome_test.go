package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"admincenter/internal/store/pgtest"
)

// browser is the one headless Chromium of a test run: starting one costs about a second, so the
// journeys share it, each in a browser context of its own (its own cookies and storage).
var shared struct {
	once    sync.Once
	ctx     context.Context // the browser's first tab; new contexts are made from it
	err     error
	skip    string
	dataDir string
	cancel  func()
}

// TestMain closes the shared browser after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	if shared.cancel != nil {
		shared.cancel()
		os.RemoveAll(shared.dataDir)
	}
	os.Exit(code)
}

func startChrome() {
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		shared.skip = "no chromium installed"
		return
	}
	if shared.dataDir, shared.err = os.MkdirTemp("", "admincenter-chromium-"); shared.err != nil {
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(shared.dataDir),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	shared.cancel = func() { cancelBrowser(); cancelAlloc() }
	shared.ctx = bctx
	shared.err = chromedp.Do(bctx) // starts the browser
}

// newChrome opens a fresh browser context (no cookies) in the test run's headless Chromium, for a
// journey a person clicks through. Without a browser the test is skipped, except when
// REQUIRE_BROWSER is set (as CI does), where it fails.
func newChrome(t *testing.T) context.Context {
	t.Helper()
	return newChromeFor(t, 2*time.Minute)
}

// newChromeFor is newChrome for a journey that may take longer than two minutes.
func newChromeFor(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	shared.once.Do(startChrome)
	if shared.skip != "" {
		if os.Getenv("REQUIRE_BROWSER") != "" {
			t.Fatal("REQUIRE_BROWSER is set but " + shared.skip)
		}
		t.Skip(shared.skip + "; set REQUIRE_BROWSER=1 to make this a failure")
	}
	if shared.err != nil {
		t.Fatalf("starting chromium: %v", shared.err)
	}
	ctx, cancel := chromedp.NewContext(shared.ctx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("opening a browser context: %v", err)
	}
	return ctx
}

// newPerson opens a second, separate browser context (its own cookies) in the same Chromium,
// for journeys with two people.
func newPerson(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	pctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(pctx); err != nil {
		t.Fatalf("opening a second browser context: %v", err)
	}
	return pctx
}

// screenshot saves a full-page PNG for a person to look at, outside the repository: under
// $SCREENSHOTS, else admincenter-screenshots in the system's temporary folder.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	savePNG(t, ctx, name, chromedp.FullScreenshot(100))
}

// screenshotView saves what the viewport shows, as a person sees the page first.
func screenshotView(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	savePNG(t, ctx, name, chromedp.CaptureScreenshot())
}

func savePNG(t *testing.T, ctx context.Context, name string, shot chromedp.Action[[]byte]) {
	t.Helper()
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "admincenter-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// run runs browser steps and fails the test on error.
func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// text returns the text of the element matched by sel.
func text[S chromedp.Selectable](t *testing.T, ctx context.Context, sel S) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
