package views

// apiEndpoints lists the Organizations API: method, path, what it does.
var apiEndpoints = [][3]string{
	{"POST", "/v1/token", "Client-credentials grant: a one-hour access token (also at /v2/token)"},
	{"GET", "/Organizations/{OR}/Accounts", "The organization's managed accounts, newest first; PageSize 1–100, PageToken"},
	{"GET", "/Organizations/{OR}/Accounts/{AC}", "One managed account"},
	{"GET", "/Organizations/{OR}/RoleAssignments", "Role assignments; filters Identity (US…) and Scope (AC…)"},
	{"POST", "/Organizations/{OR}/RoleAssignments", "Give a user a role on an account: JSON {role_sid, scope, identity}"},
	{"DELETE", "/Organizations/{OR}/RoleAssignments/{IY}", "Take the role back"},
	{"GET", "/Organizations/{OR}/scim/Users", `SCIM users; filter=userName eq "…"`},
	{"POST", "/Organizations/{OR}/scim/Users", "Provision a managed user (userName in a verified domain)"},
	{"GET, PUT, PATCH", "/Organizations/{OR}/scim/Users/{US}", "Fetch, replace or patch a user; If-Match: meta.version"},
	{"DELETE", "/Organizations/{OR}/scim/Users/{US}", "Deactivate the user and end their sessions"},
}

func curlExamples(base, org string) string {
	u := base + "/Organizations/" + org
	return `TOKEN=$(curl -s -X POST ` + base + `/v1/token -d grant_type=client_credentials \
  -d client_id=$CLIENT_ID -d client_secret=$CLIENT_SECRET | jq -r .access_token)

# The first page of managed accounts; follow meta.next_page_url for the next
curl -s -H "Authorization: Bearer $TOKEN" "` + u + `/Accounts?PageSize=50"

# Give a user the Developer role on an account
curl -s -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
  -d '{"role_sid": "IX…", "scope": "AC…", "identity": "US…"}' ` + u + `/RoleAssignments

# Find a user by email (SCIM)
curl -s -G -H "Authorization: Bearer $TOKEN" ` + u + `/scim/Users \
  --data-urlencode 'filter=userName eq "ana@example.com"'`
}

func goExample(base, org string) string {
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

// toAdminCenter sends the SDK's requests for *.twilio.com to Admin Center.
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
		panic(err) // a *client.TwilioRestError carries the status and code
	}
	for _, a := range accounts {
		fmt.Println(a.AccountSid, a.FriendlyName, a.Status)
	}
}`
}
