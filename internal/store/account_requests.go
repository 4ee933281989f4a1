package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

// RequestError is why an account cannot be added, with whether the owner may be asked to share it instead.
type RequestError struct {
	Err        *domain.Error
	OfferShare bool // the owner is outside the verified domains: a share request is possible
}

func (e *RequestError) Error() string { return e.Err.Error() }
func (e *RequestError) Unwrap() error { return e.Err }

func refuse(msg domain.Message) error {
	return &RequestError{Err: &domain.Error{Code: domain.EInvalid, Message: msg.Text, Fields: domain.Validation{"account_sid": msg}}}
}

// RequestImport asks the owner of an existing account to let it join the administrator's
// organization as a managed account. The rules are checked in order — format, existence, not
// already in the organization, owner's email in a verified domain — and the first that fails
// is named. The request, its audit event and the email to the owner are one transaction.
func (s *Store) RequestImport(ctx context.Context, admin *domain.User, rawSID, ip string) (*domain.AccountRequest, error) {
	return s.requestAccount(ctx, admin, rawSID, domain.RequestImport, ip)
}

// RequestShare asks the owner of an account outside any organization to share it with the
// administrator's organization as an independent account.
func (s *Store) RequestShare(ctx context.Context, admin *domain.User, rawSID, ip string) (*domain.AccountRequest, error) {
	return s.requestAccount(ctx, admin, rawSID, domain.RequestShare, ip)
}

