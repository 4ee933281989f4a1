package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

// SeedInput says how much demo or benchmark data Seed writes.
type SeedInput struct {
	Accounts     int
	Users        int
	PasswordHash string // every seeded user's password, hashed once by the caller
	Rand         *rand.Rand
}

// SeedResult counts what Seed wrote.
type SeedResult struct {
	OrgSID                                   string
	Users, External, Accounts, Requests      int
	Suspended, PendingClosure, Closed, Indep int
}

var (
	seedFirst = []string{"Ada", "Alan", "Amara", "Ben", "Carla", "Chen", "Dara", "Diego", "Elena", "Farah", "Grace", "Hiro",
		"Ines", "Ivan", "Jamal", "Julia", "Kai", "Lena", "Liam", "Maya", "Mateo", "Nadia", "Noah", "Olga", "Omar", "Priya",
		"Quinn", "Rosa", "Sami", "Sofia", "Tariq", "Uma", "Victor", "Wen", "Xavier", "Yara", "Zane", "Zoe"}
	seedLast = []string{"Adams", "Baker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jensen", "Khan",
		"Larsen", "Moreau", "Nakamura", "Okafor", "Patel", "Quist", "Rossi", "Silva", "Tanaka", "Ueda", "Varga", "Weber",
		"Xu", "Yilmaz", "Zhang", "Novak", "Kowalski", "Murphy", "Schmidt"}
	seedTeam = []string{"Billing", "Support", "Marketing", "Notifications", "Onboarding", "Payments", "Contact center",
		"Verify", "Alerts", "Campaigns", "Logistics", "Sales", "Helpdesk", "Reminders", "Surveys", "Dispatch", "Field ops",
		"Loyalty", "Fraud checks", "Voice IVR"}
	seedPlace = []string{"EU", "US", "UK", "APAC", "LATAM", "Nordics", "DACH", "France", "Japan", "Brazil", "India", "Canada"}
	seedEnv   = []string{"prod", "staging", "dev", "test", "sandbox", "", "", ""}
	seedExt   = []string{"gmail.example", "outlook.example", "contractor.example", "agency.example"}
)

