package store

import (
	"context"
	"database/sql"
	"sync"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

// AddMemberForTest creates an active user: a managed one of orgSID with orgRole, or an external
// one when orgSID is "". Tests of other packages use it to stand in for sign-up and invitations.
// Each password is hashed once per process: argon2id is slow, more so under the race detector.
func (s *Store) AddMemberForTest(ctx context.Context, orgSID, orgRole, email, name, password string) (*domain.User, error) {
	hash, err := testHash(password)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	u := &domain.User{SID: domain.NewSID(domain.PrefixUser), Email: domain.NormalizeEmail(email), Name: name, Status: "active",
		OrgSID: orgSID, OrgRole: orgRole, CreatedAt: now}
	if orgSID == "" {
		u.OrgRole = ""
	}
	return u, s.write(ctx, func(tx *sql.Tx) error { return insertUserTx(tx, u, hash, now) })
}

// SetTOTPEnabledForTest marks the user's two-factor sign-in as on or off, without a secret.
func (s *Store) SetTOTPEnabledForTest(ctx context.Context, userSID string, on bool) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var at sql.NullInt64
		if on {
			at = sql.NullInt64{Int64: ms(s.Now()), Valid: true}
		}
		_, err := tx.Exec(`UPDATE users SET totp_enabled_at = ? WHERE sid = ?`, at, userSID)
		return err
	})
}

// SetUserStatusForTest sets a user's status (active or deactivated).
func (s *Store) SetUserStatusForTest(ctx context.Context, userSID, status string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE users SET status = ? WHERE sid = ?`, status, userSID)
		return err
	})
}

// AddAccountRequestForTest writes a pending import or share request for the account.
func (s *Store) AddAccountRequestForTest(ctx context.Context, orgSID, accountSID, kind, requestedBy string, expires int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		now := ms(s.Now())
		_, err := tx.Exec(`INSERT INTO account_requests (org_sid, account_sid, kind, token_hash, requested_by, sent_at, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, orgSID, accountSID, kind, auth.HashToken(auth.NewToken()), nullString(requestedBy), now, expires, now)
		return err
	})
}

// SetAccountRelationForTest moves an account out of (orgSID "") or into an organization.
func (s *Store) SetAccountRelationForTest(ctx context.Context, accountSID, orgSID, relation string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE accounts SET org_sid = ?, org_relation = ? WHERE sid = ?`, nullString(orgSID), nullString(relation), accountSID)
		return err
	})
}

var testHashes sync.Map // password → argon2id hash

func testHash(password string) (string, error) {
	if h, ok := testHashes.Load(password); ok {
		return h.(string), nil
	}
	h, err := auth.HashPassword(password)
	if err != nil {
		return "", err
	}
	testHashes.Store(password, h)
	return h, nil
}
