package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// Many readers making their first prepared query at once, each inside a read transaction, must
// not wait on one another for a free connection of the pool (which they all hold).
func TestFirstQueriesFromEveryReaderAtOnce(t *testing.T) {
	s := openTest(t)
	o, _ := newOrg(t, s, "Concurrent", "concurrent.example")
	// A deadline only so that a deadlock fails the test instead of hanging it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 32)
	start := make(chan struct{})
	for i := range errs {
		wg.Go(func() {
			<-start
			for _, q := range []string{"billing", "ops", ""} {
				if _, err := s.ListAccounts(ctx, AccountFilter{OrgSID: o.SID, Relation: "managed", Query: q}); err != nil {
					errs[i] = err
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// The console's brief list pages through the same accounts, with the same list fields, as the
// full one the API uses.
func TestBriefListMatchesFullList(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, _ := newOrg(t, s, "Alpha", "alpha.com")
	if _, err := s.Seed(ctx, SeedInput{Accounts: 300, Users: 40, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "billing", "ops"} {
		full := AccountFilter{OrgSID: org.SID, Relation: "managed", Query: q, Limit: 20}
		brief := full
		brief.Brief = true
		pages := 0
		for {
			fp, err := s.ListAccounts(ctx, full)
			if err != nil {
				t.Fatal(err)
			}
			bp, err := s.ListAccounts(ctx, brief)
			if err != nil {
				t.Fatal(err)
			}
			if len(fp.Accounts) != len(bp.Accounts) || fp.Next != bp.Next || fp.Prev != bp.Prev {
				t.Fatalf("q=%q page %d: full %d accounts (next %q), brief %d (next %q)", q, pages, len(fp.Accounts), fp.Next, len(bp.Accounts), bp.Next)
			}
			for i, f := range fp.Accounts {
				b := bp.Accounts[i]
				if b.SID != f.SID || b.FriendlyName != f.FriendlyName || b.Type != f.Type || b.Status != f.Status ||
					b.OwnerSID != f.OwnerSID || b.OwnerEmail != f.OwnerEmail || b.OwnerName != f.OwnerName ||
					b.OrgSID != f.OrgSID || b.Relation != f.Relation || !b.CreatedAt.Equal(f.CreatedAt) {
					t.Fatalf("q=%q: brief %+v, full %+v", q, b, f)
				}
			}
			pages++
			if fp.Next == "" {
				break
			}
			full.Cursor, brief.Cursor = fp.Next, bp.Next
		}
		if q == "" && pages < 2 {
			t.Fatalf("only %d page(s) of managed accounts", pages)
		}
	}
}
