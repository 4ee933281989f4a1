package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"admincenter/internal/domain"
)

// OrgUser is a managed user with the number of accounts they hold a role on.
type OrgUser struct {
	User         domain.User
	AccountCount int
}

// OrgUserFilter selects a page of an organization's managed users, by email.
type OrgUserFilter struct {
	OrgSID        string
	Query         string // part of the email or name
	Role          string // an organization role, or "" for any
	Status        string // active or deactivated, or "" for both
	NoTwoFactor   bool   // only users without two-factor sign-in
	NeverSignedIn bool   // only users who never signed in
	NoCounts      bool   // leave AccountCount at 0: the people picker shows none, so it need not count
	Cursor        string
	Limit         int
}

// where is the filter's condition on users u (the organization, search and filters).
func (f OrgUserFilter) where() ([]string, []any, error) {
	where, args := []string{"u.org_sid = ?"}, []any{f.OrgSID}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, `(u.email LIKE ? ESCAPE '\' OR u.name LIKE ? ESCAPE '\')`)
		args = append(args, "%"+likeEscape(q)+"%", "%"+likeEscape(q)+"%")
	}
	if f.Role != "" {
		if !domain.ValidOrgRole(f.Role) {
			return nil, nil, domain.FieldError("role", domain.MsgOrgRoleInvalid)
		}
		where, args = append(where, "u.org_role = ?"), append(args, f.Role)
	}
	switch f.Status {
	case "":
	case domain.UserActive, domain.UserDeactivated:
		where, args = append(where, "u.status = ?"), append(args, f.Status)
	default:
		return nil, nil, domain.Errorf(domain.EInvalid, "Unknown user status %q.", f.Status)
	}
	if f.NoTwoFactor {
		where = append(where, "u.totp_enabled_at IS NULL")
	}
	if f.NeverSignedIn {
		where = append(where, "u.last_login_at IS NULL")
	}
	return where, args, nil
}

// CountCap is where a count of matching users stops: beyond it the page says "1,000+".
const CountCap = 1000

// CountOrgUsers counts the managed users that f selects (its cursor and limit aside), up to
// CountCap: a count reads at most that many of the organization's index entries and rows.
func (s *Store) CountOrgUsers(ctx context.Context, f OrgUserFilter) (n int, capped bool, err error) {
	where, args, err := f.where()
	if err != nil {
		return 0, false, err
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		return s.queryRowRead(ctx, tx, `SELECT count(*) FROM (SELECT 1 FROM users u WHERE `+strings.Join(where, " AND ")+` LIMIT ?) AS matches`,
			append(args, CountCap+1)...).Scan(&n)
	})
	if n > CountCap {
		return CountCap, true, err
	}
	return n, false, err
}

// OrgUserPage is one page of managed users with the cursors of its neighbours.
type OrgUserPage struct {
	Users []OrgUser
	Next  string
	Prev  string
}

// ListOrgUsers returns one page of the organization's managed users by email, keyset-paginated.
func (s *Store) ListOrgUsers(ctx context.Context, f OrgUserFilter) (*OrgUserPage, error) {
	if f.Limit <= 0 || f.Limit > domain.MaxPageSize {
		f.Limit = domain.PageSize
	}
	where, args, err := f.where()
	if err != nil {
		return nil, err
	}
	var backwards bool
	order := "u.email ASC"
	if f.Cursor != "" {
		c, err := domain.ParseCursor(f.Cursor, 1)
		if err != nil {
			return nil, err
		}
		email := c.Key[0]
		if backwards = c.Before; !backwards {
			where = append(where, "u.email > ?")
		} else {
			where = append(where, "u.email < ?")
			order = "u.email DESC"
		}
		args = append(args, email)
	}
	args = append(args, f.Limit+1)
	count := "(SELECT count(DISTINCT r.account_sid) FROM account_roles r WHERE r.user_sid = u.sid)"
	if f.NoCounts {
		count = "0"
	}
	var list []OrgUser
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT `+userColumns+`, `+count+`
			FROM users u WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n int
			u, err := scanUser(rows, &n)
			if err != nil {
				return err
			}
			u.PasswordHash = ""
			list = append(list, OrgUser{User: *u, AccountCount: n})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	page := &OrgUserPage{}
	page.Users, page.Next, page.Prev = keysetPage(list, f.Limit, backwards, f.Cursor != "",
		func(u OrgUser) []string { return []string{u.User.Email} })
	return page, nil
}

