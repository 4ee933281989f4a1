package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"admincenter/internal/domain"
)

// accessTx loads, inside tx, the account as the user may see it, with the user as stored now
// (a deactivated user sees nothing). An account the user may not see is not found.
func accessTx(tx *sql.Tx, u *domain.User, sid string) (*domain.Access, error) {
	if u == nil || !domain.ValidSID(domain.PrefixAccount, sid) {
		return nil, notFound("The account")
	}
	fresh, err := scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.sid = ? AND u.status = 'active'`, u.SID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The account")
	}
	if err != nil {
		return nil, err
	}
	a, err := scanAccount(tx.QueryRow(`SELECT `+accountColumns+accountFrom+`WHERE a.sid = ?`, sid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The account")
	}
	if err != nil {
		return nil, err
	}
	roles, err := rolesOf(tx, a.SID, fresh.SID)
	if err != nil {
		return nil, err
	}
	acc := &domain.Access{Account: a, User: fresh, Roles: roles}
	if !acc.CanView() {
		return nil, notFound("The account")
	}
	return acc, nil
}

// Forbidden is the 403 for a user who sees the account but may not do what they asked:
// it names the role needed and the roles the user has.
func Forbidden(acc *domain.Access, what, roleNeeded domain.Message) error {
	return domain.Fail(domain.EForbidden, domain.MsgForbidden.With(roleNeeded, what, YourRoles(acc)))
}

// YourRoles describes the user's roles on the account (and in the organization) for messages.
func YourRoles(acc *domain.Access) []domain.Message {
	var parts []domain.Message
	if acc.OrgAdmin() {
		if acc.User.OrgRole == domain.OrgRoleOwner {
			parts = append(parts, domain.MsgYouOrgOwner)
		} else {
			parts = append(parts, domain.MsgYouOrgAdministrator)
		}
	}
	for _, r := range acc.Roles {
		parts = append(parts, domain.MsgYouAccountRole.With(domain.RoleLabel(r)))
	}
	if len(parts) == 0 {
		return []domain.Message{domain.MsgYouNoRole}
	}
	return parts
}

// ErrAccountClosed answers any change to a closed account.
var ErrAccountClosed = domain.Fail(domain.EConflict, domain.MsgAccountClosed)

func wrongState(a *domain.Account, msg domain.Message) error {
	return domain.Fail(domain.EConflict, domain.MsgWrongState.With(msg, statusWord(a.Status)))
}

func statusWord(s string) domain.Message {
	switch s {
	case domain.StatusActive:
		return domain.MsgStatusActive
	case domain.StatusSuspended:
		return domain.MsgStatusSuspended
	case domain.StatusPendingClosure:
		return domain.MsgStatusPendingClosure
	}
	return domain.MsgStatusClosed
}

// lifecycleTx runs one lifecycle change on an account the user may run the lifecycle of:
// check says whether the account's state allows it, apply changes the row; the audit event
// records the status before and after.
func (s *Store) lifecycleTx(ctx context.Context, u *domain.User, sid, ip, action string, what domain.Message,
	check func(a *domain.Account, now time.Time) error, apply func(tx *sql.Tx, a *domain.Account, now time.Time) error) (*domain.Account, error) {
	var out *domain.Account
	err := s.write(ctx, func(tx *sql.Tx) error {
		acc, err := accessTx(tx, u, sid)
		if err != nil {
			return err
		}
		if !acc.CanRunLifecycle() {
			return Forbidden(acc, what, acc.LifecycleRoleNeeded())
		}
		a := acc.Account
		now := s.Now()
		if err := check(a, now); err != nil {
			return err
		}
		before := map[string]string{"status": a.Status}
		if err := apply(tx, a, now); err != nil {
			return err
		}
		after := map[string]string{"status": a.Status}
		if !a.ClosesAt.IsZero() {
			after["closes_at"] = a.ClosesAt.UTC().Format(time.RFC3339)
		}
		out = a
		return s.audit(tx, auditEntry{OrgSID: a.OrgSID, Actor: userActor(acc.User, ip), Action: action, TargetType: "account",
			TargetSID: a.SID, AccountSID: a.SID, Before: before, After: after})
	})
	return out, err
}

func setStatusTx(tx *sql.Tx, a *domain.Account, status, before string, closesAt time.Time, now time.Time) error {
	_, err := tx.Exec(`UPDATE accounts SET status = ?, status_before_closure = ?, closes_at = ?, updated_at = ? WHERE sid = ?`,
		status, nullString(before), nullMS(closesAt), ms(now), a.SID)
	a.Status, a.StatusBefore, a.ClosesAt, a.UpdatedAt = status, before, closesAt, now
	return err
}

// SuspendAccount suspends an active account.
func (s *Store) SuspendAccount(ctx context.Context, u *domain.User, sid, ip string) (*domain.Account, error) {
	return s.lifecycleTx(ctx, u, sid, ip, "account.suspend", domain.MsgWhatSuspend,
		func(a *domain.Account, _ time.Time) error {
			if a.Status != domain.StatusActive {
				return wrongState(a, domain.MsgOnlyActiveSuspended)
			}
			return nil
		},
		func(tx *sql.Tx, a *domain.Account, now time.Time) error {
			return setStatusTx(tx, a, domain.StatusSuspended, "", time.Time{}, now)
		})
}

// ReactivateAccount makes a suspended account active again.
func (s *Store) ReactivateAccount(ctx context.Context, u *domain.User, sid, ip string) (*domain.Account, error) {
	return s.lifecycleTx(ctx, u, sid, ip, "account.reactivate", domain.MsgWhatReactivate,
		func(a *domain.Account, _ time.Time) error {
			if a.Status != domain.StatusSuspended {
				return wrongState(a, domain.MsgOnlySuspendedReactive)
			}
			return nil
		},
		func(tx *sql.Tx, a *domain.Account, now time.Time) error {
			return setStatusTx(tx, a, domain.StatusActive, "", time.Time{}, now)
		})
}

// CloseAccount starts closing an active or suspended account: it becomes pending_closure and
// is closed for good once grace has passed, unless the closure is cancelled before.
func (s *Store) CloseAccount(ctx context.Context, u *domain.User, sid string, in domain.CloseAccountInput, grace time.Duration, ip string) (*domain.Account, error) {
	return s.lifecycleTx(ctx, u, sid, ip, "account.close", domain.MsgWhatClose,
		func(a *domain.Account, _ time.Time) error {
			if a.Status != domain.StatusActive && a.Status != domain.StatusSuspended {
				return wrongState(a, domain.MsgOnlyOpenClosed)
			}
			return in.Validate(a.FriendlyName)
		},
		func(tx *sql.Tx, a *domain.Account, now time.Time) error {
			return setStatusTx(tx, a, domain.StatusPendingClosure, a.Status, now.Add(grace), now)
		})
}

// CancelClosure returns an account pending closure to the status it had before, while the
// cooling-off period lasts.
func (s *Store) CancelClosure(ctx context.Context, u *domain.User, sid, ip string) (*domain.Account, error) {
	return s.lifecycleTx(ctx, u, sid, ip, "account.close.cancel", domain.MsgWhatCancelClosure,
		func(a *domain.Account, now time.Time) error {
			if a.Status != domain.StatusPendingClosure {
				return wrongState(a, domain.MsgOnlyPendingCancelled)
			}
			if !now.Before(a.ClosesAt) {
				return domain.Fail(domain.EConflict, domain.MsgCoolingOffOver)
			}
			return nil
		},
		func(tx *sql.Tx, a *domain.Account, now time.Time) error {
			back := a.StatusBefore
			if back != domain.StatusSuspended {
				back = domain.StatusActive
			}
			return setStatusTx(tx, a, back, "", time.Time{}, now)
		})
}

// CloseDueAccounts closes for good every account whose cooling-off period is over, each with
// its audit event, in one transaction. It returns how many it closed.
func (s *Store) CloseDueAccounts(ctx context.Context) (int, error) {
	n := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		rows, err := tx.Query(`SELECT sid, coalesce(org_sid, '') FROM accounts
			WHERE status = 'pending_closure' AND closes_at <= ? ORDER BY closes_at LIMIT 1000`, ms(now))
		if err != nil {
			return err
		}
		type due struct{ sid, org string }
		var list []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.sid, &d.org); err != nil {
				rows.Close()
				return err
			}
			list = append(list, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range list {
			if _, err := tx.Exec(`UPDATE accounts SET status = 'closed', closes_at = NULL, updated_at = ? WHERE sid = ?`, ms(now), d.sid); err != nil {
				return err
			}
			if err := s.audit(tx, auditEntry{OrgSID: d.org, Actor: domain.Actor{Type: "system", Label: "closure job"},
				Action: "account.closed", TargetType: "account", TargetSID: d.sid, AccountSID: d.sid,
				Before: map[string]string{"status": domain.StatusPendingClosure}, After: map[string]string{"status": domain.StatusClosed}}); err != nil {
				return err
			}
		}
		n = len(list)
		return nil
	})
	return n, err
}

// RemoveFromOrganization hands a managed account back to its owner, outside the organization.
func (s *Store) RemoveFromOrganization(ctx context.Context, u *domain.User, sid, ip string) (*domain.Account, error) {
	return s.dropRelation(ctx, u, sid, ip, domain.RelationManaged, "account.remove", domain.MsgWhatRemove,
		domain.MsgOnlyManagedRemoved)
}

func (s *Store) dropRelation(ctx context.Context, u *domain.User, sid, ip, relation, action string, what, wrong domain.Message) (*domain.Account, error) {
	var out *domain.Account
	err := s.write(ctx, func(tx *sql.Tx) error {
		acc, err := accessTx(tx, u, sid)
		if err != nil {
			return err
		}
		if !acc.OrgAdmin() {
			return Forbidden(acc, what, domain.MsgNeedOrgAdmin)
		}
		a := acc.Account
		if a.Relation != relation {
			return domain.Fail(domain.EConflict, domain.MsgWrongState.With(wrong, relationWord(a.Relation)))
		}
		now := s.Now()
		if _, err := tx.Exec(`UPDATE accounts SET org_sid = NULL, org_relation = NULL, updated_at = ? WHERE sid = ?`, ms(now), a.SID); err != nil {
			return err
		}
		org := a.OrgSID
		before := map[string]string{"relation": a.Relation, "organization": org}
		a.OrgSID, a.Relation, a.UpdatedAt = "", "", now
		out = a
		return s.audit(tx, auditEntry{OrgSID: org, Actor: userActor(acc.User, ip), Action: action, TargetType: "account", TargetSID: a.SID,
			AccountSID: a.SID, Before: before, After: map[string]string{"relation": "none"}})
	})
	return out, err
}

func relationWord(r string) domain.Message {
	switch r {
	case domain.RelationManaged:
		return domain.MsgRelationManaged
	case domain.RelationIndependent:
		return domain.MsgRelationIndependent
	}
	return domain.MsgRelationOutside
}