func (s *Store) requestAccount(ctx context.Context, admin *domain.User, rawSID, kind, ip string) (*domain.AccountRequest, error) {
	raw := strings.TrimSpace(rawSID)
	if raw == "" {
		return nil, refuse(domain.MsgRequestSIDMissing)
	}
	sid := normalizeSID(domain.PrefixAccount, raw)
	if sid == "" {
		return nil, refuse(domain.MsgRequestSIDInvalid)
	}
	var req *domain.AccountRequest
	err := s.write(ctx, func(tx *sql.Tx) error {
		a, err := scanAccount(tx.QueryRow(`SELECT `+accountColumns+accountFrom+`WHERE a.sid = ?`, sid))
		// An account of another organization is not found, exactly like one that does not exist.
		if errors.Is(err, sql.ErrNoRows) || (err == nil && a.OrgSID != "" && a.OrgSID != admin.OrgSID) {
			return refuse(domain.MsgRequestNoAccount.With(sid))
		}
		if err != nil {
			return err
		}
		if a.OrgSID == admin.OrgSID {
			if a.Relation == domain.RelationIndependent {
				return refuse(domain.MsgRequestAlreadyIndependent.With(a.FriendlyName))
			}
			return refuse(domain.MsgRequestAlreadyManaged.With(a.FriendlyName))
		}
		if a.Status == domain.StatusClosed {
			return refuse(domain.MsgRequestClosed.With(a.FriendlyName))
		}
		if kind == domain.RequestImport {
			ok, err := emailDomainVerifiedTx(tx, admin.OrgSID, a.OwnerEmail)
			if err != nil {
				return err
			}
			if !ok {
				return &RequestError{OfferShare: true, Err: &domain.Error{Code: domain.EInvalid,
					Message: "The owner of “" + a.FriendlyName + "” signed up with an email outside your verified domains (" +
						domain.EmailDomain(a.OwnerEmail) + "), so the account cannot become managed. You can invite the owner to share it as an independent account instead.",
					Fields: domain.Validation{"account_sid": domain.MsgRequestOwnerDomain}}}
			}
			var ownerOrg sql.NullString
			if err := tx.QueryRow(`SELECT org_sid FROM users WHERE sid = ?`, a.OwnerSID).Scan(&ownerOrg); err != nil {
				return err
			}
			if ownerOrg.Valid && ownerOrg.String != admin.OrgSID {
				return refuse(domain.MsgRequestOwnerOtherOrg.With(a.FriendlyName))
			}
		}
		var pending string
		err = tx.QueryRow(`SELECT kind FROM account_requests WHERE org_sid = ? AND account_sid = ? AND state = 'pending'`,
			admin.OrgSID, a.SID).Scan(&pending)
		if err == nil {
			if pending == domain.RequestShare {
				return refuse(domain.MsgRequestSharePending.With(a.FriendlyName))
			}
			return refuse(domain.MsgRequestImportPending.With(a.FriendlyName))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		req, err = s.insertRequestTx(tx, admin, a, kind, ip, 0)
		return err
	})
	return req, err
}

// insertRequestTx writes a pending request with a fresh token, its audit event and the email to
// the owner. replaces is the id of the request it supersedes (a resend), or 0.
func (s *Store) insertRequestTx(tx *sql.Tx, admin *domain.User, a *domain.Account, kind, ip string, replaces int64) (*domain.AccountRequest, error) {
	org, err := orgNameTx(tx, admin.OrgSID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	token := auth.NewToken()
	r := &domain.AccountRequest{OrgSID: admin.OrgSID, OrgName: org, Kind: kind, State: domain.StatePending, Account: *a,
		RequestedBySID: admin.SID, RequestedByName: admin.Name, SentAt: now, ExpiresAt: now.Add(domain.RequestTTL)}
	err = tx.QueryRow(`INSERT INTO account_requests (org_sid, account_sid, kind, token_hash, requested_by, state, sent_at, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id`,
		r.OrgSID, a.SID, kind, auth.HashToken(token), admin.SID, ms(now), ms(r.ExpiresAt), ms(now)).Scan(&r.ID)
	if err != nil {
		return nil, err
	}
	action := "account." + kind + ".request"
	after := map[string]any{"request": r.ID, "owner": a.OwnerEmail, "expires_at": r.ExpiresAt}
	if replaces != 0 {
		action = "account." + kind + ".resend"
		after["replaces"] = replaces
	}
	if err := s.audit(tx, auditEntry{OrgSID: r.OrgSID, Actor: userActor(admin, ip), Action: action, TargetType: "account", TargetSID: a.SID,
		AccountSID: a.SID, After: after}); err != nil {
		return nil, err
	}
	mailKind := domain.EmailImportRequest
	if kind == domain.RequestShare {
		mailKind = domain.EmailShareRequest
	}
	return r, s.enqueueEmail(tx, domain.Email{Kind: mailKind, OrgSID: r.OrgSID, To: a.OwnerEmail, Token: token,
		Data: domain.EmailData{Name: a.OwnerName, ActorName: admin.Name, ActorEmail: admin.Email, OrgName: org,
			AccountSID: a.SID, AccountName: a.FriendlyName, ExpiresAt: r.ExpiresAt}})
}

func orgNameTx(tx *sql.Tx, orgSID string) (string, error) {
	var name string
	err := tx.QueryRow(`SELECT name FROM organizations WHERE sid = ?`, orgSID).Scan(&name)
	return name, err
}

const requestColumns = `r.id, r.org_sid, o.name, r.kind, r.state, coalesce(r.requested_by, ''), coalesce(q.name, ''),
	r.sent_at, r.expires_at, r.answered_at, r.superseded_by IS NOT NULL, ` + accountColumns

const requestFrom = ` FROM account_requests r JOIN organizations o ON o.sid = r.org_sid
	JOIN accounts a ON a.sid = r.account_sid JOIN users o2 ON o2.sid = a.owner_sid
	LEFT JOIN users q ON q.sid = r.requested_by `

func scanRequest(row scanner) (*domain.AccountRequest, error) {
	var r domain.AccountRequest
	var sent, expires, answered sql.NullInt64
	var a *domain.Account
	a, err := scanAccount(accountRow{row, []any{&r.ID, &r.OrgSID, &r.OrgName, &r.Kind, &r.State, &r.RequestedBySID,
		&r.RequestedByName, &sent, &expires, &answered, &r.Superseded}})
	if err != nil {
		return nil, err
	}
	r.Account = *a
	r.SentAt, r.ExpiresAt, r.AnsweredAt = fromMS(sent), fromMS(expires), fromMS(answered)
	return &r, nil
}

// accountRow lets scanAccount read an account that follows other columns.
type accountRow struct {
	row    scanner
	before []any
}

func (a accountRow) Scan(dest ...any) error { return a.row.Scan(append(a.before, dest...)...) }

// requestSelect is requestColumns over requestFrom, with the owner joined as o2.
var requestSelect = `SELECT ` + strings.ReplaceAll(requestColumns, "o.email, o.name", "o2.email, o2.name") + requestFrom

// RequestPage is one page of pending requests with the cursors of its neighbours.
type RequestPage struct {
	Requests   []*domain.AccountRequest
	Next, Prev string
}

// requestListSelect is what the Pending tab shows of a request: its account's SID, name, status
// and owner, and who asked (no account settings, no organization name). The pending requests
// come in id order from their partial index (0012a); the people from the covering users_sid_names.
const requestListSelect = `SELECT r.id, r.org_sid, r.kind, r.state, coalesce(r.requested_by, ''), coalesce(q.name, ''),
	r.sent_at, r.expires_at, r.answered_at, r.superseded_by IS NOT NULL, a.sid, a.friendly_name, a.status, a.owner_sid, o.email
	FROM account_requests r JOIN accounts a ON a.sid = r.account_sid JOIN users o INDEXED BY users_sid_names ON o.sid = a.owner_sid
	LEFT JOIN users q INDEXED BY users_sid_names ON q.sid = r.requested_by `

// ListAccountRequestPage returns one page (limit, at most 100 unless called with more by the store
// itself) of the organization's pending requests, newest first, by keyset pagination on the id:
// cursor is a page's Next or Prev. Each request carries what the Pending tab shows
// (requestListSelect).
func (s *Store) ListAccountRequestPage(ctx context.Context, orgSID, cursor string, limit int) (*RequestPage, error) {
	if limit <= 0 {
		limit = domain.PageSize
	}
	where, args, order := "r.org_sid = ? AND r.state = 'pending'", []any{orgSID}, "r.id DESC"
	backwards := false
	if cursor != "" {
		c, err := domain.ParseCursor(cursor, 1)
		if err != nil {
			return nil, err
		}
		id, err := c.Int(0)
		if err != nil {
			return nil, err
		}
		if backwards = c.Before; backwards {
			where, order = where+" AND r.id > ?", "r.id ASC"
		} else {
			where += " AND r.id < ?"
		}
		args = append(args, id)
	}
	args = append(args, limit+1)
	var list []*domain.AccountRequest
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := s.queryRead(ctx, tx, requestListSelect+`WHERE `+where+` ORDER BY `+order+` LIMIT ?`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := &domain.AccountRequest{}
			var sent, expires, answered sql.NullInt64
			if err := rows.Scan(&r.ID, &r.OrgSID, &r.Kind, &r.State, &r.RequestedBySID, &r.RequestedByName, &sent, &expires, &answered,
				&r.Superseded, &r.Account.SID, &r.Account.FriendlyName, &r.Account.Status, &r.Account.OwnerSID, &r.Account.OwnerEmail); err != nil {
				return err
			}
			r.SentAt, r.ExpiresAt, r.AnsweredAt = fromMS(sent), fromMS(expires), fromMS(answered)
			list = append(list, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	page := &RequestPage{}
	page.Requests, page.Next, page.Prev = keysetPage(list, limit, backwards, cursor != "",
		func(r *domain.AccountRequest) []string { return []string{strconv.FormatInt(r.ID, 10)} })
	return page, nil
}

func pendingRequestTx(tx *sql.Tx, orgSID string, id int64) (*domain.AccountRequest, error) {
	r, err := scanRequest(tx.QueryRow(requestSelect+`WHERE r.org_sid = ? AND r.id = ?`, orgSID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The request")
	}
	if err != nil {
		return nil, err
	}
	if r.State != domain.StatePending {
		return nil, domain.Errorf(domain.EConflict, "That request was already answered or cancelled.")
	}
	return r, nil
}

// ResendAccountRequest sends the owner a new link for a pending request: the old link stops
// working (it says a newer one was sent) and the new one runs for another 7 days.
func (s *Store) ResendAccountRequest(ctx context.Context, admin *domain.User, id int64, ip string) (*domain.AccountRequest, error) {
	var req *domain.AccountRequest
	err := s.write(ctx, func(tx *sql.Tx) error {
		old, err := pendingRequestTx(tx, admin.OrgSID, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE account_requests SET state = 'revoked', answered_at = ? WHERE id = ?`, ms(s.Now()), id); err != nil {
			return err
		}
		req, err = s.insertRequestTx(tx, admin, &old.Account, old.Kind, ip, old.ID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(`UPDATE account_requests SET superseded_by = ? WHERE id = ?`, req.ID, id)
		return err
	})
	return req, err
}

// CancelAccountRequest withdraws a pending request; its link stops working.
func (s *Store) CancelAccountRequest(ctx context.Context, admin *domain.User, id int64, ip string) (*domain.AccountRequest, error) {
	var req *domain.AccountRequest
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		req, err = pendingRequestTx(tx, admin.OrgSID, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE account_requests SET state = 'revoked', answered_at = ? WHERE id = ?`, ms(s.Now()), id); err != nil {
			return err
		}
		req.State = domain.StateRevoked
		return s.audit(tx, auditEntry{OrgSID: admin.OrgSID, Actor: userActor(admin, ip), Action: "account." + req.Kind + ".cancel",
			TargetType: "account", TargetSID: req.Account.SID, AccountSID: req.Account.SID,
			Before: map[string]any{"request": id, "state": domain.StatePending}, After: map[string]any{"state": domain.StateRevoked}})
	})
	return req, err
}

// FindAccountRequestByToken returns the request of the kind that the link token belongs to,
// whatever its state, so that the link page can say why an old link no longer works.
func (s *Store) FindAccountRequestByToken(ctx context.Context, kind, token string) (*domain.AccountRequest, error) {
	if token == "" || len(token) > 100 {
		return nil, notFound("The link")
	}
	r, err := scanRequest(s.r.QueryRowContext(ctx, requestSelect+`WHERE r.token_hash = ? AND r.kind = ?`, auth.HashToken(token), kind))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The link")
	}
	return r, err
}

// ErrWrongUser is the answer to a link answered by someone other than the account's owner.
var ErrWrongUser = domain.Errorf(domain.EForbidden, "This link is for the account's owner. Sign out and sign in as the owner to answer it.")

// AnswerAccountRequest is the owner's answer to an emailed import or share link: accept (confirm)
// or decline. Accepting an import makes the account managed and the owner a managed user of the
// organization; accepting a share makes it independent. The change, the used link, the audit
// events and the emails to the organization's administrators are one transaction.
func (s *Store) AnswerAccountRequest(ctx context.Context, u *domain.User, kind, token string, accept bool, ip string) (*domain.AccountRequest, error) {
	if token == "" || len(token) > 100 {
		return nil, notFound("The link")
	}
	var r *domain.AccountRequest
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = scanRequest(tx.QueryRow(requestSelect+`WHERE r.token_hash = ? AND r.kind = ?`, auth.HashToken(token), kind))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("The link")
		}
		if err != nil {
			return err
		}
		now := s.Now()
		if p := r.LinkProblem(now); p != "" {
			return domain.Errorf(domain.EConflict, "%s", p)
		}
		if u.SID != r.Account.OwnerSID {
			return ErrWrongUser
		}
		a := &r.Account
		actor := userActor(u, ip)
		state, action := domain.StateDeclined, "account."+kind+".decline"
		if accept {
			state, action = domain.StateAccepted, "account."+kind+".accept"
			if err := s.joinTx(tx, r, u, actor, now); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`UPDATE account_requests SET state = ?, answered_at = ? WHERE id = ? AND state = 'pending'`,
			state, ms(now), r.ID); err != nil {
			return err
		}
		r.State, r.AnsweredAt = state, now
		if err := s.audit(tx, auditEntry{OrgSID: r.OrgSID, Actor: actor, Action: action, TargetType: "account", TargetSID: a.SID,
			AccountSID: a.SID, Before: map[string]any{"request": r.ID, "state": domain.StatePending},
			After: map[string]any{"state": state}}); err != nil {
			return err
		}
		return s.notifyAdminsTx(tx, r, u)
	})
	if errors.Is(err, ErrWrongUser) {
		action := "account." + kind + ".decline"
		if accept {
			action = "account." + kind + ".accept"
		}
		return r, s.recordRefusedLink(ctx, r.OrgSID, u, ip, action, "account", r.Account.SID, r.Account.SID, err)
	}
	return r, err
}

// recordRefusedLink writes the audit event of an emailed link's answer refused because someone
// other than the one it was sent to is signed in (the answer's own transaction rolled back), and
// returns refusal.
func (s *Store) recordRefusedLink(ctx context.Context, orgSID string, u *domain.User, ip, action, targetType, targetSID, accountSID string, refusal error) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.audit(tx, auditEntry{OrgSID: orgSID, Actor: userActor(u, ip), Action: action, TargetType: targetType, TargetSID: targetSID,
			AccountSID: accountSID, After: map[string]string{"reason": "the link was sent to someone else"}, Outcome: "failure"})
	})
	if err != nil {
		return errors.Join(refusal, err)
	}
	return refusal
}

