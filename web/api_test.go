package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/internal/store/storetest"
)

// roleAssignments lists every role assignment the filter selects, page after page.
func roleAssignments(st *store.Store, f store.RoleAssignmentFilter) ([]store.RoleAssignment, error) {
	var all []store.RoleAssignment
	for cursor := ""; ; {
		page, err := st.ListRoleAssignmentPage(context.Background(), f, cursor)
		if err != nil {
			return all, err
		}
		all = append(all, page.Assignments...)
		if cursor = page.Next; cursor == "" {
			return all, nil
		}
	}
}

// apiFixture is an organization with an OAuth app and a token, and a second organization with its own.
type apiFixture struct {
	app                 *testApp
	org, otherOrg       string
	token, otherToken   string
	account, otherAcct  *domain.Account
	assignment, otherRA string
	otherUser           *domain.User
	creds               oauthApp
}

func newAPIFixture(t *testing.T, flags ...string) *apiFixture {
	app := newTestApp(t, flags...)
	app.setup()
	ctx := context.Background()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	f := &apiFixture{app: app}
	f.creds = b.createOAuthApp("Scripts")
	f.org, f.token = f.creds.OrgSID, app.token(f.creds)
	f.account = app.seedAccounts(app.user("owner@example.com"), "Alpha", 1)[0]

	otherOrg, otherOwner, err := storetest.AddOrganization(ctx, app.store, "Other Org", "other.test", "Oscar Other", "oscar@other.test", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	f.otherOrg, f.otherUser = otherOrg.SID, otherOwner
	f.otherAcct = app.seedAccounts(otherOwner, "Beta", 1)[0]
	otherApp, otherSecret, err := app.store.CreateOAuthApp(ctx, otherOwner, "Other scripts", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	f.otherToken = app.token(oauthApp{OrgSID: otherOrg.SID, ClientID: otherApp.SID, Secret: otherSecret})
	ras, err := roleAssignments(app.store, store.RoleAssignmentFilter{OrgSID: otherOrg.SID})
	if err != nil || len(ras) == 0 {
		t.Fatalf("other organization's role assignments: %v, %v", ras, err)
	}
	f.otherRA = ras[0].SID
	ras, _ = roleAssignments(app.store, store.RoleAssignmentFilter{OrgSID: f.org})
	f.assignment = ras[0].SID
	return f
}

func (f *apiFixture) call(method, path, contentType, body string) apiResult {
	f.app.t.Helper()
	return f.app.call(apiCall{Method: method, Path: path, Token: f.token, ContentType: contentType, Body: []byte(body)})
}

func wantAPIError(t *testing.T, res apiResult, status, code int, msg string) {
	t.Helper()
	if res.Status != status || (code != 0 && res.Err.Code != code) || !strings.Contains(res.Err.Message, msg) {
		t.Errorf("got %d %s; want %d code %d with %q", res.Status, res.Body, status, code, msg)
	}
}

func TestAPIRejectsBadBodies(t *testing.T) {
	f := newAPIFixture(t)
	ra := "/Organizations/" + f.org + "/RoleAssignments"
	users := "/Organizations/" + f.org + "/scim/Users"
	valid := `{"role_sid": "` + domain.RoleSID(domain.RoleSupport) + `", "scope": "` + f.account.SID + `", "identity": "US00000000000000000000000000000000"}`
	tests := []struct {
		name, method, path, contentType, body string
		status                                int
		msg                                   string
	}{
		{"malformed JSON", "POST", ra, "application/json", `{"role_sid": `, 400, "not valid JSON"},
		{"not an object", "POST", ra, "application/json", `["a"]`, 400, "JSON object"},
		{"wrong type", "POST", ra, "application/json", `{"role_sid": 5}`, 400, `"role_sid" must be a string`},
		{"unknown field", "POST", ra, "application/json", `{"role_sid": "IX", "colour": "red"}`, 400, `Unknown field "colour"`},
		{"trailing data", "POST", ra, "application/json", valid + `{}`, 400, "one JSON value"},
		{"empty body", "POST", ra, "application/json", ``, 400, "empty"},
		{"form instead of JSON", "POST", ra, "application/x-www-form-urlencoded", `role_sid=IX`, 400, "Content-Type: application/json"},
		{"no content type", "POST", ra, "", valid, 400, "Content-Type"},
		{"text/plain", "POST", users, "text/plain", `{"userName": "a@example.com"}`, 400, "application/scim+json"},
		{"SCIM unknown field", "POST", users, "application/scim+json", `{"userName": "a@example.com", "nickName": "A"}`, 400, `Unknown field "nickName"`},
		{"SCIM unknown op", "PATCH", users + "/US00000000000000000000000000000000", "application/json", `{"Operations": [{"op": "remove", "path": "active"}]}`, 400, "add and replace"},
		{"unknown role", "POST", ra, "application/json", strings.Replace(valid, domain.RoleSID(domain.RoleSupport), "IX00000000000000000000000000000000", 1), 400, "role_sid"},
		{"resource-level assignment", "POST", ra, "application/json", strings.TrimSuffix(valid, "}") + `, "resource_type": "x"}`, 400, "Resource-level"},
		{"deleting the owner's assignment", "DELETE", ra + "/" + f.assignment, "", "", 400, "owner transfer"},
		{"token as JSON", "POST", "/v1/token", "application/json", `{"grant_type": "client_credentials"}`, 400, "form"},
		{"unknown grant", "POST", "/v2/token", "application/x-www-form-urlencoded", `grant_type=password`, 400, "client_credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.call(tt.method, tt.path, tt.contentType, tt.body)
			wantAPIError(t, res, tt.status, 0, tt.msg)
		})
	}
	// Nothing was created by any of them.
	ras, _ := roleAssignments(f.app.store, store.RoleAssignmentFilter{OrgSID: f.org})
	if len(ras) != 1 {
		t.Errorf("%d role assignments after bad requests, want only the owner's", len(ras))
	}
}

func TestAPIBodyLimit(t *testing.T) {
	f := newAPIFixture(t)
	big := `{"userName": "a@example.com", "displayName": "` + strings.Repeat("x", 1<<20) + `"}`
	res := f.call("POST", "/Organizations/"+f.org+"/scim/Users", "application/scim+json", big)
	wantAPIError(t, res, 413, 20413, "1 MiB")
	// Without a Content-Length the limit holds while reading.
	req, _ := http.NewRequest("POST", f.app.srv.URL+"/Organizations/"+f.org+"/RoleAssignments", &chunked{left: 2 << 20})
	req.Header.Set("Authorization", "Bearer "+f.token)
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("chunked 2 MiB body: %d, want 413", resp.StatusCode)
	}
	if u, _ := f.app.store.FindUserByEmail(context.Background(), "a@example.com"); u != nil {
		t.Error("an oversize request created a user")
	}
}

