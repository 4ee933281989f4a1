package store

import (
	"context"
	"database/sql"
	"encoding/hex"

	"admincenter/internal/domain"
)

// SessionRef names a session in URLs and pages: the hex of its stored hash, which cannot be
// turned back into a cookie.
func SessionRef(idHash []byte) string { return hex.EncodeToString(idHash) }

// ListSessions returns the user's signed-in sessions, most recently seen first. Sessions past
// their timeouts are left out (FindSession deletes them when next presented).
func (s *Store) ListSessions(ctx context.Context, userSID string, p SessionPolicy) ([]Session, error) {
	now := s.Now()
	rows, err := s.r.QueryContext(ctx, `SELECT id_hash, user_sid, state, ip, user_agent, created_at, last_seen_at, expires_at
		FROM sessions WHERE user_sid = ? AND state = 'active' AND expires_at > ? AND last_seen_at > ?
		ORDER BY last_seen_at DESC, created_at DESC`, userSID, ms(now), ms(now.Add(-p.Idle)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var x Session
		var created, seen, expires sql.NullInt64
		if err := rows.Scan(&x.IDHash, &x.UserSID, &x.State, &x.IP, &x.UserAgent, &created, &seen, &expires); err != nil {
			return nil, err
		}
		x.CreatedAt, x.LastSeenAt, x.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
		out = append(out, x)
	}
	return out, rows.Err()
}

// RevokeSession ends one of the user's sessions, named by its SessionRef. Another user's
// session, or one that does not exist, is not found.
func (s *Store) RevokeSession(ctx context.Context, u *domain.User, ref, ip string) error {
	h, err := hex.DecodeString(ref)
	if err != nil || len(h) != 32 {
		return notFound("The session")
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var agent, sessIP string
		err := tx.QueryRow(`SELECT user_agent, ip FROM sessions WHERE id_hash = ? AND user_sid = ?`, h, u.SID).Scan(&agent, &sessIP)
		if err == sql.ErrNoRows {
			return notFound("The session")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM sessions WHERE id_hash = ? AND user_sid = ?`, h, u.SID); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "session.revoke", TargetType: "user",
			TargetSID: u.SID, Before: map[string]string{"session_ip": sessIP, "browser": truncate(agent, 120)}})
	})
}

// RevokeOtherSessions ends every session of the user but keep (the current one) and returns
// how many ended.
func (s *Store) RevokeOtherSessions(ctx context.Context, u *domain.User, keep []byte, ip string) (int, error) {
	var n int
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if n, err = endOtherSessionsTx(tx, u.SID, keep); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "session.revoke_others", TargetType: "user",
			TargetSID: u.SID, After: map[string]int{"sessions_ended": n}})
	})
	return n, err
}

// endOtherSessionsTx deletes the user's sessions except keep, pending ones included.
func endOtherSessionsTx(tx *sql.Tx, userSID string, keep []byte) (int, error) {
	if keep == nil {
		keep = []byte{}
	}
	res, err := tx.Exec(`DELETE FROM sessions WHERE user_sid = ? AND id_hash <> ?`, userSID, keep)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ChangePassword replaces the user's password hash oldHash, the one the caller checked the
// current password against, with newHash; if the password changed meanwhile nothing is written.
// It ends the user's other sessions, emails a notice and writes the audit event. A wrong current
// password is the caller's to record (RecordReauthenticationFailure).
func (s *Store) ChangePassword(ctx context.Context, u *domain.User, keep []byte, oldHash, newHash, ip string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		res, err := tx.Exec(`UPDATE users SET password_hash = ?, version = version + 1, updated_at = ? WHERE sid = ? AND password_hash = ?`,
			newHash, ms(now), u.SID, oldHash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EConflict, "Your password was changed meanwhile. Reload the page and try again.")
		}
		ended, err := endOtherSessionsTx(tx, u.SID, keep)
		if err != nil {
			return err
		}
		if err := s.enqueueEmail(tx, securityNotice(u, domain.EmailPasswordChanged)); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "password.change", TargetType: "user",
			TargetSID: u.SID, After: map[string]int{"other_sessions_ended": ended}})
	})
}
