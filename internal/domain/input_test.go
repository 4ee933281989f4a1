package domain

import (
	"strings"
	"testing"
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
			if ErrorCode(err) != EInvalid || len(FieldErrors(err)) == 0 {
				t.Fatalf("error %v is not a field error", err)
			}
			return
		}
		seen := map[string]bool{}
		if n := len(in.Emails()); n == 0 || n > maxInviteEmails {
			t.Fatalf("%d addresses accepted", n)
		}
		for _, e := range in.Emails() {
			if !ValidateEmail(e).IsZero() || seen[e] || e != NormalizeEmail(e) {
				t.Fatalf("accepted %q", e)
			}
			seen[e] = true
		}
		if len(in.Roles) == 0 {
			t.Fatal("accepted no role")
		}
		for _, r := range in.Roles {
			if r == RoleOwner || !ValidAccountRole(r) {
				t.Fatalf("accepted role %q", r)
			}
		}
	})
}
