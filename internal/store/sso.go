package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

// SSORequestLifetime is how long an AuthnRequest may wait for its response.
const SSORequestLifetime = 10 * time.Minute

func ssoSettingsTx(tx *sql.Tx, where string, arg any) (*domain.SSOSettings, error) {
	var set domain.SSOSettings
	var updated sql.NullInt64
	err := tx.QueryRow(`SELECT org_sid, idp_metadata, idp_entity_id, enforce, idp_mfa, updated_at FROM sso_settings WHERE `+where, arg).
		Scan(&set.OrgSID, &set.IdPMetadata, &set.IdPEntityID, &set.Enforce, &set.IdPMFA, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	set.UpdatedAt = fromMS(updated)
	rows, err := tx.Query(`SELECT domain FROM sso_domains WHERE org_sid = ? ORDER BY domain`, set.OrgSID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		set.Domains = append(set.Domains, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	urows, err := tx.Query(`SELECT `+userColumns+` FROM sso_exemptions x JOIN users u ON u.sid = x.user_sid
		WHERE x.org_sid = ? ORDER BY u.email`, set.OrgSID)
	if err != nil {
		return nil, err
	}
	defer urows.Close()
	for urows.Next() {
		u, err := scanUser(urows)
		if err != nil {
			return nil, err
		}
		set.Exempt = append(set.Exempt, u)
	}
	return &set, urows.Err()
}

// FindSSOSettings returns the organization's SSO settings, or nil when it has none.
func (s *Store) FindSSOSettings(ctx context.Context, orgSID string) (*domain.SSOSettings, error) {
	var set *domain.SSOSettings
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		set, err = ssoSettingsTx(tx, `org_sid = ?`, orgSID)
		return err
	})
	return set, err
}

// FindSSOSettingsForEmail returns the SSO settings that cover the email's domain, or nil.
func (s *Store) FindSSOSettingsForEmail(ctx context.Context, email string) (*domain.SSOSettings, error) {
	var set *domain.SSOSettings
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		set, err = ssoSettingsTx(tx, `org_sid = (SELECT org_sid FROM sso_domains WHERE domain = ?)`, domain.EmailDomain(email))
		return err
	})
	return set, err
}

// FindSSOSettingsForIdP returns the SSO settings whose IdP has the entity ID, or nil.
func (s *Store) FindSSOSettingsForIdP(ctx context.Context, entityID string) (*domain.SSOSettings, error) {
	var set *domain.SSOSettings
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		set, err = ssoSettingsTx(tx, `idp_entity_id = ? ORDER BY org_sid LIMIT 1`, entityID)
		return err
	})
	return set, err
}

// FindSSOSettingsForRequest returns the SSO settings of the organization that sent the
// AuthnRequest with the id (used or not), or nil.
func (s *Store) FindSSOSettingsForRequest(ctx context.Context, requestID string) (*domain.SSOSettings, error) {
	var set *domain.SSOSettings
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		set, err = ssoSettingsTx(tx, `org_sid = (SELECT org_sid FROM sso_requests WHERE id = ?)`, requestID)
		return err
	})
	return set, err
}

