package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"admincenter/internal/domain"
)

// UpdateAccountSettings saves an account's name and settings. Switching on Require 2FA needs the
// person who does it to have two-factor sign-in themself, so that nobody locks themself out.
func (s *Store) UpdateAccountSettings(ctx context.Context, u *domain.User, sid string, in domain.AccountSettings, ip string) (*domain.Account, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *domain.Account
	// The change shows in the Accounts lists, the audit log and this account's own pages only.
	retire := func() { s.cache.changedTopics(topicLists, topicAudit, accountTopic(sid)) }
	err := s.writeRetiring(ctx, retire, func(tx *sql.Tx) error {
		acc, err := accessTx(tx, u, sid)
		if err != nil {
			return err
		}
		if !acc.CanEditSettings() {
			return Forbidden(acc, domain.MsgWhatSettings, acc.SettingsRoleNeeded())
		}
		a := acc.Account
		if a.Status == domain.StatusClosed {
			return ErrAccountClosed
		}
		if in.Require2FA && !a.Require2FA && !acc.User.TOTPEnabled {
			return domain.FieldError("require_2fa", domain.MsgRequire2FAFirst)
		}
		before := settingsMap(a)
		now := s.Now()
		if _, err := tx.Exec(`UPDATE accounts SET friendly_name = ?, require_2fa = ?, webhooks_https_only = ?, pkcv_required = ?, updated_at = ?
			WHERE sid = ?`, in.FriendlyName, in.Require2FA, in.WebhooksHTTPSOnly, in.PKCVRequired, ms(now), a.SID); err != nil {
			return err
		}
		a.FriendlyName, a.Require2FA, a.WebhooksHTTPSOnly, a.PKCVRequired, a.UpdatedAt = in.FriendlyName, in.Require2FA, in.WebhooksHTTPSOnly, in.PKCVRequired, now
		after := settingsMap(a)
		for k, v := range before { // record only what changed
			if after[k] == v {
				delete(before, k)
				delete(after, k)
			}
		}
		out = a
		if len(after) == 0 {
			return nil
		}
		return s.audit(tx, auditEntry{OrgSID: a.OrgSID, Actor: userActor(acc.User, ip), Action: "account.settings", TargetType: "account",
			TargetSID: a.SID, AccountSID: a.SID, Before: before, After: after})
	})
	return out, err
}

func settingsMap(a *domain.Account) map[string]any {
	return map[string]any{"friendly_name": a.FriendlyName, "require_2fa": a.Require2FA,
		"webhooks_https_only": a.WebhooksHTTPSOnly, "pkcv_required": a.PKCVRequired}
}

// ListLockedOut returns who could not open the account if it required two-factor sign-in:
// everyone with a role on it, and (for an account in an organization) the organization's Owner
// and Administrators, who have not turned on two-factor sign-in. It names at most
// domain.MaxLockedOut, and one more when there are more; each with their roles on the account,
// which with their organization role say why they are listed.
func (s *Store) ListLockedOut(ctx context.Context, a *domain.Account) ([]domain.LockedOut, error) {
	type key struct{ account, org string }
	out, err := cachedRead(&s.cache, accountTopic(a.SID), key{a.SID, a.OrgSID}, func() ([]domain.LockedOut, error) { return s.listLockedOut(ctx, a) })
	return slices.Clone(out), err
}

