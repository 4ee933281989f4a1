package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"admincenter/internal/domain"
)

// RoleAssignment is one account role held by one user: the row behind both the console's
// Users tab and the API's RoleAssignments.
type RoleAssignment struct {
	SID        string // IY…
	AccountSID string
	UserSID    string
	UserEmail  string
	Role       string
}

// grantRoleTx gives the user role on the account inside tx and audits it. The owner role changes
// only through owner transfer; a role the user already holds is a conflict.
func (s *Store) grantRoleTx(tx *sql.Tx, actor domain.Actor, orgSID, accountSID, userSID, role string) (string, error) {
	if role == domain.RoleOwner {
		return "", domain.Errorf(domain.EInvalid, "The owner role changes only through owner transfer.")
	}
	if !domain.ValidAccountRole(role) {
		return "", domain.Errorf(domain.EInvalid, "Unknown role %q.", role)
	}
	sid := domain.NewSID(domain.PrefixRoleAssignment)
	_, err := tx.Exec(`INSERT INTO account_roles (sid, account_sid, user_sid, role, created_at) VALUES (?, ?, ?, ?, ?)`,
		sid, accountSID, userSID, role, ms(s.Now()))
	if isUniqueViolation(err) {
		return "", domain.Errorf(domain.EConflict, "The user already has the %s role on this account.", domain.RoleLabel(role))
	}
	if err != nil {
		return "", err
	}
	after := map[string]string{"user": userSID, "role": role}
	return sid, s.audit(tx, auditEntry{OrgSID: orgSID, Actor: actor, Action: "account.role.grant", TargetType: "user", TargetSID: userSID,
		AccountSID: accountSID, After: after})
}

// revokeRoleTx takes role from the user on the account inside tx and audits it.
func (s *Store) revokeRoleTx(tx *sql.Tx, actor domain.Actor, orgSID, accountSID, userSID, role string) error {
	if role == domain.RoleOwner {
		return domain.Errorf(domain.EInvalid, "The owner role changes only through owner transfer.")
	}
	res, err := tx.Exec(`DELETE FROM account_roles WHERE account_sid = ? AND user_sid = ? AND role = ?`, accountSID, userSID, role)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("The role assignment")
	}
	before := map[string]string{"user": userSID, "role": role}
	return s.audit(tx, auditEntry{OrgSID: orgSID, Actor: actor, Action: "account.role.revoke", TargetType: "user", TargetSID: userSID,
		AccountSID: accountSID, Before: before})
}

// managedAccountTx checks that the account is a managed account of the organization.
func managedAccountTx(tx *sql.Tx, orgSID, accountSID string) error {
	var n int
	err := tx.QueryRow(`SELECT count(*) FROM accounts WHERE sid = ? AND org_sid = ? AND org_relation = 'managed'`, accountSID, orgSID).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound("The account")
	}
	return nil
}

// RevokeRoleAssignment deletes a role assignment of a managed account of the organization by its SID.
func (s *Store) RevokeRoleAssignment(ctx context.Context, actor domain.Actor, orgSID, assignmentSID string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var accountSID, userSID, role string
		err := tx.QueryRow(`SELECT r.account_sid, r.user_sid, r.role FROM account_roles r JOIN accounts a ON a.sid = r.account_sid
			WHERE r.sid = ? AND a.org_sid = ? AND a.org_relation = 'managed'`, assignmentSID, orgSID).Scan(&accountSID, &userSID, &role)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("The role assignment")
		}
		if err != nil {
			return err
		}
		return s.revokeRoleTx(tx, actor, orgSID, accountSID, userSID, role)
	})
}

// RoleAssignmentFilter selects role assignments of the organization's managed accounts.
type RoleAssignmentFilter struct {
	OrgSID     string
	AccountSID string // scope; "" for every account
	UserSID    string // identity; "" for every user
	Limit      int
}

// RoleAssignmentPage is one page of role assignments by SID with the cursors of its neighbours.
type RoleAssignmentPage struct {
	Assignments []RoleAssignment
	Next, Prev  string
}

// ListRoleAssignmentPage returns the page of the filter's role assignments at cursor ("" for
// the first; a bare RA SID is the page after that assignment).
func (s *Store) ListRoleAssignmentPage(ctx context.Context, f RoleAssignmentFilter, cursor string) (*RoleAssignmentPage, error) {
	if f.Limit <= 0 || f.Limit > domain.MaxPageSize {
		f.Limit = domain.PageSize
	}
	var c domain.Cursor
	if cursor != "" {
		var err error
		if c, err = parseRoleAssignmentCursor(cursor); err != nil {
			return nil, err
		}
	}
	where := []string{"a.org_sid = ?", "a.org_relation = 'managed'"}
	args := []any{f.OrgSID}
	if f.AccountSID != "" {
		where, args = append(where, "r.account_sid = ?"), append(args, f.AccountSID)
	}
	if f.UserSID != "" {
		where, args = append(where, "r.user_sid = ?"), append(args, f.UserSID)
	}
	order, backwards := "r.sid", false
	if cursor != "" {
		if sid := c.Key[0]; !c.Before {
			where, args = append(where, "r.sid > ?"), append(args, sid)
		} else {
			where, args, order, backwards = append(where, "r.sid < ?"), append(args, sid), "r.sid DESC", true
		}
	}
	args = append(args, f.Limit+1)
	var list []RoleAssignment
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT r.sid, r.account_sid, r.user_sid, u.email, r.role FROM account_roles r
			JOIN accounts a ON a.sid = r.account_sid JOIN users u ON u.sid = r.user_sid
			WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var ra RoleAssignment
			if err := rows.Scan(&ra.SID, &ra.AccountSID, &ra.UserSID, &ra.UserEmail, &ra.Role); err != nil {
				return err
			}
			list = append(list, ra)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	page := &RoleAssignmentPage{}
	page.Assignments, page.Next, page.Prev = keysetPage(list, f.Limit, backwards, cursor != "",
		func(ra RoleAssignment) []string { return []string{ra.SID} })
	return page, nil
}

// parseRoleAssignmentCursor reads a page token of the role assignments. A bare RA SID, the
// token the API has always taken, is the page after that assignment.
func parseRoleAssignmentCursor(token string) (domain.Cursor, error) {
	if domain.ValidSID(domain.PrefixRoleAssignment, token) {
		return domain.CursorAfter(token), nil
	}
	c, err := domain.ParseCursor(token, 1)
	if err == nil && !domain.ValidSID(domain.PrefixRoleAssignment, c.Key[0]) {
		err = domain.ErrBadCursor
	}
	return c, err
}
