package web

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
	"github.com/labstack/echo/v4"
	dsig "github.com/russellhaering/goxmldsig"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

// SAML single sign-on (SPEC §3.5, §4a): this server is the service provider; sign-in starts
// here (SP-initiated) and ends at the assertion consumer with our own server-side session.

func (s *Server) spEntityID() string {
	return strings.TrimSuffix(s.cfg.BaseURL, "/") + "/sso/saml/metadata"
}
func (s *Server) spACSURL() string { return strings.TrimSuffix(s.cfg.BaseURL, "/") + "/sso/saml/acs" }

// parseIdPMetadata reads an IdP's metadata XML: it must describe an IdP with a signing
// certificate and a single sign-on service with the HTTP-Redirect binding.
func parseIdPMetadata(raw string) (*saml.EntityDescriptor, error) {
	md, err := samlsp.ParseMetadata([]byte(raw))
	if err != nil {
		return nil, err
	}
	if md.EntityID == "" || len(md.IDPSSODescriptors) == 0 {
		return nil, errors.New("no IdP descriptor")
	}
	redirect, cert := false, false
	for _, d := range md.IDPSSODescriptors {
		for _, sso := range d.SingleSignOnServices {
			redirect = redirect || sso.Binding == saml.HTTPRedirectBinding
		}
		for _, k := range d.KeyDescriptors {
			cert = cert || ((k.Use == "" || k.Use == "signing") && len(k.KeyInfo.X509Data.X509Certificates) > 0)
		}
	}
	if !redirect || !cert {
		return nil, errors.New("no HTTP-Redirect SSO service or no signing certificate")
	}
	return md, nil
}

// idpEntityID is parseIdPMetadata as the settings form's validation needs it.
func idpEntityID(raw string) (string, bool) {
	md, err := parseIdPMetadata(raw)
	if err != nil {
		return "", false
	}
	return md.EntityID, true
}

// serviceProvider is the SP for the organization's settings (nil: for the metadata alone). Its
// key pair is the installation's (see auth.Keys.SAMLKeyPair); its clock is the store's.
func (s *Server) serviceProvider(set *domain.SSOSettings) (*saml.ServiceProvider, error) {
	key, cert, err := s.keys.SAMLKeyPair()
	if err != nil {
		return nil, err
	}
	meta, err := url.Parse(s.spEntityID())
	if err != nil {
		return nil, err
	}
	acs, err := url.Parse(s.spACSURL())
	if err != nil {
		return nil, err
	}
	sp := &saml.ServiceProvider{EntityID: meta.String(), Key: key, Certificate: cert, MetadataURL: *meta, AcsURL: *acs,
		AuthnNameIDFormat: saml.EmailAddressNameIDFormat, AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding},
		Clock: dsig.NewFakeClockAt(s.store.Now())}
	if set != nil {
		if sp.IDPMetadata, err = parseIdPMetadata(set.IdPMetadata); err != nil {
			return nil, err
		}
	}
	return sp, nil
}

func (s *Server) handleSAMLMetadata(c echo.Context) error {
	sp, err := s.serviceProvider(nil)
	if err != nil {
		return err
	}
	b, err := xmlBytes(sp.Metadata())
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/samlmetadata+xml", b)
}

func xmlBytes(md *saml.EntityDescriptor) ([]byte, error) {
	b, err := xml.MarshalIndent(md, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}

// ssoPage renders the settings page; covered and exempt are what the form shows ticked.
func (s *Server) ssoPage(c echo.Context, status int, set *domain.SSOSettings, f views.Form, covered []string, exempt []views.SSOExempt) error {
	ctx, admin := c.Request().Context(), currentUser(c)
	list, err := s.store.ListDomains(ctx, admin.OrgSID)
	if err != nil {
		return err
	}
	v := views.SSOView{EntityID: s.spEntityID(), ACSURL: s.spACSURL(), Exempt: exempt, Form: f}
	if set != nil {
		v.IdPEntityID, v.UpdatedAt, v.Enforced = set.IdPEntityID, set.UpdatedAt, set.Enforce
	}
	on := map[string]bool{}
	for _, d := range covered {
		on[d] = true
	}
	for _, d := range list {
		if d.Verified() {
			v.Domains = append(v.Domains, views.SSODomain{Name: d.Domain, Covered: on[d.Domain]})
		}
	}
	return s.render(c, status, views.SSOSettingsPage(s.page(c, loc(c).T("sso.title"), "sso"), v))
}

func (s *Server) handleSSOSettings(c echo.Context) error {
	set, err := s.store.FindSSOSettings(c.Request().Context(), currentUser(c).OrgSID)
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{}}
	var covered []string
	var exempt []views.SSOExempt
	if set != nil {
		f.Values["idp_metadata"] = set.IdPMetadata
		f.Values["enforce"], f.Values["idp_mfa"] = onIf(set.Enforce), onIf(set.IdPMFA)
		covered = set.Domains
		for _, u := range set.Exempt {
			exempt = append(exempt, views.SSOExempt{Value: u.SID, Label: exemptLabel(c, u)})
		}
	}
	return s.ssoPage(c, http.StatusOK, set, f, covered, exempt)
}

