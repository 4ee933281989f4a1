package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

// accountForPeople is what the people methods need of an account, read inside their transaction.
type accountForPeople struct {
	SID, Name, OrgSID, OrgName, Status, OwnerSID, Relation string
}

func loadAccountTx(tx *sql.Tx, sid string) (*accountForPeople, error) {
	var a accountForPeople
	err := tx.QueryRow(`SELECT a.sid, a.friendly_name, coalesce(a.org_sid, ''), coalesce(o.name, ''), a.status, a.owner_sid, coalesce(a.org_relation, '')
		FROM accounts a LEFT JOIN organizations o ON o.sid = a.org_sid WHERE a.sid = ?`, sid).
		Scan(&a.SID, &a.Name, &a.OrgSID, &a.OrgName, &a.Status, &a.OwnerSID, &a.Relation)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The account")
	}
	return &a, err
}

func (a *accountForPeople) closedErr() error {
	if a.Status == domain.StatusClosed || a.Status == domain.StatusPendingClosure {
		return domain.Fail(domain.EConflict, domain.MsgAccountClosedOrClosing.With(a.Name))
	}
	return nil
}

// invitationQuota returns an error when sending n more invitations would pass the hourly limit.
func (s *Store) invitationQuota(tx *sql.Tx, accountSID string, n int) error {
	var sent int
	if err := tx.QueryRow(`SELECT count(*) FROM invitations WHERE account_sid = ? AND created_at > ?`,
		accountSID, ms(s.Now().Add(-time.Hour))).Scan(&sent); err != nil {
		return err
	}
	if sent+n > domain.MaxInvitationsPerHour {
		return domain.Fail(domain.ETooMany, domain.MsgInvitationQuota.With(sent, domain.MaxInvitationsPerHour))
	}
	return nil
}

func hasAccessTx(tx *sql.Tx, accountSID, email string) (bool, error) {
	var n int
	err := tx.QueryRow(`SELECT count(*) FROM account_roles r JOIN users u ON u.sid = r.user_sid WHERE r.account_sid = ? AND u.email = ?`,
		accountSID, email).Scan(&n)
	return n > 0, err
}

// insertInvitationTx writes a pending invitation with a fresh token and enqueues its email.
func (s *Store) insertInvitationTx(tx *sql.Tx, a *accountForPeople, inviter *domain.User, email string, roles []string) (*domain.Invitation, error) {
	now := s.Now()
	token := auth.NewToken()
	inv := &domain.Invitation{OrgSID: a.OrgSID, OrgName: a.OrgName, AccountSID: a.SID, AccountName: a.Name, Email: email, Roles: roles,
		InvitedBySID: inviter.SID, InvitedByName: inviter.Name, InvitedByEmail: inviter.Email, State: domain.InvitePending,
		SentAt: now, ExpiresAt: now.Add(domain.InvitationTTL)}
	err := tx.QueryRow(`INSERT INTO invitations (org_sid, account_sid, email, roles, token_hash, invited_by, state, sent_at, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id`,
		nullString(a.OrgSID), a.SID, email, strings.Join(roles, ","), auth.HashToken(token), inviter.SID, ms(now), ms(inv.ExpiresAt), ms(now)).Scan(&inv.ID)
	if err != nil {
		return nil, err
	}
	if err := tx.QueryRow(`SELECT EXISTS (SELECT 1 FROM users WHERE email = ?)`, email).Scan(&inv.InviteeExists); err != nil {
		return nil, err
	}
	return inv, s.enqueueEmail(tx, domain.Email{Kind: domain.EmailInvitation, OrgSID: inv.OrgSID, To: inv.Email, Token: token,
		Data: domain.EmailData{ActorName: inviter.Name, ActorEmail: inviter.Email, Email: inv.Email, OrgName: inv.OrgName,
			AccountName: inv.AccountName, Roles: inv.Roles, InviteeExists: inv.InviteeExists, ExpiresAt: inv.ExpiresAt}})
}

