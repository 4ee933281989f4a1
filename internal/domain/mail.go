package domain

import (
	"strings"
	"time"
)

// OrgDomain is an email domain of an organization: verified by a DNS TXT record, or trusted
// because it was given at setup.
type OrgDomain struct {
	OrgSID        string
	Domain        string
	Token         string
	Trusted       bool
	VerifiedAt    time.Time
	LastCheckedAt time.Time
	LastError     string
	CreatedAt     time.Time
}

// Verified reports whether the domain counts for membership.
func (d *OrgDomain) Verified() bool { return !d.VerifiedAt.IsZero() }

// ChallengeName is the DNS name of the TXT record that proves control of the domain.
func (d *OrgDomain) ChallengeName() string { return "_admincenter-challenge." + d.Domain }

// ChallengeValue is the value of that TXT record.
func (d *OrgDomain) ChallengeValue() string { return "admincenter-verification=" + d.Token }

// Problem is LastError as a message a translation can say: the last check's finding, whose
// English text is what the database holds. A text no message makes (written by an older version)
// is a message without ID: said as it is.
func (d *OrgDomain) Problem() Message {
	if d.LastError == "" {
		return Message{}
	}
	for _, m := range d.Problems() {
		if m.Text == d.LastError {
			return m
		}
	}
	return Message{Text: d.LastError}
}

// Problems are the messages a check of d can find.
func (d *OrgDomain) Problems() []Message {
	return []Message{MsgDomainNoRecord.With(d.ChallengeName()), MsgDomainWrongRecord.With(d.ChallengeName(), d.ChallengeValue()),
		MsgDomainDNSTimeout, MsgDomainDNSFailed, MsgDomainTaken.With(d.Domain)}
}

// publicMailDomains are mail providers where anyone can have an address: an address there
// proves nothing about membership of an organization.
var publicMailDomains = map[string]bool{}

func init() {
	for _, d := range strings.Fields(`gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr yahoo.de ymail.com
		outlook.com hotmail.com hotmail.co.uk hotmail.fr live.com msn.com icloud.com me.com mac.com aol.com
		proton.me protonmail.com pm.me gmx.com gmx.de gmx.net web.de mail.com yandex.com yandex.ru mail.ru
		qq.com 163.com 126.com zoho.com fastmail.com hey.com tutanota.com tuta.io free.fr orange.fr
		laposte.net libero.it t-online.de seznam.cz rediffmail.com naver.com daum.net`) {
		publicMailDomains[d] = true
	}
}

// PublicMailDomain reports whether d is a public mail provider (gmail.com and the like).
func PublicMailDomain(d string) bool { return publicMailDomains[strings.ToLower(d)] }

// Request kinds and states of import and share requests (and invitations).
const (
	RequestImport = "import"
	RequestShare  = "share"

	StatePending  = "pending"
	StateAccepted = "accepted"
	StateDeclined = "declined"
	StateRevoked  = "revoked"
	StateExpired  = "expired"
)

// RequestTTL is how long an emailed import or share link works.
const RequestTTL = 7 * 24 * time.Hour

// AccountRequest is an import request (an existing account asked to become managed) or a
// share request (an outside owner asked to share an account as independent).
type AccountRequest struct {
	ID              int64
	OrgSID          string
	OrgName         string
	Kind            string
	State           string
	Account         Account
	RequestedBySID  string
	RequestedByName string
	SentAt          time.Time
	ExpiresAt       time.Time
	AnsweredAt      time.Time
	Superseded      bool
}

// Expired reports whether a pending request's link has run out at now.
func (r *AccountRequest) Expired(now time.Time) bool {
	return r.State == StatePending && !now.Before(r.ExpiresAt)
}

// KindLabel names the request for people.
func (r *AccountRequest) KindLabel() string {
	if r.Kind == RequestShare {
		return "Share"
	}
	return "Import"
}

// LinkProblem says why an emailed request link no longer works at now, or "" when it does.
func (r *AccountRequest) LinkProblem(now time.Time) string {
	switch {
	case r.Superseded:
		return "A newer link was sent for this request, so this one no longer works. Use the link in the most recent email."
	case r.State == StateAccepted:
		return "This link has already been used: the request was accepted."
	case r.State == StateDeclined:
		return "This link has already been used: the request was declined."
	case r.State == StateRevoked:
		return "The organization cancelled this request, so the link no longer works."
	case r.State == StateExpired || r.Expired(now):
		return "This link has expired. Links work for 7 days; ask the organization to send a new one."
	}
	return ""
}

// RelationShareTarget is the relation an accepted request of the kind gives the account.
func RelationShareTarget(kind string) string {
	if kind == RequestShare {
		return RelationIndependent
	}
	return RelationManaged
}
