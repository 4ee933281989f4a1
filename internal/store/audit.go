package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"admincenter/internal/domain"
)

// audit writes one audit event inside tx, the transaction of the change it records.
// before and after are marshalled to JSON unless nil.
func (s *Store) audit(tx *sql.Tx, orgSID string, actor domain.Actor, action, targetType, targetSID, accountSID string, before, after any, outcome string) error {
	if outcome == "" {
		outcome = "success"
	}
	actorType := actor.Type
	if actorType == "" {
		actorType = "anonymous"
	}
	_, err := tx.Exec(`INSERT INTO audit_events
		(org_sid, actor_type, actor_sid, actor_label, action, target_type, target_sid, account_sid, before, after, ip, outcome, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullString(orgSID), actorType, actor.SID, actor.Label, action, targetType, targetSID, accountSID,
		jsonOrEmpty(before), jsonOrEmpty(after), actor.IP, outcome, ms(s.Now()))
	return err
}

func jsonOrEmpty(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// ListAuditEventsForTest returns every audit event with the action, oldest first, in any organization.
func (s *Store) ListAuditEventsForTest(ctx context.Context, action string) ([]domain.AuditEvent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, coalesce(org_sid, ''), actor_type, actor_sid, actor_label, action, target_type,
		target_sid, account_sid, before, after, ip, outcome, created_at FROM audit_events WHERE action = ? ORDER BY id`, action)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.AuditEvent
	for rows.Next() {
		var e domain.AuditEvent
		var created sql.NullInt64
		if err := rows.Scan(&e.ID, &e.OrgSID, &e.ActorType, &e.ActorSID, &e.ActorLabel, &e.Action, &e.TargetType,
			&e.TargetSID, &e.AccountSID, &e.Before, &e.After, &e.IP, &e.Outcome, &created); err != nil {
			return nil, err
		}
		e.CreatedAt = fromMS(created)
		out = append(out, e)
	}
	return out, rows.Err()
}