// InviteUsers invites each address of the input to the account with the roles: one pending
// invitation per address, each emailed with its own link, all or none. Someone who already has
// access, or has a pending invitation, is refused; an expired invitation is replaced.
func (s *Store) InviteUsers(ctx context.Context, actor *domain.User, accountSID string, in domain.InviteInput, ip string) ([]*domain.Invitation, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out []*domain.Invitation
	err := s.write(ctx, func(tx *sql.Tx) error {
		a, err := loadAccountTx(tx, accountSID)
		if err != nil {
			return err
		}
		if err := a.closedErr(); err != nil {
			return err
		}
		var problems []domain.Message
		for _, email := range in.Emails() {
			has, err := hasAccessTx(tx, a.SID, email)
			if err != nil {
				return err
			}
			if has {
				problems = append(problems, domain.MsgInviteHasAccess.With(email))
				continue
			}
			var n int
			if err := tx.QueryRow(`SELECT count(*) FROM invitations WHERE account_sid = ? AND email = ? AND state = 'pending' AND expires_at > ?`,
				a.SID, email, ms(s.Now())).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				problems = append(problems, domain.MsgInvitePending.With(email))
			}
		}
		if len(problems) > 0 {
			return domain.FieldError("email", domain.JoinMessages(problems...))
		}
		if err := s.invitationQuota(tx, a.SID, len(in.Emails())); err != nil {
			return err
		}
		for _, email := range in.Emails() {
			inv, err := s.insertInvitationTx(tx, a, actor, email, in.Roles)
			if err != nil {
				return err
			}
			// An expired invitation to the same person is replaced by this one.
			if _, err := tx.Exec(`UPDATE invitations SET state = 'revoked', answered_at = ?, superseded_by = ?
				WHERE account_sid = ? AND email = ? AND state = 'pending' AND id <> ?`, ms(s.Now()), inv.ID, a.SID, email, inv.ID); err != nil {
				return err
			}
			if err := s.audit(tx, auditEntry{OrgSID: a.OrgSID, Actor: userActor(actor, ip), Action: "invitation.create",
				TargetType: "invitation", TargetSID: strconv.FormatInt(inv.ID, 10), AccountSID: a.SID,
				After: map[string]any{"email": email, "roles": in.Roles, "expires_at": inv.ExpiresAt}}); err != nil {
				return err
			}
			out = append(out, inv)
		}
		return nil
	})
	return out, err
}

const invitationColumns = `i.id, coalesce(i.org_sid, ''), coalesce(o.name, ''), i.account_sid, a.friendly_name, a.status, i.email, i.roles,
	coalesce(i.invited_by, ''), coalesce(b.name, ''), coalesce(b.email, ''), i.state, i.superseded_by IS NOT NULL,
	i.sent_at, i.expires_at, i.answered_at`

const invitationFrom = ` FROM invitations i JOIN accounts a ON a.sid = i.account_sid
	LEFT JOIN organizations o ON o.sid = i.org_sid LEFT JOIN users b ON b.sid = i.invited_by `

func scanInvitation(row scanner, extra ...any) (*domain.Invitation, error) {
	var inv domain.Invitation
	var roles string
	var sent, expires, answered sql.NullInt64
	dest := append([]any{&inv.ID, &inv.OrgSID, &inv.OrgName, &inv.AccountSID, &inv.AccountName, &inv.AccountStatus, &inv.Email, &roles,
		&inv.InvitedBySID, &inv.InvitedByName, &inv.InvitedByEmail, &inv.State, &inv.Superseded, &sent, &expires, &answered}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	inv.Roles = domain.SortRoles(strings.Split(roles, ","))
	inv.SentAt, inv.ExpiresAt, inv.AnsweredAt = fromMS(sent), fromMS(expires), fromMS(answered)
	return &inv, nil
}

// errBadLink is the answer to a token that names no invitation.
var errBadLink = domain.Fail(domain.ENotFound, domain.MsgInvitationBadLink)

func findInvitationByTokenTx(tx *sql.Tx, token string) (*domain.Invitation, error) {
	if token == "" || len(token) > 100 {
		return nil, errBadLink
	}
	var exists bool
	inv, err := scanInvitation(tx.QueryRow(`SELECT `+invitationColumns+`, EXISTS (SELECT 1 FROM users x WHERE x.email = i.email)`+invitationFrom+
		`WHERE i.token_hash = ?`, auth.HashToken(token)), &exists)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBadLink
	}
	if err != nil {
		return nil, err
	}
	inv.InviteeExists = exists
	return inv, nil
}

