package store

import (
	"context"
	"database/sql"
	"errors"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

// ErrAlreadySetUp is returned by Setup when an organization exists.
var ErrAlreadySetUp = domain.Errorf(domain.EConflict, "Admin Center is already set up.")

// Setup creates the organization, its trusted first domain and its Owner, on an empty database
// only. passwordHash is the hash of in.Password, which the caller checked against the password
// policy (the auth package's PasswordProblem) first.
func (s *Store) Setup(ctx context.Context, in domain.SetupInput, passwordHash, ip string) (*domain.Organization, *domain.User, error) {
	if err := in.Validate(passwordChecked); err != nil {
		return nil, nil, err
	}
	if passwordHash == "" {
		return nil, nil, errNoPasswordHash
	}
	now := s.Now()
	org := &domain.Organization{SID: domain.NewSID(domain.PrefixOrganization), Name: in.OrgName, CreatedAt: now}
	user := &domain.User{SID: domain.NewSID(domain.PrefixUser), Email: in.Email, Name: in.Name, Status: domain.UserActive,
		OrgSID: org.SID, OrgRole: domain.OrgRoleOwner, CreatedAt: now}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM organizations`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrAlreadySetUp
		}
		if _, err := tx.Exec(`INSERT INTO organizations (sid, name, created_at) VALUES (?, ?, ?)`, org.SID, org.Name, ms(now)); err != nil {
			return err
		}
		if err := insertUserTx(tx, user, passwordHash, now); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO domains (org_sid, domain, token, verified_at, last_checked_at, created_at, trusted) VALUES (?, ?, ?, ?, ?, ?, 1)`,
			org.SID, in.Domain, auth.NewToken(), ms(now), ms(now), ms(now)); err != nil {
			return err
		}
		actor := domain.Actor{Type: "user", SID: user.SID, Label: user.Email, IP: ip}
		return s.audit(tx, auditEntry{OrgSID: org.SID, Actor: actor, Action: "organization.setup", TargetType: "organization",
			TargetSID: org.SID, After: map[string]string{"name": org.Name, "domain": in.Domain, "owner": user.Email}})
	})
	if err != nil {
		return nil, nil, err
	}
	return org, user, nil
}

// IsSetUp reports whether an organization exists.
func (s *Store) IsSetUp(ctx context.Context) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM organizations LIMIT 1) AS one`).Scan(&n)
	return n > 0, err
}

// FindOrganization returns the organization with the SID.
func (s *Store) FindOrganization(ctx context.Context, sid string) (*domain.Organization, error) {
	var o domain.Organization
	var created sql.NullInt64
	err := s.rowRead(ctx, `SELECT sid, name, language, timezone, created_at FROM organizations WHERE sid = ?`, sid).
		Scan(&o.SID, &o.Name, &o.Language, &o.TimeZone, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The organization")
	}
	if err != nil {
		return nil, err
	}
	o.CreatedAt = fromMS(created)
	return &o, nil
}

// UpdateOrganization saves the organization's name and its default language and time zone
// (checked by the caller with domain.ProfileInput.Validate), audited as organization.update in
// the same transaction. The actor must be its Owner or an Administrator (the route checks).
func (s *Store) UpdateOrganization(ctx context.Context, actor *domain.User, in domain.ProfileInput, ip string) error {
	if !actor.OrgAdmin() {
		return domain.Errorf(domain.EForbidden, "Only the organization's Owner and Administrators can change it.")
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var before domain.ProfileInput
		err := tx.QueryRow(`SELECT name, language, timezone FROM organizations WHERE sid = ?`, actor.OrgSID).
			Scan(&before.Name, &before.Language, &before.TimeZone)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("The organization")
		}
		if err != nil {
			return err
		}
		if before == in {
			return nil
		}
		if _, err := tx.Exec(`UPDATE organizations SET name = ?, language = ?, timezone = ? WHERE sid = ?`,
			in.Name, in.Language, in.TimeZone, actor.OrgSID); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: actor.OrgSID, Actor: userActor(actor, ip), Action: "organization.update",
			TargetType: "organization", TargetSID: actor.OrgSID, Before: profileJSON(before), After: profileJSON(in)})
	})
}