// AnySSOSettings reports whether any organization has set up single sign-on (the sign-in page
// then offers it).
func (s *Store) AnySSOSettings(ctx context.Context) (bool, error) {
	var found bool
	err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sso_settings)`).Scan(&found)
	return found, err
}

// SaveSSOSettings replaces the administrator's organization's SSO settings. Domains must be
// verified domains of the organization and exempted users its members (by email or SID).
// Enforcement that would leave no active Owner or Administrator able to sign in with a password
// is refused. With enforcement on, the password sessions of covered, non-exempt users end, in
// the same transaction; it returns how many ended.
func (s *Store) SaveSSOSettings(ctx context.Context, admin *domain.User, in domain.SSOInput, ip string) (int, error) {
	ended := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		before, err := ssoSettingsTx(tx, `org_sid = ?`, admin.OrgSID)
		if err != nil {
			return err
		}
		v := domain.Validation{}
		for _, d := range in.Domains {
			var verified sql.NullInt64
			err := tx.QueryRow(`SELECT verified_at FROM domains WHERE org_sid = ? AND domain = ?`, admin.OrgSID, d).Scan(&verified)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && !verified.Valid) {
				v.Add("domain", domain.MsgSSODomainUnknown.With(d))
				continue
			}
			if err != nil {
				return err
			}
			var other string
			err = tx.QueryRow(`SELECT org_sid FROM sso_domains WHERE domain = ? AND org_sid <> ?`, d, admin.OrgSID).Scan(&other)
			if err == nil {
				v.Add("domain", domain.MsgSSODomainTaken.With(d))
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		var exempt []*domain.User
		for _, x := range in.Exempt {
			u, err := scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.org_sid = ? AND (u.sid = ? OR u.email = ?)`,
				admin.OrgSID, x, x))
			if errors.Is(err, sql.ErrNoRows) {
				v.Add("exempt", domain.MsgSSOExemptUnknown.With(x))
				continue
			}
			if err != nil {
				return err
			}
			exempt = append(exempt, u)
		}
		if err := v.Err(); err != nil {
			return err
		}
		after := &domain.SSOSettings{OrgSID: admin.OrgSID, IdPMetadata: in.IdPMetadata, IdPEntityID: in.IdPEntityID,
			Enforce: in.Enforce, IdPMFA: in.IdPMFA, Domains: in.Domains, Exempt: exempt}
		if in.Enforce {
			ok, err := passwordAdminLeftTx(tx, after)
			if err != nil {
				return err
			}
			if !ok {
				return domain.FieldError("enforce", domain.MsgSSOLockout)
			}
		}
		now := ms(s.Now())
		if _, err := tx.Exec(`INSERT INTO sso_settings (org_sid, idp_metadata, idp_entity_id, enforce, idp_mfa, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_sid) DO UPDATE SET idp_metadata = excluded.idp_metadata,
			idp_entity_id = excluded.idp_entity_id, enforce = excluded.enforce, idp_mfa = excluded.idp_mfa, updated_at = excluded.updated_at`,
			admin.OrgSID, in.IdPMetadata, in.IdPEntityID, in.Enforce, in.IdPMFA, now); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM sso_domains WHERE org_sid = ?`, admin.OrgSID); err != nil {
			return err
		}
		for _, d := range in.Domains {
			if _, err := tx.Exec(`INSERT INTO sso_domains (org_sid, domain) VALUES (?, ?)`, admin.OrgSID, d); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`DELETE FROM sso_exemptions WHERE org_sid = ?`, admin.OrgSID); err != nil {
			return err
		}
		for _, u := range exempt {
			if _, err := tx.Exec(`INSERT INTO sso_exemptions (org_sid, user_sid) VALUES (?, ?) ON CONFLICT DO NOTHING`, admin.OrgSID, u.SID); err != nil {
				return err
			}
		}
		if in.Enforce {
			if ended, err = endPasswordSessionsTx(tx, after); err != nil {
				return err
			}
		}
		return s.audit(tx, auditEntry{OrgSID: admin.OrgSID, Actor: userActor(admin, ip), Action: "sso.update", TargetType: "organization",
			TargetSID: admin.OrgSID, Before: ssoAuditView(before, -1), After: ssoAuditView(after, ended)})
	})
	return ended, err
}

func ssoAuditView(set *domain.SSOSettings, ended int) any {
	if set == nil {
		return nil
	}
	exempt := make([]string, 0, len(set.Exempt))
	for _, u := range set.Exempt {
		exempt = append(exempt, u.Email)
	}
	m := map[string]any{"idp_entity_id": set.IdPEntityID, "domains": set.Domains, "enforce": set.Enforce,
		"idp_mfa": set.IdPMFA, "exempt": exempt}
	if ended >= 0 {
		m["sessions_ended"] = ended
	}
	return m
}

// passwordAdminLeftTx reports whether an active Owner or Administrator of the organization
// could still sign in with a password under the settings: exempted, or outside the domains.
func passwordAdminLeftTx(tx *sql.Tx, set *domain.SSOSettings) (bool, error) {
	rows, err := tx.Query(`SELECT `+userColumns+` FROM users u WHERE u.org_sid = ? AND u.org_role IN ('owner', 'administrator')
		AND u.status = 'active'`, set.OrgSID)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return false, err
		}
		if !set.Covers(u.Email) || set.Exempts(u.SID) {
			return true, nil
		}
	}
	return false, rows.Err()
}

// endPasswordSessionsTx ends the sessions not started by single sign-on of the organization's
// users whom the settings cover and do not exempt.
func endPasswordSessionsTx(tx *sql.Tx, set *domain.SSOSettings) (int, error) {
	rows, err := tx.Query(`SELECT `+userColumns+` FROM users u WHERE u.org_sid = ?
		AND EXISTS (SELECT 1 FROM sessions s WHERE s.user_sid = u.sid AND s.method = 'password')`, set.OrgSID)
	if err != nil {
		return 0, err
	}
	var users []string
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		if set.Covers(u.Email) && !set.Exempts(u.SID) {
			users = append(users, u.SID)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	ended := 0
	for _, sid := range users {
		res, err := tx.Exec(`DELETE FROM sessions WHERE user_sid = ? AND method = 'password'`, sid)
		if err != nil {
			return 0, err
		}
		n, _ := res.RowsAffected()
		ended += int(n)
	}
	return ended, nil
}

// RecordSSORequest stores the id of an AuthnRequest the organization's SP sent, so that its
// response is accepted once, by whichever instance receives it. Requests long expired go.
func (s *Store) RecordSSORequest(ctx context.Context, orgSID, id string) error {
	now := s.Now()
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`DELETE FROM sso_requests WHERE expires_at < ?`, ms(now.Add(-24*time.Hour))); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO sso_requests (id, org_sid, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			id, orgSID, ms(now), ms(now.Add(SSORequestLifetime)))
		return err
	})
}

// SSO sign-in refusals: each is audited as signin.failure.
var (
	ErrSSORequestUsed = domain.Errorf(domain.EForbidden, "This sign-in response was already used, has expired, or answers no sign-in this console started. Start again from the sign-in page.")
	ErrSSOUnknownUser = domain.Errorf(domain.EForbidden, "Your identity provider signed you in, but no user of the organization has that email address. Ask an administrator for an invitation.")
	ErrSSODeactivated = domain.Errorf(domain.EForbidden, "Your identity provider signed you in, but your user is deactivated in Admin Center. Ask an administrator to reactivate it.")
	ErrSSONotCovered  = domain.Errorf(domain.EForbidden, "Your email's domain is not covered by the organization's single sign-on settings. Sign in with your password.")
)

// SSOSignIn is a response the SP validated: the AuthnRequest it answers and the NameID.
type SSOSignIn struct {
	OrgSID    string
	RequestID string
	Email     string
	IP        string
	UserAgent string
}

// SignInSSO completes a single sign-on in one transaction: it uses up the AuthnRequest
// (refused when unknown, used or expired: a replayed response), finds the organization's user
// with the email (refused when unknown, deactivated or outside the covered domains), ends the
// browser's old session (oldSession, a raw id) and starts a new one, audited as signin.sso. The
// session is active, or pending_2fa when the user has two-factor on and the IdP does not
// enforce multi-factor. A refusal is audited and committed, and returned as one of the ErrSSO…
func (s *Store) SignInSSO(ctx context.Context, in SSOSignIn, oldSession string, p SessionPolicy) (id, state string, user *domain.User, err error) {
	now := s.Now()
	var refusal error
	werr := s.write(ctx, func(tx *sql.Tx) error {
		fail := func(u *domain.User, reason string, e error) error {
			refusal = e
			actor, target := domain.Actor{Type: "anonymous", IP: in.IP}, ""
			if u != nil {
				actor, target = userActor(u, in.IP), u.SID
			}
			return s.audit(tx, auditEntry{OrgSID: in.OrgSID, Actor: actor, Action: "signin.failure", TargetType: "user", TargetSID: target,
				After: map[string]string{"method": "sso", "reason": reason}, Outcome: "failure"})
		}
		res, err := tx.Exec(`UPDATE sso_requests SET used_at = ? WHERE id = ? AND org_sid = ? AND used_at IS NULL AND expires_at > ?`,
			ms(now), in.RequestID, in.OrgSID, ms(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail(nil, "response replayed, expired or unsolicited", ErrSSORequestUsed)
		}
		set, err := ssoSettingsTx(tx, `org_sid = ?`, in.OrgSID)
		if err != nil {
			return err
		}
		u, err := scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.email = ? AND u.org_sid = ?`,
			domain.NormalizeEmail(in.Email), in.OrgSID))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fail(nil, "unknown email", ErrSSOUnknownUser)
		case err != nil:
			return err
		case u.Status != domain.UserActive:
			return fail(u, "user deactivated", ErrSSODeactivated)
		case set == nil || !set.Covers(u.Email):
			return fail(u, "domain not covered", ErrSSONotCovered)
		}
		user = u
		if oldSession != "" {
			if _, err := tx.Exec(`DELETE FROM sessions WHERE id_hash = ?`, auth.HashToken(oldSession)); err != nil {
				return err
			}
		}
		id = auth.NewToken()
		method, expires := domain.SignInSSO, now.Add(p.Absolute)
		state = domain.SessionActive
		if set.IdPMFA {
			method = domain.SignInSSOMFA
		} else if u.TOTPEnabled {
			state, expires = domain.SessionPending2FA, now.Add(5*time.Minute)
		}
		if _, err := tx.Exec(`INSERT INTO sessions (id_hash, user_sid, state, ip, user_agent, created_at, last_seen_at, expires_at, method)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, auth.HashToken(id), u.SID, state, in.IP, truncate(in.UserAgent, 300),
			ms(now), ms(now), ms(expires), method); err != nil {
			return err
		}
		if state == domain.SessionActive {
			if _, err := tx.Exec(`UPDATE users SET last_login_at = ? WHERE sid = ?`, ms(now), u.SID); err != nil {
				return err
			}
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, in.IP), Action: "signin.sso", TargetType: "user",
			TargetSID: u.SID, After: map[string]string{"idp": set.IdPEntityID, "method": method, "state": state}})
	})
	if werr != nil {
		return "", "", nil, werr
	}
	if refusal != nil {
		return "", "", nil, refusal
	}
	return id, state, user, nil
}

// RecordSSOFailure audits a SAML response that failed validation (reason says why, for the
// log; never the assertion itself).
func (s *Store) RecordSSOFailure(ctx context.Context, orgSID, reason, ip string) error {
	return s.writeRetiring(ctx, s.retireAudit, func(tx *sql.Tx) error {
		return s.audit(tx, auditEntry{OrgSID: orgSID, Actor: domain.Actor{Type: "anonymous", IP: ip}, Action: "signin.failure",
			TargetType: "user", After: map[string]string{"method": "sso", "reason": truncate(reason, 300)}, Outcome: "failure"})
	})
}
