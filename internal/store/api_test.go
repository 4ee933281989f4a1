package store

import (
	"context"
	"testing"
	"time"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

func TestOAuthAppCredentials(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	_, owner := newOrg(t, s, "Alpha", "alpha.com")
	_, otherOwner := newOrg(t, s, "Beta", "beta.com")
	app, secret, err := s.CreateOAuthApp(ctx, owner, "  Reports  ", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if app.Name != "Reports" || !domain.ValidSID(domain.PrefixOAuthApp, app.SID) {
		t.Fatalf("app = %+v", app)
	}
	var stored []byte
	if err := s.r.QueryRow(`SELECT secret_hash FROM oauth_apps WHERE sid = ?`, app.SID).Scan(&stored); err != nil || string(stored) == secret {
		t.Fatalf("stored secret: %v (plain text stored: %v)", err, string(stored) == secret)
	}
	if _, _, err := s.CreateOAuthApp(ctx, owner, "", ""); domain.FieldErrors(err)["name"] == "" {
		t.Errorf("empty name: %v", err)
	}
	tests := []struct {
		name, id, secret string
		ok               bool
	}{
		{"right", app.SID, secret, true},
		{"wrong secret", app.SID, secret + "x", false},
		{"empty secret", app.SID, "", false},
		{"unknown id", "OQ00000000000000000000000000000000", secret, false},
		{"malformed id", "nope", secret, false},
	}
	for _, tt := range tests {
		got, err := s.AuthenticateOAuthApp(ctx, tt.id, tt.secret)
		if tt.ok != (err == nil) || (tt.ok && got.SID != app.SID) {
			t.Errorf("%s: %v, %v", tt.name, got, err)
		}
		if !tt.ok && err != ErrBadClient {
			t.Errorf("%s: err = %v, want ErrBadClient", tt.name, err)
		}
	}
	if _, err := s.RevokeOAuthApp(ctx, otherOwner, app.SID, ""); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("revoke by another organization: %v, want not found", err)
	}
	if _, err := s.RevokeOAuthApp(ctx, owner, app.SID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AuthenticateOAuthApp(ctx, app.SID, secret); err != ErrBadClient {
		t.Errorf("revoked app authenticates: %v", err)
	}
	if _, err := s.RevokeOAuthApp(ctx, owner, app.SID, ""); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("second revoke: %v, want conflict", err)
	}
	if evs, _ := storetest.AuditEvents(ctx, s, "oauth_app.revoke"); len(evs) != 1 || evs[0].ActorSID != owner.SID {
		t.Errorf("revoke audit = %+v", evs)
	}
}

func TestSCIMUsers(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, owner := newOrg(t, s, "Alpha", "alpha.com")
	other, _ := newOrg(t, s, "Beta", "beta.com")
	api := domain.Actor{Type: "api", SID: "OQ00000000000000000000000000000000", Label: "HR"}

	if _, err := s.CreateSCIMUser(ctx, api, org.SID, domain.SCIMUserInput{UserName: "ann@beta.com", Active: true}, storetest.NoPasswordHash); domain.FieldErrors(err)["userName"] == "" {
		t.Errorf("email in another organization's domain: %v", err)
	}
	if _, err := s.CreateSCIMUser(ctx, api, org.SID, domain.SCIMUserInput{UserName: "not an email", Active: true}, storetest.NoPasswordHash); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("malformed userName: %v", err)
	}
	ann, err := s.CreateSCIMUser(ctx, api, org.SID, domain.SCIMUserInput{UserName: "Ann@Alpha.com", GivenName: "Ann", FamilyName: "Lee", Active: true}, storetest.NoPasswordHash)
	if err != nil {
		t.Fatal(err)
	}
	if ann.Email != "ann@alpha.com" || ann.Name != "Ann Lee" || ann.OrgRole != domain.OrgRoleStandard || !ann.Active() || ann.PasswordHash != "" {
		t.Fatalf("created %+v", ann)
	}
	if _, err := s.CreateSCIMUser(ctx, api, org.SID, domain.SCIMUserInput{UserName: "ann@alpha.com", Active: true}, storetest.NoPasswordHash); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := s.FindSCIMUser(ctx, other.SID, ann.SID); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("found through another organization: %v", err)
	}
	list, total, err := s.ListSCIMUsers(ctx, org.SID, "ANN@alpha.com", 0, 10)
	if err != nil || total != 1 || len(list) != 1 || list[0].SID != ann.SID {
		t.Errorf("filter: %d %v %v", total, list, err)
	}

	// A stale version changes nothing.
	later := time.Now().Add(time.Hour).UTC()
	s.Now = func() time.Time { return later }
	_, err = s.UpdateSCIMUser(ctx, api, org.SID, ann.SID, ann.Version+1, func(in *domain.SCIMUserInput) error { in.Active = false; return nil })
	if err != ErrStaleVersion {
		t.Fatalf("stale update: %v", err)
	}
	sessionID, _, err := s.SignIn(ctx, &ann.User, "", "", SessionPolicy{Idle: time.Hour, Absolute: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.UpdateSCIMUser(ctx, api, org.SID, ann.SID, ann.Version, func(in *domain.SCIMUserInput) error { in.Active = false; return nil })
	if err != nil || got.Active() || got.Version != ann.Version+1 || !got.UpdatedAt.Equal(later.Truncate(time.Millisecond)) {
		t.Fatalf("deactivate: %+v, %v", got, err)
	}
	if _, _, err := s.FindSession(ctx, sessionID, SessionPolicy{Idle: time.Hour, Absolute: 2 * time.Hour}); err != ErrNoSession {
		t.Errorf("session survived deactivation: %v", err)
	}
	if evs, _ := storetest.AuditEvents(ctx, s, "user.deactivate"); len(evs) != 1 || evs[0].ActorType != "api" || evs[0].TargetSID != ann.SID {
		t.Errorf("deactivate audit = %+v", evs)
	}
	// The Owner cannot be deactivated through SCIM.
	if _, err := s.UpdateSCIMUser(ctx, api, org.SID, owner.SID, AnyVersion, func(in *domain.SCIMUserInput) error { in.Active = false; return nil }); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("deactivating the Owner: %v", err)
	}
	// Changing nothing writes nothing.
	same, err := s.UpdateSCIMUser(ctx, api, org.SID, ann.SID, AnyVersion, func(*domain.SCIMUserInput) error { return nil })
	if err != nil || same.Version != got.Version {
		t.Errorf("no-op update: %+v, %v", same, err)
	}
}

