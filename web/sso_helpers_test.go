package web

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlidp"
	"golang.org/x/crypto/bcrypt"
)

// testIdP is a real SAML identity provider (crewjam/saml's samlidp) served in the test
// process, with its own key, certificate and users.
type testIdP struct {
	t    testing.TB
	srv  *httptest.Server
	idp  *samlidp.Server
	cert *x509.Certificate
	// twist, when set, changes each assertion after the IdP made it and before it is signed.
	mu    sync.Mutex
	twist func(*saml.IdpAuthnRequest)
}

const idpPassword = "idp-password-1"

var idpKeyOnce = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

func selfSigned(t testing.TB, key *rsa.PrivateKey, cn string) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// twistingMaker is the IdP's default assertion maker followed by the test's twist.
type twistingMaker struct{ idp *testIdP }

func (m twistingMaker) MakeAssertion(req *saml.IdpAuthnRequest, session *saml.Session) error {
	if err := (saml.DefaultAssertionMaker{}).MakeAssertion(req, session); err != nil {
		return err
	}
	m.idp.mu.Lock()
	twist := m.idp.twist
	m.idp.mu.Unlock()
	if twist != nil {
		twist(req)
	}
	return nil
}

// newTestIdP starts an IdP that knows the app as a service provider (encrypting assertions to
// it when encrypt is set) and has a user for each email, with idpPassword.
func newTestIdP(t testing.TB, app *testApp, encrypt bool, emails ...string) *testIdP {
	t.Helper()
	key, err := idpKeyOnce()
	if err != nil {
		t.Fatal(err)
	}
	x := &testIdP{t: t, srv: httptest.NewUnstartedServer(nil)}
	x.srv.Start()
	t.Cleanup(x.srv.Close)
	u, _ := url.Parse(x.srv.URL)
	x.cert = selfSigned(t, key, "test IdP")
	x.idp, err = samlidp.New(samlidp.Options{URL: *u, Key: key, Certificate: x.cert, Store: &samlidp.MemoryStore{},
		Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	x.idp.IDP.Logger = quietLogger{}
	x.idp.IDP.AssertionMaker = twistingMaker{x}
	x.srv.Config.Handler = x.idp
	hash, _ := bcrypt.GenerateFromPassword([]byte(idpPassword), bcrypt.MinCost)
	for _, email := range emails {
		name := strings.SplitN(email, "@", 2)[0]
		if err := x.idp.Store.Put("/users/"+name, samlidp.User{Name: name, Email: email, HashedPassword: hash}); err != nil {
			t.Fatal(err)
		}
	}
	// The SP's own metadata, as an administrator would upload it to the IdP.
	res, err := http.Get(app.srv.URL + "/sso/saml/metadata")
	if err != nil {
		t.Fatal(err)
	}
	md, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !encrypt {
		md = withoutEncryptionKey(t, md)
	}
	rec := httptest.NewRecorder()
	x.idp.ServeHTTP(rec, httptest.NewRequest("PUT", "/services/admincenter", strings.NewReader(string(md))))
	if rec.Code/100 != 2 {
		t.Fatalf("registering the SP at the IdP: %d %s", rec.Code, rec.Body)
	}
	return x
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}
func (quietLogger) Print(...any)          {}
func (quietLogger) Println(...any)        {}
func (quietLogger) Fatal(...any)          {}
func (quietLogger) Fatalf(string, ...any) {}
func (quietLogger) Fatalln(...any)        {}
func (quietLogger) Panic(...any)          {}
func (quietLogger) Panicf(string, ...any) {}
func (quietLogger) Panicln(...any)        {}

func withoutEncryptionKey(t testing.TB, md []byte) []byte {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(md); err != nil {
		t.Fatal(err)
	}
	for _, kd := range doc.FindElements("//KeyDescriptor[@use='encryption']") {
		kd.Parent().RemoveChild(kd)
	}
	b, _ := doc.WriteToBytes()
	return b
}

func (x *testIdP) setTwist(f func(*saml.IdpAuthnRequest)) {
	x.mu.Lock()
	x.twist = f
	x.mu.Unlock()
}

// metadata is the IdP's metadata XML, as an administrator pastes it into /admin/sso.
func (x *testIdP) metadata() string {
	x.t.Helper()
	res, err := http.Get(x.srv.URL + "/metadata")
	if err != nil {
		x.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

var hiddenRE = regexp.MustCompile(`name="(SAMLResponse|RelayState)" value="([^"]*)"`)

// samlPost is what the IdP's page posts to the ACS.
type samlPost struct {
	Response   string // base64
	RelayState string
}

func (p samlPost) form() url.Values {
	return url.Values{"SAMLResponse": {p.Response}, "RelayState": {p.RelayState}}
}

// idpSignIn follows a 303 to the IdP (from /login/sso), signs in there as the email's user and
// returns what the IdP's page would post to the ACS.
func (b *browser) idpSignIn(x *testIdP, to, email string) samlPost {
	b.t.Helper()
	req, _ := http.NewRequest("GET", to, nil)
	page := b.do(req)
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `name="user"`) {
		b.t.Fatalf("IdP sign-in page: %d\n%s", page.Status, page.Body)
	}
	form := url.Values{"user": {strings.SplitN(email, "@", 2)[0]}, "password": {idpPassword}}
	for _, m := range regexp.MustCompile(`name="(SAMLRequest|RelayState)" value="([^"]*)"`).FindAllStringSubmatch(page.Body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	action := regexp.MustCompile(`<form method="post" action="([^"]*)"`).FindStringSubmatch(page.Body)
	if action == nil {
		b.t.Fatalf("no form on the IdP page\n%s", page.Body)
	}
	target, _ := url.Parse(x.srv.URL)
	target, _ = target.Parse(html.UnescapeString(action[1]))
	post, _ := http.NewRequest("POST", target.String(), strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res := b.do(post)
	var out samlPost
	for _, m := range hiddenRE.FindAllStringSubmatch(res.Body, -1) {
		if m[1] == "SAMLResponse" {
			out.Response = html.UnescapeString(m[2])
		} else {
			out.RelayState = html.UnescapeString(m[2])
		}
	}
	if out.Response == "" {
		b.t.Fatalf("IdP gave no SAMLResponse: %d\n%s", res.Status, res.Body)
	}
	return out
}

// ssoStart asks the console to start a sign-in for the email and returns the IdP URL it sent
// the browser to.
func (b *browser) ssoStart(email, next string) string {
	b.t.Helper()
	q := url.Values{"email": {email}}
	if next != "" {
		q.Set("next", next)
	}
	res := b.get("/login/sso?" + q.Encode())
	if res.Status != http.StatusSeeOther || !strings.Contains(res.Location, "SAMLRequest=") {
		b.t.Fatalf("GET /login/sso: %d %s\n%s", res.Status, res.Location, trimBody(res.Body))
	}
	return res.Location
}

// ssoResponse runs a sign-in up to the IdP's answer.
func (b *browser) ssoResponse(x *testIdP, email string) samlPost {
	b.t.Helper()
	return b.idpSignIn(x, b.ssoStart(email, ""), email)
}

// acs posts to the assertion consumer the way the IdP's page does: cross-site, without _csrf.
func (b *browser) acs(p samlPost) response {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.app.srv.URL+"/sso/saml/acs", strings.NewReader(p.form().Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "http://idp.invalid")
	return b.do(req)
}

// configureSSO saves SSO settings through the page as the signed-in administrator.
func (b *browser) configureSSO(metadata string, form url.Values) response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("idp_metadata", metadata)
	if _, ok := form["domain"]; !ok {
		form.Set("domain", "example.com")
	}
	return b.post("/admin/sso", form)
}

// decodeResponse and encodeResponse turn a posted response into its XML document and back.
func decodeResponse(t testing.TB, p samlPost) *etree.Document {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(p.Response)
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		t.Fatal(err)
	}
	return doc
}

func encodeResponse(t testing.TB, doc *etree.Document, relay string) samlPost {
	t.Helper()
	b, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return samlPost{Response: base64.StdEncoding.EncodeToString(b), RelayState: relay}
}

var _ = context.Background
