package domain

import (
	"strings"
	"unicode/utf8"
)

// The inputs of changes, each with the Validate that trims it and returns its field errors.
// Checks that need the database (an email already taken, say) are the store's.

// SetupInput is what first-run setup asks for.
type SetupInput struct {
	OrgName  string
	Domain   string
	Name     string
	Email    string
	Password string
}

// Validate trims the input and returns field errors; check judges the password.
func (in *SetupInput) Validate(check PasswordCheck) error {
	in.OrgName = strings.TrimSpace(in.OrgName)
	in.Domain = strings.ToLower(strings.TrimSpace(in.Domain))
	in.Name = strings.TrimSpace(in.Name)
	in.Email = NormalizeEmail(in.Email)
	v := Validation{}
	v.Add("org_name", ValidateText(in.OrgName, MaxOrgNameLen, MsgOrgNameMissing, MsgOrgNameTooLong))
	v.Add("domain", ValidateDomainName(in.Domain))
	v.Add("name", ValidateText(in.Name, MaxPersonNameLen, MsgPersonNameMissing, MsgPersonNameTooLong))
	v.Add("email", ValidateEmail(in.Email))
	if in.Domain != "" && EmailDomain(in.Email) != in.Domain {
		v.Add("email", MsgOwnerEmailDomain.With(in.Domain))
	}
	v.Add("password", check(in.Password, in.Email, in.Name, in.OrgName))
	return v.Err()
}

// SignUpInput is the sign-up form. Invitation is the token of the invitation link the person
// came from, if any; its email then wins over the typed one.
type SignUpInput struct {
	Name       string
	Email      string
	Password   string
	Invitation string
}

// Validate trims the input and returns field errors; check judges the password. The email is
// not checked for someone who came from an invitation: it comes from the invitation.
func (in *SignUpInput) Validate(check PasswordCheck) error {
	in.Name = strings.TrimSpace(in.Name)
	in.Email = NormalizeEmail(in.Email)
	v := Validation{}
	v.Add("name", ValidateText(in.Name, MaxPersonNameLen, MsgPersonNameMissing, MsgPersonNameTooLong))
	if in.Invitation == "" {
		v.Add("email", ValidateEmail(in.Email))
	}
	v.Add("password", check(in.Password, in.Email, in.Name))
	return v.Err()
}

// ValidateSignIn returns field errors when the sign-in form misses its email or password, or
// the password is longer than any password could be.
func ValidateSignIn(email, password string) error {
	v := Validation{}
	if email == "" {
		v.Add("email", MsgSignInEmailMissing)
	}
	v.Add("password", validateCurrentPassword(password, MsgPasswordEnter))
	return v.Err()
}

// validateCurrentPassword checks a password typed to prove who someone is: present, and not
// longer than any password could be (a long one is refused before it costs a hash).
func validateCurrentPassword(password string, missing Message) Message {
	switch {
	case password == "":
		return missing
	case len(password) > 4*MaxPasswordLen:
		return MsgPasswordOverlong
	}
	return Message{}
}

// ValidatePasswordChange returns field errors of the change password form; check judges the new
// password, with the user's email and name as hints.
func ValidatePasswordChange(current, next string, check PasswordCheck, hints ...string) error {
	v := Validation{}
	v.Add("current_password", validateCurrentPassword(current, MsgCurrentPasswordMissing))
	v.Add("new_password", check(next, hints...))
	if next == current {
		v.Add("new_password", MsgNewPasswordSame)
	}
	return v.Err()
}

// ValidateReauthentication returns field errors when the password and second-factor code that
// confirm a sensitive change cannot be right, before either is checked.
func ValidateReauthentication(password, code string) error {
	v := Validation{}
	v.Add("password", validateCurrentPassword(password, MsgPasswordEnter))
	v.Add("code", ValidateCodeInput(code))
	return v.Err()
}

// CreateAccountInput is the Create New Account panel.
type CreateAccountInput struct {
	FriendlyName string
	Type         string
	FlexRegion   string
	FlexTerms    bool
}

// Validate trims the input and returns field errors.
func (in *CreateAccountInput) Validate() error {
	in.FriendlyName = strings.TrimSpace(in.FriendlyName)
	v := Validation{}
	v.Add("friendly_name", ValidateAccountName(in.FriendlyName))
	switch in.Type {
	case AccountStandard:
		in.FlexRegion = ""
	case AccountFlex:
		ok := false
		for _, r := range FlexRegions {
			ok = ok || r == in.FlexRegion
		}
		if !ok {
			v.Add("flex_region", MsgFlexRegion)
		}
		if !in.FlexTerms {
			v.Add("flex_terms", MsgFlexTerms)
		}
	default:
		v.Add("type", MsgAccountType)
	}
	return v.Err()
}

// Validate trims the settings and returns field errors.
func (in *AccountSettings) Validate() error {
	in.FriendlyName = strings.TrimSpace(in.FriendlyName)
	return FieldError("friendly_name", ValidateAccountName(in.FriendlyName))
}

// CloseAccountInput is the close form: the account's name typed again and the acknowledgement.
type CloseAccountInput struct {
	ConfirmName string
	Acknowledge bool
}

