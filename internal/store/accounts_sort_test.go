package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"admincenter/internal/domain"
)

// TestListAccountsSortedAndCounted: every order of the Accounts list walks all accounts once,
// forwards and back, in the order it names (names without regard to case, then SID).
func TestListAccountsSorted(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, owner := newOrg(t, s, "Alpha", "alpha.com")
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	names := []string{"billing EU", "Alerts", "zeta", "Billing US", "alerts", "Payments", "ops", "Ops", "Voice", "billing APAC", "Maps"}
	for i, name := range names {
		s.Now = func() time.Time { return base.Add(time.Duration(i/2) * time.Minute) } // pairs share a timestamp
		if _, err := s.CreateAccount(ctx, owner, domain.CreateAccountInput{FriendlyName: name, Type: "standard"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	walk := func(sort string) (fwd, back []*domain.Account) {
		t.Helper()
		var pages []*AccountPage
		for cur := ""; ; {
			p, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org.SID, Relation: "managed", Sort: sort, Cursor: cur, Limit: 3, Brief: true})
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, p)
			fwd = append(fwd, p.Accounts...)
			if p.Next == "" {
				break
			}
			cur = p.Next
		}
		for cur := pages[len(pages)-1].Prev; cur != ""; {
			p, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org.SID, Relation: "managed", Sort: sort, Cursor: cur, Limit: 3, Brief: true})
			if err != nil {
				t.Fatal(err)
			}
			back = append(slices.Clone(p.Accounts), back...)
			cur = p.Prev
		}
		return fwd, append(back, pages[len(pages)-1].Accounts...)
	}
	less := map[string]func(a, b *domain.Account) int{
		domain.SortNewest: func(a, b *domain.Account) int {
			return -cmpKey(a.CreatedAt.UnixMilli(), b.CreatedAt.UnixMilli(), a.SID, b.SID)
		},
		domain.SortOldest: func(a, b *domain.Account) int {
			return cmpKey(a.CreatedAt.UnixMilli(), b.CreatedAt.UnixMilli(), a.SID, b.SID)
		},
		domain.SortName: func(a, b *domain.Account) int {
			return cmpKey(strings.ToLower(a.FriendlyName), strings.ToLower(b.FriendlyName), a.SID, b.SID)
		},
		domain.SortNameDesc: func(a, b *domain.Account) int {
			return -cmpKey(strings.ToLower(a.FriendlyName), strings.ToLower(b.FriendlyName), a.SID, b.SID)
		},
	}
	for sort, cmp := range less {
		fwd, back := walk(sort)
		if len(fwd) != len(names) || !slices.IsSortedFunc(fwd, cmp) {
			t.Errorf("sort %q: %s", sort, accountNames(fwd))
		}
		if !slices.Equal(accountNames(back), accountNames(fwd)) {
			t.Errorf("sort %q: walking back gives %s, forward %s", sort, accountNames(back), accountNames(fwd))
		}
	}
	if got := accountNames(first(t, s, org.SID, domain.SortName)); got[0] != "Alerts" && got[0] != "alerts" {
		t.Errorf("by name, the first page starts with %q", got[0])
	}
	// A cursor of one order is refused by another.
	p, _ := s.ListAccounts(ctx, AccountFilter{OrgSID: org.SID, Relation: "managed", Sort: domain.SortName, Limit: 3})
	if _, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org.SID, Relation: "managed", Cursor: p.Next}); err != domain.ErrBadCursor {
		t.Errorf("a by-name cursor in the default order: err = %v", err)
	}
	if _, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org.SID, Relation: "managed", Sort: "size"}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("unknown order: err = %v", err)
	}
}

func cmpKey[K int64 | string](a, b K, sa, sb string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return strings.Compare(sa, sb)
}

func accountNames(list []*domain.Account) []string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.FriendlyName
	}
	return out
}

func first(t *testing.T, s *Store, org, sort string) []*domain.Account {
	t.Helper()
	p, err := s.ListAccounts(context.Background(), AccountFilter{OrgSID: org, Relation: "managed", Sort: sort, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	return p.Accounts
}

// TestAccountsByNameReadTheNameIndex: a page sorted by name reads the name index in order, with
// no sort step, whichever way it goes.
func TestAccountsByNameReadTheNameIndex(t *testing.T) {
	sqliteOnly(t)
	s := openTest(t)
	for _, sort := range []string{domain.SortName, domain.SortNameDesc} {
		for _, cur := range []*accountCursor{nil, {name: "m", sid: "AC" + strings.Repeat("0", 32)}, {before: true, name: "m", sid: "AC" + strings.Repeat("0", 32)}} {
			q, args := accountListQuery(AccountFilter{OrgSID: "OR1", Relation: "managed", Sort: sort, Brief: true, Limit: 50}, accountSearch{scope: "a.org_sid = ? AND a.org_relation = ?"}, cur)
			rows, err := s.r.Query("EXPLAIN QUERY PLAN "+q, args...)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
			text := strings.Join(plan, "; ")
			if !strings.Contains(text, "accounts_org_name") || strings.Contains(text, "TEMP B-TREE") {
				t.Errorf("sort %q cursor %v: plan %s", sort, cur, text)
			}
		}
	}
}
