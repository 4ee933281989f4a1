package store

import (
	"context"
)

// The helpers below exist for tests (of this package and of web) and are named so.

// MailsToForTest returns every outbox message to the address, oldest first, with its link token
// opened from the sealed secret (empty once sent).
func (s *Store) MailsToForTest(ctx context.Context, to string) ([]Mail, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT coalesce(org_sid, ''), to_addr, subject, text_body, html_body, secret FROM outbox
		WHERE to_addr = ? COLLATE NOCASE ORDER BY id`, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Mail
	for rows.Next() {
		var m Mail
		var secret []byte
		if err := rows.Scan(&m.OrgSID, &m.To, &m.Subject, &m.Text, &m.HTML, &secret); err != nil {
			return nil, err
		}
		if len(secret) > 0 && s.sealer != nil {
			tok, err := s.sealer.Open(secret)
			if err != nil {
				return nil, err
			}
			m.Token = string(tok)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
