// Package storetest holds the fixtures that tests of every package share: users, organizations,
// the few raw changes that no store method makes on purpose (a user whose two-factor sign-in is
// on without a secret, an account moved out of its organization) and a clock to move by hand.
// Only tests import it. It needs nothing from package store but its Exec and Query methods, so
// the store's own tests can use it too.
package storetest

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

// DB is what the fixtures need of a store (*store.Store has both).
type DB interface {
	Exec(ctx context.Context, query string, args ...any) error
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Password is a password that every fixture user may share; it passes the password policy.
const Password = "correct horse battery staple"

var hashes sync.Map // password → argon2id hash: argon2id is slow, more so under the race detector

// NoPasswordHash is the password hash of a user who cannot sign in with a password.
const NoPasswordHash = auth.NoPassword

// PasswordHash returns the argon2id hash of password, hashed once per test binary; for "" it
// is NoPasswordHash. Store methods that set a password take its hash.
func PasswordHash(password string) (string, error) {
	if password == "" {
		return NoPasswordHash, nil
	}
	if h, ok := hashes.Load(password); ok {
		return h.(string), nil
	}
	h, err := auth.HashPassword(password)
	if err != nil {
		return "", err
	}
	hashes.Store(password, h)
	return h, nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// AddUser creates an active user, as signing up, an invitation or SCIM would: a member of orgSID
// with orgRole, or an external user when orgSID is "". With an empty password the user cannot sign
// in with one. It is the one way tests make a user.
func AddUser(ctx context.Context, db DB, orgSID, orgRole, email, name, password string) (*domain.User, error) {
	h, err := PasswordHash(password)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	if orgSID == "" {
		orgRole = ""
	}
	u := &domain.User{SID: domain.NewSID(domain.PrefixUser), Email: domain.NormalizeEmail(email), Name: name,
		Status: domain.UserActive, OrgSID: orgSID, OrgRole: orgRole, CreatedAt: now}
	err = db.Exec(ctx, `INSERT INTO users (sid, email, name, password_hash, status, org_sid, org_role, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)`, u.SID, u.Email, u.Name, h, null(u.OrgSID), null(u.OrgRole), ms(now), ms(now))
	return u, err
}

// AddOrganization creates an organization beside the others with its trusted domain and its Owner,
// as setup does for the first one.
func AddOrganization(ctx context.Context, db DB, name, dom, ownerName, ownerEmail, password string) (*domain.Organization, *domain.User, error) {
	now := time.Now().UTC()
	org := &domain.Organization{SID: domain.NewSID(domain.PrefixOrganization), Name: name, CreatedAt: now}
	if err := db.Exec(ctx, `INSERT INTO organizations (sid, name, created_at) VALUES (?, ?, ?)`, org.SID, name, ms(now)); err != nil {
		return nil, nil, err
	}
	if err := db.Exec(ctx, `INSERT INTO domains (org_sid, domain, token, verified_at, last_checked_at, created_at, trusted)
		VALUES (?, ?, ?, ?, ?, ?, 1)`, org.SID, strings.ToLower(dom), auth.NewToken(), ms(now), ms(now), ms(now)); err != nil {
		return nil, nil, err
	}
	owner, err := AddUser(ctx, db, org.SID, domain.OrgRoleOwner, ownerEmail, ownerName, password)
	return org, owner, err
}

// JoinOrg makes the user a member of the organization with the role.
func JoinOrg(ctx context.Context, db DB, userSID, orgSID, role string) error {
	return db.Exec(ctx, `UPDATE users SET org_sid = ?, org_role = ? WHERE sid = ?`, orgSID, role, userSID)
}

// SetUserStatus sets a user's status (active or deactivated) without the rest of deactivation.
func SetUserStatus(ctx context.Context, db DB, userSID, status string) error {
	return db.Exec(ctx, `UPDATE users SET status = ? WHERE sid = ?`, status, userSID)
}

// SetTOTPEnabled marks the user's two-factor sign-in as on or off, without a secret.
func SetTOTPEnabled(ctx context.Context, db DB, userSID string, on bool) error {
	var at any
	if on {
		at = ms(time.Now())
	}
	return db.Exec(ctx, `UPDATE users SET totp_enabled_at = ? WHERE sid = ?`, at, userSID)
}

// AddAccountRequest writes a pending import or share request for the account, expiring at
// expires (Unix milliseconds), whose token nobody knows.
func AddAccountRequest(ctx context.Context, db DB, orgSID, accountSID, kind, requestedBy string, expires int64) error {
	now := ms(time.Now())
	return db.Exec(ctx, `INSERT INTO account_requests (org_sid, account_sid, kind, token_hash, requested_by, sent_at, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, orgSID, accountSID, kind, auth.HashToken(auth.NewToken()), null(requestedBy), now, expires, now)
}

// SetAccountRelation moves an account out of (orgSID "") or into an organization.
func SetAccountRelation(ctx context.Context, db DB, accountSID, orgSID, relation string) error {
	return db.Exec(ctx, `UPDATE accounts SET org_sid = ?, org_relation = ? WHERE sid = ?`, null(orgSID), null(relation), accountSID)
}

// AuditEvents returns every audit event with the action, oldest first, in any organization.
func AuditEvents(ctx context.Context, db DB, action string) ([]domain.AuditEvent, error) {
	rows, err := db.Query(ctx, `SELECT id, coalesce(org_sid, ''), actor_type, actor_sid, actor_label, action, target_type,
		target_sid, account_sid, before, after, ip, outcome, created_at FROM audit_events WHERE action = ? ORDER BY id`, action)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.AuditEvent
	for rows.Next() {
		var e domain.AuditEvent
		var created int64
		if err := rows.Scan(&e.ID, &e.OrgSID, &e.ActorType, &e.ActorSID, &e.ActorLabel, &e.Action, &e.TargetType,
			&e.TargetSID, &e.AccountSID, &e.Before, &e.After, &e.IP, &e.Outcome, &created); err != nil {
			return nil, err
		}
		e.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// Clock returns a clock for Store.Now that tells t until moved by the returned function; both
// are safe to call from several goroutines.
func Clock(t time.Time) (now func() time.Time, advance func(time.Duration)) {
	var mu sync.Mutex
	cur := t
	return func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return cur
		}, func(d time.Duration) {
			mu.Lock()
			cur = cur.Add(d)
			mu.Unlock()
		}
}

// GrantRole gives the user the role on the account, whoever the user is (an outsider included),
// without an audit event.
func GrantRole(ctx context.Context, db DB, accountSID, userSID, role string) (string, error) {
	sid := domain.NewSID(domain.PrefixRoleAssignment)
	err := db.Exec(ctx, `INSERT INTO account_roles (sid, account_sid, user_sid, role, created_at) VALUES (?, ?, ?, ?, ?)`,
		sid, accountSID, userSID, role, ms(time.Now()))
	return sid, err
}
