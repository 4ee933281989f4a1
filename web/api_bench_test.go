package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/config"
	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/internal/store/storetest"
)

const benchAccounts = 100_000

// BenchmarkAPIListAccounts lists an organization of 100,000 managed accounts through the API,
// 100 a page, following next_page_url from the first page to the last (and round again), over
// real HTTP with a bearer token. It reports the p50 and p99 latency of one page.
func BenchmarkAPIListAccounts(b *testing.B) {
	dir := b.TempDir()
	ctx := context.Background()
	dbPath := filepath.Join(dir, "admincenter.db")
	st, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	hash, err := storetest.PasswordHash(testPassword)
	if err != nil {
		b.Fatal(err)
	}
	org, owner, err := st.Setup(ctx, domain.SetupInput{OrgName: "Bench Corp", Domain: "bench.test", Name: "Bea Bench",
		Email: "bea@bench.test", Password: testPassword}, hash, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	seedAccountsDirect(b, dbPath, org.SID, owner.SID, benchAccounts)
	b.Logf("seeded in %v", time.Since(t0))

	keys, err := auth.LoadOrCreateKeys(dir)
	if err != nil {
		b.Fatal(err)
	}
	cfg, _, err := config.Load("bench", []string{"--data", dir}, func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	defer srv.Close()
	cfg.BaseURL = srv.URL
	cfg.APIRate = 1e9
	web := New(cfg, st, keys, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv.Config.Handler = web.Handler()

	app, secret, err := st.CreateOAuthApp(ctx, owner, "bench", "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	res, err := http.PostForm(srv.URL+"/v1/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {app.SID}, "client_secret": {secret}})
	if err != nil {
		b.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()

	first := srv.URL + "/Organizations/" + org.SID + "/Accounts?PageSize=100"
	hc := &http.Client{Timeout: 10 * time.Second}
	var page struct {
		Content []json.RawMessage `json:"content"`
		Meta    struct {
			NextPageURL *string `json:"next_page_url"`
		} `json:"meta"`
	}
	latencies := make([]time.Duration, 0, b.N)
	next, seen := first, 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req, _ := http.NewRequest("GET", next, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		start := time.Now()
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		page.Meta.NextPageURL = nil
		err = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		latencies = append(latencies, time.Since(start))
		if err != nil || res.StatusCode != 200 || len(page.Content) != 100 {
			b.Fatalf("page %d: status %d, %d accounts, err %v", i, res.StatusCode, len(page.Content), err)
		}
		seen += len(page.Content)
		if page.Meta.NextPageURL == nil {
			if seen%benchAccounts != 0 {
				b.Fatalf("walked %d accounts to the last page, want a multiple of %d", seen, benchAccounts)
			}
			next = first
		} else {
			next = *page.Meta.NextPageURL
		}
	}
	b.StopTimer()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(latencies[len(latencies)-1].Microseconds())/1000, "max-ms")
}

// seedAccountsDirect inserts n managed accounts owned by the user, with their owner roles, in one
// transaction straight into the database file, creation times a second apart.
func seedAccountsDirect(b *testing.B, path, orgSID, ownerSID string, n int) {
	b.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	if _, err := tx.Exec(`INSERT INTO accounts (sid, friendly_name, type, status, owner_sid, org_sid, org_relation,
		require_2fa, webhooks_https_only, pkcv_required, created_at, updated_at)
		WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
		SELECT 'AC' || lower(hex(randomblob(16))), printf('Account %06d', i), 'standard', 'active', ?2, ?3, 'managed',
			0, 1, 0, ?4 + i * 1000, ?4 + i * 1000 FROM n`, n, ownerSID, orgSID, base); err != nil {
		b.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO account_roles (sid, account_sid, user_sid, role, created_at)
		SELECT 'IY' || lower(hex(randomblob(16))), sid, owner_sid, 'owner', created_at FROM accounts WHERE org_sid = ?`, orgSID); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
