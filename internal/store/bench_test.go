package store

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
	"admincenter/internal/store/pgtest"
)

// The list benchmarks run against one organization of 100,000 accounts and 20,000 users,
// seeded once per test binary (about 20 s) in a temporary folder.
var (
	benchOnce  sync.Once
	benchStore *Store
	benchOrg   string
	benchDir   string
	benchErr   error
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	if benchStore != nil {
		benchStore.Close()
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchSetup(b *testing.B) (*Store, string) {
	b.Helper()
	benchOnce.Do(func() {
		ctx := context.Background()
		if benchDir, benchErr = os.MkdirTemp("", "admincenter-bench-"); benchErr != nil {
			return
		}
		// The benchmarks measure the queries; BenchmarkListAccountsFirstPageCached the cache.
		if benchStore, benchErr = Open(ctx, filepath.Join(benchDir, "bench.db"), Options{NoReadCache: true}); benchErr != nil {
			return
		}
		hash, err := auth.HashPassword(testPassword)
		if err != nil {
			benchErr = err
			return
		}
		var o *domain.Organization
		if o, _, benchErr = benchStore.Setup(ctx, domain.SetupInput{OrgName: "Bench", Domain: "bench.example", Name: "Bench Owner",
			Email: "owner@bench.example", Password: testPassword}, hash, ""); benchErr != nil {
			return
		}
		benchOrg = o.SID
		_, benchErr = benchStore.Seed(ctx, SeedInput{Accounts: 100_000, Users: 20_000, PasswordHash: hash})
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchStore, benchOrg
}

func BenchmarkListAccountsFirstPage(b *testing.B) {
	s, org := benchSetup(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org, Relation: "managed"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListAccountsFirstPageCached is the first page as the console reads it between two
// changes: from the read cache.
func BenchmarkListAccountsFirstPageCached(b *testing.B) {
	s, org := benchSetup(b)
	s.cache.off = false
	defer func() { s.cache.off = true }()
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org, Relation: "managed", Brief: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListAccountsSearchFragment(b *testing.B) {
	s, org := benchSetup(b)
	ctx := context.Background()
	for _, q := range []string{"billing", "ops japan", "zzz-nothing", "zq"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org, Relation: "managed", Query: q}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkListAccountsPage20(b *testing.B) {
	s, org := benchSetup(b)
	ctx := context.Background()
	cur := ""
	for i := 0; i < 19; i++ {
		p, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org, Relation: "managed", Cursor: cur})
		if err != nil {
			b.Fatal(err)
		}
		cur = p.Next
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org, Relation: "managed", Cursor: cur}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListAccountsStatusFilter(b *testing.B) {
	s, org := benchSetup(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org, Relation: "managed", Status: domain.StatusPendingClosure}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListAccountsByNamePage20 is page 20 of the list sorted by name (the name index, 0013).
func BenchmarkListAccountsByNamePage20(b *testing.B) {
	s, org := benchSetup(b)
	ctx := context.Background()
	cur := ""
	for i := 0; i < 19; i++ {
		p, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org, Relation: "managed", Sort: domain.SortName, Cursor: cur, Brief: true})
		if err != nil {
			b.Fatal(err)
		}
		cur = p.Next
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org, Relation: "managed", Sort: domain.SortName, Cursor: cur, Brief: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCountAccounts(b *testing.B) {
	s, org := benchSetup(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.CountAccounts(ctx, org); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListAuditEvents(b *testing.B) {
	s, org := benchSetup(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ListAuditEvents(ctx, AuditFilter{OrgSID: org}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListLockedOut is the query behind an account's General page: the people a Require
// 2FA switch would lock out (the organization's Owner and ~200 Administrators, and the account's
// roles).
func BenchmarkListLockedOut(b *testing.B) {
	s, org := benchSetup(b)
	ctx := context.Background()
	page, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org, Relation: "managed"})
	if err != nil || len(page.Accounts) == 0 {
		b.Fatal("no account", err)
	}
	a := page.Accounts[0]
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.ListLockedOut(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
}

// benchAccount is an account of the first page, and the Owner who looks at it.
func benchAccount(b *testing.B, s *Store, org string) (*domain.Account, *domain.User) {
	b.Helper()
	ctx := context.Background()
	page, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org, Relation: "managed"})
	if err != nil || len(page.Accounts) == 0 {
		b.Fatal("no account", err)
	}
	owner, err := s.FindUserByEmail(ctx, "owner@bench.example")
	if err != nil {
		b.Fatal(err)
	}
	return page.Accounts[0], owner
}

// BenchmarkFindAccountAccess is the account guard every account page runs (General, Users).
func BenchmarkFindAccountAccess(b *testing.B) {
	s, org := benchSetup(b)
	a, owner := benchAccount(b, s, org)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.FindAccountAccess(ctx, owner, a.SID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListAccountUsers is the account's Users tab.
func BenchmarkListAccountUsers(b *testing.B) {
	s, org := benchSetup(b)
	a, _ := benchAccount(b, s, org)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ListAccountUsers(ctx, a.SID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListIndependent is the Independent tab (3 % of the accounts).
func BenchmarkListIndependent(b *testing.B) {
	s, org := benchSetup(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org, Relation: "independent", Brief: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListPending is the Pending tab's first page (0.5 % of the accounts await an answer).
func BenchmarkListPending(b *testing.B) {
	s, org := benchSetup(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ListAccountRequestPage(ctx, org, "", domain.PageSize); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListOrgUsers is the organization's Users page.
func BenchmarkListOrgUsers(b *testing.B) {
	s, org := benchSetup(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ListOrgUsers(ctx, OrgUserFilter{OrgSID: org}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReviewAccess is the access review's first page with the unanswered invitations.
func BenchmarkReviewAccess(b *testing.B) {
	s, org := benchSetup(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ReviewAccess(ctx, AccessReviewFilter{OrgSID: org}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListMyAccounts is My accounts of the Owner, who holds a role on about 5,000 accounts:
// the first page, and a search.
func BenchmarkListMyAccounts(b *testing.B) {
	s, org := benchSetup(b)
	_, owner := benchAccount(b, s, org)
	ctx := context.Background()
	for _, q := range []string{"", "billing"} {
		b.Run("q="+q, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.ListMyAccounts(ctx, MyAccountFilter{UserSID: owner.SID, Query: q}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
