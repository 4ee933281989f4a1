package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

// fixture: Alpha's Owner, a Standard user with the Developer role on one account, and a second
// organization, Beta.
type fixture struct {
	s                 *Store
	org               *domain.Organization
	owner, dev, admin *domain.User
	acct              *domain.Account
	betaOwner         *domain.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := openTest(t)
	ctx := context.Background()
	org, owner := newOrg(t, s, "Alpha", "alpha.com")
	_, beta := newOrg(t, s, "Beta", "beta.com")
	dev, err := storetest.AddUser(ctx, s, org.SID, domain.OrgRoleStandard, "dev@alpha.com", "Dev Eloper", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := storetest.AddUser(ctx, s, org.SID, domain.OrgRoleAdministrator, "admin@alpha.com", "Ada Admin", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateAccount(ctx, owner, domain.CreateAccountInput{FriendlyName: "Billing EU", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRoleAssignment(ctx, userActor(owner, ""), org.SID, a.SID, dev.SID, domain.RoleDeveloper); err != nil {
		t.Fatal(err)
	}
	return &fixture{s: s, org: org, owner: owner, dev: dev, admin: admin, acct: a, betaOwner: beta}
}

func (f *fixture) status(t *testing.T) string {
	t.Helper()
	acc, err := f.s.FindAccountAccess(context.Background(), f.owner, f.acct.SID)
	if err != nil {
		t.Fatal(err)
	}
	return acc.Account.Status
}

func wantErrCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("err = %v (code %q), want code %q", err, got, code)
	}
}

func TestLifecycleTransitions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid := f.acct.SID
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.s.Now = func() time.Time { return base }

	_, err := f.s.ReactivateAccount(ctx, f.owner, sid, "")
	wantErrCode(t, err, domain.EConflict)
	if _, err := f.s.SuspendAccount(ctx, f.admin, sid, "10.0.0.9"); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.SuspendAccount(ctx, f.owner, sid, "")
	wantErrCode(t, err, domain.EConflict)
	if got := f.status(t); got != domain.StatusSuspended {
		t.Fatalf("status = %s", got)
	}

	// Close from suspended: the name must match and the box be ticked.
	for _, in := range []domain.CloseAccountInput{{ConfirmName: "billing eu", Acknowledge: true}, {ConfirmName: "Billing EU"}} {
		_, err := f.s.CloseAccount(ctx, f.owner, sid, in, 72*time.Hour, "")
		wantErrCode(t, err, domain.EInvalid)
	}
	if got := f.status(t); got != domain.StatusSuspended {
		t.Fatalf("a refused close changed the status to %s", got)
	}
	a, err := f.s.CloseAccount(ctx, f.owner, sid, domain.CloseAccountInput{ConfirmName: " Billing EU ", Acknowledge: true}, 72*time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != domain.StatusPendingClosure || !a.ClosesAt.Equal(base.Add(72*time.Hour)) {
		t.Fatalf("after close: %s, closes at %v", a.Status, a.ClosesAt)
	}
	_, err = f.s.SuspendAccount(ctx, f.owner, sid, "")
	wantErrCode(t, err, domain.EConflict)

	// Cancel returns to the status before (suspended).
	if a, err = f.s.CancelClosure(ctx, f.owner, sid, ""); err != nil || a.Status != domain.StatusSuspended {
		t.Fatalf("cancel: %v, status %v", err, a)
	}
	_, err = f.s.CancelClosure(ctx, f.owner, sid, "")
	wantErrCode(t, err, domain.EConflict)

	// Close again from active; the job closes it once the grace is over, and not before.
	if _, err := f.s.ReactivateAccount(ctx, f.owner, sid, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CloseAccount(ctx, f.owner, sid, domain.CloseAccountInput{ConfirmName: "Billing EU", Acknowledge: true}, time.Hour, ""); err != nil {
		t.Fatal(err)
	}
	f.s.Now = func() time.Time { return base.Add(59 * time.Minute) }
	if n, err := f.s.CloseDueAccounts(ctx); err != nil || n != 0 {
		t.Fatalf("closed %d before the grace was over (%v)", n, err)
	}
	f.s.Now = func() time.Time { return base.Add(time.Hour) }
	_, err = f.s.CancelClosure(ctx, f.owner, sid, "")
	wantErrCode(t, err, domain.EConflict)
	if n, err := f.s.CloseDueAccounts(ctx); err != nil || n != 1 {
		t.Fatalf("closed %d, want 1 (%v)", n, err)
	}
	if got := f.status(t); got != domain.StatusClosed {
		t.Fatalf("status = %s, want closed", got)
	}
	for _, op := range []func(context.Context, *domain.User, string, string) (*domain.Account, error){
		f.s.SuspendAccount, f.s.ReactivateAccount, f.s.CancelClosure,
	} {
		_, err := op(ctx, f.owner, sid, "")
		wantErrCode(t, err, domain.EConflict)
	}
	_, err = f.s.UpdateAccountSettings(ctx, f.owner, sid, domain.AccountSettings{FriendlyName: "New"}, "")
	wantErrCode(t, err, domain.EConflict)

	evs, _ := storetest.AuditEvents(ctx, f.s, "account.suspend")
	if len(evs) != 1 || evs[0].IP != "10.0.0.9" || evs[0].ActorLabel != "admin@alpha.com" ||
		!strings.Contains(evs[0].Before, "active") || !strings.Contains(evs[0].After, "suspended") {
		t.Errorf("suspend audit = %+v", evs)
	}
	if evs, _ := storetest.AuditEvents(ctx, f.s, "account.closed"); len(evs) != 1 || evs[0].ActorType != "system" {
		t.Errorf("closed audit = %+v", evs)
	}
}

func TestLifecycleNeedsTheRightRole(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.s.SuspendAccount(ctx, f.dev, f.acct.SID, "")
	wantErrCode(t, err, domain.EForbidden)
	if msg := domain.ErrorMessage(err); !strings.Contains(msg, "Organization Owner or Administrator") || !strings.Contains(msg, "Account Developer") {
		t.Errorf("message = %q", msg)
	}
	_, err = f.s.SuspendAccount(ctx, f.betaOwner, f.acct.SID, "")
	wantErrCode(t, err, domain.ENotFound)
	_, err = f.s.RemoveFromOrganization(ctx, f.dev, f.acct.SID, "")
	wantErrCode(t, err, domain.EForbidden)
	_, err = f.s.RelinquishAccount(ctx, f.owner, f.acct.SID, "")
	wantErrCode(t, err, domain.EConflict) // managed, not independent
	if got := f.status(t); got != domain.StatusActive {
		t.Fatalf("status = %s", got)
	}
	// A deactivated administrator can do nothing.
	if err := storetest.SetUserStatus(ctx, f.s, f.admin.SID, "deactivated"); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.SuspendAccount(ctx, f.admin, f.acct.SID, "")
	wantErrCode(t, err, domain.ENotFound)
}

func TestRemoveAndRelinquish(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, err := f.s.RemoveFromOrganization(ctx, f.admin, f.acct.SID, "")
	if err != nil || a.Relation != "" {
		t.Fatalf("remove: %v %+v", err, a)
	}
	c, _ := f.s.CountAccounts(ctx, f.org.SID)
	if c.Managed != 0 {
		t.Errorf("managed count after remove = %d", c.Managed)
	}
	// The organization's Administrator no longer sees it; its owner still does.
	_, err = f.s.FindAccountAccess(ctx, f.admin, f.acct.SID)
	wantErrCode(t, err, domain.ENotFound)
	if _, err := f.s.FindAccountAccess(ctx, f.owner, f.acct.SID); err != nil {
		t.Fatal(err)
	}

	if err := storetest.SetAccountRelation(ctx, f.s, f.acct.SID, f.org.SID, domain.RelationIndependent); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.RemoveFromOrganization(ctx, f.admin, f.acct.SID, "")
	wantErrCode(t, err, domain.EConflict)
	if c, _ := f.s.CountAccounts(ctx, f.org.SID); c.Independent != 1 {
		t.Errorf("independent count = %d", c.Independent)
	}
	// The organization never runs an independent account's lifecycle.
	_, err = f.s.SuspendAccount(ctx, f.admin, f.acct.SID, "")
	wantErrCode(t, err, domain.EForbidden)
	if _, err := f.s.RelinquishAccount(ctx, f.admin, f.acct.SID, ""); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.s.CountAccounts(ctx, f.org.SID); c.Independent != 0 || c.Managed != 0 {
		t.Errorf("counts after relinquish = %+v", c)
	}
}

func TestSettingsAndRequire2FA(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid := f.acct.SID
	_, err := f.s.UpdateAccountSettings(ctx, f.owner, sid, domain.AccountSettings{FriendlyName: strings.Repeat("x", 65)}, "")
	wantErrCode(t, err, domain.EInvalid)
	_, err = f.s.UpdateAccountSettings(ctx, f.dev, sid, domain.AccountSettings{FriendlyName: "Dev's name"}, "")
	wantErrCode(t, err, domain.EForbidden)

	locked, err := f.s.ListLockedOut(ctx, f.acct)
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, u := range locked {
		emails = append(emails, u.Email)
	}
	if got, want := strings.Join(emails, ","), "admin@alpha.com,dev@alpha.com,owner@alpha.com"; got != want {
		t.Errorf("locked out = %s, want %s", got, want)
	}

	// Nobody switches Require 2FA on without 2FA themself.
	_, err = f.s.UpdateAccountSettings(ctx, f.owner, sid, domain.AccountSettings{FriendlyName: "Billing EU", Require2FA: true}, "")
	if domain.FieldErrors(err)["require_2fa"] == "" {
		t.Fatalf("err = %v, want a require_2fa field error", err)
	}
	if err := storetest.SetTOTPEnabled(ctx, f.s, f.owner.SID, true); err != nil {
		t.Fatal(err)
	}
	a, err := f.s.UpdateAccountSettings(ctx, f.owner, sid, domain.AccountSettings{FriendlyName: "Billing Europe", Require2FA: true, PKCVRequired: true}, "")
	if err != nil || !a.Require2FA || a.WebhooksHTTPSOnly || !a.PKCVRequired || a.FriendlyName != "Billing Europe" {
		t.Fatalf("update: %v %+v", err, a)
	}
	evs, _ := storetest.AuditEvents(ctx, f.s, "account.settings")
	if len(evs) != 1 || !strings.Contains(evs[0].Before, `"friendly_name":"Billing EU"`) || !strings.Contains(evs[0].After, `"require_2fa":true`) {
		t.Errorf("settings audit = %+v", evs)
	}
	page, _ := f.s.ListAccounts(ctx, AccountFilter{OrgSID: f.org.SID, Relation: "managed", Query: "europe"})
	if len(page.Accounts) != 1 {
		t.Errorf("search after rename found %d", len(page.Accounts))
	}
}

func TestTransferOwner(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid := f.acct.SID
	outsider, err := storetest.AddUser(ctx, f.s, "", "", "someone@gmail.example", "Out Sider", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.s.TransferOwner(ctx, f.admin, sid, "dev@alpha.com", "")
	wantErrCode(t, err, domain.EForbidden) // an org Administrator is not the current owner
	for _, to := range []string{"", "nobody@alpha.com", "someone@gmail.example", outsider.SID, f.betaOwner.Email, "owner@alpha.com"} {
		_, err := f.s.TransferOwner(ctx, f.owner, sid, to, "")
		if domain.FieldErrors(err)["new_owner"] == "" {
			t.Errorf("new owner %q: err = %v, want a new_owner field error", to, err)
		}
	}
	a, err := f.s.TransferOwner(ctx, f.owner, sid, strings.ToUpper(f.dev.SID[:2])+f.dev.SID[2:], "")
	if err != nil || a.OwnerSID != f.dev.SID {
		t.Fatalf("transfer: %v %+v", err, a)
	}
	acc, _ := f.s.FindAccountAccess(ctx, f.dev, sid)
	if strings.Join(acc.Roles, ",") != "owner,developer" {
		t.Errorf("new owner's roles = %v", acc.Roles)
	}
	acc, _ = f.s.FindAccountAccess(ctx, f.owner, sid)
	if strings.Join(acc.Roles, ",") != "administrator" {
		t.Errorf("old owner's roles = %v", acc.Roles)
	}
	_, err = f.s.TransferOwner(ctx, f.owner, sid, "owner@alpha.com", "")
	wantErrCode(t, err, domain.EForbidden) // no longer the owner
	if evs, _ := storetest.AuditEvents(ctx, f.s, "account.owner.transfer"); len(evs) != 1 || !strings.Contains(evs[0].After, "dev@alpha.com") {
		t.Errorf("audit = %+v", evs)
	}
}

func TestAuditListFiltersAndPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	base := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 60; i++ {
		f.s.Now = func() time.Time { return base.Add(time.Duration(i) * time.Hour) }
		op := f.s.SuspendAccount
		if i%2 == 1 {
			op = f.s.ReactivateAccount
		}
		if _, err := op(ctx, f.admin, f.acct.SID, ""); err != nil {
			t.Fatal(err)
		}
	}
	all, err := f.s.ListAuditEvents(ctx, AuditFilter{OrgSID: f.org.SID})
	if err != nil || len(all.Events) != 50 || all.Next == "" || all.Prev != "" {
		t.Fatalf("first page: %v, %d events, next %q prev %q", err, len(all.Events), all.Next, all.Prev)
	}
	next, _ := f.s.ListAuditEvents(ctx, AuditFilter{OrgSID: f.org.SID, Cursor: all.Next})
	if next.Prev == "" || next.Events[0].ID >= all.Events[49].ID {
		t.Fatalf("second page: %+v", next)
	}
	back, _ := f.s.ListAuditEvents(ctx, AuditFilter{OrgSID: f.org.SID, Cursor: next.Prev})
	if back.Events[0].ID != all.Events[0].ID {
		t.Errorf("back to the first page starts at %d, want %d", back.Events[0].ID, all.Events[0].ID)
	}
	tests := []struct {
		f    AuditFilter
		want int
	}{
		{AuditFilter{Action: "account.suspend"}, 30},
		{AuditFilter{Action: "account"}, 62}, // 60 + the create + the role grant (account.role.grant)
		{AuditFilter{Actor: "ADMIN@alpha"}, 60},
		{AuditFilter{Actor: f.admin.SID}, 60},
		{AuditFilter{Account: f.acct.SID, From: "2026-02-02", To: "2026-02-02"}, 24},
		{AuditFilter{Account: f.acct.SID, From: "2026-02-03"}, 14}, // 12 + the create and the grant, made today
	}
	for _, tc := range tests {
		tc.f.OrgSID = f.org.SID
		n := 0
		if err := f.s.EachAuditEvent(ctx, tc.f, func(domain.AuditEvent) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if n != tc.want {
			t.Errorf("%+v: %d events, want %d", tc.f, n, tc.want)
		}
	}
	// Another organization sees none of it.
	n := 0
	_ = f.s.EachAuditEvent(ctx, AuditFilter{OrgSID: f.betaOwner.OrgSID, Action: "account"}, func(domain.AuditEvent) error { n++; return nil })
	if n != 0 {
		t.Errorf("Beta sees %d of Alpha's events", n)
	}
	for _, bad := range []AuditFilter{{Account: "AC123"}, {From: "yesterday"}, {Action: "DROP TABLE"}, {From: "2026-02-03", To: "2026-02-01"}} {
		bad.OrgSID = f.org.SID
		_, err := f.s.ListAuditEvents(ctx, bad)
		wantErrCode(t, err, domain.EInvalid)
	}
	_, err = f.s.ListAuditEvents(ctx, AuditFilter{OrgSID: f.org.SID, Cursor: "x12"})
	if err != domain.ErrBadCursor {
		t.Errorf("bad cursor: %v", err)
	}
}

func TestSeedSmall(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, _ := newOrg(t, s, "Alpha", "alpha.com")
	res, err := s.Seed(ctx, SeedInput{Accounts: 2000, Users: 200, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounts != 2000 || res.Suspended == 0 || res.Closed == 0 || res.PendingClosure == 0 || res.Indep == 0 || res.Requests == 0 {
		t.Errorf("seed result = %+v", res)
	}
	c, _ := s.CountAccounts(ctx, org.SID)
	if c.Managed+c.Independent+res.Requests != 2000 || c.Independent != res.Indep || c.Pending != res.Requests {
		t.Errorf("counts = %+v, result %+v", c, res)
	}
	page, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org.SID, Relation: "managed", Query: "billing"})
	if err != nil || len(page.Accounts) == 0 {
		t.Fatalf("search billing: %v, %d", err, len(page.Accounts))
	}
	for _, a := range page.Accounts {
		if !strings.Contains(strings.ToLower(a.FriendlyName), "billing") {
			t.Errorf("search billing found %q", a.FriendlyName)
		}
	}
	reqs, err := listPending(ctx, s, org.SID)
	if err != nil || len(reqs) != res.Requests || reqs[0].RequestedByName == "" {
		t.Fatalf("requests: %v, %d", err, len(reqs))
	}
}

func TestSearchByFragment(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, owner := newOrg(t, s, "Alpha", "alpha.com")
	for _, n := range []string{"Billing EU", "billing US", "Support desk", "100% coverage", "snake_case"} {
		if _, err := s.CreateAccount(ctx, owner, domain.CreateAccountInput{FriendlyName: n, Type: "standard"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		q    string
		want int
	}{{"BILL", 2}, {"ling e", 1}, {"eu", 1}, {"%", 1}, {"_", 1}, {"e_c", 1}, {`"`, 0}, {"desk\"", 0}, {"zzz", 0}, {"  support  ", 1}}
	for _, tc := range tests {
		p, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org.SID, Relation: "managed", Query: tc.q})
		if err != nil || len(p.Accounts) != tc.want {
			t.Errorf("q=%q: %d accounts (err %v), want %d", tc.q, len(p.Accounts), err, tc.want)
		}
	}
}