// chunked is a body of unknown length: a JSON string that never ends.
type chunked struct{ left int }

func (c *chunked) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.EOF
	}
	n := min(len(p), c.left)
	for i := range p[:n] {
		p[i] = ' '
	}
	if c.left == 2<<20 {
		p[0] = '['
	}
	c.left -= n
	return n, nil
}

func TestAPIAnotherOrganizationsSIDs(t *testing.T) {
	f := newAPIFixture(t)
	o := "/Organizations/" + f.org
	tests := []struct{ name, method, path, contentType, body string }{
		{"account", "GET", o + "/Accounts/" + f.otherAcct.SID, "", ""},
		{"role assignment delete", "DELETE", o + "/RoleAssignments/" + f.otherRA, "", ""},
		{"SCIM user fetch", "GET", o + "/scim/Users/" + f.otherUser.SID, "", ""},
		{"SCIM user patch", "PATCH", o + "/scim/Users/" + f.otherUser.SID, "application/json", `{"Operations": [{"op": "replace", "path": "active", "value": false}]}`},
		{"SCIM user delete", "DELETE", o + "/scim/Users/" + f.otherUser.SID, "", ""},
		{"the other organization in the path", "GET", "/Organizations/" + f.otherOrg + "/Accounts", "", ""},
		{"an organization that does not exist", "GET", "/Organizations/OR00000000000000000000000000000000/Accounts", "", ""},
		{"an empty account SID", "GET", o + "/Accounts/", "", ""},
		{"a malformed account SID", "GET", o + "/Accounts/AC123", "", ""},
		{"an unknown path", "GET", o + "/Nothing", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAPIError(t, f.call(tt.method, tt.path, tt.contentType, tt.body), 404, 20404, "")
		})
	}
	// Filters naming the other organization's things find nothing.
	res := f.call("GET", o+"/RoleAssignments?Scope="+f.otherAcct.SID, "", "")
	if res.Status != 200 || strings.Contains(string(res.Body), f.otherRA) || !strings.Contains(string(res.Body), `"content":[]`) {
		t.Errorf("Scope of another organization: %d %s", res.Status, res.Body)
	}
	res = f.call("GET", o+`/scim/Users?filter=`+url.QueryEscape(`userName eq "oscar@other.test"`), "", "")
	if res.Status != 200 || !strings.Contains(string(res.Body), `"totalResults":0`) {
		t.Errorf("SCIM filter for another organization's user: %d %s", res.Status, res.Body)
	}
	// Neither user nor role changed.
	if u := f.app.user("oscar@other.test"); u.Status != "active" {
		t.Error("the other organization's user was deactivated")
	}
	ras, _ := roleAssignments(f.app.store, store.RoleAssignmentFilter{OrgSID: f.otherOrg})
	if len(ras) != 1 {
		t.Error("the other organization's role assignment was deleted")
	}
}

