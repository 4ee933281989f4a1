package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"admincenter/internal/domain"
)

// SCIMUser is a managed user as SCIM provisioning sees it: the user plus the SCIM attributes
// the console does not use.
type SCIMUser struct {
	domain.User
	ExternalID string
	GivenName  string
	FamilyName string
	UpdatedAt  time.Time
}

// Active reports whether the user may sign in.
func (u *SCIMUser) Active() bool { return u.Status == domain.UserActive }

const scimUserColumns = userColumns + `, coalesce(p.external_id, ''), coalesce(p.given_name, ''), coalesce(p.family_name, ''), u.updated_at`

const scimUserFrom = ` FROM users u LEFT JOIN scim_profiles p ON p.user_sid = u.sid `

func scanSCIMUser(row scanner) (*SCIMUser, error) {
	var su SCIMUser
	var updated sql.NullInt64
	u, err := scanUser(row, &su.ExternalID, &su.GivenName, &su.FamilyName, &updated)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = ""
	su.User, su.UpdatedAt = *u, fromMS(updated)
	return &su, nil
}

// ListSCIMUsers returns a page of the organization's managed users by email, with the total;
// userName, when set, selects the one user with that email.
func (s *Store) ListSCIMUsers(ctx context.Context, orgSID, userName string, offset, limit int) ([]*SCIMUser, int, error) {
	where, args := `WHERE u.org_sid = ?`, []any{orgSID}
	if userName != "" {
		where, args = where+` AND u.email = ?`, append(args, domain.NormalizeEmail(userName))
	}
	var out []*SCIMUser
	var total int
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRow(`SELECT count(*) FROM users u `+where, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT `+scimUserColumns+scimUserFrom+where+` ORDER BY u.email LIMIT ? OFFSET ?`, append(args, limit, offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanSCIMUser(rows)
			if err != nil {
				return err
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	return out, total, err
}

// FindSCIMUser returns a managed user of the organization; any other SID is not found.
func (s *Store) FindSCIMUser(ctx context.Context, orgSID, sid string) (*SCIMUser, error) {
	if !domain.ValidSID(domain.PrefixUser, sid) {
		return nil, notFound("The user")
	}
	var u *SCIMUser
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = findSCIMUserTx(tx, orgSID, sid)
		return err
	})
	return u, err
}

func findSCIMUserTx(tx *sql.Tx, orgSID, sid string) (*SCIMUser, error) {
	u, err := scanSCIMUser(tx.QueryRow(`SELECT `+scimUserColumns+scimUserFrom+`WHERE u.sid = ? AND u.org_sid = ?`, sid, orgSID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The user")
	}
	return u, err
}

// verifiedDomainTx checks that the email is in a verified domain of the organization.
func verifiedDomainTx(tx *sql.Tx, orgSID, email string) error {
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM domains WHERE org_sid = ? AND domain = ? AND verified_at IS NOT NULL`,
		orgSID, domain.EmailDomain(email)).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return domain.FieldError("userName", domain.MsgSCIMUserNameDomain)
	}
	return nil
}

// CreateSCIMUser provisions a managed user of the organization (a Standard User) with
// passwordHash, the caller's hash of an unusable random password: they set their own through
// password recovery or sign in by SSO.
func (s *Store) CreateSCIMUser(ctx context.Context, actor domain.Actor, orgSID string, in domain.SCIMUserInput, passwordHash string) (*SCIMUser, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if passwordHash == "" {
		return nil, errNoPasswordHash
	}
	now := s.Now()
	u := &domain.User{SID: domain.NewSID(domain.PrefixUser), Email: in.UserName, Name: in.DisplayName,
		OrgSID: orgSID, OrgRole: domain.OrgRoleStandard}
	var out *SCIMUser
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := verifiedDomainTx(tx, orgSID, in.UserName); err != nil {
			return err
		}
		if err := insertUserTx(tx, u, passwordHash, now); err != nil {
			if domain.ErrorCode(err) == domain.EConflict {
				return domain.Errorf(domain.EConflict, "A user with this userName already exists.")
			}
			return err
		}
		if !in.Active {
			if _, err := tx.Exec(`UPDATE users SET status = 'deactivated' WHERE sid = ?`, u.SID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`INSERT INTO scim_profiles (user_sid, org_sid, external_id, given_name, family_name) VALUES (?, ?, ?, ?, ?)`,
			u.SID, orgSID, in.ExternalID, in.GivenName, in.FamilyName); err != nil {
			return err
		}
		after := map[string]any{"email": in.UserName, "name": in.DisplayName, "org_role": domain.OrgRoleStandard, "active": in.Active}
		if err := s.audit(tx, auditEntry{OrgSID: orgSID, Actor: actor, Action: "user.create", TargetType: "user", TargetSID: u.SID,
			After: after}); err != nil {
			return err
		}
		var err error
		out, err = findSCIMUserTx(tx, orgSID, u.SID)
		return err
	})
	return out, err
}

