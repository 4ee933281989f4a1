package store

import (
	"context"
	"fmt"
	"testing"

	"admincenter/internal/domain"
)

// TestListMyAccountsPagesByName walks a user's accounts 50 a page by name, forwards and back,
// searches them by name and by SID, and sees a rename move an account at once.
func TestListMyAccountsPagesByName(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// The Owner holds Billing EU (the fixture's) and 119 more, some with a second role.
	names := map[string]bool{"Billing EU": true}
	var renamed *domain.Account
	for i := range 119 {
		a, err := f.s.CreateAccount(ctx, f.owner, domain.CreateAccountInput{FriendlyName: fmt.Sprintf("Team %03d", 119-i), Type: "standard"}, "")
		if err != nil {
			t.Fatal(err)
		}
		names[a.FriendlyName] = true
		if i == 7 {
			renamed = a
		}
	}
	var got []string
	cur := ""
	pages := 0
	for {
		page, err := f.s.ListMyAccounts(ctx, MyAccountFilter{UserSID: f.owner.SID, Cursor: cur})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, m := range page.Accounts {
			got = append(got, m.Account.FriendlyName)
			if len(m.Roles) == 0 || m.Roles[0] != domain.RoleOwner || m.Account.Status != domain.StatusActive {
				t.Errorf("%s: roles %v, status %q", m.Account.FriendlyName, m.Roles, m.Account.Status)
			}
		}
		if page.Next == "" {
			break
		}
		cur = page.Next
	}
	if pages != 3 || len(got) != 120 || got[0] != "Billing EU" || got[1] != "Team 001" || got[119] != "Team 119" {
		t.Fatalf("%d pages, %d accounts, first %q %q, last %q", pages, len(got), got[0], got[1], got[len(got)-1])
	}
	for i := 1; i < len(got); i++ {
		if got[i-1] >= got[i] {
			t.Fatalf("out of order at %d: %q then %q", i, got[i-1], got[i])
		}
	}

	// Back from the second page: the first page again, with no page before it.
	p1, _ := f.s.ListMyAccounts(ctx, MyAccountFilter{UserSID: f.owner.SID})
	p2, _ := f.s.ListMyAccounts(ctx, MyAccountFilter{UserSID: f.owner.SID, Cursor: p1.Next})
	back, err := f.s.ListMyAccounts(ctx, MyAccountFilter{UserSID: f.owner.SID, Cursor: p2.Prev})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Accounts) != 50 || back.Accounts[0].Account.SID != p1.Accounts[0].Account.SID || back.Prev != "" || back.Next == "" {
		t.Errorf("back to page 1: %d accounts, first %q, prev %q", len(back.Accounts), back.Accounts[0].Account.FriendlyName, back.Prev)
	}

	// The developer sees only the account they hold a role on.
	dev, err := f.s.ListMyAccounts(ctx, MyAccountFilter{UserSID: f.dev.SID})
	if err != nil || len(dev.Accounts) != 1 || dev.Accounts[0].Account.SID != f.acct.SID || dev.Next != "" || dev.Prev != "" {
		t.Fatalf("developer: %+v, %v", dev, err)
	}

	tests := []struct {
		query string
		want  []string
	}{
		{"team 11", []string{"Team 110", "Team 111", "Team 112", "Team 113", "Team 114", "Team 115", "Team 116", "Team 117", "Team 118", "Team 119"}},
		{"BILLING", []string{"Billing EU"}},
		{"  " + f.acct.SID + " ", []string{"Billing EU"}},
		{"100%", nil},
		{"nothing like it", nil},
	}
	for _, tt := range tests {
		page, err := f.s.ListMyAccounts(ctx, MyAccountFilter{UserSID: f.owner.SID, Query: tt.query})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range page.Accounts {
			names = append(names, m.Account.FriendlyName)
		}
		if fmt.Sprint(names) != fmt.Sprint(tt.want) {
			t.Errorf("search %q = %v, want %v", tt.query, names, tt.want)
		}
	}

	// A rename moves the account in the list (the role rows' copy of the name follows it).
	if _, err := f.s.UpdateAccountSettings(ctx, f.owner, renamed.SID, domain.AccountSettings{FriendlyName: "Aardvark", WebhooksHTTPSOnly: true}, ""); err != nil {
		t.Fatal(err)
	}
	first, err := f.s.ListMyAccounts(ctx, MyAccountFilter{UserSID: f.owner.SID})
	if err != nil || first.Accounts[0].Account.SID != renamed.SID || first.Accounts[0].Account.FriendlyName != "Aardvark" {
		t.Errorf("after the rename the first account is %+v (%v)", first.Accounts[0].Account, err)
	}

	for _, c := range []string{"junk", domain.CursorAfter("Team", "not-a-sid").String()} {
		if _, err := f.s.ListMyAccounts(ctx, MyAccountFilter{UserSID: f.owner.SID, Cursor: c}); err != domain.ErrBadCursor {
			t.Errorf("cursor %q: err = %v, want ErrBadCursor", c, err)
		}
	}
}
