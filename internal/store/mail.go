package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"admincenter/internal/domain"
)

// Outbox states.
const (
	MailPending = "pending"
	MailSent    = "sent"
	MailFailed  = "failed" // the server refused it for good (5xx)
	MailDead    = "dead"   // temporary failures until MaxMailAttempts ran out
)

// MaxMailAttempts is how often the sender tries one message before it is dead.
const MaxMailAttempts = 8

// OutboxMail is one outbox row: an email's kind and data, which internal/mail composes, or, for
// a row queued before kinds (Kind ""), its rendered subject and bodies. Token is the opened link
// token, only while the row still holds it (ClaimMail, ListDevMail); Text and HTML are read
// there too.
type OutboxMail struct {
	ID            int64
	OrgSID        string
	To            string
	Kind          domain.EmailKind
	Data          domain.EmailData
	Token         string
	Subject       string
	Text          string
	HTML          string
	State         string
	Attempts      int
	LastError     string
	NextAttemptAt time.Time
	CreatedAt     time.Time
	SentAt        time.Time
}

// MessageID is the row's Message-ID (without angle brackets): the same at every attempt, so a
// receiver can drop a duplicate when a sender died between the server's answer and marking it sent.
func (m *OutboxMail) MessageID(host string) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d|%d|%s", m.ID, m.CreatedAt.UnixMilli(), m.To)))
	return fmt.Sprintf("outbox-%d.%s@%s", m.ID, hex.EncodeToString(sum[:8]), host)
}

// ClaimMail takes the oldest due message for one sender for lease long and returns it with its
// link token opened, or nil when nothing is due. A sender that dies lets the
// lease run out; the message is then due again.
func (s *Store) ClaimMail(ctx context.Context, lease time.Duration) (*OutboxMail, error) {
	now := s.Now()
	var m *OutboxMail
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = s.scanOutboxBody(tx.QueryRow(`UPDATE outbox SET locked_until = ?, attempts = attempts + 1
			WHERE id = (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?
				AND coalesce(locked_until, 0) <= ? ORDER BY next_attempt_at, id LIMIT 1`+s.skipLocked()+`)
			RETURNING `+outboxColumns+`, text_body, html_body, secret`,
			ms(now.Add(lease)), ms(now), ms(now)))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return m, err
}

// scanOutboxBody scans outboxColumns followed by the bodies and the sealed token, and opens the token.
func (s *Store) scanOutboxBody(row scanner) (*OutboxMail, error) {
	var secret []byte
	var text, html string
	m, err := scanOutbox(row, &text, &html, &secret)
	if err != nil {
		return nil, err
	}
	m.Text, m.HTML = text, html
	if secret == nil {
		return m, nil
	}
	if s.sealer == nil {
		return nil, errors.New("store: outbox row holds a token but the store was opened without Options.Sealer")
	}
	tok, err := s.sealer.Open(secret)
	if err != nil {
		return nil, fmt.Errorf("opening the token of outbox row %d: %w", m.ID, err)
	}
	m.Token = string(tok)
	return m, nil
}

