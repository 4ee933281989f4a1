package store

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
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
	u, acct, err := s.SignUp(ctx, domain.SignUpInput{Name: "Carla", Email: "someone-else@evil.example", Password: testPassword, Invitation: "tok-live"}, testHash(t), "")
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "carla@contractor.io" || acct != nil || u.Managed() {
		t.Errorf("user %+v, account %v", u, acct)
	}
	if _, _, err := s.SignUp(ctx, domain.SignUpInput{Name: "Old", Email: "old@contractor.io", Password: testPassword, Invitation: "tok-old"}, testHash(t), ""); err != ErrInvitationGone {
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

// emailsTo returns the outbox messages to the address, oldest first, with their link tokens opened.
func emailsTo(t *testing.T, s *Store, to string) []*OutboxMail {
	t.Helper()
	all, err := s.ListDevMail(context.Background(), 10_000)
	if err != nil {
		t.Fatal(err)
	}
	var out []*OutboxMail
	for i := len(all) - 1; i >= 0; i-- {
		if strings.EqualFold(all[i].To, to) {
			out = append(out, all[i])
		}
	}
	return out
}

func TestOutboxKeepsKindDataAndSealedToken(t *testing.T) {
	s := openTest(t)
	s.sealer = testKeys(t)
	ctx := context.Background()
	org, _ := newOrg(t, s, "Alpha", "alpha.dev")
	data := domain.EmailData{ActorName: "Olive <b>Owner</b>", ActorEmail: "owner@alpha.dev", Email: "carla@contractor.io",
		OrgName: "Alpha", AccountName: "Billing EU", Roles: []string{"developer", "support"},
		ExpiresAt: time.Date(2026, 3, 8, 9, 0, 0, 0, time.UTC)}
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.enqueueEmail(tx, domain.Email{Kind: domain.EmailInvitation, OrgSID: org.SID, To: " carla@contractor.io ",
			Token: "tok-secret", Data: data})
	})
	if err != nil {
		t.Fatal(err)
	}
	var stored string
	var secret []byte
	if err := s.r.QueryRow(`SELECT data, secret FROM outbox`).Scan(&stored, &secret); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, "tok-secret") || strings.Contains(string(secret), "tok-secret") {
		t.Errorf("the token is stored in the clear: data %s", stored)
	}

	m, err := s.ClaimMail(ctx, time.Minute)
	if err != nil || m == nil {
		t.Fatalf("claim: %v, %v", m, err)
	}
	if m.Kind != domain.EmailInvitation || m.To != "carla@contractor.io" || m.OrgSID != org.SID || m.Token != "tok-secret" {
		t.Errorf("claimed %+v", m)
	}
	if got, want := m.Data, data; !reflect.DeepEqual(got, want) {
		t.Errorf("data = %+v, want %+v", got, want)
	}
	if err := s.MarkMailSent(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if sent := emailsTo(t, s, "carla@contractor.io"); len(sent) != 1 || sent[0].State != MailSent || sent[0].Token != "" {
		t.Errorf("after sending: %+v", sent)
	}
}

// TestOutboxRowFromBeforeKinds: a message queued by an older version holds its rendered words
// and a placeholder for its token; it is read as it is, with its token opened.
func TestOutboxRowFromBeforeKinds(t *testing.T) {
	s := openTest(t)
	keys := testKeys(t)
	s.sealer = keys
	secret, err := keys.Seal([]byte("tok-old"))
	if err != nil {
		t.Fatal(err)
	}
	now := ms(s.Now())
	if _, err := s.w.Exec(`INSERT INTO outbox (to_addr, subject, text_body, html_body, secret, state, next_attempt_at, created_at)
		VALUES ('ian@example.com', 'Old subject', 'Open /imports/{{TOKEN}}', '<p>/imports/{{TOKEN}}</p>', ?, 'pending', ?, ?)`,
		secret, now, now); err != nil {
		t.Fatal(err)
	}
	m, err := s.ClaimMail(context.Background(), time.Minute)
	if err != nil || m == nil {
		t.Fatalf("claim: %v, %v", m, err)
	}
	if m.Kind != "" || m.Subject != "Old subject" || m.Text != "Open /imports/{{TOKEN}}" || m.HTML != "<p>/imports/{{TOKEN}}</p>" || m.Token != "tok-old" {
		t.Errorf("claimed %+v", m)
	}
}
