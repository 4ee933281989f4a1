package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	iam "github.com/twilio/twilio-go/rest/preview_iam/organization"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/internal/store/storetest"
)

// TestAPIWithTwilioSDK drives the Organizations API with Twilio's own Go SDK (twilio-go,
// rest/preview_iam/organization), its requests for *.twilio.com sent to the test server.
func TestAPIWithTwilioSDK(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	ctx := context.Background()
	admin := app.browser()
	admin.signIn("owner@example.com", testPassword)
	owner := app.user("owner@example.com")
	accounts := app.seedAccounts(owner, "Project", 5)

	// Another organization with an account, a user and a role assignment of its own.
	_, otherOwner, err := storetest.AddOrganization(ctx, app.store, "Other Org", "other.test", "Oscar Other", "oscar@other.test", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	foreign := app.seedAccounts(otherOwner, "Foreign", 1)[0]

	creds := admin.createOAuthApp("HR provisioning")
	if creds.OrgSID != owner.OrgSID || !domain.ValidSID(domain.PrefixOAuthApp, creds.ClientID) {
		t.Fatalf("OAuth app page shows org %q and client id %q", creds.OrgSID, creds.ClientID)
	}
	if again := admin.get("/admin/oauth-apps"); strings.Contains(again.Body, creds.Secret) || strings.Contains(again.Body, `id="client-secret"`) {
		t.Fatal("the client secret is shown a second time")
	}
	c := app.sdk(creds)
	org := creds.OrgSID

	t.Run("token", func(t *testing.T) {
		tok, err := c.oauth.GetAccessToken(ctx)
		if err != nil || tok == "" {
			t.Fatalf("token: %q, %v", tok, err)
		}
		if got := c.net.count("POST /v2/token"); got != 1 {
			t.Errorf("token requests reaching /v2/token = %d, want 1", got)
		}
		if exp := time.Unix(jwtExp(tok), 0); exp.Before(time.Now().Add(59*time.Minute)) || exp.After(time.Now().Add(61*time.Minute)) {
			t.Errorf("token exp = %v, want about an hour from now", exp)
		}
		// The full response of /v1/token, as the OpenAPI spec describes it.
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {creds.ClientID}, "client_secret": {creds.Secret}}
		res := app.call(apiCall{Method: "POST", Path: "/v1/token", ContentType: "application/x-www-form-urlencoded", Body: []byte(form.Encode())})
		var body map[string]any
		if err := json.Unmarshal(res.Body, &body); err != nil || res.Status != 200 {
			t.Fatalf("/v1/token: %d %s", res.Status, res.Body)
		}
		if body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) || body["refresh_token"] != nil || body["id_token"] != nil {
			t.Errorf("/v1/token body = %s", res.Body)
		}
		if _, ok := body["refresh_token"]; !ok {
			t.Error("refresh_token is missing; want null")
		}
		form.Set("client_secret", "wrong")
		bad := app.call(apiCall{Method: "POST", Path: "/v1/token", ContentType: "application/x-www-form-urlencoded", Body: []byte(form.Encode())})
		if bad.Status != 401 || bad.Err.Code != 20003 {
			t.Errorf("wrong secret: %d %s", bad.Status, bad.Body)
		}
	})

	t.Run("accounts paging", func(t *testing.T) {
		first, err := c.svc.PageOrganizationAccounts(org, (&iam.ListOrganizationAccountsParams{}).SetPageSize(2), "", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Content) != 2 || first.Meta.NextPageUrl == nil || first.Meta.PreviousPageUrl != nil ||
			first.Meta.PageSize != 2 || first.Meta.Key != "content" || first.Meta.Page != 0 || first.Meta.FirstPageUrl == "" || first.Meta.Url == "" {
			t.Fatalf("first page = %+v", first)
		}
		if got, want := first.Content[0].AccountSid, accounts[4].SID; got != want {
			t.Errorf("first account = %s, want the newest %s", got, want)
		}
		before := c.net.count("GET /Organizations/" + org + "/Accounts")
		all, err := c.svc.ListOrganizationAccounts(org, (&iam.ListOrganizationAccountsParams{}).SetPageSize(2))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.net.count("GET /Organizations/"+org+"/Accounts") - before; got != 3 {
			t.Errorf("listing 5 accounts 2 a page took %d requests, want 3", got)
		}
		seen := map[string]bool{}
		for _, a := range all {
			seen[a.AccountSid] = true
		}
		if len(all) != 5 || len(seen) != 5 || seen[foreign.SID] {
			t.Fatalf("listed %d accounts (%d distinct), want this organization's 5", len(all), len(seen))
		}
		// The last page has no next link.
		last, err := c.svc.PageOrganizationAccounts(org, (&iam.ListOrganizationAccountsParams{}).SetPageSize(100), "", "")
		if err != nil || len(last.Content) != 5 || last.Meta.NextPageUrl != nil {
			t.Fatalf("one page of 100: %d accounts, next %v, err %v", len(last.Content), last.Meta.NextPageUrl, err)
		}
		if last.Meta.PageSize != 100 {
			t.Errorf("page_size = %d, want 100", last.Meta.PageSize)
		}
		clamped, err := c.svc.PageOrganizationAccounts(org, (&iam.ListOrganizationAccountsParams{}).SetPageSize(500), "", "")
		if err != nil || clamped.Meta.PageSize != 100 {
			t.Errorf("PageSize 500: page_size %d, err %v; want clamped to 100", clamped.Meta.PageSize, err)
		}
	})

	t.Run("account fetch and foreign SIDs", func(t *testing.T) {
		got, err := c.svc.FetchOrganizationAccount(org, (&iam.FetchOrganizationAccountParams{}).SetPathAccountSid(accounts[1].SID))
		if err != nil {
			t.Fatal(err)
		}
		if got.AccountSid != accounts[1].SID || got.FriendlyName != "Project 01" || got.Status != "active" ||
			got.OwnerSid != owner.SID || !got.DateCreated.Equal(accounts[1].CreatedAt.Truncate(time.Second)) {
			t.Errorf("fetched %+v", got)
		}
		for _, sid := range []string{foreign.SID, "ACnot-a-sid", strings.ToUpper(accounts[1].SID), ""} {
			_, err := c.svc.FetchOrganizationAccount(org, (&iam.FetchOrganizationAccountParams{}).SetPathAccountSid(sid))
			wantTwilioError(t, err, 404, 20404)
		}
		// The other organization's SID in the path: 404, exactly like one that does not exist.
		_, err = c.svc.PageOrganizationAccounts(otherOwner.OrgSID, nil, "", "")
		wantTwilioError(t, err, 404, 20404)
	})

	var ana *iam.ScimUser
	t.Run("scim", func(t *testing.T) {
		var err error
		ana, err = c.svc.CreateOrganizationUser(org, (&iam.CreateOrganizationUserParams{}).SetScimUser(iam.ScimUser{
			UserName: "ana@example.com", DisplayName: "Ana Alvarez", Name: iam.ScimName{GivenName: "Ana", FamilyName: "Alvarez"},
			Emails: []iam.ScimEmailAddress{{Primary: true, Value: "ana@example.com", Type: "work"}}, Active: true,
			Schemas: []string{"urn:ietf:params:scim:schemas:core:2.0:User"}}))
		if err != nil {
			t.Fatal(err)
		}
		if !domain.ValidSID(domain.PrefixUser, ana.Id) || ana.UserName != "ana@example.com" || !ana.Active || ana.Meta.Version == "" ||
			ana.Name.GivenName != "Ana" || ana.Meta.Created.IsZero() {
			t.Fatalf("created %+v", ana)
		}
		u := app.user("ana@example.com")
		if u.OrgSID != org || u.OrgRole != domain.OrgRoleStandard || u.Name != "Ana Alvarez" {
			t.Errorf("SCIM user in the store: %+v", u)
		}
		// Until Ana chooses a password (by password recovery), no password signs her in.
		if res := app.browser().post("/login", url.Values{"email": {"ana@example.com"}, "password": {""}}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("sign-in without a password: %d", res.Status)
		}
		if res := app.browser().post("/login", url.Values{"email": {"ana@example.com"}, "password": {"!"}}); res.Status != http.StatusUnauthorized {
			t.Errorf("SCIM user signing in before choosing a password: %d, want 401", res.Status)
		}
		_, err = c.svc.CreateOrganizationUser(org, (&iam.CreateOrganizationUserParams{}).SetScimUser(iam.ScimUser{UserName: "ana@example.com"}))
		wantTwilioError(t, err, 409, 0)
		_, err = c.svc.CreateOrganizationUser(org, (&iam.CreateOrganizationUserParams{}).SetScimUser(iam.ScimUser{UserName: "eve@elsewhere.test"}))
		wantTwilioError(t, err, 400, 20001)

		found, err := c.svc.ListOrganizationUsers(org, (&iam.ListOrganizationUsersParams{}).SetFilter(`userName eq "ana@example.com"`))
		if err != nil || len(found) != 1 || found[0].Id != ana.Id {
			t.Fatalf("filter by userName: %d users, err %v", len(found), err)
		}
		everyone, err := c.svc.ListOrganizationUsers(org, nil)
		if err != nil || len(everyone) != 2 {
			t.Errorf("all SCIM users: %d (err %v), want the Owner and Ana", len(everyone), err)
		}
		_, err = c.svc.ListOrganizationUsers(org, (&iam.ListOrganizationUsersParams{}).SetFilter(`displayName eq "Ana"`))
		wantTwilioError(t, err, 400, 0)

		// A session of Ana's, to see that deactivation ends it.
		sessionID, _, err := app.store.SignIn(ctx, u, "127.0.0.1", "test", app.web.policy)
		if err != nil {
			t.Fatal(err)
		}

		patched, err := c.svc.PatchOrganizationUser(org, ana.Id, (&iam.PatchOrganizationUserParams{}).SetIfMatch(ana.Meta.Version).
			SetScimPatchRequest(iam.ScimPatchRequest{Schemas: []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
				Operations: []iam.ScimPatchOperation{{Op: "replace", Value: map[string]any{"displayName": "Ana A. Alvarez", "active": false}}}}))
		if err != nil {
			t.Fatal(err)
		}
		if patched.Active || patched.DisplayName != "Ana A. Alvarez" || patched.Meta.Version == ana.Meta.Version {
			t.Errorf("patched %+v", patched)
		}
		if _, _, err := app.store.FindSession(ctx, sessionID, app.web.policy); err != store.ErrNoSession {
			t.Errorf("session after deactivation: %v, want it ended", err)
		}
		// The old version is stale now.
		_, err = c.svc.PatchOrganizationUser(org, ana.Id, (&iam.PatchOrganizationUserParams{}).SetIfMatch(ana.Meta.Version).
			SetScimPatchRequest(iam.ScimPatchRequest{Operations: []iam.ScimPatchOperation{{Op: "replace", Value: map[string]any{"active": true}}}}))
		wantTwilioError(t, err, 409, 0)
		ana, err = c.svc.PatchOrganizationUser(org, ana.Id, (&iam.PatchOrganizationUserParams{}).SetIfMatch(patched.Meta.Version).
			SetScimPatchRequest(iam.ScimPatchRequest{Operations: []iam.ScimPatchOperation{{Op: "replace", Value: map[string]any{"active": true}}}}))
		if err != nil || !ana.Active {
			t.Fatalf("reactivate: %+v, %v", ana, err)
		}
		replaced, err := c.svc.UpdateOrganizationUser(org, ana.Id, (&iam.UpdateOrganizationUserParams{}).SetIfMatch(ana.Meta.Version).
			SetScimUser(iam.ScimUser{UserName: "ana@example.com", DisplayName: "Ana Alvarez", Name: iam.ScimName{GivenName: "Ana", FamilyName: "Alvarez"}}))
		if err != nil || replaced.DisplayName != "Ana Alvarez" || !replaced.Active {
			t.Fatalf("PUT: %+v, %v", replaced, err)
		}
		ana = replaced
		fetched, err := c.svc.FetchOrganizationUser(org, ana.Id)
		if err != nil || fetched.Meta.Version != ana.Meta.Version {
			t.Fatalf("fetch: %+v, %v", fetched, err)
		}
		_, err = c.svc.FetchOrganizationUser(org, otherOwner.SID)
		wantTwilioError(t, err, 404, 20404)
	})

	t.Run("role assignments", func(t *testing.T) {
		if ana == nil {
			t.Skip("needs the SCIM user")
		}
		scope := accounts[2].SID
		ra, err := c.svc.CreateRoleAssignment(org, (&iam.CreateRoleAssignmentParams{}).SetPublicApiCreateRoleAssignmentRequest(
			iam.PublicApiCreateRoleAssignmentRequest{RoleSid: domain.RoleSID(domain.RoleDeveloper), Scope: scope, Identity: ana.Id}))
		if err != nil {
			t.Fatal(err)
		}
		if !domain.ValidSID(domain.PrefixRoleAssignment, ra.Sid) || ra.Scope != scope || ra.Identity != ana.Id || ra.RoleSid != domain.RoleSID(domain.RoleDeveloper) {
			t.Fatalf("created %+v", ra)
		}
		// The console shows it at once.
		users := admin.get("/admin/accounts/" + scope + "/users")
		wantStatus(t, users, http.StatusOK)
		wantBody(t, users, "ana@example.com", "Developer")

		list, err := c.svc.ListRoleAssignments(org, (&iam.ListRoleAssignmentsParams{}).SetIdentity(ana.Id).SetPageSize(1))
		if err != nil || len(list) != 1 || list[0].Sid != ra.Sid {
			t.Fatalf("list by identity: %+v, %v", list, err)
		}
		inScope, err := c.svc.ListRoleAssignments(org, (&iam.ListRoleAssignmentsParams{}).SetScope(scope).SetPageSize(1))
		if err != nil || len(inScope) != 2 { // the owner's and Ana's, one a page
			t.Fatalf("list by scope: %+v, %v", inScope, err)
		}

		create := func(role, scope, identity string) error {
			_, err := c.svc.CreateRoleAssignment(org, (&iam.CreateRoleAssignmentParams{}).SetPublicApiCreateRoleAssignmentRequest(
				iam.PublicApiCreateRoleAssignmentRequest{RoleSid: domain.RoleSID(role), Scope: scope, Identity: identity}))
			return err
		}
		wantTwilioError(t, create(domain.RoleDeveloper, scope, ana.Id), 409, 20409)
		wantTwilioError(t, create(domain.RoleOwner, scope, ana.Id), 400, 20001)
		wantTwilioError(t, create(domain.RoleSupport, foreign.SID, ana.Id), 400, 25200)
		wantTwilioError(t, create(domain.RoleSupport, scope, otherOwner.SID), 400, 20001)

		evs, _ := storetest.AuditEvents(ctx, app.store, "account.role.grant")
		if len(evs) == 0 || evs[len(evs)-1].ActorType != "api" || evs[len(evs)-1].ActorSID != creds.ClientID || evs[len(evs)-1].ActorLabel != "HR provisioning" {
			t.Errorf("grant audit events = %+v", evs)
		}

		if err := c.svc.DeleteRoleAssignment(org, ra.Sid); err != nil {
			t.Fatal(err)
		}
		users = admin.get("/admin/accounts/" + scope + "/users")
		if strings.Contains(users.Body, "ana@example.com") {
			t.Error("the Users tab still lists Ana after the role assignment was deleted")
		}
		wantTwilioError(t, c.svc.DeleteRoleAssignment(org, ra.Sid), 404, 20404)
		evs, _ = storetest.AuditEvents(ctx, app.store, "account.role.revoke")
		if len(evs) != 1 || evs[0].ActorType != "api" {
			t.Errorf("revoke audit events = %+v", evs)
		}
	})

	t.Run("scim delete", func(t *testing.T) {
		if ana == nil {
			t.Skip("needs the SCIM user")
		}
		if err := c.svc.DeleteOrganizationUser(org, ana.Id); err != nil {
			t.Fatal(err)
		}
		got, err := c.svc.FetchOrganizationUser(org, ana.Id)
		if err != nil || got.Active {
			t.Fatalf("after DELETE: %+v, %v; want inactive", got, err)
		}
		if u := app.user("ana@example.com"); u.Status != "deactivated" {
			t.Errorf("store status = %s", u.Status)
		}
	})

	t.Run("revoked app", func(t *testing.T) {
		before := c.oauth.tokenRequests
		if _, err := c.svc.FetchOrganizationAccount(org, (&iam.FetchOrganizationAccountParams{}).SetPathAccountSid(accounts[0].SID)); err != nil {
			t.Fatal(err)
		}
		res := admin.post("/admin/oauth-apps/"+creds.ClientID+"/revoke", nil)
		wantStatus(t, res, http.StatusSeeOther)
		// The SDK still holds a token that has not expired; it stops working at once.
		_, err := c.svc.FetchOrganizationAccount(org, (&iam.FetchOrganizationAccountParams{}).SetPathAccountSid(accounts[0].SID))
		wantTwilioError(t, err, 401, 20003)
		if c.oauth.tokenRequests != before {
			t.Errorf("the SDK fetched a new token (%d → %d); the revoked token itself should have been refused", before, c.oauth.tokenRequests)
		}
		// And no new token is issued.
		c.oauth.token = ""
		if _, err := c.oauth.GetAccessToken(ctx); err == nil {
			t.Error("a revoked app got a new token")
		} else {
			wantTwilioError(t, err, 401, 20003)
		}
	})
}
