package views

import (
	"context"
	"html"
	"strings"

	"github.com/a-h/templ"

	"admincenter/internal/domain"
)

// apiEndpoint is one endpoint of the Organizations API: what it does is the catalog's
// api.endpoint.<Key>.
type apiEndpoint struct{ Method, Path, Key string }

// apiEndpoints lists the Organizations API.
var apiEndpoints = []apiEndpoint{
	{"POST", "/v1/token", "token"},
	{"GET", "/Organizations/{OR}/Accounts", "accounts.list"},
	{"GET", "/Organizations/{OR}/Accounts/{AC}", "accounts.fetch"},
	{"GET", "/Organizations/{OR}/RoleAssignments", "roles.list"},
	{"POST", "/Organizations/{OR}/RoleAssignments", "roles.create"},
	{"DELETE", "/Organizations/{OR}/RoleAssignments/{IY}", "roles.delete"},
	{"GET", "/Organizations/{OR}/scim/Users", "scim.list"},
	{"POST", "/Organizations/{OR}/scim/Users", "scim.create"},
	{"GET, PUT, PATCH", "/Organizations/{OR}/scim/Users/{US}", "scim.fetch"},
	{"DELETE", "/Organizations/{OR}/scim/Users/{US}", "scim.delete"},
}

// roleNote is what the role table says of an account role, or "".
func roleNote(ctx context.Context, role string) string {
	switch role {
	case domain.RoleOwner:
		return T(ctx, "oauth.role_note.owner")
	case domain.RoleAdministrator:
		return T(ctx, "oauth.role_note.administrator")
	}
	return ""
}

// linkHTML is a link to a page of the console, its text escaped.
func linkHTML(href, text string) safeHTML {
	return safeHTML(`<a href="` + html.EscapeString(href) + `">` + html.EscapeString(text) + `</a>`)
}

// emailHTML is an email address, escaped, that may break before its "@" (see email).
func emailHTML(addr string) safeHTML {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return safeHTML(html.EscapeString(addr))
	}
	return safeHTML(html.EscapeString(addr[:at]) + "<wbr>" + html.EscapeString(addr[at:]))
}

// pathText is an endpoint's path that may break after each "/" rather than inside a name.
func pathText(path string) templ.Component {
	parts := strings.SplitAfter(path, "/")
	for i, p := range parts {
		parts[i] = html.EscapeString(p)
	}
	return templ.Raw(strings.Join(parts, "<wbr>"))
}

// The code samples stay as they are in every language; only their comments are translated.

func curlExamples(ctx context.Context, base, org string) string {
	u := base + "/Organizations/" + org
	return `TOKEN=$(curl -s -X POST ` + base + `/v1/token -d grant_type=client_credentials \
  -d client_id=$CLIENT_ID -d client_secret=$CLIENT_SECRET | jq -r .access_token)

# ` + T(ctx, "api.curl.comment.accounts") + `
curl -s -H "Authorization: Bearer $TOKEN" "` + u + `/Accounts?PageSize=50"

# ` + T(ctx, "api.curl.comment.role") + `
curl -s -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
  -d '{"role_sid": "IX…", "scope": "AC…", "identity": "US…"}' ` + u + `/RoleAssignments

# ` + T(ctx, "api.curl.comment.scim") + `
curl -s -G -H "Authorization: Bearer $TOKEN" ` + u + `/scim/Users \
  --data-urlencode 'filter=userName eq "ana@example.com"'`
}

func goExample(ctx context.Context, base, org string) string {
	return `package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	iam "github.com/twilio/twilio-go/rest/preview_iam/organization"
)

// ` + T(ctx, "api.go.comment.transport") + `
type toAdminCenter struct{ base *url.URL }

func (t toAdminCenter) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Host, ".twilio.com") {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = t.base.Scheme, t.base.Host, t.base.Host
	}
	return http.DefaultTransport.RoundTrip(r)
}

func main() {
	base, _ := url.Parse("` + base + `")
	rc := twilio.NewRestClientWithParams(twilio.ClientParams{
		ClientCredentialProvider: &twilio.ClientCredentialProvider{
			GrantType:    "client_credentials",
			ClientId:     os.Getenv("CLIENT_ID"),
			ClientSecret: os.Getenv("CLIENT_SECRET"),
		},
	})
	rc.RequestHandler.Client.(*client.Client).HTTPClient = &http.Client{Transport: toAdminCenter{base}}

	accounts, err := rc.PreviewIamOrganization.ListOrganizationAccounts("` + org + `",
		&iam.ListOrganizationAccountsParams{})
	if err != nil {
		panic(err) // ` + T(ctx, "api.go.comment.error") + `
	}
	for _, a := range accounts {
		fmt.Println(a.AccountSid, a.FriendlyName, a.Status)
	}
}`
}
