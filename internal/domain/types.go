package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Organization roles.
const (
	OrgRoleOwner         = "owner"
	OrgRoleAdministrator = "administrator"
	OrgRoleStandard      = "standard"
)

// Account roles.
const (
	RoleOwner          = "owner"
	RoleAdministrator  = "administrator"
	RoleDeveloper      = "developer"
	RoleBillingManager = "billing_manager"
	RoleSupport        = "support"
)

// AccountRoles lists the account roles in display order.
var AccountRoles = []string{RoleOwner, RoleAdministrator, RoleDeveloper, RoleBillingManager, RoleSupport}

// RoleLabel is the human name of an account or organization role.
func RoleLabel(role string) string {
	switch role {
	case RoleOwner:
		return "Owner"
	case RoleAdministrator:
		return "Administrator"
	case RoleDeveloper:
		return "Developer"
	case RoleBillingManager:
		return "Billing Manager"
	case RoleSupport:
		return "Support"
	case OrgRoleStandard:
		return "Standard User"
	}
	return role
}

// RoleLabels lists the human names of the roles, comma-separated.
func RoleLabels(roles []string) string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = RoleLabel(r)
	}
	return strings.Join(out, ", ")
}

// ValidAccountRole reports whether r is an account role.
func ValidAccountRole(r string) bool {
	for _, x := range AccountRoles {
		if x == r {
			return true
		}
	}
	return false
}

// SortRoles returns the account roles among roles, in the order of AccountRoles.
func SortRoles(roles []string) []string {
	out := make([]string, 0, len(roles))
	for _, r := range AccountRoles {
		for _, x := range roles {
			if x == r {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// Account types and statuses.
const (
	AccountStandard = "standard"
	AccountFlex     = "flex"

	StatusActive         = "active"
	StatusSuspended      = "suspended"
	StatusPendingClosure = "pending_closure"
	StatusClosed         = "closed"

	RelationManaged     = "managed"
	RelationIndependent = "independent"
)

// AccountStatuses lists the account statuses in display order.
var AccountStatuses = []string{StatusActive, StatusSuspended, StatusPendingClosure, StatusClosed}

// ValidAccountStatus reports whether s is an account status.
func ValidAccountStatus(s string) bool {
	for _, x := range AccountStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// User states.
const (
	UserActive      = "active"
	UserDeactivated = "deactivated"
)

// Session states: a session waits for the second factor after the password, then is active.
const (
	SessionPending2FA = "pending_2fa"
	SessionActive     = "active"
)

// FlexRegions are the regions a Flex account may live in.
var FlexRegions = []string{"us1", "ie1", "au1"}

// Organization is the installation's organization.
type Organization struct {
	SID       string
	Name      string
	Language  string // default for emails to people without a user yet: "en", "ja"; "" = English
	TimeZone  string // IANA name; "" = UTC
	CreatedAt time.Time
}

// User is a person who signs in.
type User struct {
	SID          string
	Email        string
	Name         string
	Status       string
	OrgSID       string // empty for an external user
	OrgRole      string // empty for an external user
	TOTPEnabled  bool
	LastLoginAt  time.Time
	CreatedAt    time.Time
	PasswordHash string
	Version      int
	Language     string // "en", "ja"; "" = not chosen (pages follow Accept-Language)
	TimeZone     string // IANA name such as Asia/Tokyo; "" = not chosen (the organization's)
}

// Managed reports whether the user is a member of an organization.
func (u *User) Managed() bool { return u.OrgSID != "" }

// OrgAdmin reports whether the user is Owner or Administrator of their organization.
func (u *User) OrgAdmin() bool {
	return u.OrgRole == OrgRoleOwner || u.OrgRole == OrgRoleAdministrator
}

// Account is a project the organization may own or oversee.
type Account struct {
	SID               string
	FriendlyName      string
	Type              string
	Status            string
	OwnerSID          string
	OwnerEmail        string
	OwnerName         string
	OrgSID            string
	Relation          string // managed, independent or empty
	FlexRegion        string
	Require2FA        bool
	WebhooksHTTPSOnly bool
	PKCVRequired      bool
	StatusBefore      string
	ClosesAt          time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// AccountSettings are the editable settings of an account.
type AccountSettings struct {
	FriendlyName      string
	Require2FA        bool
	WebhooksHTTPSOnly bool
	PKCVRequired      bool
}

// MaxLockedOut is how many people the settings page names as those whom Require 2FA would lock
// out of the account.
const MaxLockedOut = 50

// LockedOut is someone whom Require 2FA would lock out of an account, with their roles on it
// (none when they are listed only as the organization's Owner or an Administrator, OrgRole).
type LockedOut struct {
	User
	AccountRoles []string
}

// AccountUser is a user with their roles on one account.
type AccountUser struct {
	User  User
	Roles []string
}

// Actor is who performs a change, for authorization and the audit log.
type Actor struct {
	Type  string // user, api, system, anonymous
	SID   string
	Label string // email or app name
	IP    string
}

// AuditEvent is one line of the audit log.
type AuditEvent struct {
	ID         int64
	OrgSID     string
	ActorType  string
	ActorSID   string
	ActorLabel string
	Action     string
	TargetType string
	TargetSID  string
	AccountSID string
	Before     string
	After      string
	IP         string
	Outcome    string
	CreatedAt  time.Time
}

// Change is one field of an audit event's before → after.
type Change struct {
	Field, Before, After string
}

// ParseChanges pairs the fields of the event's before and after JSON objects, by field name.
func (e AuditEvent) ParseChanges() []Change {
	var before, after map[string]any
	_ = json.Unmarshal([]byte(e.Before), &before)
	_ = json.Unmarshal([]byte(e.After), &after)
	out := make([]Change, 0, max(len(before), len(after)))
	for k := range before {
		out = append(out, Change{Field: k, Before: jsonText(before, k), After: jsonText(after, k)})
	}
	for k := range after {
		if _, both := before[k]; !both {
			out = append(out, Change{Field: k, After: jsonText(after, k)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func jsonText(m map[string]any, k string) string {
	v, ok := m[k]
	if !ok {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// RoleSID is the fixed SID (IX…) of an account role, as the API's role assignments name it.
func RoleSID(role string) string { return roleSIDs[role] }

// RoleBySID returns the account role with the SID, or "".
func RoleBySID(sid string) string {
	for r, s := range roleSIDs {
		if s == sid {
			return r
		}
	}
	return ""
}

var roleSIDs = func() map[string]string {
	m := map[string]string{}
	for _, r := range AccountRoles {
		sum := sha256.Sum256([]byte("admincenter account role " + r))
		m[r] = PrefixRole + hex.EncodeToString(sum[:16])
	}
	return m
}()
