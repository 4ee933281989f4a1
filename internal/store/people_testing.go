package store

import (
	"context"
	"database/sql"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
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

// AddUserForTest creates an active user outside any organization, as signing up does. With an
// empty password the user cannot sign in (and no time is spent hashing).
func (s *Store) AddUserForTest(ctx context.Context, email, name, password string) (*domain.User, error) {
	hash := "!"
	if password != "" {
		var err error
		if hash, err = auth.HashPassword(password); err != nil {
			return nil, err
		}
	}
	var err error
	now := s.Now()
	u := &domain.User{SID: domain.NewSID(domain.PrefixUser), Email: domain.NormalizeEmail(email), Name: name, Status: "active", CreatedAt: now}
	err = s.write(ctx, func(tx *sql.Tx) error { return insertUserTx(tx, u, hash, now) })
	return u, err
}

// JoinOrgForTest makes the user a member of the organization with the role.
func (s *Store) JoinOrgForTest(ctx context.Context, userSID, orgSID, role string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE users SET org_sid = ?, org_role = ? WHERE sid = ?`, orgSID, role, userSID)
		return err
	})
}

// FixedClock returns a clock for Store.Now that tells t until moved by the returned function.
func FixedClock(t time.Time) (func() time.Time, func(time.Duration)) {
	cur := t
	ch := make(chan struct{}, 1)
	ch <- struct{}{}
	return func() time.Time {
			<-ch
			defer func() { ch <- struct{}{} }()
			return cur
		}, func(d time.Duration) {
			<-ch
			cur = cur.Add(d)
			ch <- struct{}{}
		}
}
