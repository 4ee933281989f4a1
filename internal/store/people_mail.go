package store

import (
	"fmt"
	"html"
	"strings"
	"time"

	"admincenter/internal/domain"
)

// The emails the people features send. Every value that came from a user is escaped in the
// HTML body; links are built from the configured base URL, never from a request.

func mailTime(t time.Time) string { return t.UTC().Format("Jan 2, 2006 15:04 UTC") }

func roleList(roles []string) string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = domain.RoleLabel(r)
	}
	return strings.Join(out, ", ")
}

// mailBodies builds a text and an HTML body from paragraphs; a paragraph that starts with
// "link:" is a link on a line of its own.
func mailBodies(paras ...string) (string, string) {
	var text, h strings.Builder
	for _, p := range paras {
		if url, ok := strings.CutPrefix(p, "link:"); ok {
			text.WriteString(url + "\n\n")
			e := html.EscapeString(url)
			fmt.Fprintf(&h, "<p><a href=\"%s\">%s</a></p>\n", e, e)
			continue
		}
		text.WriteString(p + "\n\n")
		fmt.Fprintf(&h, "<p>%s</p>\n", html.EscapeString(p))
	}
	return strings.TrimRight(text.String(), "\n") + "\n", h.String()
}

func invitationMail(inv *domain.Invitation, inviter *domain.User, baseURL, token string) Mail {
	org := ""
	if inv.OrgName != "" {
		org = " (" + inv.OrgName + ")"
	}
	text, h := mailBodies(
		"Hello,",
		fmt.Sprintf("%s <%s> invited you to the account “%s”%s in Admin Center, with the roles: %s.",
			inviter.Name, inviter.Email, inv.AccountName, org, roleList(inv.Roles)),
		nextStep(inv),
		"link:"+strings.TrimRight(baseURL, "/")+"/invitations/"+MailTokenPlaceholder,
		"The link works until "+mailTime(inv.ExpiresAt)+". If you were not expecting this invitation, you can ignore this email.",
	)
	return Mail{OrgSID: inv.OrgSID, To: inv.Email, Subject: inviter.Name + " invited you to " + inv.AccountName + " on Admin Center",
		Text: text, HTML: h, Token: token}
}

func nextStep(inv *domain.Invitation) string {
	if inv.InviteeExists {
		return "Open this link and sign in as " + inv.Email + " to accept or decline the invitation:"
	}
	return "Open this link to accept or decline. You will be asked to create your Admin Center user with this email address (" + inv.Email + ") first:"
}

func accountLink(baseURL, accountSID string) string {
	return "link:" + strings.TrimRight(baseURL, "/") + "/admin/accounts/" + accountSID
}

func addedMail(orgSID, to, accountName, accountSID string, roles []string, baseURL string) Mail {
	text, h := mailBodies("Hello,",
		fmt.Sprintf("You now have access to the account “%s” in Admin Center, with the roles: %s.", accountName, roleList(roles)),
		accountLink(baseURL, accountSID))
	return Mail{OrgSID: orgSID, To: to, Subject: "You were added to " + accountName, Text: text, HTML: h}
}

func rolesChangedMail(orgSID, to, accountName, accountSID string, before, after []string, by *domain.User, baseURL string) Mail {
	text, h := mailBodies("Hello,",
		fmt.Sprintf("%s changed your roles on the account “%s” in Admin Center.", by.Name, accountName),
		"Before: "+orNone(roleList(before))+". Now: "+orNone(roleList(after))+".",
		accountLink(baseURL, accountSID))
	return Mail{OrgSID: orgSID, To: to, Subject: "Your roles on " + accountName + " changed", Text: text, HTML: h}
}

func removedMail(orgSID, to, accountName string, by *domain.User) Mail {
	text, h := mailBodies("Hello,",
		fmt.Sprintf("%s removed your access to the account “%s” in Admin Center. If you think this is a mistake, ask them about it.", by.Name, accountName))
	return Mail{OrgSID: orgSID, To: to, Subject: "Your access to " + accountName + " was removed", Text: text, HTML: h}
}

func orgRemovedMail(orgSID, to, orgName string, by *domain.User) Mail {
	text, h := mailBodies("Hello,",
		fmt.Sprintf("%s removed you from the organization “%s” in Admin Center. You keep your user and any accounts outside the organization.", by.Name, orgName))
	return Mail{OrgSID: orgSID, To: to, Subject: "You were removed from " + orgName, Text: text, HTML: h}
}

func newOwnerMail(orgSID, to, accountName, accountSID string, baseURL string) Mail {
	text, h := mailBodies("Hello,",
		fmt.Sprintf("You are now the owner of the account “%s” in Admin Center.", accountName),
		accountLink(baseURL, accountSID))
	return Mail{OrgSID: orgSID, To: to, Subject: "You now own " + accountName, Text: text, HTML: h}
}

func orNone(s string) string {
	if s == "" {
		return "no roles"
	}
	return s
}