// MarkMailSent records delivery and erases the link token.
func (s *Store) MarkMailSent(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE outbox SET state = 'sent', sent_at = ?, secret = NULL, locked_until = NULL, last_error = ''
			WHERE id = ? AND state = 'pending'`, ms(s.Now()), id)
		return err
	})
}

// MailBackoff is the wait before attempt n+1 after n failed attempts: exponential from 30 s,
// at most an hour, with ±20 % jitter so that many messages do not retry in step.
func MailBackoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	jitter := time.Duration((rand.Float64()*0.4 - 0.2) * float64(d))
	return d + jitter
}

// RetryMailLater records a temporary failure: the message is due again after a backoff, or dead
// once MaxMailAttempts ran out.
func (s *Store) RetryMailLater(ctx context.Context, id int64, reason string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var attempts int
		var org sql.NullString
		var to string
		if err := tx.QueryRow(`SELECT attempts, org_sid, to_addr FROM outbox WHERE id = ? AND state = 'pending'`, id).Scan(&attempts, &org, &to); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			return err
		}
		reason = truncate(reason, 500)
		if attempts >= MaxMailAttempts {
			if _, err := tx.Exec(`UPDATE outbox SET state = 'dead', last_error = ?, locked_until = NULL WHERE id = ?`, reason, id); err != nil {
				return err
			}
			return s.audit(tx, auditEntry{OrgSID: org.String, Actor: systemActor, Action: "mail.dead", TargetType: "mail",
				TargetSID: fmt.Sprint(id), After: map[string]any{"to": to, "attempts": attempts, "error": reason}, Outcome: "failure"})
		}
		_, err := tx.Exec(`UPDATE outbox SET last_error = ?, locked_until = NULL, next_attempt_at = ? WHERE id = ?`,
			reason, ms(s.Now().Add(MailBackoff(attempts))), id)
		return err
	})
}

// FailMail records a permanent failure (the server refused the message).
func (s *Store) FailMail(ctx context.Context, id int64, reason string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var org sql.NullString
		var to string
		var attempts int
		if err := tx.QueryRow(`SELECT org_sid, to_addr, attempts FROM outbox WHERE id = ? AND state = 'pending'`, id).Scan(&org, &to, &attempts); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			return err
		}
		reason = truncate(reason, 500)
		if _, err := tx.Exec(`UPDATE outbox SET state = 'failed', last_error = ?, locked_until = NULL WHERE id = ?`, reason, id); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: org.String, Actor: systemActor, Action: "mail.failed", TargetType: "mail",
			TargetSID: fmt.Sprint(id), After: map[string]any{"to": to, "attempts": attempts, "error": reason}, Outcome: "failure"})
	})
}

var systemActor = domain.Actor{Type: "system", Label: "mail sender"}

const outboxColumns = `id, coalesce(org_sid, ''), to_addr, kind, data, subject, state, attempts, last_error, next_attempt_at,
	created_at, sent_at`

func scanOutbox(row scanner, extra ...any) (*OutboxMail, error) {
	var m OutboxMail
	var data string
	var next, created, sent sql.NullInt64
	dest := append([]any{&m.ID, &m.OrgSID, &m.To, &m.Kind, &data, &m.Subject, &m.State, &m.Attempts, &m.LastError, &next, &created, &sent}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(data), &m.Data); err != nil {
		return nil, fmt.Errorf("the data of outbox row %d: %w", m.ID, err)
	}
	m.NextAttemptAt, m.CreatedAt, m.SentAt = fromMS(next), fromMS(created), fromMS(sent)
	return &m, nil
}

// MailOverview is what the Mail page shows an organization's administrators.
type MailOverview struct {
	Problems []*OutboxMail // failed, dead, and pending mail that has failed at least once
	Queued   int           // pending mail that has not failed yet (or is being sent for the first time)
	Sent     int
}

// MailOverviewOf returns the organization's undelivered mail.
func (s *Store) MailOverviewOf(ctx context.Context, orgSID string) (*MailOverview, error) {
	var o MailOverview
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRow(`SELECT
			(SELECT count(*) FROM outbox WHERE org_sid = ?1 AND state = 'pending' AND last_error = ''),
			(SELECT count(*) FROM outbox WHERE org_sid = ?1 AND state = 'sent')`, orgSID).Scan(&o.Queued, &o.Sent); err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT `+outboxColumns+` FROM outbox WHERE org_sid = ?
			AND (state IN ('failed', 'dead') OR (state = 'pending' AND last_error <> '')) ORDER BY id DESC LIMIT 200`, orgSID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanOutbox(rows)
			if err != nil {
				return err
			}
			o.Problems = append(o.Problems, m)
		}
		return rows.Err()
	})
	return &o, err
}

// RetryMail puts a failed or dead message of the organization back in the queue, due now.
func (s *Store) RetryMail(ctx context.Context, admin *domain.User, id int64, ip string) (*OutboxMail, error) {
	var m *OutboxMail
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = scanOutbox(tx.QueryRow(`SELECT `+outboxColumns+` FROM outbox WHERE id = ? AND org_sid = ?`, id, admin.OrgSID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("The message")
		}
		if err != nil {
			return err
		}
		if m.State != MailFailed && m.State != MailDead {
			return domain.Errorf(domain.EConflict, "That message is not failed: it is %s.", m.State)
		}
		if _, err := tx.Exec(`UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, locked_until = NULL
			WHERE id = ?`, ms(s.Now()), id); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: admin.OrgSID, Actor: userActor(admin, ip), Action: "mail.retry", TargetType: "mail",
			TargetSID: fmt.Sprint(id), Before: map[string]any{"state": m.State, "error": m.LastError},
			After: map[string]any{"state": MailPending, "to": m.To}})
	})
	return m, err
}

// ListDevMail returns the newest messages of every organization with their bodies and opened
// link tokens, for the development mailbox.
func (s *Store) ListDevMail(ctx context.Context, limit int) ([]*OutboxMail, error) {
	var out []*OutboxMail
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT `+outboxColumns+`, text_body, html_body, secret FROM outbox ORDER BY id DESC LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := s.scanOutboxBody(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

// ReleaseMailLeases frees every message claimed by a sender that is no longer running. Only one
// server runs on a database, so at start-up every lease is a dead process's: its messages are
// sent again at once rather than after the lease runs out. A message that the dead sender had
// already handed to the SMTP server goes again with the same Message-ID.
//
// On PostgreSQL several instances share the outbox, and a lease at start-up may be a live
// instance's: none is released, and a dead instance's messages go again when their lease runs out.
func (s *Store) ReleaseMailLeases(ctx context.Context) (int64, error) {
	if s.pg {
		return 0, nil
	}
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`UPDATE outbox SET locked_until = NULL WHERE state = 'pending' AND locked_until IS NOT NULL`)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