func onIf(b bool) string {
	if b {
		return "on"
	}
	return ""
}

func exemptLabel(c echo.Context, u *domain.User) string {
	label := u.Email
	if u.Name != "" {
		label = u.Name + " (" + u.Email + ")"
	}
	if u.OrgRole == domain.OrgRoleOwner {
		label += " · " + loc(c).T("sso.role.owner")
	} else if u.OrgRole == domain.OrgRoleAdministrator {
		label += " · " + loc(c).T("sso.role.administrator")
	}
	return label
}

func (s *Server) handleSSOSave(c echo.Context) error {
	ctx, admin := c.Request().Context(), currentUser(c)
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	in := domain.SSOInput{IdPMetadata: form.Get("idp_metadata"), Domains: form["domain"], Enforce: present(c, "enforce"),
		IdPMFA: present(c, "idp_mfa"), Exempt: form["exempt"]}
	in.Normalize()
	err = in.Validate(idpEntityID)
	ended := 0
	if err == nil {
		ended, err = s.store.SaveSSOSettings(ctx, admin, in, clientIP(c))
	}
	if isInvalid(err) {
		set, ferr := s.store.FindSSOSettings(ctx, admin.OrgSID)
		if ferr != nil {
			return ferr
		}
		f := formOf(c, err, "idp_metadata", "enforce", "idp_mfa")
		labels := map[string]string{}
		if set != nil {
			for _, u := range set.Exempt {
				labels[u.SID] = exemptLabel(c, u)
			}
		}
		var exempt []views.SSOExempt
		for _, x := range in.Exempt {
			label := labels[x]
			if label == "" {
				label = x
			}
			exempt = append(exempt, views.SSOExempt{Value: x, Label: label})
		}
		return s.ssoPage(c, http.StatusUnprocessableEntity, set, f, in.Domains, exempt)
	}
	if err != nil {
		return err
	}
	msg := loc(c).T("sso.saved")
	if ended > 0 {
		msg = loc(c).T("sso.saved_ended", "Count", ended)
	}
	return s.redirectFlash(c, "/admin/sso", msg)
}

// ssoLink is where a user of an enforced domain goes to sign in.
func ssoLink(email, next string) string {
	q := url.Values{"email": {email}}
	if next != "" {
		q.Set("next", next)
	}
	return "/login/sso?" + q.Encode()
}

// ssoRequired reports whether a password sign-in with the email must go through single sign-on
// instead: its domain is covered by enforced settings and its user is not exempted.
func (s *Server) ssoRequired(c echo.Context, email string) (bool, error) {
	set, err := s.store.FindSSOSettingsForEmail(c.Request().Context(), email)
	if err != nil || set == nil || !set.Enforce {
		return false, err
	}
	for _, u := range set.Exempt {
		if u.Email == email {
			return false, nil
		}
	}
	return true, nil
}

// handleLoginSSO starts an SP-initiated sign-in: an AuthnRequest to the IdP that covers the
// email's domain (HTTP-Redirect binding), its id kept in the database for the response.
func (s *Server) handleLoginSSO(c echo.Context) error {
	ctx := c.Request().Context()
	email, next := domain.NormalizeEmail(c.QueryParam("email")), safeNext(c.QueryParam("next"), "")
	refuse := func(msg domain.Message) error {
		f := formOf(c, domain.FieldError("sso_email", msg), "next")
		f.Values["sso_email"] = email
		return s.render(c, http.StatusUnprocessableEntity, views.LoginPage(s.page(c, loc(c).T("auth.signin.title"), ""), f, views.LoginView{SSO: true}))
	}
	if msg := domain.ValidateEmail(email); !msg.IsZero() {
		return refuse(msg)
	}
	set, err := s.store.FindSSOSettingsForEmail(ctx, email)
	if err != nil {
		return err
	}
	if set == nil {
		return refuse(domain.MsgSSONotConfigured.With(domain.EmailDomain(email)))
	}
	sp, err := s.serviceProvider(set)
	if err != nil {
		return err
	}
	req, err := sp.MakeAuthenticationRequest(sp.GetSSOBindingLocation(saml.HTTPRedirectBinding), saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return err
	}
	if err := s.store.RecordSSORequest(ctx, set.OrgSID, req.ID); err != nil {
		return err
	}
	to, err := req.Redirect(next, sp)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, to.String())
}

