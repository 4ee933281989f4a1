package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"admincenter/internal/domain"
)

// AccessReviewFilter selects rows of the access review: who holds which roles on which of the
// organization's accounts.
type AccessReviewFilter struct {
	OrgSID   string
	Account  string // a name fragment or an AC SID
	User     string // an email or name fragment
	Role     string // "" or an account role
	External bool   // only users outside the organization
	Cursor   string
	Limit    int
}

// AccessRow is one user's roles on one account.
type AccessRow struct {
	AccountSID    string
	AccountName   string
	Relation      string
	AccountStatus string
	User          domain.User
	Roles         []string
	External      bool
}

// AccessReview is one page of the review, with the organization's unanswered invitations.
type AccessReview struct {
	Rows        []AccessRow
	Next, Prev  string
	Invitations []*domain.Invitation
}

func (f *AccessReviewFilter) where() (string, []any, error) {
	where, args := []string{"a.org_sid = ?"}, []any{f.OrgSID}
	if q := strings.TrimSpace(f.Account); q != "" {
		if sid := normalizeSID(domain.PrefixAccount, q); sid != "" {
			where, args = append(where, "a.sid = ?"), append(args, sid)
		} else {
			where, args = append(where, `a.friendly_name LIKE ? ESCAPE '\'`), append(args, "%"+likeEscape(q)+"%")
		}
	}
	if q := strings.TrimSpace(f.User); q != "" {
		where = append(where, `(u.email LIKE ? ESCAPE '\' OR u.name LIKE ? ESCAPE '\')`)
		args = append(args, "%"+likeEscape(q)+"%", "%"+likeEscape(q)+"%")
	}
	if f.External {
		where = append(where, "coalesce(u.org_sid, '') <> a.org_sid")
	}
	if f.Role != "" {
		if !domain.ValidAccountRole(f.Role) {
			return "", nil, domain.Errorf(domain.EInvalid, "Unknown role %q.", f.Role)
		}
		where = append(where, "EXISTS (SELECT 1 FROM account_roles x WHERE x.account_sid = r.account_sid AND x.user_sid = r.user_sid AND x.role = ?)")
		args = append(args, f.Role)
	}
	return strings.Join(where, " AND "), args, nil
}

// accessRowSelect reads one row per role, in the order of account_roles' unique index
// (account_sid, user_sid, role), so rows of one user on one account come together and a page
// stops reading after its rows instead of grouping and sorting every role of the organization.
const accessRowSelect = `SELECT a.sid, a.friendly_name, coalesce(a.org_relation, ''), a.status, ` + userColumns + `, r.role
	FROM account_roles r CROSS JOIN accounts a ON a.sid = r.account_sid CROSS JOIN users u ON u.sid = r.user_sid WHERE `

