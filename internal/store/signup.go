package store

import (
	"context"
	"database/sql"
	"errors"
	"unicode/utf8"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

// ErrInvitationGone is the answer to a sign-up from an invitation link that no longer works.
var ErrInvitationGone = domain.Fail(domain.EInvalid, domain.MsgInvitationGone)

// FindInvitationEmail returns the email a pending, unexpired invitation was sent to.
func (s *Store) FindInvitationEmail(ctx context.Context, token string) (string, error) {
	var email string
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		email, err = invitationEmailTx(tx, token, ms(s.Now()))
		return err
	})
	return email, err
}

func invitationEmailTx(tx *sql.Tx, token string, now int64) (string, error) {
	if token == "" {
		return "", ErrInvitationGone
	}
	var email string
	err := tx.QueryRow(`SELECT email FROM invitations WHERE token_hash = ? AND state = 'pending' AND expires_at > ?`,
		auth.HashToken(token), now).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrInvitationGone
	}
	return domain.NormalizeEmail(email), err
}

// SignUp creates an external user with passwordHash, the hash of in.Password, which the caller
// checked against the password policy (the auth package's PasswordProblem) first. Someone who
// signs up on their own also gets their own first account, outside any organization, as its
// owner; someone who came from an invitation gets the invitation's email and no account (they
// are about to join one). Signing up never joins an organization.
func (s *Store) SignUp(ctx context.Context, in domain.SignUpInput, passwordHash, ip string) (*domain.User, *domain.Account, error) {
	if err := in.Validate(passwordChecked); err != nil {
		return nil, nil, err
	}
	if passwordHash == "" {
		return nil, nil, errNoPasswordHash
	}
	now := s.Now()
	u := &domain.User{SID: domain.NewSID(domain.PrefixUser), Email: in.Email, Name: in.Name, Status: domain.UserActive, CreatedAt: now}
	var a *domain.Account
	err := s.write(ctx, func(tx *sql.Tx) error {
		if in.Invitation != "" {
			email, err := invitationEmailTx(tx, in.Invitation, ms(now))
			if err != nil {
				return err
			}
			u.Email = email
		}
		if err := insertUserTx(tx, u, passwordHash, now); err != nil {
			return err
		}
		actor := userActor(u, ip)
		if err := s.audit(tx, auditEntry{Actor: actor, Action: "user.signup", TargetType: "user", TargetSID: u.SID,
			After: map[string]any{"email": u.Email, "name": u.Name, "from_invitation": in.Invitation != ""}}); err != nil {
			return err
		}
		if in.Invitation != "" {
			return nil
		}
		a = &domain.Account{SID: domain.NewSID(domain.PrefixAccount), FriendlyName: firstAccountName(u.Name),
			Type: domain.AccountStandard, Status: domain.StatusActive, OwnerSID: u.SID, OwnerEmail: u.Email,
			OwnerName: u.Name, WebhooksHTTPSOnly: true, CreatedAt: now, UpdatedAt: now}
		if _, err := tx.Exec(`INSERT INTO accounts (sid, friendly_name, type, status, owner_sid, require_2fa,
			webhooks_https_only, pkcv_required, created_at, updated_at) VALUES (?, ?, 'standard', 'active', ?, 0, 1, 0, ?, ?)`,
			a.SID, a.FriendlyName, u.SID, ms(now), ms(now)); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO account_roles (sid, account_sid, user_sid, role, created_at) VALUES (?, ?, ?, 'owner', ?)`,
			domain.NewSID(domain.PrefixRoleAssignment), a.SID, u.SID, ms(now)); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{Actor: actor, Action: "account.create", TargetType: "account", TargetSID: a.SID, AccountSID: a.SID,
			After: map[string]any{"friendly_name": a.FriendlyName, "type": a.Type, "owner": u.Email, "via": "signup"}})
	})
	if err != nil {
		return nil, nil, err
	}
	return u, a, nil
}

// firstAccountName names a new user's own first account after them, within the 64-character limit.
func firstAccountName(name string) string {
	n := name + "’s account"
	if utf8.RuneCountInString(n) <= domain.MaxNameLen {
		return n
	}
	return string([]rune(name)[:domain.MaxNameLen-len([]rune("’s account"))]) + "’s account"
}
