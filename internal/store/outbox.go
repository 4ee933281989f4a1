package store

import (
	"database/sql"
	"strings"
)

// MailTokenPlaceholder stands in an outbox body for the raw link token. The token itself is
// kept sealed (AES-GCM) beside the message and put into the body only when the mail is sent,
// after which it is erased.
const MailTokenPlaceholder = "{{TOKEN}}"

// Mail is one email to write to the outbox.
type Mail struct {
	OrgSID  string
	To      string
	Subject string
	Text    string // plain-text body; may contain MailTokenPlaceholder
	HTML    string // HTML body; may contain MailTokenPlaceholder
	Token   string // the raw link token, sealed at rest; "" for mail without a link
}

// Sealer encrypts secrets at rest (auth.Keys).
type Sealer interface {
	Seal([]byte) ([]byte, error)
	Open([]byte) ([]byte, error)
}

// enqueueMail writes m to the outbox inside tx, the transaction of the action that causes it.
func (s *Store) enqueueMail(tx *sql.Tx, m Mail) error {
	var secret []byte
	if m.Token != "" {
		if s.sealer == nil {
			panic("store: enqueueMail with a token needs Options.Sealer")
		}
		var err error
		if secret, err = s.sealer.Seal([]byte(m.Token)); err != nil {
			return err
		}
	}
	now := ms(s.Now())
	_, err := tx.Exec(`INSERT INTO outbox (org_sid, to_addr, subject, text_body, html_body, secret, state, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
		nullString(m.OrgSID), strings.TrimSpace(m.To), m.Subject, m.Text, m.HTML, secret, now, now)
	return err
}