// FindInvitationByToken returns the invitation of a link, whatever its state. It never changes it:
// opening a link does not use it.
func (s *Store) FindInvitationByToken(ctx context.Context, token string) (*domain.Invitation, error) {
	var inv *domain.Invitation
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		inv, err = findInvitationByTokenTx(tx, token)
		return err
	})
	return inv, err
}

// InvitationGone explains why a link no longer works, or returns nil for a pending one.
func InvitationGone(inv *domain.Invitation, now time.Time) error {
	var msg domain.Message
	switch inv.StateAt(now) {
	case domain.InvitePending:
		if inv.AccountStatus == domain.StatusClosed || inv.AccountStatus == domain.StatusPendingClosure {
			msg = domain.MsgInvitationAccountClosed.With(inv.AccountName)
		} else {
			return nil
		}
	case domain.InviteAccepted:
		msg = domain.MsgInvitationAccepted
	case domain.InviteDeclined:
		msg = domain.MsgInvitationDeclined
	case domain.InviteRevoked:
		if inv.Superseded {
			msg = domain.MsgInvitationSuperseded
		} else {
			msg = domain.MsgInvitationRevoked.With(inviterName(inv))
		}
	case domain.InviteExpired:
		msg = domain.MsgInvitationExpired.With(inv.ExpiresAt, inviterName(inv))
	}
	return domain.Fail(domain.EConflict, msg)
}

func inviterName(inv *domain.Invitation) string {
	if inv.InvitedByName != "" {
		return inv.InvitedByName
	}
	return "an administrator of the account"
}

// ErrWrongInvitee is returned when the signed-in user is not the person an invitation is for.
func errWrongInvitee(inv *domain.Invitation, u *domain.User) error {
	return domain.Errorf(domain.EForbidden, "This invitation is for %s, but you are signed in as %s. Sign out and sign in as %s to accept it.",
		inv.Email, u.Email, inv.Email)
}