// joinTx brings the account into the organization: managed (with its owner as a managed user)
// for an import, independent for a share.
func (s *Store) joinTx(tx *sql.Tx, r *domain.AccountRequest, owner *domain.User, actor domain.Actor, now time.Time) error {
	a := &r.Account
	if a.OrgSID != "" {
		return domain.Errorf(domain.EConflict, "“%s” is already in an organization, so this request can no longer be accepted.", a.FriendlyName)
	}
	if a.Status == domain.StatusClosed {
		return domain.Errorf(domain.EConflict, "“%s” is closed, so it can no longer join an organization.", a.FriendlyName)
	}
	relation := domain.RelationShareTarget(r.Kind)
	if r.Kind == domain.RequestImport {
		ok, err := emailDomainVerifiedTx(tx, r.OrgSID, owner.Email)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.EConflict, "%s no longer has your email's domain verified, so the account cannot join. Ask its administrators.", r.OrgName)
		}
		switch owner.OrgSID {
		case r.OrgSID:
		case "":
			if _, err := tx.Exec(`UPDATE users SET org_sid = ?, org_role = 'standard', version = version + 1, updated_at = ?
				WHERE sid = ? AND org_sid IS NULL`, r.OrgSID, now.UnixMilli(), owner.SID); err != nil {
				return err
			}
			if err := s.audit(tx, auditEntry{OrgSID: r.OrgSID, Actor: actor, Action: "user.join", TargetType: "user", TargetSID: owner.SID,
				Before: map[string]any{"org_role": nil},
				After:  map[string]any{"org_role": domain.OrgRoleStandard, "via": "account import"}}); err != nil {
				return err
			}
		default:
			return domain.Errorf(domain.EConflict, "You belong to another organization, so your account cannot join %s.", r.OrgName)
		}
	}
	if _, err := tx.Exec(`UPDATE accounts SET org_sid = ?, org_relation = ?, updated_at = ? WHERE sid = ? AND org_sid IS NULL`,
		r.OrgSID, relation, now.UnixMilli(), a.SID); err != nil {
		return err
	}
	// Other organizations' requests for the account cannot be answered any more.
	if _, err := tx.Exec(`UPDATE account_requests SET state = 'revoked', answered_at = ? WHERE account_sid = ? AND state = 'pending' AND id <> ?`,
		now.UnixMilli(), a.SID, r.ID); err != nil {
		return err
	}
	a.OrgSID, a.Relation = r.OrgSID, relation
	return nil
}

