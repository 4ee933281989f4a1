package domain

import "time"

// OAuthApp is a set of client credentials for the Organizations API. Only a hash of its
// secret is stored; the secret is shown once, when the app is created.
type OAuthApp struct {
	SID            string // OQ…, the client id
	OrgSID         string
	Name           string
	CreatedBy      string
	CreatedByEmail string
	CreatedAt      time.Time
	RevokedAt      time.Time // zero while the app is live
	LastTokenAt    time.Time // when it last got an access token, to the minute; zero if never
}

// Revoked reports whether the app's credentials and tokens no longer work.
func (a *OAuthApp) Revoked() bool { return !a.RevokedAt.IsZero() }

// APIActor is the audit actor for changes an OAuth app makes through the API.
func (a *OAuthApp) APIActor(ip string) Actor {
	return Actor{Type: "api", SID: a.SID, Label: a.Name, IP: ip}
}