// AcceptInvitation gives the signed-in invitee the invitation's roles and marks it accepted, in one
// transaction. Only one of any number of concurrent accepts succeeds. An invitee whose email is in
// a verified domain of the account's organization, and who belongs to no organization, joins it as
// a Standard User; everyone else stays external.
func (s *Store) AcceptInvitation(ctx context.Context, u *domain.User, token, ip string) (*domain.Invitation, error) {
	var inv *domain.Invitation
	wrongUser := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if inv, err = findInvitationByTokenTx(tx, token); err != nil {
			return err
		}
		if !strings.EqualFold(inv.Email, u.Email) {
			wrongUser = true
			return errWrongInvitee(inv, u)
		}
		now := s.Now()
		if err := InvitationGone(inv, now); err != nil {
			return err
		}
		res, err := tx.Exec(`UPDATE invitations SET state = 'accepted', answered_at = ? WHERE id = ? AND state = 'pending' AND expires_at > ?`,
			ms(now), inv.ID, ms(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EConflict, "This invitation has already been answered.")
		}
		actor := userActor(u, ip)
		if inv.OrgSID != "" && u.OrgSID == "" {
			var verified int
			if err := tx.QueryRow(`SELECT count(*) FROM domains WHERE org_sid = ? AND domain = ? AND verified_at IS NOT NULL`,
				inv.OrgSID, domain.EmailDomain(u.Email)).Scan(&verified); err != nil {
				return err
			}
			if verified > 0 {
				if _, err := tx.Exec(`UPDATE users SET org_sid = ?, org_role = 'standard', version = version + 1, updated_at = ? WHERE sid = ? AND org_sid IS NULL`,
					inv.OrgSID, ms(now), u.SID); err != nil {
					return err
				}
				if err := s.audit(tx, auditEntry{OrgSID: inv.OrgSID, Actor: actor, Action: "user.join", TargetType: "user",
					TargetSID: u.SID, After: map[string]string{"org_role": domain.OrgRoleStandard, "via": "invitation"}}); err != nil {
					return err
				}
			}
		}
		held, err := rolesOf(tx, inv.AccountSID, u.SID)
		if err != nil {
			return err
		}
		for _, r := range inv.Roles {
			if containsRole(held, r) {
				continue
			}
			if _, err := s.grantRoleTx(tx, actor, inv.OrgSID, inv.AccountSID, u.SID, r); err != nil {
				return err
			}
		}
		if err := s.audit(tx, auditEntry{OrgSID: inv.OrgSID, Actor: actor, Action: "invitation.accept", TargetType: "invitation",
			TargetSID: strconv.FormatInt(inv.ID, 10), AccountSID: inv.AccountSID,
			After: map[string]any{"email": inv.Email, "roles": inv.Roles}}); err != nil {
			return err
		}
		inv.State, inv.AnsweredAt = domain.InviteAccepted, now
		return s.enqueueEmail(tx, domain.Email{Kind: domain.EmailAccessAdded, OrgSID: inv.OrgSID, To: u.Email,
			Data: domain.EmailData{AccountSID: inv.AccountSID, AccountName: inv.AccountName, Roles: inv.Roles}})
	})
	if wrongUser {
		return inv, s.recordRefusedLink(ctx, inv.OrgSID, u, ip, "invitation.accept", "invitation", strconv.FormatInt(inv.ID, 10), inv.AccountSID, err)
	}
	return inv, err
}

// DeclineInvitation marks a pending invitation declined. The invitee may decline signed in, or
// signed out (the link itself proves they got the email); anyone else signed in may not.
func (s *Store) DeclineInvitation(ctx context.Context, u *domain.User, token, ip string) (*domain.Invitation, error) {
	var inv *domain.Invitation
	wrongUser := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if inv, err = findInvitationByTokenTx(tx, token); err != nil {
			return err
		}
		actor := domain.Actor{Type: "anonymous", Label: inv.Email, IP: ip}
		if u != nil {
			if !strings.EqualFold(inv.Email, u.Email) {
				wrongUser = true
				return errWrongInvitee(inv, u)
			}
			actor = userActor(u, ip)
		}
		now := s.Now()
		if err := InvitationGone(inv, now); err != nil {
			return err
		}
		res, err := tx.Exec(`UPDATE invitations SET state = 'declined', answered_at = ? WHERE id = ? AND state = 'pending' AND expires_at > ?`,
			ms(now), inv.ID, ms(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EConflict, "This invitation has already been answered.")
		}
		inv.State, inv.AnsweredAt = domain.InviteDeclined, now
		if err := s.audit(tx, auditEntry{OrgSID: inv.OrgSID, Actor: actor, Action: "invitation.decline", TargetType: "invitation",
			TargetSID: strconv.FormatInt(inv.ID, 10), AccountSID: inv.AccountSID, After: map[string]any{"email": inv.Email}}); err != nil {
			return err
		}
		if inv.InvitedByEmail == "" {
			return nil
		}
		// The one who invited hears of it, so that nobody waits for an answer that came.
		return s.enqueueEmail(tx, domain.Email{Kind: domain.EmailInvitationDeclined, OrgSID: inv.OrgSID, To: inv.InvitedByEmail,
			Data: domain.EmailData{Name: inv.InvitedByName, Email: inv.Email, AccountSID: inv.AccountSID, AccountName: inv.AccountName}})
	})
	if wrongUser {
		return inv, s.recordRefusedLink(ctx, inv.OrgSID, u, ip, "invitation.decline", "invitation", strconv.FormatInt(inv.ID, 10), inv.AccountSID, err)
	}
	return inv, err
}

