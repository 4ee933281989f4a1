package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
	"admincenter/internal/store/pgtest"
)

// newPostgresInstances starts n servers on one new PostgreSQL database with the same keys, as
// several instances behind a load balancer, and sets up the organization through the first.
func newPostgresInstances(t *testing.T, n int) (string, []*testApp) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	dir := t.TempDir()
	keys, err := auth.LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	var apps []*testApp
	for range n {
		apps = append(apps, serveTestApp(t, dir, url, keys, "--database", url))
	}
	apps[0].setup()
	return url, apps
}

// A database that cannot be reached while serving: pages answer 503 with a friendly page and
// the instance stays up; once it is back the same session works again.
func TestPostgresLostDatabaseIs503AndTheSessionSurvives(t *testing.T) {
	url, apps := newPostgresInstances(t, 1)
	app := apps[0]
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	wantStatus(t, b.get("/admin/accounts"), http.StatusOK)

	name := url[strings.LastIndex(url, "/")+1 : strings.Index(url, "?")]
	ctx := context.Background()
	if err := pgtest.Admin(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false"); err != nil {
		t.Fatal(err)
	}
	if err := pgtest.Admin(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/admin/accounts", "/admin/accounts", "/healthz"} {
		res := b.get(path)
		wantStatus(t, res, http.StatusServiceUnavailable)
		if path != "/healthz" {
			wantBody(t, res, "Try again in a moment", "Nothing was lost")
		}
		if res.Header.Get("Retry-After") == "" && path != "/healthz" {
			t.Errorf("%s: no Retry-After", path)
		}
	}
	if err := pgtest.Admin(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS true"); err != nil {
		t.Fatal(err)
	}
	res := b.get("/admin/accounts")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Accounts")
}

// An account created through one instance is listed by the other on the very next request,
// read cache on.
func TestPostgresChangeOnOneInstanceShowsOnTheOther(t *testing.T) {
	_, apps := newPostgresInstances(t, 2)
	ctx := context.Background()
	owner, err := apps[0].store.FindUserByEmail(ctx, "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	b := apps[1].browser()
	b.signIn("owner@example.com", testPassword)
	wantStatus(t, b.get("/admin/accounts"), http.StatusOK) // cached on B
	for _, name := range []string{"Billing EU", "Support US"} {
		if _, err := apps[0].store.CreateAccount(ctx, owner, domain.CreateAccountInput{FriendlyName: name, Type: "standard"}, ""); err != nil {
			t.Fatal(err)
		}
		wantBody(t, b.get("/admin/accounts"), name)
	}
}