// Validate returns field errors unless the name typed is accountName, the name of the account
// being closed, and the acknowledgement is ticked.
func (in CloseAccountInput) Validate(accountName string) error {
	v := Validation{}
	if strings.TrimSpace(in.ConfirmName) != accountName {
		v.Add("confirm_name", MsgCloseConfirmName)
	}
	if !in.Acknowledge {
		v.Add("acknowledge", MsgCloseAcknowledge)
	}
	return v.Err()
}

// ValidateAppName trims the name of a new OAuth app and says what is wrong with it.
func ValidateAppName(name string) (string, Message) {
	name = strings.TrimSpace(name)
	if m := ValidateText(name, MaxNameLen, MsgAppNameMissing, MsgAppNameTooLong); !m.IsZero() {
		return name, m
	}
	if !oneLine(name) {
		return name, MsgAppNameOneLine
	}
	return name, Message{}
}

// Limits of the Invite User panel.
const (
	maxInviteEmails = 20
	maxRoleValues   = 20
)

// InviteInput is the Invite User panel: one or more email addresses (separated by commas,
// semicolons, spaces or new lines) and the roles they get.
type InviteInput struct {
	Email  string
	Roles  []string
	emails []string
}

// Emails returns the parsed addresses after Validate.
func (in *InviteInput) Emails() []string { return in.emails }

// Validate parses and checks the input and returns field errors.
func (in *InviteInput) Validate() error {
	v := Validation{}
	in.emails = nil
	switch raw := strings.TrimSpace(in.Email); {
	case raw == "":
		v.Add("email", MsgInviteEmailMissing)
	case len(raw) > maxInviteEmails*(MaxEmailLen+2):
		v.Add("email", MsgInviteTooLong.With(maxInviteEmails))
	default:
		parts := strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
		seen := map[string]bool{}
		var bad, dup []string
		for _, p := range parts {
			e := NormalizeEmail(p)
			if !ValidateEmail(e).IsZero() {
				bad = append(bad, p)
				continue
			}
			if seen[e] {
				dup = append(dup, e)
				continue
			}
			seen[e] = true
			in.emails = append(in.emails, e)
		}
		switch {
		case len(bad) > 0:
			v.Add("email", MsgInviteEmailInvalid.With(shorten(bad[0], 60)))
		case len(dup) > 0:
			v.Add("email", MsgInviteEmailRepeated.With(dup[0]))
		case len(in.emails) > maxInviteEmails:
			v.Add("email", MsgInviteTooMany.With(maxInviteEmails))
		}
	}
	roles, msg := CleanRoles(in.Roles, false)
	v.Add("role", msg)
	in.Roles = roles
	return v.Err()
}

// CleanRoles checks and orders the roles of a form; the owner role is never given this way.
// allowEmpty accepts no role at all (the account's owner keeps the owner role).
func CleanRoles(raw []string, allowEmpty bool) ([]string, Message) {
	if len(raw) > maxRoleValues {
		return nil, MsgRoleUnlisted
	}
	for _, r := range raw {
		if r == RoleOwner {
			return nil, MsgRoleOwnerNotHere
		}
		if !ValidAccountRole(r) {
			return nil, MsgRoleUnknown.With(shorten(r, 40))
		}
	}
	roles := SortRoles(raw)
	if len(roles) == 0 && !allowEmpty {
		return nil, MsgRoleMissing
	}
	return roles, Message{}
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// OwnerField is the form field that names the new owner of an account in the form that removes
// its owner from the organization.
func OwnerField(accountSID string) string { return "owner_" + accountSID }

// ValidOrgRole reports whether r is an organization role.
func ValidOrgRole(r string) bool {
	return r == OrgRoleOwner || r == OrgRoleAdministrator || r == OrgRoleStandard
}

// SCIMUserInput is what SCIM may set on a user.
type SCIMUserInput struct {
	UserName    string // the email
	DisplayName string
	GivenName   string
	FamilyName  string
	ExternalID  string
	Active      bool
}

// Validate trims the input, fills the display name when empty and returns field errors.
func (in *SCIMUserInput) Validate() error {
	in.UserName = NormalizeEmail(in.UserName)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	in.GivenName = strings.TrimSpace(in.GivenName)
	in.FamilyName = strings.TrimSpace(in.FamilyName)
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	if in.DisplayName == "" {
		in.DisplayName = strings.TrimSpace(in.GivenName + " " + in.FamilyName)
	}
	if in.DisplayName == "" {
		in.DisplayName = in.UserName[:max(0, strings.IndexByte(in.UserName, '@'))]
	}
	v := Validation{}
	if !ValidateEmail(in.UserName).IsZero() {
		v.Add("userName", MsgSCIMUserName)
	}
	for field, val := range map[string]string{"displayName": in.DisplayName, "name.givenName": in.GivenName,
		"name.familyName": in.FamilyName, "externalId": in.ExternalID} {
		if utf8.RuneCountInString(val) > MaxPersonNameLen {
			v.Add(field, MsgSCIMTooLong.With(field, MaxPersonNameLen))
		}
		if !oneLine(val) {
			v.Add(field, MsgSCIMOneLine.With(field))
		}
	}
	if in.DisplayName == "" {
		v.Add("displayName", MsgSCIMDisplayName)
	}
	return v.Err()
}