// orgTargetTx loads a managed user of the actor's organization and checks that the actor is
// still its Owner or an Administrator. A user of another organization is not found.
func orgTargetTx(tx *sql.Tx, actor *domain.User, userSID string) (*domain.User, error) {
	var actorRole string
	err := tx.QueryRow(`SELECT coalesce(org_role, '') FROM users WHERE sid = ? AND org_sid = ? AND status = 'active'`, actor.SID, actor.OrgSID).Scan(&actorRole)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && actorRole != domain.OrgRoleOwner && actorRole != domain.OrgRoleAdministrator) {
		return nil, domain.Fail(domain.EForbidden, domain.MsgOrgUsersNeedsAdmin)
	}
	if err != nil {
		return nil, err
	}
	actor.OrgRole = actorRole
	if !domain.ValidSID(domain.PrefixUser, userSID) {
		return nil, notFound("The user")
	}
	u, err := scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.sid = ? AND u.org_sid = ?`, userSID, actor.OrgSID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The user")
	}
	return u, err
}

// adminsLeftTx counts the active Owner and Administrators of the organization other than userSID.
func adminsLeftTx(tx *sql.Tx, orgSID, userSID string) (int, error) {
	var n int
	err := tx.QueryRow(`SELECT count(*) FROM users WHERE org_sid = ? AND sid <> ? AND status = 'active'
		AND org_role IN ('owner', 'administrator')`, orgSID, userSID).Scan(&n)
	return n, err
}

// Errors of the organization's guards.
var (
	ErrSelfChange         = domain.Fail(domain.EConflict, domain.MsgOrgUserSelfChange)
	ErrOwnerProtected     = domain.Fail(domain.EConflict, domain.MsgOrgUserOwnerProtected)
	ErrLastAdmin          = domain.Fail(domain.EConflict, domain.MsgOrgUserLastAdmin)
	ErrOnlyOwnerHandsOver = domain.Fail(domain.EForbidden, domain.MsgOrgUserOnlyOwner)
)

// SetOrgRole changes a managed user's organization role. Making someone the Owner is the
// Owner's own act and makes the former Owner an Administrator, in the same transaction.
func (s *Store) SetOrgRole(ctx context.Context, actor *domain.User, userSID, role, ip string) (*domain.User, error) {
	if !domain.ValidOrgRole(role) {
		return nil, &domain.Error{Code: domain.EInvalid, Message: domain.MsgOrgRoleInvalid.Text,
			Fields: domain.Validation{"role": domain.MsgOrgRoleInvalid}}
	}
	var target *domain.User
	err := s.write(ctx, func(tx *sql.Tx) error {
		u, err := orgTargetTx(tx, actor, userSID)
		if err != nil {
			return err
		}
		target = u
		if u.SID == actor.SID {
			return ErrSelfChange
		}
		if u.OrgRole == role {
			return nil
		}
		if u.OrgRole == domain.OrgRoleOwner {
			return ErrOwnerProtected
		}
		now := ms(s.Now())
		a := userActor(actor, ip)
		if role == domain.OrgRoleOwner {
			if actor.OrgRole != domain.OrgRoleOwner {
				return ErrOnlyOwnerHandsOver
			}
			if u.Status != domain.UserActive {
				return domain.Fail(domain.EConflict, domain.MsgOrgUserOwnerInactive.With(u.Email))
			}
			if _, err := tx.Exec(`UPDATE users SET org_role = 'administrator', version = version + 1, updated_at = ? WHERE sid = ?`, now, actor.SID); err != nil {
				return err
			}
			if err := s.audit(tx, auditEntry{OrgSID: actor.OrgSID, Actor: a, Action: "user.org_role", TargetType: "user",
				TargetSID: actor.SID, Before: map[string]string{"email": actor.Email, "org_role": domain.OrgRoleOwner},
				After: map[string]string{"email": actor.Email, "org_role": domain.OrgRoleAdministrator}}); err != nil {
				return err
			}
		} else if u.OrgRole == domain.OrgRoleAdministrator && u.Status == domain.UserActive {
			n, err := adminsLeftTx(tx, actor.OrgSID, u.SID)
			if err != nil {
				return err
			}
			if n == 0 {
				return ErrLastAdmin
			}
		}
		if _, err := tx.Exec(`UPDATE users SET org_role = ?, version = version + 1, updated_at = ? WHERE sid = ?`, role, now, u.SID); err != nil {
			return err
		}
		before := u.OrgRole
		u.OrgRole = role
		return s.audit(tx, auditEntry{OrgSID: actor.OrgSID, Actor: a, Action: "user.org_role", TargetType: "user", TargetSID: u.SID,
			Before: map[string]string{"email": u.Email, "org_role": before}, After: map[string]string{"email": u.Email, "org_role": role}})
	})
	return target, err
}

// DeactivateUser turns a managed user off and ends all their sessions in the same transaction.
func (s *Store) DeactivateUser(ctx context.Context, actor *domain.User, userSID, ip string) (*domain.User, error) {
	var target *domain.User
	err := s.write(ctx, func(tx *sql.Tx) error {
		u, err := orgTargetTx(tx, actor, userSID)
		if err != nil {
			return err
		}
		target = u
		switch {
		case u.SID == actor.SID:
			return ErrSelfChange
		case u.OrgRole == domain.OrgRoleOwner:
			return ErrOwnerProtected
		case u.Status == domain.UserDeactivated:
			return domain.Fail(domain.EConflict, domain.MsgOrgUserAlreadyInactive.With(u.Email))
		}
		if u.OrgRole == domain.OrgRoleAdministrator {
			n, err := adminsLeftTx(tx, actor.OrgSID, u.SID)
			if err != nil {
				return err
			}
			if n == 0 {
				return ErrLastAdmin
			}
		}
		if _, err := tx.Exec(`UPDATE users SET status = 'deactivated', version = version + 1, updated_at = ? WHERE sid = ?`, ms(s.Now()), u.SID); err != nil {
			return err
		}
		res, err := tx.Exec(`DELETE FROM sessions WHERE user_sid = ?`, u.SID)
		if err != nil {
			return err
		}
		ended, _ := res.RowsAffected()
		u.Status = domain.UserDeactivated
		return s.audit(tx, auditEntry{OrgSID: actor.OrgSID, Actor: userActor(actor, ip), Action: "user.deactivate", TargetType: "user",
			TargetSID: u.SID, Before: map[string]string{"email": u.Email, "status": domain.UserActive},
			After: map[string]any{"status": domain.UserDeactivated, "sessions_ended": ended}})
	})
	return target, err
}

// ReactivateUser turns a deactivated managed user back on.
func (s *Store) ReactivateUser(ctx context.Context, actor *domain.User, userSID, ip string) (*domain.User, error) {
	var target *domain.User
	err := s.write(ctx, func(tx *sql.Tx) error {
		u, err := orgTargetTx(tx, actor, userSID)
		if err != nil {
			return err
		}
		target = u
		if u.Status == domain.UserActive {
			return domain.Fail(domain.EConflict, domain.MsgOrgUserAlreadyActive.With(u.Email))
		}
		if _, err := tx.Exec(`UPDATE users SET status = 'active', version = version + 1, updated_at = ? WHERE sid = ?`, ms(s.Now()), u.SID); err != nil {
			return err
		}
		u.Status = domain.UserActive
		return s.audit(tx, auditEntry{OrgSID: actor.OrgSID, Actor: userActor(actor, ip), Action: "user.reactivate", TargetType: "user",
			TargetSID: u.SID, Before: map[string]string{"email": u.Email, "status": domain.UserDeactivated},
			After: map[string]string{"status": domain.UserActive}})
	})
	return target, err
}

// OwnedAccount is an organization account a user owns, which needs a new owner before they leave.
type OwnedAccount struct {
	SID, Name, Status string
}

// RemovalPlan is what removing a user from the organization involves.
type RemovalPlan struct {
	User       *domain.User
	Owned      []OwnedAccount
	Candidates []domain.User // active managed users who may become owners
}

func ownedAccountsTx(tx *sql.Tx, orgSID, userSID string) ([]OwnedAccount, error) {
	rows, err := tx.Query(`SELECT sid, friendly_name, status FROM accounts WHERE org_sid = ? AND org_relation = 'managed' AND owner_sid = ?
		ORDER BY friendly_name COLLATE NOCASE, sid`, orgSID, userSID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OwnedAccount
	for rows.Next() {
		var a OwnedAccount
		if err := rows.Scan(&a.SID, &a.Name, &a.Status); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// PlanUserRemoval returns the accounts the user owns in the organization and who could own them instead.
func (s *Store) PlanUserRemoval(ctx context.Context, actor *domain.User, userSID string) (*RemovalPlan, error) {
	var plan RemovalPlan
	err := s.read(ctx, func(tx *sql.Tx) error {
		u, err := orgTargetTx(tx, actor, userSID)
		if err != nil {
			return err
		}
		plan.User = u
		if plan.Owned, err = ownedAccountsTx(tx, actor.OrgSID, u.SID); err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT `+userColumns+` FROM users u WHERE u.org_sid = ? AND u.status = 'active' AND u.sid <> ?
			ORDER BY u.email LIMIT 1000`, actor.OrgSID, u.SID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanUser(rows)
			if err != nil {
				return err
			}
			c.PasswordHash = ""
			plan.Candidates = append(plan.Candidates, *c)
		}
		return rows.Err()
	})
	return &plan, err
}