// notifyAdminsTx emails the organization's active Owner and Administrators the owner's answer.
func (s *Store) notifyAdminsTx(tx *sql.Tx, r *domain.AccountRequest, owner *domain.User) error {
	rows, err := tx.Query(`SELECT email, name FROM users WHERE org_sid = ? AND org_role IN ('owner', 'administrator')
		AND status = 'active' ORDER BY email`, r.OrgSID)
	if err != nil {
		return err
	}
	type person struct{ email, name string }
	var admins []person
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.email, &p.name); err != nil {
			rows.Close()
			return err
		}
		admins = append(admins, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	kind := domain.EmailRequestDeclined
	switch {
	case r.Kind == domain.RequestImport && r.State == domain.StateAccepted:
		kind = domain.EmailImportAccepted
	case r.Kind == domain.RequestShare && r.State == domain.StateAccepted:
		kind = domain.EmailShareAccepted
	}
	for _, p := range admins {
		err := s.enqueueEmail(tx, domain.Email{Kind: kind, OrgSID: r.OrgSID, To: p.email,
			Data: domain.EmailData{Name: p.name, ActorName: owner.Name, ActorEmail: owner.Email, OrgName: r.OrgName,
				AccountSID: r.Account.SID, AccountName: r.Account.FriendlyName, RequestKind: r.Kind}})
		if err != nil {
			return fmt.Errorf("email to an administrator: %w", err)
		}
	}
	return nil
}

