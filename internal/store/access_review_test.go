package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

func TestAccessReviewPagesAndGroupsRoles(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, owner := newOrg(t, s, "Alpha", "alpha.dev")
	outsider, err := storetest.AddUser(ctx, s, "", "", "c@outside.dev", "C", "")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 130; i++ {
		a, err := s.CreateAccount(ctx, owner, domain.CreateAccountInput{FriendlyName: fmt.Sprintf("a%03d", i), Type: "standard"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			for _, r := range []string{domain.RoleSupport, domain.RoleDeveloper} {
				if _, err := storetest.GrantRole(ctx, s, a.SID, outsider.SID, r); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var all []AccessRow
	cur := ""
	var pages []*AccessReview
	for {
		p, err := s.ReviewAccess(ctx, AccessReviewFilter{OrgSID: org.SID, Cursor: cur})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
		all = append(all, p.Rows...)
		if p.Next == "" {
			break
		}
		cur = p.Next
	}
	if len(all) != 143 || len(pages) != 2 || len(pages[0].Rows) != 100 {
		t.Fatalf("%d rows on %d pages, want 143 on 2", len(all), len(pages))
	}
	seen := map[string]bool{}
	ext := 0
	for _, r := range all {
		k := r.AccountSID + r.User.SID
		if seen[k] {
			t.Fatalf("pair %s twice", k)
		}
		seen[k] = true
		if r.External {
			ext++
			if len(r.Roles) != 2 || r.Roles[0] != domain.RoleDeveloper || r.Roles[1] != domain.RoleSupport {
				t.Errorf("external roles = %v, want developer and support", r.Roles)
			}
		}
	}
	if ext != 13 {
		t.Errorf("external rows = %d, want 13", ext)
	}
	back, err := s.ReviewAccess(ctx, AccessReviewFilter{OrgSID: org.SID, Cursor: pages[1].Prev})
	if err != nil || len(back.Rows) != 100 || back.Rows[0].AccountSID != all[0].AccountSID || back.Prev != "" {
		t.Errorf("back to page 1: %d rows, first %v, prev %q (err %v)", len(back.Rows), back.Rows[0].AccountSID, back.Prev, err)
	}
	p, _ := s.ReviewAccess(ctx, AccessReviewFilter{OrgSID: org.SID, External: true, Role: domain.RoleSupport})
	if len(p.Rows) != 13 {
		t.Errorf("external support rows = %d, want 13", len(p.Rows))
	}
	_, ownerB := newOrg(t, s, "Beta", "beta.dev")
	if p, _ := s.ReviewAccess(ctx, AccessReviewFilter{OrgSID: ownerB.OrgSID}); len(p.Rows) != 0 {
		t.Errorf("Beta's review shows %d rows of Alpha", len(p.Rows))
	}
}

// FuzzReviewCursor: a forged access-review cursor is refused, never a panic or a query.
func FuzzReviewCursor(f *testing.F) {
	f.Add(domain.CursorAfter("AC"+strings.Repeat("a", 32), "US"+strings.Repeat("b", 32)).String())
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, s string) {
		_, ac, us, err := parseReviewCursor(s)
		if err != nil {
			return
		}
		if !domain.ValidSID("AC", ac) || !domain.ValidSID("US", us) {
			t.Fatalf("accepted %q as %q %q", s, ac, us)
		}
	})
}
