package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

// member adds a user to the organization with the role.
func member(t *testing.T, s *Store, org *domain.Organization, email, role string) *domain.User {
	t.Helper()
	ctx := context.Background()
	u, err := storetest.AddUser(ctx, s, "", "", email, "User "+email, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := storetest.JoinOrg(ctx, s, u.SID, org.SID, role); err != nil {
		t.Fatal(err)
	}
	u, _ = s.FindUserBySID(ctx, u.SID)
	return u
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Errorf("%s: err = %v (code %q), want code %q", what, err, got, code)
	}
}

func TestOrgRoleGuards(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, owner := newOrg(t, s, "Alpha", "alpha.dev")
	admin := member(t, s, org, "admin@alpha.dev", domain.OrgRoleAdministrator)
	std := member(t, s, org, "std@alpha.dev", domain.OrgRoleStandard)

	_, err := s.SetOrgRole(ctx, owner, owner.SID, domain.OrgRoleStandard, "")
	wantCode(t, "owner demotes themself", err, domain.EConflict)
	_, err = s.SetOrgRole(ctx, admin, admin.SID, domain.OrgRoleStandard, "")
	wantCode(t, "administrator demotes themself", err, domain.EConflict)
	_, err = s.SetOrgRole(ctx, admin, owner.SID, domain.OrgRoleStandard, "")
	wantCode(t, "administrator demotes the owner", err, domain.EConflict)
	_, err = s.SetOrgRole(ctx, admin, std.SID, domain.OrgRoleOwner, "")
	wantCode(t, "administrator makes someone Owner", err, domain.EForbidden)
	_, err = s.SetOrgRole(ctx, std, admin.SID, domain.OrgRoleStandard, "")
	wantCode(t, "standard user changes a role", err, domain.EForbidden)
	_, err = s.SetOrgRole(ctx, owner, std.SID, "superuser", "")
	wantCode(t, "unknown role", err, domain.EInvalid)

	// The Owner hands the organization over: one transaction, exactly one Owner after.
	if _, err := s.SetOrgRole(ctx, owner, admin.SID, domain.OrgRoleOwner, ""); err != nil {
		t.Fatal(err)
	}
	o, _ := s.FindUserBySID(ctx, owner.SID)
	a, _ := s.FindUserBySID(ctx, admin.SID)
	if o.OrgRole != domain.OrgRoleAdministrator || a.OrgRole != domain.OrgRoleOwner {
		t.Fatalf("after hand-over: former owner %q, new owner %q", o.OrgRole, a.OrgRole)
	}
	// The former Owner, now an Administrator, can no longer act as Owner.
	_, err = s.SetOrgRole(ctx, o, std.SID, domain.OrgRoleOwner, "")
	wantCode(t, "former owner hands over again", err, domain.EForbidden)
	if _, err := s.SetOrgRole(ctx, a, o.SID, domain.OrgRoleStandard, ""); err != nil {
		t.Fatal(err)
	}
	// The organization still has an active Owner or Administrator: the new Owner.
	n, err := s.countAdminsForTest(ctx, org.SID)
	if err != nil || n != 1 {
		t.Errorf("active owners and administrators = %d (err %v), want 1", n, err)
	}
	evs, _ := storetest.AuditEvents(ctx, s, "user.org_role")
	if len(evs) != 3 {
		t.Errorf("user.org_role events = %d, want 3", len(evs))
	}
}

func TestLastAdministratorGuards(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, owner := newOrg(t, s, "Alpha", "alpha.dev")
	admin := member(t, s, org, "admin@alpha.dev", domain.OrgRoleAdministrator)
	// Nothing that would leave the organization without its Owner works, whoever tries.
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"deactivate the owner", func() error { _, err := s.DeactivateUser(ctx, admin, owner.SID, ""); return err }()},
		{"remove the owner", func() error { _, err := s.RemoveUserFromOrg(ctx, admin, owner.SID, nil, ""); return err }()},
		{"demote the owner", func() error { _, err := s.SetOrgRole(ctx, admin, owner.SID, "administrator", ""); return err }()},
		{"owner deactivates themself", func() error { _, err := s.DeactivateUser(ctx, owner, owner.SID, ""); return err }()},
		{"owner removes themself", func() error { _, err := s.RemoveUserFromOrg(ctx, owner, owner.SID, nil, ""); return err }()},
		{"administrator deactivates themself", func() error { _, err := s.DeactivateUser(ctx, admin, admin.SID, ""); return err }()},
		{"administrator removes themself", func() error { _, err := s.RemoveUserFromOrg(ctx, admin, admin.SID, nil, ""); return err }()},
	} {
		wantCode(t, tc.name, tc.err, domain.EConflict)
	}
	// The acting Administrator is always one of those left, and self-changes are refused, so
	// the organization keeps its Owner and at least one active Owner or Administrator.
	if n, _ := s.countAdminsForTest(ctx, org.SID); n != 2 {
		t.Fatalf("admins = %d, want 2", n)
	}
	o, _ := s.FindUserBySID(ctx, owner.SID)
	if o.OrgRole != domain.OrgRoleOwner || o.Status != "active" {
		t.Errorf("owner after refused changes: %+v", o)
	}
}

