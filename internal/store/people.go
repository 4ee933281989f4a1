package store

import (
	"context"
	"database/sql"
	"errors"

	"admincenter/internal/domain"
)

// accountMemberTx returns the user and their roles on the account; someone without a role is not found.
func accountMemberTx(tx *sql.Tx, accountSID, userSID string) (*domain.User, []string, error) {
	if !domain.ValidSID(domain.PrefixUser, userSID) {
		return nil, nil, notFound("The user")
	}
	u, err := scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.sid = ?`, userSID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, notFound("The user")
	}
	if err != nil {
		return nil, nil, err
	}
	roles, err := rolesOf(tx, accountSID, userSID)
	if err != nil {
		return nil, nil, err
	}
	if len(roles) == 0 {
		return nil, nil, notFound("The user")
	}
	return u, roles, nil
}

func withoutOwner(roles []string) []string {
	var out []string
	for _, r := range roles {
		if r != domain.RoleOwner {
			out = append(out, r)
		}
	}
	return out
}

// SetAccountUserRoles makes the user's roles on the account exactly the given ones (the owner
// keeps the owner role whatever is asked), audits the change and emails the user. It reports
// whether anything changed.
func (s *Store) SetAccountUserRoles(ctx context.Context, actor *domain.User, accountSID, userSID string, roles []string, ip string) (*domain.User, bool, error) {
	var target *domain.User
	changed := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		a, err := loadAccountTx(tx, accountSID)
		if err != nil {
			return err
		}
		u, held, err := accountMemberTx(tx, accountSID, userSID)
		if err != nil {
			return err
		}
		target = u
		isOwner := containsRole(held, domain.RoleOwner)
		want, msg := domain.CleanRoles(roles, isOwner)
		if !msg.IsZero() {
			if len(roles) == 0 {
				msg = domain.MsgRoleMissingOrRemove
			}
			return domain.FieldError("role", msg)
		}
		if err := a.closedErr(); err != nil {
			return err
		}
		before := withoutOwner(held)
		actorA := userActor(actor, ip)
		for _, r := range before {
			if !containsRole(want, r) {
				if err := s.revokeRoleTx(tx, actorA, a.OrgSID, a.SID, u.SID, r); err != nil {
					return err
				}
				changed = true
			}
		}
		for _, r := range want {
			if !containsRole(before, r) {
				if _, err := s.grantRoleTx(tx, actorA, a.OrgSID, a.SID, u.SID, r); err != nil {
					return err
				}
				changed = true
			}
		}
		if !changed {
			return nil
		}
		after := want
		if isOwner {
			before, after = held, append([]string{domain.RoleOwner}, want...)
		}
		if err := s.audit(tx, auditEntry{OrgSID: a.OrgSID, Actor: actorA, Action: "account.user.roles", TargetType: "user",
			TargetSID: u.SID, AccountSID: a.SID, Before: map[string]any{"email": u.Email, "roles": before},
			After: map[string]any{"email": u.Email, "roles": after}}); err != nil {
			return err
		}
		return s.enqueueEmail(tx, domain.Email{Kind: domain.EmailRolesChanged, OrgSID: a.OrgSID, To: u.Email,
			Data: domain.EmailData{ActorName: actor.Name, AccountSID: a.SID, AccountName: a.Name, RolesBefore: before, Roles: after}})
	})
	return target, changed, err
}

// ErrRemoveOwner is returned when someone tries to remove an account's owner from it.
var ErrRemoveOwner = domain.Fail(domain.EConflict, domain.MsgRemoveOwner)

// RemoveAccountUser takes every role on the account from the user (never the owner), audits
// it and emails the user.
func (s *Store) RemoveAccountUser(ctx context.Context, actor *domain.User, accountSID, userSID, ip string) (*domain.User, error) {
	var target *domain.User
	err := s.write(ctx, func(tx *sql.Tx) error {
		a, err := loadAccountTx(tx, accountSID)
		if err != nil {
			return err
		}
		u, held, err := accountMemberTx(tx, accountSID, userSID)
		if err != nil {
			return err
		}
		target = u
		if containsRole(held, domain.RoleOwner) || a.OwnerSID == u.SID {
			return ErrRemoveOwner
		}
		actorA := userActor(actor, ip)
		for _, r := range held {
			if err := s.revokeRoleTx(tx, actorA, a.OrgSID, a.SID, u.SID, r); err != nil {
				return err
			}
		}
		if err := s.audit(tx, auditEntry{OrgSID: a.OrgSID, Actor: actorA, Action: "account.user.remove", TargetType: "user",
			TargetSID: u.SID, AccountSID: a.SID, Before: map[string]any{"email": u.Email, "roles": held}}); err != nil {
			return err
		}
		return s.enqueueEmail(tx, domain.Email{Kind: domain.EmailAccessRemoved, OrgSID: a.OrgSID, To: u.Email,
			Data: domain.EmailData{ActorName: actor.Name, AccountSID: a.SID, AccountName: a.Name}})
	})
	return target, err
}