// Seed writes a realistic organization in bulk into the oldest organization: managed users with
// names, external owners, accounts with owners and roles, some suspended, closing, closed and
// independent accounts, pending import and share requests, and an audit event for each account.
// Everything goes in one transaction with prepared statements.
func (s *Store) Seed(ctx context.Context, in SeedInput) (*SeedResult, error) {
	if in.Accounts < 0 || in.Users < 0 || in.PasswordHash == "" {
		return nil, domain.Errorf(domain.EInvalid, "Seed needs non-negative counts and a password hash.")
	}
	r := in.Rand
	if r == nil {
		r = rand.New(rand.NewPCG(1, 2))
	}
	res := &SeedResult{}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var orgSID, ownerSID, ownerEmail, dom string
		err := tx.QueryRow(`SELECT o.sid, u.sid, u.email, d.domain FROM organizations o
			JOIN users u ON u.org_sid = o.sid AND u.org_role = 'owner'
			JOIN domains d ON d.org_sid = o.sid AND d.verified_at IS NOT NULL
			ORDER BY o.created_at, d.created_at LIMIT 1`).Scan(&orgSID, &ownerSID, &ownerEmail, &dom)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.EInvalid, "There is no organization to seed: run setup first.")
		}
		if err != nil {
			return err
		}
		res.OrgSID = orgSID
		// A bulk write of this size outgrows the normal page cache and would spill to the WAL
		// mid-transaction; this one transaction gets a large cache (put back below).
		if _, err := tx.Exec(`PRAGMA cache_size = -524288`); err != nil {
			return err
		}
		now := s.Now()
		nowMS := ms(now)
		batch := nowMS // makes seeded emails unique across runs

		insUser, err := tx.Prepare(`INSERT INTO users (sid, email, name, password_hash, status, org_sid, org_role, last_login_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insUser.Close()
		insAcc, err := tx.Prepare(`INSERT INTO accounts (sid, friendly_name, type, status, owner_sid, org_sid, org_relation, flex_region,
			require_2fa, webhooks_https_only, pkcv_required, status_before_closure, closes_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insAcc.Close()
		insRole, err := tx.Prepare(`INSERT OR IGNORE INTO account_roles (sid, account_sid, user_sid, role, created_at) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insRole.Close()
		insAudit, err := tx.Prepare(`INSERT INTO audit_events (org_sid, actor_type, actor_sid, actor_label, action, target_type, target_sid,
			account_sid, before, after, ip, outcome, created_at) VALUES (?, 'user', ?, ?, ?, 'account', ?, ?, '', ?, '10.0.0.1', 'success', ?)`)
		if err != nil {
			return err
		}
		defer insAudit.Close()
		insReq, err := tx.Prepare(`INSERT INTO account_requests (org_sid, account_sid, kind, token_hash, requested_by, state, sent_at, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insReq.Close()

		type person struct{ sid, email string }
		managed := []person{{ownerSID, ownerEmail}}
		var external []person
		nExternal := in.Users / 20
		const year = int64(365 * 24 * time.Hour / time.Millisecond)
		for i := 0; i < in.Users; i++ {
			first, last := seedFirst[r.IntN(len(seedFirst))], seedLast[r.IntN(len(seedLast))]
			p := person{sid: domain.NewSID(domain.PrefixUser)}
			created := nowMS - r.Int64N(3*year)
			var org, role sql.NullString
			if i < nExternal {
				p.email = fmt.Sprintf("%s.%s.%d.%d@%s", strings.ToLower(first), strings.ToLower(last), batch, i, seedExt[r.IntN(len(seedExt))])
				external = append(external, p)
			} else {
				p.email = fmt.Sprintf("%s.%s.%d.%d@%s", strings.ToLower(first), strings.ToLower(last), batch, i, dom)
				org = sql.NullString{String: orgSID, Valid: true}
				role = sql.NullString{String: domain.OrgRoleStandard, Valid: true}
				if r.IntN(100) == 0 {
					role.String = domain.OrgRoleAdministrator
				}
				managed = append(managed, p)
			}
			status := "active"
			if r.IntN(50) == 0 {
				status = "deactivated"
			}
			var lastLogin sql.NullInt64
			if r.IntN(4) != 0 {
				lastLogin = sql.NullInt64{Int64: nowMS - r.Int64N(year/4), Valid: true}
			}
			if _, err := insUser.Exec(p.sid, p.email, first+" "+last, in.PasswordHash, status, org, role, lastLogin, created, created); err != nil {
				return fmt.Errorf("seed user: %w", err)
			}
		}
		res.Users, res.External = in.Users-nExternal, nExternal

		roles := []string{domain.RoleAdministrator, domain.RoleDeveloper, domain.RoleDeveloper, domain.RoleBillingManager, domain.RoleSupport}
		for i := 0; i < in.Accounts; i++ {
			sid := domain.NewSID(domain.PrefixAccount)
			name := seedTeam[r.IntN(len(seedTeam))] + " " + seedPlace[r.IntN(len(seedPlace))]
			if env := seedEnv[r.IntN(len(seedEnv))]; env != "" {
				name += " " + env
			}
			typ, region := domain.AccountStandard, sql.NullString{}
			if r.IntN(10) == 0 {
				typ, region = domain.AccountFlex, sql.NullString{String: domain.FlexRegions[r.IntN(len(domain.FlexRegions))], Valid: true}
			}
			created := nowMS - r.Int64N(3*year)
			owner := managed[r.IntN(len(managed))]
			if r.IntN(20) == 0 {
				owner = managed[0] // the Owner holds a few accounts too
			}
			org, rel := sql.NullString{String: orgSID, Valid: true}, sql.NullString{String: domain.RelationManaged, Valid: true}
			request := ""
			switch n := r.IntN(1000); {
			case len(external) > 0 && n < 30:
				owner, rel.String = external[r.IntN(len(external))], domain.RelationIndependent
				res.Indep++
			case len(external) > 0 && n < 35:
				owner, org, rel = external[r.IntN(len(external))], sql.NullString{}, sql.NullString{}
				request = "share"
			case n < 40:
				owner, org, rel = managed[r.IntN(len(managed))], sql.NullString{}, sql.NullString{}
				request = "import"
			}
			status, before, closes := domain.StatusActive, sql.NullString{}, sql.NullInt64{}
			switch n := r.IntN(100); {
			case n < 5:
				status = domain.StatusSuspended
				res.Suspended++
			case n < 7:
				status, before, closes = domain.StatusPendingClosure, sql.NullString{String: domain.StatusActive, Valid: true},
					sql.NullInt64{Int64: nowMS + r.Int64N(72*3600*1000), Valid: true}
				res.PendingClosure++
			case n < 10:
				status = domain.StatusClosed
				res.Closed++
			}
			if _, err := insAcc.Exec(sid, name, typ, status, owner.sid, org, rel, region, r.IntN(20) == 0, before, closes, created, created); err != nil {
				return fmt.Errorf("seed account: %w", err)
			}
			if _, err := insRole.Exec(domain.NewSID(domain.PrefixRoleAssignment), sid, owner.sid, domain.RoleOwner, created); err != nil {
				return err
			}
			for k := r.IntN(3); k > 0; k-- {
				u := managed[r.IntN(len(managed))]
				if _, err := insRole.Exec(domain.NewSID(domain.PrefixRoleAssignment), sid, u.sid, roles[r.IntN(len(roles))], created); err != nil {
					return err
				}
			}
			if org.Valid {
				if _, err := insAudit.Exec(orgSID, ownerSID, ownerEmail, "account.create", sid, sid,
					fmt.Sprintf(`{"friendly_name":%q,"type":%q}`, name, typ), created); err != nil {
					return err
				}
			}
			if request != "" {
				sent := nowMS - r.Int64N(10*24*3600*1000)
				if _, err := insReq.Exec(orgSID, sid, request, auth.HashToken(auth.NewToken()), ownerSID, sent, sent+7*24*3600*1000, sent); err != nil {
					return err
				}
				res.Requests++
			}
			res.Accounts++
		}
		return s.audit(tx, auditEntry{OrgSID: orgSID, Actor: domain.Actor{Type: "system", Label: "admincenter seed"},
			Action: "organization.seed", TargetType: "organization", TargetSID: orgSID,
			After: map[string]int{"accounts": res.Accounts, "users": in.Users}})
	})
	if _, rerr := s.w.ExecContext(ctx, `PRAGMA cache_size = -16000`); err == nil {
		err = rerr
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}