// RemoveUserFromOrg hands each managed account the user owns to the chosen new owner, takes
// every role on the organization's managed accounts from them and makes them an external user,
// all in one transaction.
func (s *Store) RemoveUserFromOrg(ctx context.Context, actor *domain.User, userSID string, newOwners map[string]string, ip string) (*domain.User, error) {
	var target *domain.User
	err := s.write(ctx, func(tx *sql.Tx) error {
		u, err := orgTargetTx(tx, actor, userSID)
		if err != nil {
			return err
		}
		target = u
		if err := checkRemovableTx(tx, actor, u); err != nil {
			return err
		}
		owned, err := ownedAccountsTx(tx, actor.OrgSID, u.SID)
		if err != nil {
			return err
		}
		handovers, err := chooseNewOwnersTx(tx, actor, u, owned, newOwners)
		if err != nil {
			return err
		}
		a := userActor(actor, ip)
		now := ms(s.Now())
		if err := s.handOverAccountsTx(tx, actor, a, u, handovers, now); err != nil {
			return err
		}
		revoked, err := s.revokeManagedRolesTx(tx, a, actor.OrgSID, u.SID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE users SET org_sid = NULL, org_role = NULL, version = version + 1, updated_at = ? WHERE sid = ?`, now, u.SID); err != nil {
			return err
		}
		var orgName string
		if err := tx.QueryRow(`SELECT name FROM organizations WHERE sid = ?`, actor.OrgSID).Scan(&orgName); err != nil {
			return err
		}
		if err := s.audit(tx, auditEntry{OrgSID: actor.OrgSID, Actor: a, Action: "user.remove", TargetType: "user", TargetSID: u.SID,
			Before: map[string]any{"email": u.Email, "org_role": u.OrgRole, "accounts_owned": len(owned), "roles_removed": revoked}}); err != nil {
			return err
		}
		return s.enqueueEmail(tx, domain.Email{Kind: domain.EmailOrgRemoved, OrgSID: actor.OrgSID, To: u.Email,
			Data: domain.EmailData{ActorName: actor.Name, OrgName: orgName}})
	})
	return target, err
}

// checkRemovableTx refuses to remove the actor themselves, the organization's Owner and its last
// active Administrator: the organization must keep someone who can run it.
func checkRemovableTx(tx *sql.Tx, actor, u *domain.User) error {
	if u.SID == actor.SID {
		return ErrSelfChange
	}
	if u.OrgRole == domain.OrgRoleOwner {
		return domain.Fail(domain.EConflict, domain.MsgOrgUserOwnerRemoval)
	}
	if u.OrgRole == domain.OrgRoleAdministrator && u.Status == domain.UserActive {
		if n, err := adminsLeftTx(tx, actor.OrgSID, u.SID); err != nil || n == 0 {
			if err == nil {
				err = ErrLastAdmin
			}
			return err
		}
	}
	return nil
}

// handover is an account the removed user owns and the member who owns it next.
type handover struct {
	acc OwnedAccount
	to  *domain.User
}

// chooseNewOwnersTx checks the new owner chosen in the removal form for each account the user
// owns: an active member of the organization other than the user.
func chooseNewOwnersTx(tx *sql.Tx, actor, u *domain.User, owned []OwnedAccount, newOwners map[string]string) ([]handover, error) {
	v := domain.Validation{}
	var out []handover
	for _, a := range owned {
		field := domain.OwnerField(a.SID)
		sid := newOwners[a.SID]
		if sid == "" {
			v.Add(field, domain.MsgSuccessorMissing.With(a.Name))
			continue
		}
		o, err := scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.sid = ? AND u.org_sid = ? AND u.status = 'active'`, sid, actor.OrgSID))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && o.SID == u.SID) {
			v.Add(field, domain.MsgSuccessorInvalid.With(a.Name))
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, handover{acc: a, to: o})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// handOverAccountsTx makes each new owner the owner of their account, in the account and in its
// owner role, audits it and tells them by email.
func (s *Store) handOverAccountsTx(tx *sql.Tx, actor *domain.User, a domain.Actor, u *domain.User, handovers []handover, now int64) error {
	for _, h := range handovers {
		acc, o := h.acc, h.to
		if _, err := tx.Exec(`UPDATE accounts SET owner_sid = ?, updated_at = ? WHERE sid = ?`, o.SID, now, acc.SID); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE account_roles SET user_sid = ? WHERE account_sid = ? AND role = 'owner'`, o.SID, acc.SID); err != nil {
			return err
		}
		if err := s.audit(tx, auditEntry{OrgSID: actor.OrgSID, Actor: a, Action: "account.owner.transfer", TargetType: "account",
			TargetSID: acc.SID, AccountSID: acc.SID, Before: map[string]string{"owner": u.Email},
			After: map[string]string{"owner": o.Email, "reason": "previous owner removed from the organization"}}); err != nil {
			return err
		}
		if err := s.enqueueEmail(tx, domain.Email{Kind: domain.EmailNewOwner, OrgSID: actor.OrgSID, To: o.Email,
			Data: domain.EmailData{AccountSID: acc.SID, AccountName: acc.Name}}); err != nil {
			return err
		}
	}
	return nil
}

// revokeManagedRolesTx takes every role but owner the user holds on the organization's managed
// accounts, audited one by one, and returns how many it took.
func (s *Store) revokeManagedRolesTx(tx *sql.Tx, a domain.Actor, orgSID, userSID string) (int, error) {
	rows, err := tx.Query(`SELECT r.account_sid, r.role FROM account_roles r JOIN accounts c ON c.sid = r.account_sid
		WHERE r.user_sid = ? AND c.org_sid = ? AND c.org_relation = 'managed' AND r.role <> 'owner'`, userSID, orgSID)
	if err != nil {
		return 0, err
	}
	type grant struct{ account, role string }
	var grants []grant
	for rows.Next() {
		var g grant
		if err := rows.Scan(&g.account, &g.role); err != nil {
			rows.Close()
			return 0, err
		}
		grants = append(grants, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, g := range grants {
		if err := s.revokeRoleTx(tx, a, orgSID, g.account, userSID, g.role); err != nil {
			return 0, err
		}
	}
	return len(grants), nil
}