// ListPendingInvitations returns the account's unanswered invitations, expired ones included,
// newest first.
func (s *Store) ListPendingInvitations(ctx context.Context, accountSID string) ([]*domain.Invitation, error) {
	var out []*domain.Invitation
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT `+invitationColumns+invitationFrom+`WHERE i.account_sid = ? AND i.state = 'pending'
			ORDER BY i.sent_at DESC, i.id DESC LIMIT 1000`, accountSID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			inv, err := scanInvitation(rows)
			if err != nil {
				return err
			}
			out = append(out, inv)
		}
		return rows.Err()
	})
	return out, err
}

func pendingInvitationTx(tx *sql.Tx, accountSID string, id int64) (*domain.Invitation, error) {
	inv, err := scanInvitation(tx.QueryRow(`SELECT `+invitationColumns+invitationFrom+`WHERE i.id = ? AND i.account_sid = ? AND i.state = 'pending'`, id, accountSID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The invitation")
	}
	return inv, err
}

// ResendInvitation sends a pending or expired invitation again with a new link and a new expiry.
// The old link stops working in the same transaction.
func (s *Store) ResendInvitation(ctx context.Context, actor *domain.User, accountSID string, id int64, ip string) (*domain.Invitation, error) {
	var inv *domain.Invitation
	err := s.write(ctx, func(tx *sql.Tx) error {
		old, err := pendingInvitationTx(tx, accountSID, id)
		if err != nil {
			return err
		}
		a, err := loadAccountTx(tx, accountSID)
		if err != nil {
			return err
		}
		if err := a.closedErr(); err != nil {
			return err
		}
		if has, err := hasAccessTx(tx, a.SID, old.Email); err != nil || has {
			if err == nil {
				err = domain.Fail(domain.EConflict, domain.MsgResendHasAccess.With(old.Email))
			}
			return err
		}
		if err := s.invitationQuota(tx, a.SID, 1); err != nil {
			return err
		}
		if inv, err = s.insertInvitationTx(tx, a, actor, old.Email, old.Roles); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE invitations SET state = 'revoked', answered_at = ?, superseded_by = ? WHERE id = ?`,
			ms(s.Now()), inv.ID, old.ID); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: a.OrgSID, Actor: userActor(actor, ip), Action: "invitation.resend", TargetType: "invitation",
			TargetSID: strconv.FormatInt(inv.ID, 10), AccountSID: a.SID, Before: map[string]any{"id": old.ID, "expires_at": old.ExpiresAt},
			After: map[string]any{"id": inv.ID, "email": inv.Email, "expires_at": inv.ExpiresAt}})
	})
	return inv, err
}

// RevokeInvitation makes a pending or expired invitation's link stop working and takes it off the list.
func (s *Store) RevokeInvitation(ctx context.Context, actor *domain.User, accountSID string, id int64, ip string) (*domain.Invitation, error) {
	var inv *domain.Invitation
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if inv, err = pendingInvitationTx(tx, accountSID, id); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE invitations SET state = 'revoked', answered_at = ? WHERE id = ? AND state = 'pending'`, ms(s.Now()), id); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: inv.OrgSID, Actor: userActor(actor, ip), Action: "invitation.revoke",
			TargetType: "invitation", TargetSID: strconv.FormatInt(id, 10), AccountSID: accountSID,
			Before: map[string]any{"email": inv.Email, "roles": inv.Roles}})
	})
	return inv, err
}

func containsRole(roles []string, r string) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}