func TestCreateRoleAssignmentScope(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, owner := newOrg(t, s, "Alpha", "alpha.com")
	_, otherOwner := newOrg(t, s, "Beta", "beta.com")
	mine, err := s.CreateAccount(ctx, owner, domain.CreateAccountInput{FriendlyName: "Mine", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := s.CreateAccount(ctx, otherOwner, domain.CreateAccountInput{FriendlyName: "Theirs", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	api := domain.Actor{Type: "api", SID: "OQ00000000000000000000000000000000", Label: "HR"}
	ann, err := s.CreateSCIMUser(ctx, api, org.SID, domain.SCIMUserInput{UserName: "ann@alpha.com", Active: true}, storetest.NoPasswordHash)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRoleAssignment(ctx, api, org.SID, theirs.SID, ann.SID, domain.RoleDeveloper); err != ErrScopeNotManaged {
		t.Errorf("another organization's account: %v", err)
	}
	if _, err := s.CreateRoleAssignment(ctx, api, org.SID, mine.SID, otherOwner.SID, domain.RoleDeveloper); err != ErrIdentityUnknown {
		t.Errorf("another organization's user: %v", err)
	}
	ra, err := s.CreateRoleAssignment(ctx, api, org.SID, mine.SID, ann.SID, domain.RoleDeveloper)
	if err != nil || !domain.ValidSID(domain.PrefixRoleAssignment, ra.SID) {
		t.Fatalf("grant: %+v, %v", ra, err)
	}
	if _, err := s.CreateRoleAssignment(ctx, api, org.SID, mine.SID, ann.SID, domain.RoleDeveloper); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("duplicate: %v", err)
	}
	users, _ := s.ListAccountUsers(ctx, mine.SID)
	if len(users) != 2 {
		t.Errorf("account users = %+v, want the owner and Ann", users)
	}
}
