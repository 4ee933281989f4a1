package mail

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"admincenter/internal/domain"
	"admincenter/internal/store"
)

const testBase = "https://admin.example.com"

// hostile is a value a user could have typed into a name.
const hostile = `Eve <script>alert("x")</script> & co`

func hostileData() domain.EmailData {
	return domain.EmailData{Name: hostile, ActorName: hostile, ActorEmail: "eve@example.com", Email: "carla@contractor.io",
		OrgName: hostile, AccountSID: "AC0123456789abcdef0123456789abcdef", AccountName: hostile,
		Roles: []string{domain.RoleDeveloper, domain.RoleSupport}, RolesBefore: []string{domain.RoleBillingManager},
		RequestKind: domain.RequestShare, ExpiresAt: time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)}
}

var linkRE = regexp.MustCompile(`https?://[^\s"<>]+`)

func TestEveryKindComposes(t *testing.T) {
	tests := []struct {
		kind    domain.EmailKind
		subject string // a part of it
		link    string // the path of its link, with the token; "" for none
	}{
		{domain.EmailInvitation, " invited you to ", "/invitations/tok-1"},
		{domain.EmailInvitationDeclined, " declined your invitation to ", "/admin/accounts/AC0123456789abcdef0123456789abcdef/users"},
		{domain.EmailAccessAdded, "You were added to ", "/admin/accounts/AC0123456789abcdef0123456789abcdef"},
		{domain.EmailRolesChanged, "Your roles on ", "/admin/accounts/AC0123456789abcdef0123456789abcdef"},
		{domain.EmailAccessRemoved, "Your access to ", ""},
		{domain.EmailOrgRemoved, "You were removed from ", ""},
		{domain.EmailNewOwner, "You now own ", "/admin/accounts/AC0123456789abcdef0123456789abcdef"},
		{domain.EmailOwnerTransfer, "You now own the account ", ""},
		{domain.EmailPasswordReset, "Choose a new Admin Center password", "/password-reset/tok-1"},
		{domain.EmailPasswordChanged, "Admin Center: Your password was changed", ""},
		{domain.EmailPasswordResetDone, "Admin Center: Your password was changed", ""},
		{domain.EmailTOTPOn, "Admin Center: Two-factor sign-in is on", ""},
		{domain.EmailTOTPOff, "Admin Center: Two-factor sign-in is off", ""},
		{domain.EmailRecoveryCodeUsed, "Admin Center: a recovery code was used to sign in", "/settings/2fa"},
		{domain.EmailImportRequest, " asks to manage your account ", "/imports/tok-1"},
		{domain.EmailShareRequest, " asks you to share your account ", "/shares/tok-1"},
		{domain.EmailImportAccepted, " joined ", "/admin/accounts/AC0123456789abcdef0123456789abcdef"},
		{domain.EmailShareAccepted, " is shared with ", "/admin/accounts/AC0123456789abcdef0123456789abcdef"},
		{domain.EmailRequestDeclined, " declined", "/admin/accounts?tab=pending"},
		{domain.EmailRelinquished, " no longer has access to ", ""},
	}
	if got, want := len(tests), len(letters); got != want {
		t.Errorf("%d kinds tested, %d kinds of letters", got, want)
	}
	for _, tc := range tests {
		t.Run(string(tc.kind), func(t *testing.T) {
			msg, err := Compose(&store.OutboxMail{Kind: tc.kind, Data: hostileData(), Token: "tok-1"}, testBase+"/")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(msg.Subject, tc.subject) {
				t.Errorf("subject = %q, want it to hold %q", msg.Subject, tc.subject)
			}
			if msg.LinkErased {
				t.Error("a link with its token in hand is shown as erased")
			}
			if strings.Contains(msg.HTML, "<script>") || !strings.Contains(msg.HTML, "&lt;script&gt;") {
				t.Errorf("a user's value is not escaped in the HTML body:\n%s", msg.HTML)
			}
			if !strings.Contains(msg.Text, "Hello") || !strings.Contains(msg.HTML, "Hello") {
				t.Errorf("no greeting:\n%s", msg.Text)
			}
			for _, body := range []string{msg.Text, msg.HTML} {
				for _, u := range linkRE.FindAllString(body, -1) {
					if !strings.HasPrefix(u, testBase+"/") || strings.HasPrefix(u, testBase+"//") {
						t.Errorf("link %q does not start with the base URL", u)
					}
				}
			}
			if tc.link == "" {
				if linkRE.MatchString(msg.Text) || strings.Contains(msg.HTML, "href=") {
					t.Errorf("a link where none belongs:\n%s", msg.Text)
				}
				return
			}
			if !strings.Contains(msg.Text, "\n"+testBase+tc.link+"\n") || !strings.Contains(msg.HTML, `href="`+testBase+tc.link+`"`) {
				t.Errorf("the bodies lack the link %s:\n%s", tc.link, msg.Text)
			}
		})
	}
}

