package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"
	iam "github.com/twilio/twilio-go/rest/preview_iam/organization"

	"admincenter/internal/domain"
)

var (
	clientIDRE     = regexp.MustCompile(`id="client-id">([^<]+)<`)
	clientSecretRE = regexp.MustCompile(`id="client-secret">([^<]+)<`)
	orgSIDRE       = regexp.MustCompile(`id="org-sid">([^<]+)<`)
)

// oauthApp is an app created through the console, with the secret it showed once.
type oauthApp struct {
	OrgSID, ClientID, Secret string
}

// createOAuthApp creates an app on the OAuth apps page as the signed-in browser and reads its
// credentials off the page, as an administrator would.
func (b *browser) createOAuthApp(name string) oauthApp {
	b.t.Helper()
	res := b.post("/admin/oauth-apps", url.Values{"name": {name}})
	if res.Status != http.StatusSeeOther {
		b.t.Fatalf("create OAuth app: status %d\n%s", res.Status, trimBody(res.Body))
	}
	page := b.get("/admin/oauth-apps")
	id, secret, org := clientIDRE.FindStringSubmatch(page.Body), clientSecretRE.FindStringSubmatch(page.Body), orgSIDRE.FindStringSubmatch(page.Body)
	if id == nil || secret == nil || org == nil {
		b.t.Fatalf("OAuth apps page after create shows no credentials\n%s", trimBody(page.Body))
	}
	return oauthApp{OrgSID: org[1], ClientID: html.UnescapeString(id[1]), Secret: html.UnescapeString(secret[1])}
}

// toTestServer sends the SDK's requests for *.twilio.com to the test server and counts requests by path.
type toTestServer struct {
	base *url.URL
	mu   sync.Mutex
	hits map[string]int
}

func (t *toTestServer) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Hostname(), ".twilio.com") {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = t.base.Scheme, t.base.Host, t.base.Host
	}
	t.mu.Lock()
	t.hits[r.Method+" "+r.URL.Path]++
	t.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (t *toTestServer) count(key string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.hits[key]
}

// sdkOAuth fetches and caches an access token as twilio-go's own APIOAuth does: a form POST of the
// client credentials to https://oauth.twilio.com/v2/token, reused until its exp claim passes.
type sdkOAuth struct {
	handler       *client.RequestHandler
	id, secret    string
	token         string
	exp           int64
	tokenRequests int
}

func (o *sdkOAuth) GetAccessToken(context.Context) (string, error) {
	if o.token != "" && time.Now().Unix() < o.exp {
		return o.token, nil
	}
	data := url.Values{"grant_type": {"client_credentials"}, "client_id": {o.id}, "client_secret": {o.secret}}
	o.tokenRequests++
	res, err := o.handler.Post("https://oauth.twilio.com/v2/token", data,
		map[string]any{"Content-Type": "application/x-www-form-urlencoded"}, "")
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var tok iam.OauthV1Token
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil {
		return "", err
	}
	if tok.AccessToken == nil {
		return "", fmt.Errorf("no access_token in the token response")
	}
	o.token = *tok.AccessToken
	o.exp = jwtExp(*tok.AccessToken)
	return o.token, nil
}

// jwtExp reads the numeric exp claim of a JWT without verifying it (the client's view).
func jwtExp(tok string) int64 {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return 0
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(raw, &claims) != nil {
		return 0
	}
	n, _ := claims.Exp.Int64()
	return n
}

// sdk is twilio-go's preview_iam organization service pointed at the test server.
type sdk struct {
	svc   *iam.ApiService
	oauth *sdkOAuth
	net   *toTestServer
}