// peekResponse reads, without trusting them, the InResponseTo and Issuer of a posted SAML
// response: they choose the organization whose settings then validate it.
func peekResponse(raw string) (inResponseTo, issuer string, ok bool) {
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil || len(b) == 0 {
		return "", "", false
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil || doc.Root() == nil || doc.Root().Tag != "Response" {
		return "", "", false
	}
	root := doc.Root()
	if el := root.SelectElement("Issuer"); el != nil {
		issuer = strings.TrimSpace(el.Text())
	}
	return root.SelectAttrValue("InResponseTo", ""), issuer, true
}

// errSSOResponse is the answer (a catalog key) to a response that fails validation: it says
// nothing of the response, and the log has the reason.
const errSSOResponse = "sso.refused.response"

// ssoRefusals are the catalog keys of the store's refusals of a valid response.
var ssoRefusals = map[error]string{store.ErrSSORequestUsed: "sso.refused.used", store.ErrSSOUnknownUser: "sso.refused.unknown",
	store.ErrSSODeactivated: "sso.refused.deactivated", store.ErrSSONotCovered: "sso.refused.not_covered"}

// ssoRefusedPage renders the refusal page (403) saying the catalog message key.
func (s *Server) ssoRefusedPage(c echo.Context, key string) error {
	l := loc(c)
	return s.render(c, http.StatusForbidden, views.SSOErrorPage(s.page(c, l.T("sso.refused.title"), ""), l.T(key)))
}

// ssoRefused renders the refusal page (403, saying the catalog message key) after auditing reason.
func (s *Server) ssoRefused(c echo.Context, orgSID, reason, key string) error {
	s.log.Warn("SAML response refused", slog.String("reason", reason), slog.String("request_id", c.Response().Header().Get("X-Request-Id")))
	if err := s.store.RecordSSOFailure(c.Request().Context(), orgSID, reason, clientIP(c)); err != nil {
		return err
	}
	return s.ssoRefusedPage(c, key)
}

// samlFailure is why crewjam refused a response, for the log and the audit (never the XML).
func samlFailure(err error) string {
	var ire *saml.InvalidResponseError
	if errors.As(err, &ire) && ire.PrivateErr != nil {
		return ire.PrivateErr.Error()
	}
	return err.Error()
}

// handleSAMLACS is the assertion consumer. It is reached by a cross-site POST from the IdP, so
// it has neither the CSRF token nor the same-origin check: the signed response is what is
// checked, and its InResponseTo must name an AuthnRequest of ours, used up here once.
func (s *Server) handleSAMLACS(c echo.Context) error {
	ctx, r := c.Request().Context(), c.Request()
	if err := r.ParseForm(); err != nil {
		return s.ssoRefused(c, "", "unreadable form", errSSOResponse)
	}
	inResponseTo, issuer, ok := peekResponse(r.PostForm.Get("SAMLResponse"))
	if !ok {
		return s.ssoRefused(c, "", "no SAML response", errSSOResponse)
	}
	var set *domain.SSOSettings
	var err error
	if inResponseTo == "" {
		set, err = s.store.FindSSOSettingsForIdP(ctx, issuer)
	} else {
		set, err = s.store.FindSSOSettingsForRequest(ctx, inResponseTo)
	}
	if err != nil {
		return err
	}
	if set == nil {
		return s.ssoRefused(c, "", "response answers no request of ours", "sso.refused.used")
	}
	sp, err := s.serviceProvider(set)
	if err != nil {
		return err
	}
	if inResponseTo == "" {
		// Unsolicited (IdP-initiated): not accepted as it is, but, once it checks out, turned
		// into a sign-in started here for that email.
		sp.AllowIDPInitiated = true
		a, err := sp.ParseResponse(r, nil)
		if err != nil {
			return s.ssoRefused(c, set.OrgSID, "unsolicited response: "+samlFailure(err), errSSOResponse)
		}
		email := assertionEmail(a)
		if email == "" {
			return c.Redirect(http.StatusSeeOther, "/login")
		}
		return c.Redirect(http.StatusSeeOther, ssoLink(email, ""))
	}
	a, err := sp.ParseResponse(r, []string{inResponseTo})
	if err != nil {
		return s.ssoRefused(c, set.OrgSID, samlFailure(err), errSSOResponse)
	}
	old := ""
	if ck, err := c.Cookie(s.sessionCookieName()); err == nil {
		old = ck.Value
	}
	id, state, u, err := s.store.SignInSSO(ctx, store.SSOSignIn{OrgSID: set.OrgSID, RequestID: inResponseTo, Email: assertionEmail(a),
		IP: clientIP(c), UserAgent: r.UserAgent()}, old, s.policy)
	if key, ok := ssoRefusals[err]; ok {
		return s.ssoRefusedPage(c, key)
	}
	if err != nil {
		return err
	}
	s.setSessionCookie(c, id)
	next := safeNext(r.PostForm.Get("RelayState"), landing(u))
	if state == domain.SessionPending2FA {
		return c.Redirect(http.StatusSeeOther, loginTwoFactorURL(r.PostForm.Get("RelayState")))
	}
	s.setDeviceCookie(c, u)
	return c.Redirect(http.StatusSeeOther, next)
}

// assertionEmail is the email the assertion names: the NameID (format email address).
func assertionEmail(a *saml.Assertion) string {
	if a == nil || a.Subject == nil || a.Subject.NameID == nil {
		return ""
	}
	return domain.NormalizeEmail(a.Subject.NameID.Value)
}