func TestLetterShape(t *testing.T) {
	msg, err := Compose(&store.OutboxMail{Kind: domain.EmailPasswordReset, Token: "tok-1",
		Data: domain.EmailData{Name: "Ada", Email: "ada@example.com"}}, testBase)
	if err != nil {
		t.Fatal(err)
	}
	got, want := msg.Text, `Hello Ada,

Someone asked to choose a new password for the Admin Center user ada@example.com. If it was you, choose one with the button below: the link works once, for the next hour.

Choose a new password:
https://admin.example.com/password-reset/tok-1

-- 
If you did not ask for this, ignore this email: your password stays as it is.
`
	if got != want {
		t.Errorf("text body:\n%s\nwant:\n%s", got, want)
	}
	for _, part := range []string{"<title>Choose a new Admin Center password</title>", ">Hello Ada,</p>",
		`>Choose a new password</a>`, `<span style="word-break:break-all">https://admin.example.com/password-reset/tok-1</span>`} {
		if !strings.Contains(msg.HTML, part) {
			t.Errorf("the HTML body lacks %q:\n%s", part, msg.HTML)
		}
	}
}

func TestSentLinkIsErased(t *testing.T) {
	msg, err := Compose(&store.OutboxMail{Kind: domain.EmailInvitation, Data: hostileData()}, testBase)
	if err != nil {
		t.Fatal(err)
	}
	if !msg.LinkErased || strings.Contains(msg.Text, "/invitations/\n") {
		t.Errorf("erased = %v:\n%s", msg.LinkErased, msg.Text)
	}
	msg, _ = Compose(&store.OutboxMail{Kind: domain.EmailAccessAdded, Data: hostileData()}, testBase)
	if msg.LinkErased {
		t.Error("a link without a token is shown as erased")
	}
}

// TestRowRenderedBeforeKinds: a message queued by an older version is sent as it was written,
// with its token put into its links.
func TestRowRenderedBeforeKinds(t *testing.T) {
	row := &store.OutboxMail{Subject: "Old", Text: "Open https://old.example/imports/{{TOKEN}}\n",
		HTML: `<a href="https://old.example/imports/{{TOKEN}}">open</a>`, Token: "tok-9"}
	msg, err := Compose(row, testBase)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Subject != "Old" || msg.Text != "Open https://old.example/imports/tok-9\n" ||
		msg.HTML != `<a href="https://old.example/imports/tok-9">open</a>` || msg.LinkErased {
		t.Errorf("composed %+v", msg)
	}
	row.Token = ""
	if msg, _ := Compose(row, testBase); !msg.LinkErased || msg.Text != row.Text {
		t.Errorf("sent: %+v", msg)
	}
}

func TestUnknownKind(t *testing.T) {
	if _, err := Compose(&store.OutboxMail{ID: 3, Kind: "from.the.future"}, testBase); err == nil {
		t.Error("an unknown kind composed")
	}
}