func TestAPIAuthentication(t *testing.T) {
	f := newAPIFixture(t)
	path := "/Organizations/" + f.org + "/Accounts"
	get := func(token string) apiResult {
		return f.app.call(apiCall{Method: "GET", Path: path, Token: token})
	}
	if res := get(f.token); res.Status != 200 {
		t.Fatalf("good token: %d %s", res.Status, res.Body)
	}
	wantAPIError(t, get(""), 401, 20003, "Bearer")
	wantAPIError(t, get("not-a-jwt"), 401, 20003, "")
	// A token signed with "none", or with another key, is refused.
	parts := strings.Split(f.token, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	wantAPIError(t, get(none), 401, 20003, "")
	wantAPIError(t, get(parts[0]+"."+parts[1]+".c2lnbmF0dXJl"), 401, 20003, "")
	// The token carries a numeric exp and stops after an hour (on the store's clock).
	var claims map[string]any
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	_ = json.Unmarshal(raw, &claims)
	if _, ok := claims["exp"].(float64); !ok {
		t.Errorf("exp claim = %#v, want a number", claims["exp"])
	}
	clock := f.app.store.Now
	f.app.store.Now = func() time.Time { return clock().Add(61 * time.Minute) }
	wantAPIError(t, get(f.token), 401, 20003, "expired")
	f.app.store.Now = clock
	// The token endpoint also takes the credentials as HTTP Basic (client_secret_basic).
	treq, _ := http.NewRequest("POST", f.app.srv.URL+"/v2/token", strings.NewReader("grant_type=client_credentials"))
	treq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	treq.SetBasicAuth(f.creds.ClientID, f.creds.Secret)
	tres, err := http.DefaultClient.Do(treq)
	if err != nil {
		t.Fatal(err)
	}
	tres.Body.Close()
	if tres.StatusCode != 200 {
		t.Errorf("token with HTTP Basic credentials: %d", tres.StatusCode)
	}
	// Basic auth is not a token.
	req, _ := http.NewRequest("GET", f.app.srv.URL+path, nil)
	req.SetBasicAuth(f.creds.ClientID, f.creds.Secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("basic auth: %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func TestAPIRateLimit(t *testing.T) {
	f := newAPIFixture(t, "--api-rate", "1") // bursts of 2
	path := "/Organizations/" + f.org + "/Accounts"
	for i := 0; i < 2; i++ {
		if res := f.call("GET", path, "", ""); res.Status != 200 {
			t.Fatalf("call %d: %d", i, res.Status)
		}
	}
	res := f.call("GET", path, "", "")
	wantAPIError(t, res, 429, 20429, "Too many")
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
	}
	// Another app's budget is its own.
	if res := f.app.call(apiCall{Method: "GET", Path: "/Organizations/" + f.otherOrg + "/Accounts", Token: f.otherToken}); res.Status != 200 {
		t.Errorf("other app: %d", res.Status)
	}
}

func TestAPIPaging(t *testing.T) {
	f := newAPIFixture(t)
	f.app.seedAccounts(f.app.user("owner@example.com"), "Gamma", 6) // 7 with Alpha
	o := "/Organizations/" + f.org
	for _, bad := range []string{"PageSize=0", "PageSize=-3", "PageSize=ten", "Page=-1", "PageToken=nonsense"} {
		wantAPIError(t, f.call("GET", o+"/Accounts?"+bad, "", ""), 400, 20001, "")
	}
	type page struct {
		Content []struct {
			AccountSID  string `json:"account_sid"`
			DateCreated string `json:"date_created"`
		} `json:"content"`
		Meta struct {
			NextPageURL     *string `json:"next_page_url"`
			PreviousPageURL *string `json:"previous_page_url"`
			URL             string  `json:"url"`
			Page            int     `json:"page"`
		} `json:"meta"`
	}
	next, seen, pages := f.app.srv.URL+o+"/Accounts?PageSize=3", map[string]bool{}, []page{}
	for next != "" {
		res := f.call("GET", strings.TrimPrefix(next, f.app.srv.URL), "", "")
		var p page
		if err := json.Unmarshal(res.Body, &p); err != nil || res.Status != 200 {
			t.Fatalf("%s: %d %s", next, res.Status, res.Body)
		}
		for _, a := range p.Content {
			if _, err := time.Parse(time.RFC3339, a.DateCreated); err != nil {
				t.Errorf("date_created %q is not RFC 3339", a.DateCreated)
			}
			seen[a.AccountSID] = true
		}
		if p.Meta.Page != len(pages) {
			t.Errorf("meta.page = %d on page %d", p.Meta.Page, len(pages))
		}
		pages = append(pages, p)
		next = ""
		if p.Meta.NextPageURL != nil {
			next = *p.Meta.NextPageURL
		}
	}
	if len(seen) != 7 || len(pages) != 3 {
		t.Fatalf("walked %d accounts in %d pages, want 7 in 3", len(seen), len(pages))
	}
	if pages[0].Meta.PreviousPageURL != nil || pages[2].Meta.PreviousPageURL == nil {
		t.Error("previous_page_url: want null on the first page only")
	}
	back := f.call("GET", strings.TrimPrefix(*pages[2].Meta.PreviousPageURL, f.app.srv.URL), "", "")
	var p page
	_ = json.Unmarshal(back.Body, &p)
	if len(p.Content) != 3 || p.Content[0].AccountSID != pages[1].Content[0].AccountSID {
		t.Errorf("previous page of the last = %s", back.Body)
	}

	// Role assignments page both ways too.
	all, err := roleAssignments(f.app.store, store.RoleAssignmentFilter{OrgSID: f.org, Limit: 100})
	if err != nil || len(all) < 7 {
		t.Fatalf("%d role assignments (%v)", len(all), err)
	}
	type raPage struct {
		Content []struct {
			SID string `json:"sid"`
		} `json:"content"`
		Meta struct {
			NextPageURL     *string `json:"next_page_url"`
			PreviousPageURL *string `json:"previous_page_url"`
		} `json:"meta"`
	}
	get := func(u string) raPage {
		t.Helper()
		res := f.call("GET", strings.TrimPrefix(u, f.app.srv.URL), "", "")
		var p raPage
		if err := json.Unmarshal(res.Body, &p); err != nil || res.Status != 200 {
			t.Fatalf("%s: %d %s", u, res.Status, res.Body)
		}
		return p
	}
	var raPages []raPage
	var walked []string
	for u := o + "/RoleAssignments?PageSize=3"; u != ""; {
		p := get(u)
		raPages = append(raPages, p)
		for _, c := range p.Content {
			walked = append(walked, c.SID)
		}
		u = ""
		if p.Meta.NextPageURL != nil {
			u = *p.Meta.NextPageURL
		}
	}
	if len(walked) != len(all) || walked[0] != all[0].SID || walked[len(walked)-1] != all[len(all)-1].SID {
		t.Errorf("walked %d role assignments, want %d in SID order", len(walked), len(all))
	}
	last := raPages[len(raPages)-1]
	if raPages[0].Meta.PreviousPageURL != nil || last.Meta.PreviousPageURL == nil {
		t.Fatal("role assignments previous_page_url: want null on the first page only")
	}
	before := get(*last.Meta.PreviousPageURL)
	if len(before.Content) != 3 || before.Content[0].SID != raPages[len(raPages)-2].Content[0].SID {
		t.Errorf("previous page of the last role assignments page = %+v", before.Content)
	}
	wantAPIError(t, f.call("GET", o+"/RoleAssignments?PageToken=pRAnonsense", "", ""), 400, 20001, "")
}

func TestOAuthAppsPage(t *testing.T) {
	app := newTestApp(t)
	app.setup()
	b := app.browser()
	b.signIn("owner@example.com", testPassword)
	page := b.get("/admin/oauth-apps")
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, `id="org-sid"`, "No OAuth apps yet", domain.RoleSID(domain.RoleDeveloper), "Billing Manager")
	// An empty name re-renders with the message.
	res := b.post("/admin/oauth-apps", url.Values{"name": {"  "}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "Enter a name for the app")
	creds := b.createOAuthApp("Reports")
	apps, _ := app.store.ListOAuthApps(context.Background(), creds.OrgSID)
	if len(apps) != 1 || apps[0].SID != creds.ClientID {
		t.Fatalf("apps = %+v", apps)
	}
	// The secret is not in the database, only its hash.
	var n int
	evs, _ := storetest.AuditEvents(context.Background(), app.store, "oauth_app.create")
	for _, e := range evs {
		if strings.Contains(e.After, creds.Secret) {
			n++
		}
	}
	if n > 0 || len(evs) != 1 {
		t.Errorf("audit events %+v", evs)
	}
	// The page tells a used app from a never used one.
	wantBody(t, b.get("/admin/oauth-apps"), `<td class="last-token"><span class="muted">Never</span>`)
	app.token(creds)
	app.token(creds) // within the minute: no second write
	page = b.get("/admin/oauth-apps")
	wantBody(t, page, `<td class="last-token"><time datetime="`)
	if strings.Contains(page.Body, `<span class="muted">Never</span>`) {
		t.Error("the app that got a token still says Never")
	}
	// The API guide shows the organization SID with curl and Go examples.
	guide := b.get("/admin/api")
	wantStatus(t, guide, http.StatusOK)
	wantBody(t, guide, `id="org-sid"`, creds.OrgSID, "curl", "twilio-go", "/v1/token", `id="error-25200"`)
	// Revoking another organization's app is a 404, and revoking twice says so.
	wantStatus(t, b.post("/admin/oauth-apps/OQ00000000000000000000000000000000/revoke", nil), http.StatusNotFound)
	wantStatus(t, b.post("/admin/oauth-apps/"+creds.ClientID+"/revoke", nil), http.StatusSeeOther)
	wantBody(t, b.get("/admin/oauth-apps"), "Revoked")
	wantStatus(t, b.post("/admin/oauth-apps/"+creds.ClientID+"/revoke", nil), http.StatusConflict)
	// In Japanese: the page, the guide's prose (its code as it is) and the refusal.
	ja := func(method, path string) response {
		form := url.Values{"_csrf": {b.csrf()}}
		req, _ := http.NewRequest(method, app.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", "ja")
		return b.do(req)
	}
	wantBody(t, ja("GET", "/admin/oauth-apps"), "<h1>OAuth アプリ</h1>", "取り消し済み</span>", "作成者: owner@example.com", "ロール SID")
	wantBody(t, ja("GET", "/admin/api"), "1. アクセストークンを取得する", "# メールアドレスでユーザーを検索します (SCIM)", "-d grant_type=client_credentials", "/Organizations/{OR}/scim/Users")
	res = ja("POST", "/admin/oauth-apps/"+creds.ClientID+"/revoke")
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "はすでに取り消されています。")
}

func TestAPIUnknownMethodsAndPathsAnswerJSON(t *testing.T) {
	f := newAPIFixture(t)
	o := "/Organizations/" + f.org
	tests := []struct {
		method, path string
		status, code int
	}{
		{"PUT", o + "/Accounts", 405, 20004},
		{"DELETE", o + "/Accounts/" + f.account.SID, 405, 20004},
		{"GET", "/v1/token", 405, 20004},
		{"PUT", "/v2/token", 405, 20004},
		{"POST", "/Organizations", 404, 20404},
		{"DELETE", o + "/scim/Groups", 404, 20404},
	}
	for _, tt := range tests {
		res := f.call(tt.method, tt.path, "", "")
		if res.Status != tt.status || res.Err.Code != tt.code {
			t.Errorf("%s %s: %d %s, want %d code %d", tt.method, tt.path, res.Status, res.Body, tt.status, tt.code)
		}
	}
}
