package store

import (
	"context"
	"database/sql"
	"errors"

	"admincenter/internal/domain"
)

// FindManagedAccount returns a managed account of the organization. Any other SID, another
// organization's included, is not found.
func (s *Store) FindManagedAccount(ctx context.Context, orgSID, sid string) (*domain.Account, error) {
	if !domain.ValidSID(domain.PrefixAccount, sid) {
		return nil, notFound("The account")
	}
	a, err := scanAccount(s.r.QueryRowContext(ctx, `SELECT `+accountColumns+accountFrom+
		`WHERE a.sid = ? AND a.org_sid = ? AND a.org_relation = 'managed'`, sid, orgSID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The account")
	}
	return a, err
}

// ErrScopeNotManaged is the answer to a role assignment whose scope is not a managed account
// of the organization.
var ErrScopeNotManaged = domain.Errorf(domain.EInvalid, "The scope must be the SID of a managed account of the organization.")

// ErrIdentityUnknown is the answer to a role assignment for a user the organization does not know.
var ErrIdentityUnknown = domain.Errorf(domain.EInvalid, "The identity must be the SID of a user of the organization.")

// CreateRoleAssignment gives a user a role on a managed account of the organization, as the API's
// RoleAssignments create does. The user must be a member of the organization or already hold a role
// on one of its managed accounts (an external collaborator). It is the same row and the same audit
// event as a role given in the console.
func (s *Store) CreateRoleAssignment(ctx context.Context, actor domain.Actor, orgSID, accountSID, userSID, role string) (*RoleAssignment, error) {
	if !domain.ValidSID(domain.PrefixAccount, accountSID) {
		return nil, ErrScopeNotManaged
	}
	if !domain.ValidSID(domain.PrefixUser, userSID) {
		return nil, ErrIdentityUnknown
	}
	var ra *RoleAssignment
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := managedAccountTx(tx, orgSID, accountSID); err != nil {
			if domain.ErrorCode(err) == domain.ENotFound {
				return ErrScopeNotManaged
			}
			return err
		}
		var email string
		err := tx.QueryRow(`SELECT u.email FROM users u WHERE u.sid = ?1 AND (u.org_sid = ?2 OR EXISTS (
			SELECT 1 FROM account_roles r JOIN accounts a ON a.sid = r.account_sid
			WHERE r.user_sid = u.sid AND a.org_sid = ?2 AND a.org_relation = 'managed'))`, userSID, orgSID).Scan(&email)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrIdentityUnknown
		}
		if err != nil {
			return err
		}
		sid, err := s.grantRoleTx(tx, actor, orgSID, accountSID, userSID, role)
		if err != nil {
			return err
		}
		ra = &RoleAssignment{SID: sid, AccountSID: accountSID, UserSID: userSID, UserEmail: email, Role: role}
		return nil
	})
	return ra, err
}