func (s *Store) listLockedOut(ctx context.Context, a *domain.Account) ([]domain.LockedOut, error) {
	// The first ?3 by email of the union are among the first ?3 of the organization's Owner and
	// Administrators and all of the account's roles: only those are looked up.
	rows, err := s.rowsRead(ctx, `SELECT `+userColumns+`,
			coalesce((SELECT group_concat(role) FROM account_roles r WHERE r.account_sid = ?1 AND r.user_sid = u.sid), '')
		FROM users u WHERE u.sid IN (
			SELECT user_sid FROM account_roles WHERE account_sid = ?1
			UNION ALL SELECT sid FROM (SELECT sid FROM users INDEXED BY users_admins_without_2fa WHERE ?2 <> '' AND org_sid = ?2
				AND org_role IN ('owner', 'administrator') AND status = 'active' AND totp_enabled_at IS NULL
				ORDER BY email LIMIT ?3) AS admins)
		AND u.status = 'active' AND u.totp_enabled_at IS NULL
		ORDER BY u.email LIMIT ?3`, a.SID, a.OrgSID, domain.MaxLockedOut+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.LockedOut
	for rows.Next() {
		var roles string
		u, err := scanUser(rows, &roles)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = ""
		l := domain.LockedOut{User: *u}
		if roles != "" {
			l.AccountRoles = domain.SortRoles(strings.Split(roles, ","))
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// TransferOwner hands the account to a new owner: only the current owner may, and only to an
// active managed user of the account's organization. The new owner gets the owner role; the
// old owner keeps administrator.
func (s *Store) TransferOwner(ctx context.Context, u *domain.User, sid, newOwner, ip string) (*domain.Account, error) {
	newOwner = strings.TrimSpace(newOwner)
	field := func(msg domain.Message) error { return domain.FieldError("new_owner", msg) }
	if newOwner == "" {
		return nil, field(domain.MsgNewOwnerMissing)
	}
	var out *domain.Account
	// The change shows in the Accounts lists, the audit log and this account's own pages only.
	retire := func() { s.cache.changedTopics(topicLists, topicAudit, accountTopic(sid)) }
	err := s.writeRetiring(ctx, retire, func(tx *sql.Tx) error {
		acc, err := accessTx(tx, u, sid)
		if err != nil {
			return err
		}
		if !acc.CanTransferOwner() {
			return Forbidden(acc, domain.MsgWhatTransfer, domain.MsgNeedCurrentOwner)
		}
		a := acc.Account
		if a.Status == domain.StatusClosed {
			return ErrAccountClosed
		}
		if a.Relation != domain.RelationManaged {
			return domain.Fail(domain.EConflict, domain.MsgTransferOnlyManaged)
		}
		q := `SELECT ` + userColumns + ` FROM users u WHERE u.email = ?`
		key := domain.NormalizeEmail(newOwner)
		if sidKey := normalizeSID(domain.PrefixUser, newOwner); sidKey != "" {
			q, key = `SELECT `+userColumns+` FROM users u WHERE u.sid = ?`, sidKey
		}
		to, err := scanUser(tx.QueryRow(q, key))
		switch {
		case errors.Is(err, sql.ErrNoRows), err == nil && to.OrgSID != a.OrgSID:
			return field(domain.MsgNewOwnerUnknown)
		case err != nil:
			return err
		case to.Status != domain.UserActive:
			return field(domain.MsgNewOwnerDeactivated.With(to.Email))
		case to.SID == a.OwnerSID:
			return field(domain.MsgNewOwnerAlready.With(to.Email))
		}
		now := ms(s.Now())
		if _, err := tx.Exec(`DELETE FROM account_roles WHERE account_sid = ? AND role = 'owner'`, a.SID); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO account_roles (sid, account_sid, user_sid, role, created_at) VALUES (?, ?, ?, 'administrator', ?)
			ON CONFLICT (account_sid, user_sid, role) DO NOTHING`, domain.NewSID(domain.PrefixRoleAssignment), a.SID, a.OwnerSID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO account_roles (sid, account_sid, user_sid, role, created_at) VALUES (?, ?, ?, 'owner', ?)`,
			domain.NewSID(domain.PrefixRoleAssignment), a.SID, to.SID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE accounts SET owner_sid = ?, updated_at = ? WHERE sid = ?`, to.SID, now, a.SID); err != nil {
			return err
		}
		before := map[string]string{"owner": a.OwnerEmail}
		a.OwnerSID, a.OwnerEmail, a.OwnerName = to.SID, to.Email, to.Name
		out = a
		if err := s.audit(tx, auditEntry{OrgSID: a.OrgSID, Actor: userActor(acc.User, ip), Action: "account.owner.transfer",
			TargetType: "account", TargetSID: a.SID, AccountSID: a.SID, Before: before, After: map[string]string{"owner": to.Email}}); err != nil {
			return err
		}
		return s.enqueueEmail(tx, domain.Email{Kind: domain.EmailOwnerTransfer, OrgSID: a.OrgSID, To: to.Email,
			Data: domain.EmailData{Name: to.Name, ActorName: acc.User.Name, ActorEmail: acc.User.Email, AccountSID: a.SID, AccountName: a.FriendlyName}})
	})
	return out, err
}
