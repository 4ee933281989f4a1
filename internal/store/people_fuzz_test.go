package store

import (
	"strings"
	"testing"

	"admincenter/internal/domain"
)

// FuzzInviteInput: whatever is typed into the Invite panel, Validate never panics, and what it
// accepts is a list of distinct valid addresses with known, non-owner roles.
func FuzzInviteInput(f *testing.F) {
	f.Add("a@b.dev", "developer")
	f.Add("a@b.dev, A@B.dev", "support")
	f.Add("Bob <bob@x.dev>; c@d.io\n", "owner")
	f.Add(strings.Repeat("x@y.zz,", 30), "administrator billing_manager")
	f.Fuzz(func(t *testing.T, emails, roles string) {
		in := InviteInput{Email: emails, Roles: strings.Fields(roles)}
		if err := in.Validate(); err != nil {
			if domain.ErrorCode(err) != domain.EInvalid || len(domain.FieldErrors(err)) == 0 {
				t.Fatalf("error %v is not a field error", err)
			}
			return
		}
		seen := map[string]bool{}
		if n := len(in.Emails()); n == 0 || n > maxInviteEmails {
			t.Fatalf("%d addresses accepted", n)
		}
		for _, e := range in.Emails() {
			if domain.ValidateEmail(e) != "" || seen[e] || e != domain.NormalizeEmail(e) {
				t.Fatalf("accepted %q", e)
			}
			seen[e] = true
		}
		if len(in.Roles) == 0 {
			t.Fatal("accepted no role")
		}
		for _, r := range in.Roles {
			if r == domain.RoleOwner || !domain.ValidAccountRole(r) {
				t.Fatalf("accepted role %q", r)
			}
		}
	})
}

// FuzzReviewCursor: a forged access-review cursor is refused, never a panic or a query.
func FuzzReviewCursor(f *testing.F) {
	f.Add(reviewCursor('n', "AC"+strings.Repeat("a", 32), "US"+strings.Repeat("b", 32)))
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, s string) {
		d, ac, us, err := parseReviewCursor(s)
		if err != nil {
			return
		}
		if (d != 'n' && d != 'p') || !domain.ValidSID("AC", ac) || !domain.ValidSID("US", us) {
			t.Fatalf("accepted %q as %c %q %q", s, d, ac, us)
		}
	})
}
