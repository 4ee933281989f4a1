package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"admincenter/internal/domain"
)

// AuthzDeniedInterval is how often a user's refusals on one route are audited: at most one
// authz.denied event per user and route in it, so that probing for accounts cannot flood the
// audit log (ASVS 5.0 §16.3: log authorization failures; §16.4: protect the log).
const AuthzDeniedInterval = time.Minute

// AuthzDenial is a request refused for lack of access: the 404 that hides what the user may not
// see, or the 403 for a role they do not have.
type AuthzDenial struct {
	Route      string // method and route pattern: "POST /admin/accounts/:sid/suspend"
	Status     int
	TargetType string // "account", "user" or ""
	TargetSID  string // what the request named, as typed (cut to 64 characters)
}

// RecordAuthzDenied writes an authz.denied audit event for u's refused request d, unless one
// was written for u and the route within AuthzDeniedInterval (see auditRefusal).
func (s *Store) RecordAuthzDenied(ctx context.Context, u *domain.User, d AuthzDenial, ip string) error {
	account := ""
	if d.TargetType == "account" {
		account = truncate(d.TargetSID, 64)
	}
	return s.auditRefusal(ctx, u.SID, d.Route, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "authz.denied",
		TargetType: d.TargetType, TargetSID: truncate(d.TargetSID, 64), AccountSID: account,
		After: map[string]any{"route": d.Route, "status": d.Status}, Outcome: "denied"})
}

// auditRefusal writes e unless a refusal of who on route was audited within
// AuthzDeniedInterval (the authz_denials rows), so that whoever keeps sending refused requests
// cannot flood the audit log. When one was, it costs one read and no write; the write is a
// conditional upsert, so concurrent refusals still give one event.
func (s *Store) auditRefusal(ctx context.Context, who, route string, e auditEntry) error {
	now := s.Now()
	var last int64
	err := s.r.QueryRowContext(ctx, `SELECT at FROM authz_denials WHERE actor_sid = ? AND route = ?`, who, route).Scan(&last)
	switch {
	case err == nil && now.Sub(time.UnixMilli(last)) < AuthzDeniedInterval:
		return nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return err
	}
	return s.writeRetiring(ctx, s.retireAudit, func(tx *sql.Tx) error {
		res, err := tx.Exec(`INSERT INTO authz_denials (actor_sid, route, at) VALUES (?, ?, ?)
			ON CONFLICT (actor_sid, route) DO UPDATE SET at = excluded.at WHERE authz_denials.at <= ?`,
			who, route, ms(now), ms(now.Add(-AuthzDeniedInterval)))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		return s.audit(tx, e)
	})
}
