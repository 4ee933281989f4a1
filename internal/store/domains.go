package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

const domainColumns = `org_sid, domain, token, trusted, verified_at, last_checked_at, last_error, created_at`

func scanDomain(row scanner) (*domain.OrgDomain, error) {
	var d domain.OrgDomain
	var verified, checked, created sql.NullInt64
	if err := row.Scan(&d.OrgSID, &d.Domain, &d.Token, &d.Trusted, &verified, &checked, &d.LastError, &created); err != nil {
		return nil, err
	}
	d.VerifiedAt, d.LastCheckedAt, d.CreatedAt = fromMS(verified), fromMS(checked), fromMS(created)
	return &d, nil
}

// ListDomains returns the organization's domains, verified first, then by name.
func (s *Store) ListDomains(ctx context.Context, orgSID string) ([]*domain.OrgDomain, error) {
	var out []*domain.OrgDomain
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT `+domainColumns+` FROM domains WHERE org_sid = ?
			ORDER BY verified_at IS NULL, domain`, orgSID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDomain(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	return out, err
}

// AddDomain adds an unverified domain to the administrator's organization with a fresh challenge token.
func (s *Store) AddDomain(ctx context.Context, admin *domain.User, raw, ip string) (*domain.OrgDomain, error) {
	name, problem := domain.NormalizeDomain(raw)
	if err := domain.FieldError("domain", problem); err != nil {
		return nil, err
	}
	now := s.Now()
	d := &domain.OrgDomain{OrgSID: admin.OrgSID, Domain: name, Token: auth.NewToken(), CreatedAt: now}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var owner string
		err := tx.QueryRow(`SELECT org_sid FROM domains WHERE domain = ? AND (org_sid = ? OR verified_at IS NOT NULL)
			ORDER BY org_sid = ? DESC LIMIT 1`, name, admin.OrgSID, admin.OrgSID).Scan(&owner)
		switch {
		case err == nil && owner == admin.OrgSID:
			return domain.FieldError("domain", domain.MsgDomainListed.With(name))
		case err == nil:
			return domain.FieldError("domain", domain.MsgDomainTaken.With(name))
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.Exec(`INSERT INTO domains (org_sid, domain, token, created_at) VALUES (?, ?, ?, ?)`,
			d.OrgSID, d.Domain, d.Token, ms(now)); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: admin.OrgSID, Actor: userActor(admin, ip), Action: "domain.add", TargetType: "domain",
			TargetSID: name, After: map[string]string{"domain": name, "record": d.ChallengeName()}})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// FindDomain returns one of the organization's domains.
func (s *Store) FindDomain(ctx context.Context, orgSID, name string) (*domain.OrgDomain, error) {
	d, err := scanDomain(s.r.QueryRowContext(ctx, `SELECT `+domainColumns+` FROM domains WHERE org_sid = ? AND domain = ?`,
		orgSID, strings.ToLower(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The domain")
	}
	return d, err
}

// RecordDomainVerification records on d (and in the database) what an administrator's check of
// its TXT record found: problem says why the record does not prove control, or is zero when it
// does. The database keeps its English text (d.Problem says it again as a message).
func (s *Store) RecordDomainVerification(ctx context.Context, admin *domain.User, d *domain.OrgDomain, problem domain.Message, ip string) error {
	actor := userActor(admin, ip)
	return s.write(ctx, func(tx *sql.Tx) error {
		return s.recordCheck(tx, d, problem, actor, "domain.verify")
	})
}

// recordCheck stores a check's outcome on d (and in the database) with an audit event.
func (s *Store) recordCheck(tx *sql.Tx, d *domain.OrgDomain, found domain.Message, actor domain.Actor, action string) error {
	now := s.Now()
	problem := found.Text
	d.LastCheckedAt, d.LastError = now, problem
	wasVerified := d.Verified()
	if problem == "" && !wasVerified {
		d.VerifiedAt = now
	}
	_, err := tx.Exec(`UPDATE domains SET verified_at = ?, last_checked_at = ?, last_error = ? WHERE org_sid = ? AND domain = ?`,
		nullMS(d.VerifiedAt), ms(now), problem, d.OrgSID, d.Domain)
	if isUniqueViolation(err) {
		d.VerifiedAt, d.LastError = time.Time{}, domain.MsgDomainTaken.With(d.Domain).Text
		_, err = tx.Exec(`UPDATE domains SET last_checked_at = ?, last_error = ? WHERE org_sid = ? AND domain = ?`,
			ms(now), d.LastError, d.OrgSID, d.Domain)
	}
	if err != nil {
		return err
	}
	if action == "domain.recheck" && problem == "" && wasVerified {
		return nil // a quiet daily success is not news
	}
	outcome := "success"
	if d.LastError != "" {
		outcome = "failure"
	}
	return s.audit(tx, auditEntry{OrgSID: d.OrgSID, Actor: actor, Action: action, TargetType: "domain", TargetSID: d.Domain,
		Before: map[string]any{"verified": wasVerified}, After: map[string]any{"verified": d.Verified(), "error": d.LastError},
		Outcome: outcome})
}

// ListDomainsDueForCheck returns the domains verified through DNS (and those still waiting) whose
// last check is older than every, the longest-unchecked first.
func (s *Store) ListDomainsDueForCheck(ctx context.Context, every time.Duration) ([]*domain.OrgDomain, error) {
	var due []*domain.OrgDomain
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT `+domainColumns+` FROM domains WHERE trusted = 0
			AND coalesce(last_checked_at, 0) <= ? ORDER BY last_checked_at LIMIT 500`, ms(s.Now().Add(-every)))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDomain(rows)
			if err != nil {
				return err
			}
			due = append(due, d)
		}
		return rows.Err()
	})
	return due, err
}

// RecordDomainRecheck records what the daily check of d's TXT record found (problem, or zero when
// the record proves control). A verified domain whose record has gone stays verified but shows the
// problem, so that an administrator can act.
func (s *Store) RecordDomainRecheck(ctx context.Context, d *domain.OrgDomain, problem domain.Message) error {
	actor := domain.Actor{Type: "system", Label: "daily domain check"}
	return s.write(ctx, func(tx *sql.Tx) error { return s.recordCheck(tx, d, problem, actor, "domain.recheck") })
}

// emailDomainVerifiedTx reports whether email's domain is verified (or trusted) for the organization.
func emailDomainVerifiedTx(tx *sql.Tx, orgSID, email string) (bool, error) {
	var n int
	err := tx.QueryRow(`SELECT count(*) FROM domains WHERE org_sid = ? AND domain = ? AND verified_at IS NOT NULL`,
		orgSID, domain.EmailDomain(email)).Scan(&n)
	return n > 0, err
}
