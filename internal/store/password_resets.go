package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

const (
	// PasswordResetTTL is how long a "Forgot your password?" link works.
	PasswordResetTTL = time.Hour
	// maxPasswordResets is how many links one user is sent an hour; more requests send nothing,
	// so that nobody can fill someone's mailbox from the sign-in page.
	maxPasswordResets = 3
)

// RequestPasswordReset emails the active user with the address a link to choose a new password.
// It says nothing of whether such a user exists: an unknown address, a deactivated user or one
// who has had maxPasswordResets links this hour are sent nothing, and the answer is the same.
// A new link retires the user's earlier ones.
func (s *Store) RequestPasswordReset(ctx context.Context, email, ip string) error {
	email = domain.NormalizeEmail(email)
	if err := domain.FieldError("email", domain.ValidateEmail(email)); err != nil {
		return err
	}
	// An address of nobody costs one read, no write (and retires no cached page). A user
	// deactivated after this read gets a link that its page and ResetPassword refuse.
	u, err := s.FindUserByEmail(ctx, email)
	if domain.ErrorCode(err) == domain.ENotFound || (err == nil && u.Status != domain.UserActive) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		var recent int
		if err := tx.QueryRow(`SELECT count(*) FROM password_resets WHERE user_sid = ? AND created_at > ?`,
			u.SID, ms(now.Add(-time.Hour))).Scan(&recent); err != nil {
			return err
		}
		if recent >= maxPasswordResets {
			return nil // nothing sent and nothing recorded: anonymous requests must not grow the audit log
		}
		if _, err := tx.Exec(`UPDATE password_resets SET used_at = ? WHERE user_sid = ? AND used_at IS NULL`, ms(now), u.SID); err != nil {
			return err
		}
		token := auth.NewToken()
		if _, err := tx.Exec(`INSERT INTO password_resets (user_sid, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			u.SID, auth.HashToken(token), ms(now), ms(now.Add(PasswordResetTTL))); err != nil {
			return err
		}
		err := s.enqueueEmail(tx, domain.Email{Kind: domain.EmailPasswordReset, OrgSID: u.OrgSID, To: u.Email, Token: token,
			Data: domain.EmailData{Name: u.Name, Email: u.Email}})
		if err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: domain.Actor{Type: "anonymous", IP: ip}, Action: "password.reset.request",
			TargetType: "user", TargetSID: u.SID})
	})
}

// PasswordReset is what a reset link's page shows: whose link it is and whether it still works.
type PasswordReset struct {
	User *domain.User
	Gone domain.Message // why the link no longer works; zero while it does
}

// FindPasswordReset returns the reset link with the token; an unknown token is not found.
func (s *Store) FindPasswordReset(ctx context.Context, token string) (*PasswordReset, error) {
	var userSID string
	var expires int64
	var used sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT user_sid, expires_at, used_at FROM password_resets WHERE token_hash = ?`,
		auth.HashToken(token)).Scan(&userSID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Fail(domain.ENotFound, domain.MsgResetLinkInvalid)
	}
	if err != nil {
		return nil, err
	}
	u, err := s.FindUserBySID(ctx, userSID)
	if err != nil {
		return nil, err
	}
	r := &PasswordReset{User: u}
	switch {
	case used.Valid:
		r.Gone = domain.MsgResetLinkUsed
	case !s.Now().Before(time.UnixMilli(expires)):
		r.Gone = domain.MsgResetLinkExpired
	case u.Status != domain.UserActive:
		r.Gone = domain.MsgResetUserDeactivated
	}
	return r, nil
}

// ResetPassword sets the password of the reset link's user to passwordHash, the hash of a new
// password the caller checked against the password policy (see FindPasswordReset for the user
// to check it with). The link is used up in the same
// conditional update that checks it, so it works once however often it is posted; the user's
// sessions all end, their failed sign-ins are forgotten and they are told by email.
func (s *Store) ResetPassword(ctx context.Context, token, passwordHash, ip string) (*domain.User, error) {
	r, err := s.FindPasswordReset(ctx, token)
	if err != nil {
		return nil, err
	}
	if !r.Gone.IsZero() {
		return nil, domain.Fail(domain.EConflict, r.Gone)
	}
	if passwordHash == "" {
		return nil, errNoPasswordHash
	}
	u := r.User
	err = s.write(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		res, err := tx.Exec(`UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
			ms(now), auth.HashToken(token), ms(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Fail(domain.EConflict, domain.MsgResetLinkUsed)
		}
		if _, err := tx.Exec(`UPDATE users SET password_hash = ?, version = version + 1, updated_at = ? WHERE sid = ? AND status = 'active'`,
			passwordHash, ms(now), u.SID); err != nil {
			return err
		}
		ended, err := endOtherSessionsTx(tx, u.SID, nil)
		if err != nil {
			return err
		}
		if err := clearAccountFailuresTx(tx, u.Email); err != nil {
			return err
		}
		if err := s.enqueueEmail(tx, securityNotice(u, domain.EmailPasswordResetDone)); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "password.reset", TargetType: "user",
			TargetSID: u.SID, After: map[string]int{"sessions_ended": ended}})
	})
	return u, err
}
