package domain

import "time"

// EmailKind names one of the emails Admin Center sends. The outbox keeps the kind and its
// EmailData; internal/mail writes the words when the email is sent, so a change of wording
// also reaches mail still waiting in the queue.
type EmailKind string

// The emails, by what causes them.
const (
	EmailInvitation         EmailKind = "invitation"          // invited to an account (link)
	EmailInvitationDeclined EmailKind = "invitation.declined" // to the inviter
	EmailAccessAdded        EmailKind = "access.added"        // an invitation was accepted
	EmailRolesChanged       EmailKind = "access.roles"
	EmailAccessRemoved      EmailKind = "access.removed"
	EmailOrgRemoved         EmailKind = "org.removed"
	EmailNewOwner           EmailKind = "owner.new"      // an account passed on when its owner left the organization
	EmailOwnerTransfer      EmailKind = "owner.transfer" // an account handed over by its owner's administrator
	EmailPasswordReset      EmailKind = "password.reset" // a "Forgot your password?" link
	EmailPasswordChanged    EmailKind = "notice.password.changed"
	EmailPasswordResetDone  EmailKind = "notice.password.reset"
	EmailTOTPOn             EmailKind = "notice.2fa.on"
	EmailTOTPOff            EmailKind = "notice.2fa.off"
	EmailRecoveryCodeUsed   EmailKind = "notice.2fa.recovery_code" // a sign-in used a recovery code
	EmailImportRequest      EmailKind = "request.import"           // to an account's owner (link)
	EmailShareRequest       EmailKind = "request.share"            // to an account's owner (link)
	EmailImportAccepted     EmailKind = "request.import.accepted"
	EmailShareAccepted      EmailKind = "request.share.accepted"
	EmailRequestDeclined    EmailKind = "request.declined"
	EmailRelinquished       EmailKind = "account.relinquished"
)

// Email is one email to queue: written to the outbox in the transaction of the change that
// causes it.
type Email struct {
	Kind   EmailKind
	OrgSID string
	To     string
	Data   EmailData
	Token  string // the raw link token, sealed at rest; "" for an email without one
}

// EmailData is what an email says, as values: each kind uses the fields it needs. Every value
// may come from a user.
type EmailData struct {
	Name          string    `json:"name,omitempty"`       // the recipient's, for the greeting
	ActorName     string    `json:"actor_name,omitempty"` // who made the change
	ActorEmail    string    `json:"actor_email,omitempty"`
	Email         string    `json:"email,omitempty"` // the address the email is about: an invitee, a user
	OrgName       string    `json:"org_name,omitempty"`
	AccountSID    string    `json:"account_sid,omitempty"`
	AccountName   string    `json:"account_name,omitempty"`
	Roles         []string  `json:"roles,omitempty"` // held after the change
	RolesBefore   []string  `json:"roles_before,omitempty"`
	RequestKind   string    `json:"request_kind,omitempty"` // RequestImport or RequestShare
	InviteeExists bool      `json:"invitee_exists,omitempty"`
	ExpiresAt     time.Time `json:"expires_at,omitzero"`  // when the link stops working
	CodesLeft     int       `json:"codes_left,omitempty"` // recovery codes the user has left
	// Language and TimeZone are the recipient's (their user's choice, else the organization's
	// default), filled in when the email is queued: "" is English, UTC.
	Language string `json:"lang,omitempty"`
	TimeZone string `json:"tz,omitempty"`
}
