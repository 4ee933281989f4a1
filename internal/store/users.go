package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"admincenter/internal/domain"
)

const userColumns = `u.sid, u.email, u.name, u.status, coalesce(u.org_sid, ''), coalesce(u.org_role, ''),
	u.totp_enabled_at IS NOT NULL, u.last_login_at, u.created_at, u.password_hash, u.version,
	u.language, u.timezone`

type scanner interface{ Scan(dest ...any) error }

// scanUser scans userColumns, then any extra columns into extra.
func scanUser(row scanner, extra ...any) (*domain.User, error) {
	var u domain.User
	var lastLogin, created sql.NullInt64
	dest := append([]any{&u.SID, &u.Email, &u.Name, &u.Status, &u.OrgSID, &u.OrgRole, &u.TOTPEnabled,
		&lastLogin, &created, &u.PasswordHash, &u.Version, &u.Language, &u.TimeZone}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	u.LastLoginAt, u.CreatedAt = fromMS(lastLogin), fromMS(created)
	return &u, nil
}

// errNoPasswordHash is a caller's mistake: a new password is checked against the policy and
// hashed before the store sees it.
var errNoPasswordHash = errors.New("store: no password hash")

// passwordChecked stands in for the password policy in an input's Validate: the caller checked
// the password before hashing it, so only the other fields are the store's to check.
func passwordChecked(string, ...string) domain.Message { return domain.Message{} }

func insertUserTx(tx *sql.Tx, u *domain.User, passwordHash string, now time.Time) error {
	_, err := tx.Exec(`INSERT INTO users (sid, email, name, password_hash, status, org_sid, org_role, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
		u.SID, u.Email, u.Name, passwordHash, nullString(u.OrgSID), nullString(u.OrgRole), ms(now), ms(now))
	if isUniqueViolation(err) {
		return &domain.Error{Code: domain.EConflict, Message: "An account with this email already exists.",
			Fields: domain.Validation{"email": domain.MsgEmailTaken}}
	}
	return err
}

// FindUserByEmail returns the user with the email (case-insensitive).
func (s *Store) FindUserByEmail(ctx context.Context, email string) (*domain.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email = ?`, domain.NormalizeEmail(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The user")
	}
	return u, err
}

// FindUserBySID returns the user with the SID.
func (s *Store) FindUserBySID(ctx context.Context, sid string) (*domain.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.sid = ?`, sid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The user")
	}
	return u, err
}

func isUniqueViolation(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || pgUniqueViolation(err))
}

// UpdateProfile saves the user's own name, language and time zone (checked by the caller with
// domain.ProfileInput.Validate), audited as profile.update in the same transaction.
func (s *Store) UpdateProfile(ctx context.Context, u *domain.User, in domain.ProfileInput, ip string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var before domain.ProfileInput
		err := tx.QueryRow(`SELECT name, language, timezone FROM users WHERE sid = ?`, u.SID).Scan(&before.Name, &before.Language, &before.TimeZone)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("The user")
		}
		if err != nil {
			return err
		}
		if before == in {
			return nil
		}
		if _, err := tx.Exec(`UPDATE users SET name = ?, language = ?, timezone = ?, updated_at = ? WHERE sid = ?`,
			in.Name, in.Language, in.TimeZone, ms(s.Now()), u.SID); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "profile.update", TargetType: "user",
			TargetSID: u.SID, Before: profileJSON(before), After: profileJSON(in)})
	})
}

func profileJSON(p domain.ProfileInput) map[string]string {
	return map[string]string{"name": p.Name, "language": p.Language, "timezone": p.TimeZone}
}
