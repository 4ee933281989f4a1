package domain

import (
	"strings"
	"time"
)

// Session sign-in methods (how a session was started).
const (
	SignInPassword = "password"
	SignInSSO      = "sso"
	SignInSSOMFA   = "sso_mfa" // through an IdP that enforces multi-factor: satisfies Require 2FA
)

// MaxIdPMetadataLen bounds the pasted IdP metadata XML.
const MaxIdPMetadataLen = 256 << 10

// SSOSettings is an organization's SAML single sign-on configuration.
type SSOSettings struct {
	OrgSID      string
	IdPMetadata string // the IdP's metadata XML, as pasted
	IdPEntityID string
	Enforce     bool // password sign-in is refused for covered, non-exempt users
	IdPMFA      bool // the IdP enforces multi-factor: an SSO sign-in satisfies Require 2FA
	Domains     []string
	Exempt      []*User
	UpdatedAt   time.Time
}

// Covers reports whether the settings cover the email's domain.
func (s *SSOSettings) Covers(email string) bool {
	d := EmailDomain(email)
	for _, x := range s.Domains {
		if x == d {
			return true
		}
	}
	return false
}

// Exempts reports whether the user keeps password sign-in under enforcement.
func (s *SSOSettings) Exempts(userSID string) bool {
	for _, u := range s.Exempt {
		if u.SID == userSID {
			return true
		}
	}
	return false
}

// SSOInput is the SSO settings form. IdPEntityID is filled in by whoever parsed the metadata.
type SSOInput struct {
	IdPMetadata string
	IdPEntityID string
	Domains     []string
	Enforce     bool
	IdPMFA      bool
	Exempt      []string // emails or user SIDs
}

// Normalize trims the lists, drops empty and repeated entries and lower-cases domains and emails.
func (in *SSOInput) Normalize() {
	in.IdPMetadata = strings.TrimSpace(in.IdPMetadata)
	in.Domains = distinct(in.Domains, true)
	in.Exempt = distinct(in.Exempt, false)
}

func distinct(list []string, lower bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range list {
		x = strings.TrimSpace(x)
		if lower || strings.Contains(x, "@") {
			x = strings.ToLower(x)
		}
		if x == "" || seen[x] {
			continue
		}
		seen[x] = true
		out = append(out, x)
	}
	return out
}

// Validate checks the form's shape (the store checks domains and users against the organization).
// entityID reads the IdP's entity ID from its metadata, ok false when the metadata is not usable;
// Validate fills in IdPEntityID with it.
func (in *SSOInput) Validate(entityID func(metadata string) (id string, ok bool)) error {
	v := Validation{}
	switch {
	case in.IdPMetadata == "":
		v.Add("idp_metadata", MsgSSOMetadataMissing)
	case len(in.IdPMetadata) > MaxIdPMetadataLen:
		v.Add("idp_metadata", MsgSSOMetadataTooLong)
	default:
		id, ok := entityID(in.IdPMetadata)
		if !ok {
			v.Add("idp_metadata", MsgSSOMetadataInvalid)
		}
		in.IdPEntityID = id
	}
	if len(in.Domains) == 0 {
		v.Add("domain", MsgSSODomainMissing)
	}
	for _, x := range in.Exempt {
		if ValidSID(PrefixUser, x) {
			continue
		}
		if !ValidateEmail(x).IsZero() {
			v.Add("exempt", MsgSSOExemptInvalid.With(x))
		}
	}
	return v.Err()
}
