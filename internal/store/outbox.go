package store

import (
	"database/sql"
	"encoding/json"
	"strings"

	"admincenter/internal/domain"
)

// Sealer encrypts secrets at rest (auth.Keys).
type Sealer interface {
	Seal([]byte) ([]byte, error)
	Open([]byte) ([]byte, error)
}

// enqueueEmail writes e to the outbox inside tx, the transaction of the action that causes it.
// The row keeps the kind and data; the link token is sealed beside them until the email is sent.
func (s *Store) enqueueEmail(tx *sql.Tx, e domain.Email) error {
	var secret []byte
	if e.Token != "" {
		if s.sealer == nil {
			panic("store: enqueueEmail with a token needs Options.Sealer")
		}
		var err error
		if secret, err = s.sealer.Seal([]byte(e.Token)); err != nil {
			return err
		}
	}
	if e.Data.Language == "" {
		e.Data.Language, e.Data.TimeZone = recipientLocale(tx, e.OrgSID, e.To)
	}
	data, err := json.Marshal(e.Data)
	if err != nil {
		return err
	}
	now := ms(s.Now())
	_, err = tx.Exec(`INSERT INTO outbox (org_sid, to_addr, kind, data, subject, text_body, html_body, secret, state, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, '', '', '', ?, 'pending', ?, ?)`,
		nullString(e.OrgSID), strings.TrimSpace(e.To), string(e.Kind), string(data), secret, now, now)
	return err
}

// recipientLocale is the language and time zone an email to addr is written in: its user's
// choices; for what a user has not chosen (or someone with no user yet, such as a new invitee),
// the organization's defaults.
func recipientLocale(tx *sql.Tx, orgSID, addr string) (lang, zone string) {
	_ = tx.QueryRow(`SELECT language, timezone FROM users WHERE email = ?`, domain.NormalizeEmail(addr)).Scan(&lang, &zone)
	if (lang == "" || zone == "") && orgSID != "" {
		var ol, oz string
		if tx.QueryRow(`SELECT language, timezone FROM organizations WHERE sid = ?`, orgSID).Scan(&ol, &oz) == nil {
			if lang == "" {
				lang = ol
			}
			if zone == "" {
				zone = oz
			}
		}
	}
	return lang, zone
}
