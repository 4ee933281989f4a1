package domain

import "time"

// Invitation states. An invitation whose time ran out while pending is shown as expired.
const (
	InvitePending  = "pending"
	InviteAccepted = "accepted"
	InviteDeclined = "declined"
	InviteRevoked  = "revoked"
	InviteExpired  = "expired"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// MaxInvitationsPerHour is how many invitations one account may send in an hour.
const MaxInvitationsPerHour = 100

// Invitation is a person invited by email to an account with roles.
type Invitation struct {
	ID             int64
	OrgSID         string
	OrgName        string
	AccountSID     string
	AccountName    string
	AccountStatus  string
	Email          string
	Roles          []string
	InvitedBySID   string
	InvitedByName  string
	InvitedByEmail string
	State          string // as stored
	Superseded     bool   // revoked because a newer invitation replaced it
	SentAt         time.Time
	ExpiresAt      time.Time
	AnsweredAt     time.Time
	InviteeExists  bool // a user with the email exists (for the link page)
}

// StateAt is the state as of now: a pending invitation past its expiry is expired.
func (i *Invitation) StateAt(now time.Time) string {
	if i.State == InvitePending && !now.Before(i.ExpiresAt) {
		return InviteExpired
	}
	return i.State
}