// RelinquishAccount gives up the organization's access to an independent account: the account
// goes back to being its owner's alone, and the owner is told.
func (s *Store) RelinquishAccount(ctx context.Context, admin *domain.User, sid, ip string) (*domain.Account, error) {
	if !admin.OrgAdmin() {
		return nil, domain.Fail(domain.EForbidden, domain.MsgRelinquishNeedsAdmin)
	}
	var a *domain.Account
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = scanAccount(tx.QueryRow(`SELECT `+accountColumns+accountFrom+`WHERE a.sid = ? AND a.org_sid = ?`, sid, admin.OrgSID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("The account")
		}
		if err != nil {
			return err
		}
		if a.Relation != domain.RelationIndependent {
			return domain.Fail(domain.EConflict, domain.MsgOnlyIndependentGiven)
		}
		if _, err := tx.Exec(`UPDATE accounts SET org_sid = NULL, org_relation = NULL, updated_at = ? WHERE sid = ?`, ms(s.Now()), sid); err != nil {
			return err
		}
		if err := s.audit(tx, auditEntry{OrgSID: admin.OrgSID, Actor: userActor(admin, ip), Action: "account.relinquish",
			TargetType: "account", TargetSID: sid, AccountSID: sid, Before: map[string]any{"relation": domain.RelationIndependent},
			After: map[string]any{"relation": nil}}); err != nil {
			return err
		}
		org, err := orgNameTx(tx, admin.OrgSID)
		if err != nil {
			return err
		}
		a.OrgSID, a.Relation = "", ""
		return s.enqueueEmail(tx, domain.Email{Kind: domain.EmailRelinquished, OrgSID: admin.OrgSID, To: a.OwnerEmail,
			Data: domain.EmailData{Name: a.OwnerName, ActorName: admin.Name, ActorEmail: admin.Email, OrgName: org,
				AccountSID: a.SID, AccountName: a.FriendlyName}})
	})
	return a, err
}
