package store

import (
	"context"
	"testing"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

// addInvitation writes a pending invitation row as the invitations feature does.
func addInvitation(t *testing.T, s *Store, orgSID, accountSID, email, token string, expires time.Time) {
	t.Helper()
	now := s.Now()
	if _, err := s.w.Exec(`INSERT INTO invitations (org_sid, account_sid, email, roles, token_hash, state, sent_at, expires_at, created_at)
		VALUES (?, ?, ?, 'developer', ?, 'pending', ?, ?, ?)`, orgSID, accountSID, email, auth.HashToken(token), ms(now), ms(expires), ms(now)); err != nil {
		t.Fatal(err)
	}
}

func TestSignUpFromInvitation(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, owner := newOrg(t, s, "Alpha", "alpha.com")
	a, err := s.CreateAccount(ctx, owner, domain.CreateAccountInput{FriendlyName: "Alpha prod", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	addInvitation(t, s, org.SID, a.SID, "Carla@Contractor.io", "tok-live", now.Add(7*24*time.Hour))
	addInvitation(t, s, org.SID, a.SID, "old@contractor.io", "tok-old", now.Add(-time.Minute))

	if got, err := s.FindInvitationEmail(ctx, "tok-live"); err != nil || got != "carla@contractor.io" {
		t.Fatalf("FindInvitationEmail = %q, %v", got, err)
	}
	for _, tok := range []string{"tok-old", "nope", ""} {
		if _, err := s.FindInvitationEmail(ctx, tok); err != ErrInvitationGone {
			t.Errorf("FindInvitationEmail(%q) = %v, want ErrInvitationGone", tok, err)
		}
	}
	// The typed email does not matter: the invitation's wins, and no own account is made.
	u, acct, err := s.SignUp(ctx, domain.SignUpInput{Name: "Carla", Email: "someone-else@evil.example", Password: testPassword, Invitation: "tok-live"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "carla@contractor.io" || acct != nil || u.Managed() {
		t.Errorf("user %+v, account %v", u, acct)
	}
	if _, _, err := s.SignUp(ctx, domain.SignUpInput{Name: "Old", Email: "old@contractor.io", Password: testPassword, Invitation: "tok-old"}, ""); err != ErrInvitationGone {
		t.Errorf("sign-up from an expired invitation: %v", err)
	}
	if _, err := s.FindUserByEmail(ctx, "old@contractor.io"); domain.ErrorCode(err) != domain.ENotFound {
		t.Error("a refused sign-up wrote a user")
	}
}

func TestFirstAccountNameFits(t *testing.T) {
	long := "Bartholomew Maximilian Fitzgerald-Montgomery the Third of Somewhere"
	if n := []rune(firstAccountName(long)); len(n) > domain.MaxNameLen {
		t.Errorf("first account name has %d characters", len(n))
	}
	if got, want := firstAccountName("Ada"), "Ada’s account"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMailBackoff(t *testing.T) {
	prev := time.Duration(0)
	for attempts := 1; attempts <= MaxMailAttempts+3; attempts++ {
		d := MailBackoff(attempts)
		base := 30 * time.Second << (attempts - 1)
		if base > time.Hour || base <= 0 {
			base = time.Hour
		}
		if d < base*8/10 || d > base*12/10 {
			t.Errorf("attempt %d: backoff %s outside %s ± 20%%", attempts, d, base)
		}
		if attempts > 1 && base < time.Hour && d < prev/2 {
			t.Errorf("attempt %d: backoff %s shrank from %s", attempts, d, prev)
		}
		prev = d
	}
}