// eachAccessRow calls fn with each user's roles on each account, in (account, user) order or
// its reverse, until fn answers false. With groups > 0 it reads no further than the rows that
// can hold that many (a user holds at most one row per role on an account): SQLite stops
// reading when the rows are closed, but PostgreSQL sends every row of the query, which for a
// page of the review was every role in the organization.
func eachAccessRow(tx *sql.Tx, orgSID, where string, args []any, desc bool, groups int, fn func(AccessRow) (bool, error)) error {
	order := " ORDER BY r.account_sid, r.user_sid, r.role"
	if desc {
		order = " ORDER BY r.account_sid DESC, r.user_sid DESC, r.role DESC"
	}
	if groups > 0 {
		// One group more than asked, so that the last one asked for is complete (the next has
		// begun) however many roles each holds.
		order += " LIMIT ?"
		args = append(slices.Clip(args), (groups+1)*len(domain.AccountRoles))
	}
	rows, err := tx.Query(accessRowSelect+where+order, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var cur *AccessRow
	for rows.Next() {
		ar, err := scanAccess(rows, orgSID)
		if err != nil {
			return err
		}
		if cur != nil && cur.AccountSID == ar.AccountSID && cur.User.SID == ar.User.SID {
			cur.Roles = append(cur.Roles, ar.Roles...)
			continue
		}
		if cur != nil {
			cur.Roles = domain.SortRoles(cur.Roles)
			if more, err := fn(*cur); err != nil || !more {
				return err
			}
		}
		cur = &ar
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if cur != nil {
		cur.Roles = domain.SortRoles(cur.Roles)
		_, err = fn(*cur)
	}
	return err
}

func scanAccess(row scanner, orgSID string) (AccessRow, error) {
	var ar AccessRow
	var roles string
	var sid, name, rel, status string
	u, err := scanUserAfter(row, []any{&sid, &name, &rel, &status}, &roles)
	if err != nil {
		return ar, err
	}
	u.PasswordHash = ""
	ar = AccessRow{AccountSID: sid, AccountName: name, Relation: rel, AccountStatus: status, User: *u,
		Roles: domain.SortRoles(strings.Split(roles, ",")), External: u.OrgSID != orgSID}
	return ar, nil
}

// scanUserAfter scans leading columns, then userColumns, then trailing ones.
func scanUserAfter(row scanner, lead []any, extra ...any) (*domain.User, error) {
	var u domain.User
	var lastLogin, created sql.NullInt64
	dest := append(lead, &u.SID, &u.Email, &u.Name, &u.Status, &u.OrgSID, &u.OrgRole, &u.TOTPEnabled,
		&lastLogin, &created, &u.PasswordHash, &u.Version, &u.Language, &u.TimeZone)
	dest = append(dest, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	u.LastLoginAt, u.CreatedAt = fromMS(lastLogin), fromMS(created)
	return &u, nil
}

// parseReviewCursor reads a position in the access review, which is ordered by account, then user.
func parseReviewCursor(s string) (c domain.Cursor, accountSID, userSID string, err error) {
	c, err = domain.ParseCursor(s, 2)
	if err != nil {
		return c, "", "", err
	}
	ac, us := c.Key[0], c.Key[1]
	if !domain.ValidSID(domain.PrefixAccount, ac) || !domain.ValidSID(domain.PrefixUser, us) {
		return c, "", "", domain.ErrBadCursor
	}
	return c, ac, us, nil
}

// ReviewAccess returns one page of the access review and the organization's unanswered
// invitations (pending and expired), soonest expiry first.
func (s *Store) ReviewAccess(ctx context.Context, f AccessReviewFilter) (*AccessReview, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	where, args, err := f.where()
	if err != nil {
		return nil, err
	}
	var backwards bool
	if f.Cursor != "" {
		c, ac, us, err := parseReviewCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		backwards = c.Before
		if !backwards {
			where += " AND (r.account_sid, r.user_sid) > (?, ?)"
		} else {
			where += " AND (r.account_sid, r.user_sid) < (?, ?)"
		}
		args = append(args, ac, us)
	}
	out := &AccessReview{}
	err = s.read(ctx, func(tx *sql.Tx) error {
		// The page, and one row more to know whether there is a next page.
		err := eachAccessRow(tx, f.OrgSID, where, args, backwards, f.Limit+1, func(ar AccessRow) (bool, error) {
			out.Rows = append(out.Rows, ar)
			return len(out.Rows) <= f.Limit, nil
		})
		if err != nil {
			return err
		}
		if f.External { // invitations have no membership yet
			return nil
		}
		out.Invitations, err = orgInvitationsTx(tx, f, 200)
		return err
	})
	if err != nil {
		return nil, err
	}
	out.Rows, out.Next, out.Prev = keysetPage(out.Rows, f.Limit, backwards, f.Cursor != "",
		func(r AccessRow) []string { return []string{r.AccountSID, r.User.SID} })
	return out, nil
}

func orgInvitationsTx(tx *sql.Tx, f AccessReviewFilter, limit int) ([]*domain.Invitation, error) {
	where, args := []string{"i.org_sid = ?", "i.state = 'pending'"}, []any{f.OrgSID}
	if q := strings.TrimSpace(f.Account); q != "" {
		if sid := normalizeSID(domain.PrefixAccount, q); sid != "" {
			where, args = append(where, "a.sid = ?"), append(args, sid)
		} else {
			where, args = append(where, `a.friendly_name LIKE ? ESCAPE '\'`), append(args, "%"+likeEscape(q)+"%")
		}
	}
	if q := strings.TrimSpace(f.User); q != "" {
		where, args = append(where, `i.email LIKE ? ESCAPE '\'`), append(args, "%"+likeEscape(q)+"%")
	}
	if f.Role != "" {
		where, args = append(where, `(',' || i.roles || ',') LIKE ?`), append(args, "%,"+f.Role+",%")
	}
	q := `SELECT ` + invitationColumns + invitationFrom + `WHERE ` + strings.Join(where, " AND ") + ` ORDER BY i.expires_at, i.id`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := tx.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*domain.Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// ExportAccessReview calls row for every row of the review and then inv for every unanswered
// invitation, all from one snapshot, for the CSV export.
func (s *Store) ExportAccessReview(ctx context.Context, f AccessReviewFilter, row func(AccessRow) error, inv func(*domain.Invitation) error) error {
	where, args, err := f.where()
	if err != nil {
		return err
	}
	return s.read(ctx, func(tx *sql.Tx) error {
		err := eachAccessRow(tx, f.OrgSID, where, args, false, 0, func(ar AccessRow) (bool, error) { return true, row(ar) })
		if err != nil {
			return err
		}
		if f.External {
			return nil
		}
		invs, err := orgInvitationsTx(tx, f, 0)
		if err != nil {
			return err
		}
		for _, i := range invs {
			if err := inv(i); err != nil {
				return err
			}
		}
		return nil
	})
}