// AnyVersion is the ifMatch of an update that does not check the user's version.
const AnyVersion = -1

// ErrStaleVersion is the answer to an update whose If-Match names an older version.
var ErrStaleVersion = domain.Errorf(domain.EConflict, "The user changed since that version was read. Fetch it again and retry.")

// UpdateSCIMUser changes a managed user of the organization in one transaction: it reads the
// user, checks the version (unless ifMatch is AnyVersion), lets change edit the SCIM attributes,
// then writes them. Deactivating ends every session of the user. The Owner cannot be deactivated,
// so the organization keeps someone who can run it.
func (s *Store) UpdateSCIMUser(ctx context.Context, actor domain.Actor, orgSID, sid string, ifMatch int, change func(*domain.SCIMUserInput) error) (*SCIMUser, error) {
	if !domain.ValidSID(domain.PrefixUser, sid) {
		return nil, notFound("The user")
	}
	var out *SCIMUser
	err := s.write(ctx, func(tx *sql.Tx) error {
		cur, err := findSCIMUserTx(tx, orgSID, sid)
		if err != nil {
			return err
		}
		if ifMatch != AnyVersion && cur.Version != ifMatch {
			return ErrStaleVersion
		}
		in := domain.SCIMUserInput{UserName: cur.Email, DisplayName: cur.Name, GivenName: cur.GivenName,
			FamilyName: cur.FamilyName, ExternalID: cur.ExternalID, Active: cur.Active()}
		before := in
		if err := change(&in); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if in == before {
			out = cur
			return nil
		}
		if err := s.writeSCIMUserTx(tx, orgSID, cur, in); err != nil {
			return err
		}
		if err := s.auditSCIMUpdateTx(tx, actor, orgSID, sid, before, in); err != nil {
			return err
		}
		out, err = findSCIMUserTx(tx, orgSID, sid)
		return err
	})
	return out, err
}

// writeSCIMUserTx checks the changed input against the organization (a verified domain for a new
// email; the Owner stays active) and writes it to the user and their SCIM profile. Deactivating
// ends every session of the user.
func (s *Store) writeSCIMUserTx(tx *sql.Tx, orgSID string, cur *SCIMUser, in domain.SCIMUserInput) error {
	if in.UserName != cur.Email {
		if err := verifiedDomainTx(tx, orgSID, in.UserName); err != nil {
			return err
		}
	}
	if !in.Active && cur.OrgRole == domain.OrgRoleOwner {
		return domain.Errorf(domain.EInvalid, "The organization's Owner cannot be deactivated.")
	}
	status := domain.UserActive
	if !in.Active {
		status = domain.UserDeactivated
	}
	_, err := tx.Exec(`UPDATE users SET email = ?, name = ?, status = ?, version = version + 1, updated_at = ? WHERE sid = ?`,
		in.UserName, in.DisplayName, status, ms(s.Now()), cur.SID)
	if isUniqueViolation(err) {
		return domain.Errorf(domain.EConflict, "A user with this userName already exists.")
	}
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO scim_profiles (user_sid, org_sid, external_id, given_name, family_name) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_sid) DO UPDATE SET external_id = excluded.external_id, given_name = excluded.given_name,
		family_name = excluded.family_name`, cur.SID, orgSID, in.ExternalID, in.GivenName, in.FamilyName)
	if err != nil {
		return err
	}
	if !in.Active && cur.Active() {
		_, err = tx.Exec(`DELETE FROM sessions WHERE user_sid = ?`, cur.SID)
	}
	return err
}

// auditSCIMUpdateTx records the update and, when it deactivates or reactivates the user, that
// as an event of its own, as a deactivation from the console is.
func (s *Store) auditSCIMUpdateTx(tx *sql.Tx, actor domain.Actor, orgSID, sid string, before, in domain.SCIMUserInput) error {
	if err := s.audit(tx, auditEntry{OrgSID: orgSID, Actor: actor, Action: "user.update", TargetType: "user", TargetSID: sid,
		Before: before, After: in}); err != nil {
		return err
	}
	if in.Active == before.Active {
		return nil
	}
	action := "user.reactivate"
	if !in.Active {
		action = "user.deactivate"
	}
	return s.audit(tx, auditEntry{OrgSID: orgSID, Actor: actor, Action: action, TargetType: "user", TargetSID: sid})
}