func TestDeactivateEndsSessionsAndReactivate(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, owner := newOrg(t, s, "Alpha", "alpha.dev")
	std := member(t, s, org, "std@alpha.dev", domain.OrgRoleStandard)
	policy := SessionPolicy{Idle: 3600e9, Absolute: 7200e9}
	var ids []string
	for i := 0; i < 3; i++ {
		id, _, err := s.SignIn(ctx, std, "", "", policy)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if _, err := s.DeactivateUser(ctx, owner, std.SID, ""); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := s.r.QueryRow(`SELECT count(*) FROM sessions WHERE user_sid = ?`, std.SID).Scan(&left); err != nil || left != 0 {
		t.Fatalf("sessions left = %d (err %v), want 0", left, err)
	}
	for _, id := range ids {
		if _, _, err := s.FindSession(ctx, id, policy); err != ErrNoSession {
			t.Errorf("session after deactivation: err = %v", err)
		}
	}
	_, err := s.DeactivateUser(ctx, owner, std.SID, "")
	wantCode(t, "deactivate twice", err, domain.EConflict)
	if _, err := s.ReactivateUser(ctx, owner, std.SID, ""); err != nil {
		t.Fatal(err)
	}
	u, _ := s.FindUserBySID(ctx, std.SID)
	if u.Status != "active" {
		t.Errorf("status after reactivation = %q", u.Status)
	}
	evs, _ := storetest.AuditEvents(ctx, s, "user.deactivate")
	if len(evs) != 1 || evs[0].After == "" {
		t.Errorf("user.deactivate events = %+v", evs)
	}
}

func TestRemoveUserFromOrgNeedsNewOwners(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, owner := newOrg(t, s, "Alpha", "alpha.dev")
	std := member(t, s, org, "std@alpha.dev", domain.OrgRoleStandard)
	theirs, err := s.CreateAccount(ctx, std, domain.CreateAccountInput{FriendlyName: "Std's account", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	ours, err := s.CreateAccount(ctx, owner, domain.CreateAccountInput{FriendlyName: "Ours", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRoleAssignment(ctx, domain.Actor{Type: "user"}, org.SID, ours.SID, std.SID, domain.RoleDeveloper); err != nil {
		t.Fatal(err)
	}
	plan, err := s.PlanUserRemoval(ctx, owner, std.SID)
	if err != nil || len(plan.Owned) != 1 || plan.Owned[0].SID != theirs.SID || len(plan.Candidates) != 1 {
		t.Fatalf("plan = %+v, err %v", plan, err)
	}
	field := domain.OwnerField(theirs.SID)
	for name, owners := range map[string]map[string]string{
		"no new owner":            nil,
		"the leaving user":        {theirs.SID: std.SID},
		"someone outside the org": {theirs.SID: domain.NewSID("US")},
	} {
		_, err := s.RemoveUserFromOrg(ctx, owner, std.SID, owners, "")
		if domain.ErrorCode(err) != domain.EInvalid || domain.FieldErrors(err)[field] == "" {
			t.Errorf("%s: err = %v, want a %s field error", name, err, field)
		}
	}
	if u, _ := s.FindUserBySID(ctx, std.SID); !u.Managed() {
		t.Fatal("a refused removal changed the user")
	}
	if _, err := s.RemoveUserFromOrg(ctx, owner, std.SID, map[string]string{theirs.SID: owner.SID}, ""); err != nil {
		t.Fatal(err)
	}
	u, _ := s.FindUserBySID(ctx, std.SID)
	if u.Managed() || u.OrgRole != "" {
		t.Errorf("removed user still managed: %+v", u)
	}
	acc, err := s.FindAccountAccess(ctx, owner, theirs.SID)
	if err != nil || acc.Account.OwnerSID != owner.SID || !acc.HasRole(domain.RoleOwner) {
		t.Fatalf("new owner: %+v, err %v", acc, err)
	}
	if _, err := s.FindAccountAccess(ctx, u, ours.SID); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("removed user still reaches the organization's account: %v", err)
	}
	mails := emailsTo(t, s, "std@alpha.dev")
	if len(mails) != 1 || mails[0].Kind != domain.EmailOrgRemoved || mails[0].Data.OrgName != "Alpha" {
		t.Errorf("mails to the removed user = %+v", mails)
	}
	mails = emailsTo(t, s, owner.Email)
	if len(mails) != 1 || mails[0].Kind != domain.EmailNewOwner || mails[0].Data.AccountSID != theirs.SID {
		t.Errorf("mails to the new owner = %+v", mails)
	}
}

func TestAnotherOrganizationsAdministratorFindsNoUsers(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	orgA, _ := newOrg(t, s, "Alpha", "alpha.dev")
	std := member(t, s, orgA, "std@alpha.dev", domain.OrgRoleStandard)
	_, ownerB := newOrg(t, s, "Beta", "beta.dev")
	_, err := s.SetOrgRole(ctx, ownerB, std.SID, domain.OrgRoleAdministrator, "")
	wantCode(t, "role", err, domain.ENotFound)
	_, err = s.DeactivateUser(ctx, ownerB, std.SID, "")
	wantCode(t, "deactivate", err, domain.ENotFound)
	_, err = s.PlanUserRemoval(ctx, ownerB, std.SID)
	wantCode(t, "plan removal", err, domain.ENotFound)
	_, err = s.RemoveUserFromOrg(ctx, ownerB, std.SID, nil, "")
	wantCode(t, "remove", err, domain.ENotFound)
	page, err := s.ListOrgUsers(ctx, OrgUserFilter{OrgSID: ownerB.OrgSID})
	if err != nil || len(page.Users) != 1 || page.Users[0].User.SID != ownerB.SID {
		t.Errorf("Beta's users = %+v (err %v), want only its owner", page, err)
	}
}

func TestListOrgUsersKeyset(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, _ := newOrg(t, s, "Alpha", "alpha.dev")
	for i := 0; i < 120; i++ { // without hashing a password for each
		now := s.Now()
		u := &domain.User{SID: domain.NewSID("US"), Email: fmt.Sprintf("u%03d@alpha.dev", i), Name: "U", OrgSID: org.SID, OrgRole: "standard"}
		if err := s.write(ctx, func(tx *sql.Tx) error { return insertUserTx(tx, u, "x", now) }); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	cur, pages := "", 0
	var last *OrgUserPage
	for {
		p, err := s.ListOrgUsers(ctx, OrgUserFilter{OrgSID: org.SID, Cursor: cur})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range p.Users {
			if seen[u.User.SID] {
				t.Fatalf("%s on two pages", u.User.Email)
			}
			seen[u.User.SID] = true
		}
		last = p
		if p.Next == "" {
			break
		}
		cur = p.Next
	}
	if len(seen) != 121 || pages != 3 {
		t.Fatalf("walked %d users on %d pages, want 121 on 3", len(seen), pages)
	}
	back, err := s.ListOrgUsers(ctx, OrgUserFilter{OrgSID: org.SID, Cursor: last.Prev})
	if err != nil || len(back.Users) != 50 || back.Next == "" || back.Prev == "" {
		t.Fatalf("previous page: %d users, next %q prev %q, err %v", len(back.Users), back.Next, back.Prev, err)
	}
	if _, err := s.ListOrgUsers(ctx, OrgUserFilter{OrgSID: org.SID, Cursor: "%%%"}); err != domain.ErrBadCursor {
		t.Errorf("bad cursor: %v", err)
	}
	p, _ := s.ListOrgUsers(ctx, OrgUserFilter{OrgSID: org.SID, Query: "u07"})
	if len(p.Users) != 10 {
		t.Errorf("search u07 found %d, want 10", len(p.Users))
	}
}

func (s *Store) countAdminsForTest(ctx context.Context, orgSID string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE org_sid = ? AND status = 'active' AND org_role IN ('owner', 'administrator')`, orgSID).Scan(&n)
	return n, err
}
