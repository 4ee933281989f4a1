package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

// resetToken asks for a reset link for email and returns its token, from the outbox.
func resetToken(t *testing.T, s *Store, email string) string {
	t.Helper()
	if err := s.RequestPasswordReset(context.Background(), email, "10.0.0.9"); err != nil {
		t.Fatal(err)
	}
	mails := emailsTo(t, s, email)
	if len(mails) == 0 {
		t.Fatalf("no mail to %s", email)
	}
	m := mails[len(mails)-1]
	if m.Kind != domain.EmailPasswordReset || m.Token == "" {
		t.Fatalf("the last mail to %s is not a reset link: %q", email, m.Kind)
	}
	return m.Token
}

func TestPasswordResetLinkExpiresAndStopsForADeactivatedUser(t *testing.T) {
	s := openTest(t)
	s.sealer = testKeys(t)
	clk := newClock(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
	s.Now = clk.Now
	ctx := context.Background()
	_, owner := newOrg(t, s, "Alpha", "alpha.com")

	token := resetToken(t, s, owner.Email)
	clk.Advance(PasswordResetTTL)
	r, err := s.FindPasswordReset(ctx, token)
	if err != nil || !strings.Contains(r.Gone.Text, "expired") {
		t.Fatalf("an hour later: %v, gone %q", err, r.Gone)
	}
	_, err = s.ResetPassword(ctx, token, testHash(t), "")
	wantErrCode(t, err, domain.EConflict)

	member, err := storetest.AddUser(ctx, s, owner.OrgSID, domain.OrgRoleStandard, "sam@alpha.com", "Sam Standard", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	token = resetToken(t, s, member.Email)
	if err := storetest.SetUserStatus(ctx, s, member.SID, "deactivated"); err != nil {
		t.Fatal(err)
	}
	_, err = s.ResetPassword(ctx, token, testHash(t), "")
	wantErrCode(t, err, domain.EConflict)
	// A deactivated user is sent no new link.
	before := emailsTo(t, s, member.Email)
	if err := s.RequestPasswordReset(ctx, member.Email, ""); err != nil {
		t.Fatal(err)
	}
	if after := emailsTo(t, s, member.Email); len(after) != len(before) {
		t.Errorf("a deactivated user was sent a reset link")
	}

	// Each request and the reset are in the audit log.
	events, err := storetest.AuditEvents(ctx, s, "password.reset.request")
	if err != nil || len(events) != 2 {
		t.Errorf("%d reset requests in the audit log, want 2 (%v)", len(events), err)
	}
}
