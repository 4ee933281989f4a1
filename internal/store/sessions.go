package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

// Session is a server-side session; only the hash of its id is stored.
type Session struct {
	IDHash     []byte
	UserSID    string
	State      string // domain.SessionPending2FA or domain.SessionActive
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	Method     string // how it was signed in: domain.SignInPassword, SignInSSO or SignInSSOMFA
	// OrgName is the name of the user's organization ("" for a user outside one), read with the
	// session so that a page's header needs no query of its own.
	OrgName string
	// OrgTimeZone is the organization's default time zone ("" for none), for a user who has
	// not chosen one.
	OrgTimeZone string
}

// SessionPolicy holds the session timeouts.
type SessionPolicy struct {
	Idle     time.Duration
	Absolute time.Duration
}

// SignIn records a successful password sign-in: it creates a new session for the user (state
// active, or pending_2fa when the user has two-factor on), stamps the last sign-in and writes
// the audit event. It returns the raw session id for the cookie.
func (s *Store) SignIn(ctx context.Context, u *domain.User, ip, userAgent string, p SessionPolicy) (string, string, error) {
	id := auth.NewToken()
	now := s.Now()
	state := domain.SessionActive
	if u.TOTPEnabled {
		state = domain.SessionPending2FA
	}
	expires := now.Add(p.Absolute)
	if state == domain.SessionPending2FA {
		expires = now.Add(5 * time.Minute)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO sessions (id_hash, user_sid, state, ip, user_agent, created_at, last_seen_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, auth.HashToken(id), u.SID, state, ip, truncate(userAgent, 300), ms(now), ms(now), ms(expires)); err != nil {
			return err
		}
		if state != domain.SessionActive {
			return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: domain.Actor{Type: "user", SID: u.SID, Label: u.Email, IP: ip},
				Action: "signin.password", TargetType: "user", TargetSID: u.SID})
		}
		// The account's failures are not forgotten here: they age out, so that a user signing in
		// now and then does not reset an attacker's budget of guesses (a password reset lifts
		// the pause).
		if _, err := tx.Exec(`UPDATE users SET last_login_at = ? WHERE sid = ?`, ms(now), u.SID); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: domain.Actor{Type: "user", SID: u.SID, Label: u.Email, IP: ip},
			Action: "signin.success", TargetType: "user", TargetSID: u.SID, After: map[string]string{"method": "password"}})
	})
	return id, state, err
}

// RecordSignInFailure counts a failed sign-in from src (see SignInSource) and writes it to the
// audit log. The email is recorded only when it names a user, so the log does not collect typos
// and passwords pasted as emails.
func (s *Store) RecordSignInFailure(ctx context.Context, u *domain.User, src SignInSource, reason string) error {
	return s.writeRetiring(ctx, s.retireAudit, func(tx *sql.Tx) error {
		if err := s.recordFailureTx(tx, src); err != nil {
			return err
		}
		actor := domain.Actor{Type: "anonymous", IP: src.IP}
		orgSID, target := "", ""
		if u != nil {
			actor = domain.Actor{Type: "user", SID: u.SID, Label: u.Email, IP: src.IP}
			orgSID, target = u.OrgSID, u.SID
		}
		return s.audit(tx, auditEntry{OrgSID: orgSID, Actor: actor, Action: "signin.failure", TargetType: "user", TargetSID: target,
			After: map[string]string{"reason": reason}, Outcome: "failure"})
	})
}

// ErrNoSession is returned for a missing, expired or idle session.
var ErrNoSession = domain.Errorf(domain.EUnauthorized, "Please sign in.")

// FindSession returns the live session with the raw id and its user, and marks it seen.
// A session past its idle or absolute timeout, or of a deactivated user, is deleted.
func (s *Store) FindSession(ctx context.Context, id string, p SessionPolicy) (*Session, *domain.User, error) {
	if id == "" {
		return nil, nil, ErrNoSession
	}
	h := auth.HashToken(id)
	var sess Session
	var created, seen, expires sql.NullInt64
	row := s.rowRead(ctx, `SELECT `+userColumns+`, s.id_hash, s.user_sid, s.state, s.ip, s.user_agent, s.created_at, s.last_seen_at, s.expires_at,
		s.method, coalesce(o.name, ''), coalesce(o.timezone, '') FROM sessions s JOIN users u ON u.sid = s.user_sid LEFT JOIN organizations o ON o.sid = u.org_sid
		WHERE s.id_hash = ?`, h)
	u, err := scanUser(row, &sess.IDHash, &sess.UserSID, &sess.State, &sess.IP, &sess.UserAgent, &created, &seen, &expires, &sess.Method, &sess.OrgName, &sess.OrgTimeZone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	now := s.Now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= p.Idle || u.Status != domain.UserActive {
		_, _ = s.execUncached(ctx, `DELETE FROM sessions WHERE id_hash = ?`, h)
		return nil, nil, ErrNoSession
	}
	// Writing last_seen on every request would serialise reads behind the writer, so it is
	// written once a quarter of the idle timeout has passed (at most once a minute): a session
	// used more often than that never looks idle, however short the timeout.
	if now.Sub(sess.LastSeenAt) >= touchInterval(p.Idle) {
		if _, err := s.execUncached(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`, ms(now), h); err != nil {
			return nil, nil, err
		}
		sess.LastSeenAt = now
	}
	return &sess, u, nil
}

// touchInterval is how long a session's last_seen_at may lag behind its use.
func touchInterval(idle time.Duration) time.Duration {
	return min(time.Minute, idle/4)
}

// SignOut deletes the session with the raw id and records it.
func (s *Store) SignOut(ctx context.Context, id string, u *domain.User, ip string) error {
	return s.writeRetiring(ctx, s.retireAudit, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`DELETE FROM sessions WHERE id_hash = ?`, auth.HashToken(id)); err != nil {
			return err
		}
		if u == nil {
			return nil
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: domain.Actor{Type: "user", SID: u.SID, Label: u.Email, IP: ip},
			Action: "signout", TargetType: "user", TargetSID: u.SID})
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
