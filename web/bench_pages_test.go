package web

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"testing"

	"admincenter/internal/auth"
	"admincenter/internal/store"
)

// BenchmarkAccountsPage measures the Accounts list's first page through the whole HTTP stack
// (session, CSRF, query, render) at 10,000 accounts, one request at a time.
func BenchmarkAccountsPage(b *testing.B) {
	app := newTestApp(b)
	app.setup()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := app.store.Seed(context.Background(), store.SeedInput{Accounts: 10000, Users: 2000, PasswordHash: hash}); err != nil {
		b.Fatal(err)
	}
	br := app.browser()
	br.signIn("owner@example.com", testPassword)
	first := br.get("/admin/accounts")
	m := regexp.MustCompile(`href="(/admin/accounts/AC[0-9a-f]{32})"`).FindStringSubmatch(first.Body)
	if m == nil {
		b.Fatal("no account on the first page")
	}
	for _, path := range []string{"/healthz", "/admin/accounts", m[1], "/admin/accounts?q=billing"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				res, err := br.http.Get(app.srv.URL + path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
		})
	}
}
