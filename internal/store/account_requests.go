package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// AccountRequest is one pending import or share request, as the Pending tab shows it.
type AccountRequest struct {
	ID          int64
	Kind        string // import or share
	AccountSID  string
	AccountName string
	OwnerEmail  string
	RequestedBy string // email of who asked; "" when unknown
	SentAt      time.Time
	ExpiresAt   time.Time
}

// Expired reports whether the request's link has run out at now.
func (r AccountRequest) Expired(now time.Time) bool { return !now.Before(r.ExpiresAt) }

// RequestPage is one page of pending requests.
type RequestPage struct {
	Requests []AccountRequest
	Next     string // cursor of the next (older) page
}

// ListAccountRequests returns the organization's pending import and share requests, newest first,
// 50 a page (cursor: the Next of the page before).
func (s *Store) ListAccountRequests(ctx context.Context, orgSID, cursor string) (*RequestPage, error) {
	before := int64(1<<62 - 1)
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 0 {
			return nil, ErrBadCursor
		}
		before = n
	}
	const limit = 50
	page := &RequestPage{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT r.id, r.kind, r.account_sid, a.friendly_name, o.email, coalesce(b.email, ''), r.sent_at, r.expires_at
			FROM account_requests r JOIN accounts a ON a.sid = r.account_sid JOIN users o ON o.sid = a.owner_sid
			LEFT JOIN users b ON b.sid = r.requested_by
			WHERE r.org_sid = ? AND r.state = 'pending' AND r.id < ? ORDER BY r.id DESC LIMIT ?`, orgSID, before, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r AccountRequest
			var sent, exp sql.NullInt64
			if err := rows.Scan(&r.ID, &r.Kind, &r.AccountSID, &r.AccountName, &r.OwnerEmail, &r.RequestedBy, &sent, &exp); err != nil {
				return err
			}
			r.SentAt, r.ExpiresAt = fromMS(sent), fromMS(exp)
			page.Requests = append(page.Requests, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	if len(page.Requests) > limit {
		page.Requests = page.Requests[:limit]
		page.Next = strconv.FormatInt(page.Requests[limit-1].ID, 10)
	}
	return page, nil
}
