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
		org, err := seedTargetTx(tx)
		if err != nil {
			return err
		}
		res.OrgSID = org.sid
		// A bulk write of this size outgrows the normal page cache and would spill to the WAL
		// mid-transaction; this one transaction gets a large cache (put back below).
		if !s.pg {
			if _, err := tx.Exec(`PRAGMA cache_size = -524288`); err != nil {
				return err
			}
		}
		sd, err := newSeeder(tx, org, r, ms(s.Now()), res, s.pg)
		if err != nil {
			return err
		}
		defer sd.close()
		if err := sd.users(in.Users, in.PasswordHash); err != nil {
			return err
		}
		if err := sd.accounts(in.Accounts); err != nil {
			return err
		}
		if err := sd.flush(); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: org.sid, Actor: domain.Actor{Type: "system", Label: "admincenter seed"},
			Action: "organization.seed", TargetType: "organization", TargetSID: org.sid,
			After: map[string]int{"accounts": res.Accounts, "users": in.Users}})
	})
	if !s.pg {
		if _, rerr := s.w.ExecContext(ctx, `PRAGMA cache_size = -16000`); err == nil {
			err = rerr
		}
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// seedOrg is the organization Seed writes into: its Owner and a verified domain for the emails
// of its managed users.
type seedOrg struct {
	sid, ownerSID, ownerEmail, domain string
}

func seedTargetTx(tx *sql.Tx) (seedOrg, error) {
	var o seedOrg
	err := tx.QueryRow(`SELECT o.sid, u.sid, u.email, d.domain FROM organizations o
		JOIN users u ON u.org_sid = o.sid AND u.org_role = 'owner'
		JOIN domains d ON d.org_sid = o.sid AND d.verified_at IS NOT NULL
		ORDER BY o.created_at, d.created_at LIMIT 1`).Scan(&o.sid, &o.ownerSID, &o.ownerEmail, &o.domain)
	if errors.Is(err, sql.ErrNoRows) {
		return o, domain.Errorf(domain.EInvalid, "There is no organization to seed: run setup first.")
	}
	return o, err
}

type seedPerson struct{ sid, email string }

const seedYearMS = int64(365 * 24 * time.Hour / time.Millisecond)

// seeder is one Seed's stages' shared state: the prepared statements of its transaction, the
// random source (drawn from in a fixed order, so a seed is reproducible) and the people the
// accounts stage picks owners and members from.
type seeder struct {
	org   seedOrg
	r     *rand.Rand
	nowMS int64
	batch int64 // makes seeded emails unique across runs
	res   *SeedResult

	insUser, insAcc, insRole, insAudit, insReq seedInsert
	stmts                                      []*sql.Stmt // SQLite's prepared inserts, closed at the end
	batches                                    []*seedBatch

	managed, external []seedPerson
}

// seedInsert writes one row of one table.
type seedInsert func(args ...any) error

// newSeeder prepares the inserts: on SQLite one prepared statement a table, a row at a time (a
// call costs no round trip); on PostgreSQL rows are gathered and sent a thousand at a time in one
// INSERT of many rows, as each statement is a round trip to the server.
func newSeeder(tx *sql.Tx, org seedOrg, r *rand.Rand, nowMS int64, res *SeedResult, batched bool) (*seeder, error) {
	sd := &seeder{org: org, r: r, nowMS: nowMS, batch: nowMS, res: res}
	// In the order of their references: a batch is sent after those of the tables it refers to.
	for _, p := range []struct {
		stmt  *seedInsert
		query string
	}{
		{&sd.insUser, `INSERT INTO users (sid, email, name, password_hash, status, org_sid, org_role, last_login_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&sd.insAcc, `INSERT INTO accounts (sid, friendly_name, type, status, owner_sid, org_sid, org_relation, flex_region,
			require_2fa, webhooks_https_only, pkcv_required, status_before_closure, closes_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?, ?)`},
		{&sd.insRole, `INSERT OR IGNORE INTO account_roles (sid, account_sid, user_sid, role, created_at, account_name) VALUES (?, ?, ?, ?, ?, ?)`},
		{&sd.insAudit, `INSERT INTO audit_events (org_sid, actor_type, actor_sid, actor_label, action, target_type, target_sid,
			account_sid, before, after, ip, outcome, created_at) VALUES (?, 'user', ?, ?, ?, 'account', ?, ?, '', ?, '10.0.0.1', 'success', ?)`},
		{&sd.insReq, `INSERT INTO account_requests (org_sid, account_sid, kind, token_hash, requested_by, state, sent_at, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`},
	} {
		if batched {
			b := &seedBatch{tx: tx, head: p.query[:strings.Index(p.query, "VALUES")], row: p.query[strings.Index(p.query, "VALUES")+len("VALUES"):]}
			if i := strings.Index(b.row, ")"); i >= 0 {
				b.tail = b.row[i+1:] // ON CONFLICT and the like, after the row
				b.row = strings.TrimSpace(b.row[:i+1])
			}
			sd.batches = append(sd.batches, b)
			*p.stmt = func(args ...any) error { return b.add(sd, args) }
			continue
		}
		stmt, err := tx.Prepare(p.query)
		if err != nil {
			sd.close()
			return nil, err
		}
		sd.stmts = append(sd.stmts, stmt)
		*p.stmt = func(args ...any) error { _, err := stmt.Exec(args...); return err }
	}
	return sd, nil
}

func (sd *seeder) close() {
	for _, st := range sd.stmts {
		st.Close()
	}
}

// seedBatch gathers the rows of one table for one INSERT of many rows.
type seedBatch struct {
	tx              *sql.Tx
	head, row, tail string // "INSERT INTO t (…) ", "(?, ?, 'x')", " ON CONFLICT …"
	rows            int
	args            []any
}

const seedBatchRows = 1000

func (b *seedBatch) add(sd *seeder, args []any) error {
	b.rows++
	b.args = append(b.args, args...)
	if b.rows >= seedBatchRows {
		return sd.flush()
	}
	return nil
}

// flush sends every table's gathered rows, in the order of their references.
func (sd *seeder) flush() error {
	for _, b := range sd.batches {
		if b.rows == 0 {
			continue
		}
		q := b.head + "VALUES " + strings.TrimSuffix(strings.Repeat(b.row+", ", b.rows), ", ") + b.tail
		if _, err := b.tx.Exec(q, b.args...); err != nil {
			return err
		}
		b.rows, b.args = 0, b.args[:0]
	}
	return nil
}

// users writes n users: one in twenty external (outside the organization), the rest managed,
// with a rare Administrator and a few deactivated.
func (sd *seeder) users(n int, passwordHash string) error {
	r := sd.r
	sd.managed = []seedPerson{{sd.org.ownerSID, sd.org.ownerEmail}}
	nExternal := n / 20
	for i := 0; i < n; i++ {
		first, last := seedFirst[r.IntN(len(seedFirst))], seedLast[r.IntN(len(seedLast))]
		p := seedPerson{sid: domain.NewSID(domain.PrefixUser)}
		created := sd.nowMS - r.Int64N(3*seedYearMS)
		var org, role sql.NullString
		if i < nExternal {
			p.email = fmt.Sprintf("%s.%s.%d.%d@%s", strings.ToLower(first), strings.ToLower(last), sd.batch, i, seedExt[r.IntN(len(seedExt))])
			sd.external = append(sd.external, p)
		} else {
			p.email = fmt.Sprintf("%s.%s.%d.%d@%s", strings.ToLower(first), strings.ToLower(last), sd.batch, i, sd.org.domain)
			org = sql.NullString{String: sd.org.sid, Valid: true}
			role = sql.NullString{String: domain.OrgRoleStandard, Valid: true}
			if r.IntN(100) == 0 {
				role.String = domain.OrgRoleAdministrator
			}
			sd.managed = append(sd.managed, p)
		}
		status := domain.UserActive
		if r.IntN(50) == 0 {
			status = domain.UserDeactivated
		}
		var lastLogin sql.NullInt64
		if r.IntN(4) != 0 {
			lastLogin = sql.NullInt64{Int64: sd.nowMS - r.Int64N(seedYearMS/4), Valid: true}
		}
		if err := sd.insUser(p.sid, p.email, first+" "+last, passwordHash, status, org, role, lastLogin, created, created); err != nil {
			return fmt.Errorf("seed user: %w", err)
		}
	}
	sd.res.Users, sd.res.External = n-nExternal, nExternal
	return nil
}

// accounts writes n accounts.
func (sd *seeder) accounts(n int) error {
	for i := 0; i < n; i++ {
		if err := sd.writeAccount(sd.drawAccount()); err != nil {
			return err
		}
		sd.res.Accounts++
	}
	return nil
}

// seedAccount is one account Seed writes.
type seedAccount struct {
	sid, name, typ, status, request string
	owner                           seedPerson
	org, relation, region, before   sql.NullString
	closes                          sql.NullInt64
	pkcv                            bool
	created                         int64
}

// drawAccount picks an account's name, type, owner, relation and status: a few are independent or
// awaiting an import or share request, and a few are suspended, closing or closed.
func (sd *seeder) drawAccount() seedAccount {
	r, res, managed, external := sd.r, sd.res, sd.managed, sd.external
	a := seedAccount{sid: domain.NewSID(domain.PrefixAccount)}
	a.name = seedTeam[r.IntN(len(seedTeam))] + " " + seedPlace[r.IntN(len(seedPlace))]
	if env := seedEnv[r.IntN(len(seedEnv))]; env != "" {
		a.name += " " + env
	}
	a.typ = domain.AccountStandard
	if r.IntN(10) == 0 {
		a.typ, a.region = domain.AccountFlex, sql.NullString{String: domain.FlexRegions[r.IntN(len(domain.FlexRegions))], Valid: true}
	}
	a.created = sd.nowMS - r.Int64N(3*seedYearMS)
	a.owner = managed[r.IntN(len(managed))]
	if r.IntN(20) == 0 {
		a.owner = managed[0] // the Owner holds a few accounts too
	}
	a.org, a.relation = sql.NullString{String: sd.org.sid, Valid: true}, sql.NullString{String: domain.RelationManaged, Valid: true}
	switch n := r.IntN(1000); {
	case len(external) > 0 && n < 30:
		a.owner, a.relation.String = external[r.IntN(len(external))], domain.RelationIndependent
		res.Indep++
	case len(external) > 0 && n < 35:
		a.owner, a.org, a.relation = external[r.IntN(len(external))], sql.NullString{}, sql.NullString{}
		a.request = "share"
	case n < 40:
		a.owner, a.org, a.relation = managed[r.IntN(len(managed))], sql.NullString{}, sql.NullString{}
		a.request = "import"
	}
	a.status = domain.StatusActive
	switch n := r.IntN(100); {
	case n < 5:
		a.status = domain.StatusSuspended
		res.Suspended++
	case n < 7:
		a.status, a.before, a.closes = domain.StatusPendingClosure, sql.NullString{String: domain.StatusActive, Valid: true},
			sql.NullInt64{Int64: sd.nowMS + r.Int64N(72*3600*1000), Valid: true}
		res.PendingClosure++
	case n < 10:
		a.status = domain.StatusClosed
		res.Closed++
	}
	a.pkcv = r.IntN(20) == 0
	return a
}

var seedRoles = []string{domain.RoleAdministrator, domain.RoleDeveloper, domain.RoleDeveloper, domain.RoleBillingManager, domain.RoleSupport}

// writeAccount writes the account with its owner's role and up to two other roles, its creation
// in the audit log when it is the organization's, and its pending request if it has one.
func (sd *seeder) writeAccount(a seedAccount) error {
	r := sd.r
	if err := sd.insAcc(a.sid, a.name, a.typ, a.status, a.owner.sid, a.org, a.relation, a.region, a.pkcv, a.before, a.closes,
		a.created, a.created); err != nil {
		return fmt.Errorf("seed account: %w", err)
	}
	if err := sd.insRole(domain.NewSID(domain.PrefixRoleAssignment), a.sid, a.owner.sid, domain.RoleOwner, a.created, a.name); err != nil {
		return err
	}
	for k := r.IntN(3); k > 0; k-- {
		u := sd.managed[r.IntN(len(sd.managed))]
		if err := sd.insRole(domain.NewSID(domain.PrefixRoleAssignment), a.sid, u.sid, seedRoles[r.IntN(len(seedRoles))], a.created, a.name); err != nil {
			return err
		}
	}
	if a.org.Valid {
		if err := sd.insAudit(sd.org.sid, sd.org.ownerSID, sd.org.ownerEmail, "account.create", a.sid, a.sid,
			fmt.Sprintf(`{"friendly_name":%q,"type":%q}`, a.name, a.typ), a.created); err != nil {
			return err
		}
	}
	if a.request != "" {
		sent := sd.nowMS - r.Int64N(10*24*3600*1000)
		if err := sd.insReq(sd.org.sid, a.sid, a.request, auth.HashToken(auth.NewToken()), sd.org.ownerSID, sent, sent+7*24*3600*1000, sent); err != nil {
			return err
		}
		sd.res.Requests++
	}
	return nil
}
