package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"admincenter/internal/domain"
)

// auditEntry is one audit event as a change describes it. Before and After are marshalled to
// JSON unless nil; an empty Outcome is "success", an Actor without a Type is anonymous, and an
// empty OrgSID (a change outside any organization) is stored as NULL.
type auditEntry struct {
	OrgSID     string
	Actor      domain.Actor
	Action     string
	TargetType string
	TargetSID  string
	AccountSID string
	Before     any
	After      any
	Outcome    string
}

// audit writes one audit event inside tx, the transaction of the change it records.
func (s *Store) audit(tx *sql.Tx, e auditEntry) error {
	if e.Outcome == "" {
		e.Outcome = "success"
	}
	actorType := e.Actor.Type
	if actorType == "" {
		actorType = "anonymous"
	}
	_, err := tx.Exec(`INSERT INTO audit_events
		(org_sid, actor_type, actor_sid, actor_label, action, target_type, target_sid, account_sid, before, after, ip, outcome, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullString(e.OrgSID), actorType, e.Actor.SID, e.Actor.Label, e.Action, e.TargetType, e.TargetSID, e.AccountSID,
		jsonOrEmpty(e.Before), jsonOrEmpty(e.After), e.Actor.IP, e.Outcome, ms(s.Now()))
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

// AuditFilter selects audit events of one organization. Every field but OrgSID is optional.
type AuditFilter struct {
	OrgSID  string
	Actor   string // an email (or its beginning), or a user SID
	Action  string // an action, or its beginning up to a dot: "account" matches "account.suspend"
	Account string // an AC SID
	From    string // YYYY-MM-DD, inclusive, a day in Zone
	To      string // YYYY-MM-DD, inclusive, a day in Zone
	Zone    string // the IANA time zone whose days From and To are, "" for UTC
	Cursor  string
	Limit   int
}

// AuditPage is one page of audit events, newest first.
type AuditPage struct {
	Events []domain.AuditEvent
	Next   string
	Prev   string
	Rows   Derived // the console's rendered rows of Events
}

const auditColumns = `id, coalesce(org_sid, ''), actor_type, actor_sid, actor_label, action, target_type,
	target_sid, account_sid, before, after, ip, outcome, created_at`

func scanAudit(row scanner) (domain.AuditEvent, error) {
	var e domain.AuditEvent
	var created sql.NullInt64
	err := row.Scan(&e.ID, &e.OrgSID, &e.ActorType, &e.ActorSID, &e.ActorLabel, &e.Action, &e.TargetType,
		&e.TargetSID, &e.AccountSID, &e.Before, &e.After, &e.IP, &e.Outcome, &created)
	e.CreatedAt = fromMS(created)
	return e, err
}

// where validates the filter and returns its SQL conditions.
func (f AuditFilter) where() ([]string, []any, error) {
	v := domain.Validation{}
	where, args := []string{"org_sid = ?"}, []any{f.OrgSID}
	if a := strings.TrimSpace(f.Actor); a != "" {
		if sid := normalizeSID(domain.PrefixUser, a); sid != "" {
			where, args = append(where, "actor_sid = ?"), append(args, sid)
		} else {
			where, args = append(where, `actor_label LIKE ? ESCAPE '\'`), append(args, likeEscape(a)+"%")
		}
	}
	if a := strings.TrimSpace(f.Action); a != "" {
		ok := len(a) <= 64
		for _, c := range a {
			ok = ok && (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_')
		}
		if !ok {
			v.Add("action", domain.MsgAuditAction)
		} else {
			where, args = append(where, `(action = ? OR action LIKE ? ESCAPE '\')`), append(args, a, likeEscape(strings.TrimSuffix(a, "."))+".%")
		}
	}
	if a := strings.TrimSpace(f.Account); a != "" {
		if sid := normalizeSID(domain.PrefixAccount, a); sid != "" {
			where, args = append(where, "account_sid = ?"), append(args, sid)
		} else {
			v.Add("account", domain.MsgAuditAccount)
		}
	}
	var from, to time.Time
	zone := time.UTC
	if f.Zone != "" && (f.From != "" || f.To != "") {
		if z, err := time.LoadLocation(f.Zone); err == nil {
			zone = z
		}
	}
	for _, d := range []struct {
		field, val string
		dst        *time.Time
	}{{"from", f.From, &from}, {"to", f.To, &to}} {
		if s := strings.TrimSpace(d.val); s != "" {
			t, err := time.ParseInLocation("2006-01-02", s, zone)
			if err != nil {
				v.Add(d.field, domain.MsgDate)
				continue
			}
			*d.dst = t
		}
	}
	if !from.IsZero() {
		where, args = append(where, "created_at >= ?"), append(args, ms(from))
	}
	if !to.IsZero() {
		where, args = append(where, "created_at < ?"), append(args, ms(to.AddDate(0, 0, 1)))
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		v.Add("to", domain.MsgDateRangeOrder)
	}
	return where, args, v.Err()
}

// ListAuditEvents returns one page of the organization's audit log, newest first, by keyset
// pagination on the event id.
func (s *Store) ListAuditEvents(ctx context.Context, f AuditFilter) (*AuditPage, error) {
	type key struct{ f AuditFilter }
	return cachedRead(&s.cache, topicAudit, key{f}, func() (*AuditPage, error) { return s.listAuditEvents(ctx, f) })
}

func (s *Store) listAuditEvents(ctx context.Context, f AuditFilter) (*AuditPage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = domain.PageSize
	}
	where, args, err := f.where()
	if err != nil {
		return nil, err
	}
	order, backwards := "id DESC", false
	if f.Cursor != "" {
		c, err := domain.ParseCursor(f.Cursor, 1)
		if err != nil {
			return nil, err
		}
		id, err := c.Int(0)
		if err != nil {
			return nil, err
		}
		if !c.Before {
			where = append(where, "id < ?")
		} else {
			where, order, backwards = append(where, "id > ?"), "id ASC", true
		}
		args = append(args, id)
	}
	args = append(args, f.Limit+1)
	var list []domain.AuditEvent
	rows, err := s.rowsRead(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE `+strings.Join(where, " AND ")+
		` ORDER BY `+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	page := &AuditPage{}
	page.Events, page.Next, page.Prev = keysetPage(list, f.Limit, backwards, f.Cursor != "",
		func(e domain.AuditEvent) []string { return []string{strconv.FormatInt(e.ID, 10)} })
	return page, nil
}

// EachAuditEvent calls fn for every event that matches the filter (cursor and limit ignored),
// newest first, streaming from one read transaction; it stops at fn's first error.
func (s *Store) EachAuditEvent(ctx context.Context, f AuditFilter, fn func(domain.AuditEvent) error) error {
	where, args, err := f.where()
	if err != nil {
		return err
	}
	return s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE `+strings.Join(where, " AND ")+` ORDER BY id DESC`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}