func (a *testApp) sdk(app oauthApp) *sdk {
	base, _ := url.Parse(a.srv.URL)
	net := &toTestServer{base: base, hits: map[string]int{}}
	hc := &http.Client{Transport: net, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tokenClient := &client.Client{Credentials: client.NewCredentials("", ""), HTTPClient: hc}
	oauth := &sdkOAuth{handler: client.NewRequestHandler(tokenClient), id: app.ClientID, secret: app.Secret}
	apiClient := &client.Client{Credentials: client.NewCredentials("", ""), HTTPClient: hc}
	apiClient.SetOauth(oauth)
	return &sdk{svc: iam.NewApiService(client.NewRequestHandler(apiClient)), oauth: oauth, net: net}
}

// wantTwilioError checks that err is the SDK's typed error with the status (and code, unless 0).
func wantTwilioError(t *testing.T, err error, status, code int) *client.TwilioRestError {
	t.Helper()
	te, ok := err.(*client.TwilioRestError)
	if !ok {
		t.Fatalf("err = %T %v, want *client.TwilioRestError with status %d", err, err, status)
	}
	if te.Status != status || (code != 0 && te.Code != code) {
		t.Fatalf("TwilioRestError = status %d code %d (%s), want status %d code %d", te.Status, te.Code, te.Message, status, code)
	}
	if te.Message == "" || te.MoreInfo == "" {
		t.Errorf("TwilioRestError without message or more_info: %+v", te)
	}
	return te
}

// seedAccounts creates n managed accounts owned by the user, a minute apart, oldest first.
func (a *testApp) seedAccounts(owner *domain.User, prefix string, n int) []*domain.Account {
	a.t.Helper()
	clock := a.store.Now
	defer func() { a.store.Now = clock }()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var out []*domain.Account
	for i := 0; i < n; i++ {
		a.store.Now = func() time.Time { return base.Add(time.Duration(i) * time.Minute) }
		acc, err := a.store.CreateAccount(context.Background(), owner, domain.CreateAccountInput{
			FriendlyName: fmt.Sprintf("%s %02d", prefix, i), Type: domain.AccountStandard}, "127.0.0.1")
		if err != nil {
			a.t.Fatal(err)
		}
		out = append(out, acc)
	}
	return out
}

func (a *testApp) user(email string) *domain.User {
	a.t.Helper()
	u, err := a.store.FindUserByEmail(context.Background(), email)
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

// apiCall is one raw HTTP request to the API.
type apiCall struct {
	Method, Path, Token, ContentType string
	Body                             []byte
	Header                           map[string]string
}

type apiResult struct {
	Status int
	Header http.Header
	Body   []byte
	Err    struct {
		Code     int    `json:"code"`
		Message  string `json:"message"`
		MoreInfo string `json:"more_info"`
		Status   int    `json:"status"`
		ScimType string `json:"scimType"`
	}
}

func (a *testApp) call(c apiCall) apiResult {
	a.t.Helper()
	req, _ := http.NewRequest(c.Method, a.srv.URL+c.Path, bytes.NewReader(c.Body))
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if c.ContentType != "" {
		req.Header.Set("Content-Type", c.ContentType)
	}
	for k, v := range c.Header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	out := apiResult{Status: res.StatusCode, Header: res.Header}
	out.Body, _ = io.ReadAll(res.Body)
	if res.StatusCode >= 400 {
		if err := json.Unmarshal(out.Body, &out.Err); err != nil {
			a.t.Fatalf("%s %s: %d with a body that is not JSON: %q", c.Method, c.Path, res.StatusCode, out.Body)
		}
		if out.Err.Status != res.StatusCode || out.Err.Code == 0 || out.Err.Message == "" || out.Err.MoreInfo == "" {
			a.t.Errorf("%s %s: error body %s does not match the status %d", c.Method, c.Path, out.Body, res.StatusCode)
		}
	}
	return out
}

// token fetches an access token with raw HTTP.
func (a *testApp) token(app oauthApp) string {
	a.t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID}, "client_secret": {app.Secret}}
	res := a.call(apiCall{Method: "POST", Path: "/v1/token", ContentType: "application/x-www-form-urlencoded", Body: []byte(form.Encode())})
	if res.Status != http.StatusOK {
		a.t.Fatalf("token: %d %s", res.Status, res.Body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(res.Body, &tok)
	return tok.AccessToken
}
