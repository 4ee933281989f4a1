package mail

import (
	"fmt"

	"admincenter/internal/domain"
	"admincenter/internal/i18n"
)

// letters writes each kind of email from its data. Every value in the data may come from a
// user: the HTML template escapes it.
var letters = map[domain.EmailKind]func(d domain.EmailData, l *i18n.Locale) letter{
	domain.EmailInvitation:         invitation,
	domain.EmailInvitationDeclined: invitationDeclined,
	domain.EmailAccessAdded:        accessAdded,
	domain.EmailRolesChanged:       rolesChanged,
	domain.EmailAccessRemoved:      accessRemoved,
	domain.EmailOrgRemoved:         orgRemoved,
	domain.EmailNewOwner:           newOwner,
	domain.EmailOwnerTransfer:      ownerTransfer,
	domain.EmailPasswordReset:      passwordReset,
	domain.EmailPasswordChanged:    securityNotice("mail.password_changed"),
	domain.EmailPasswordResetDone:  securityNotice("mail.password_reset_done"),
	domain.EmailTOTPOn:             securityNotice("mail.totp_on"),
	domain.EmailTOTPOff:            securityNotice("mail.totp_off"),
	domain.EmailRecoveryCodeUsed:   recoveryCodeUsed,
	domain.EmailImportRequest:      importRequest,
	domain.EmailShareRequest:       shareRequest,
	domain.EmailImportAccepted:     importAccepted,
	domain.EmailShareAccepted:      shareAccepted,
	domain.EmailRequestDeclined:    requestDeclined,
	domain.EmailRelinquished:       relinquished,
}

func hello(name string) string { return "Hello " + name + "," }

// greet is the greeting of a letter to name, in the reader's language.
func greet(l *i18n.Locale, name string) string { return l.T("mail.hello", "Name", name) }

func orNone(s string) string {
	if s == "" {
		return "no roles"
	}
	return s
}

func accountPath(sid string) string { return "/admin/accounts/" + sid }

func invitation(d domain.EmailData, l *i18n.Locale) letter {
	org := ""
	if d.OrgName != "" {
		org = l.T("mail.invitation.org", "Org", d.OrgName)
	}
	next := l.T("mail.invitation.next_new", "Email", d.Email)
	if d.InviteeExists {
		next = l.T("mail.invitation.next_existing", "Email", d.Email)
	}
	return letter{
		Subject:  l.T("mail.invitation.subject", "Actor", d.ActorName, "Account", d.AccountName),
		Greeting: l.T("mail.hello_anonymous"),
		Paragraphs: []string{
			l.T("mail.invitation.body", "Actor", d.ActorName, "ActorEmail", d.ActorEmail, "Account", d.AccountName, "Org", org,
				"Roles", domain.RoleLabels(d.Roles)),
			next,
		},
		Action: l.T("mail.invitation.action"), Path: "/invitations/", WithToken: true,
		Note: l.T("mail.invitation.note", "Until", l.Time(d.ExpiresAt)),
	}
}

func invitationDeclined(d domain.EmailData, _ *i18n.Locale) letter {
	return letter{
		Subject:    d.Email + " declined your invitation to " + d.AccountName,
		Greeting:   hello(d.Name),
		Paragraphs: []string{d.Email + " declined your invitation to the account " + d.AccountName + " (" + d.AccountSID + "). They were not given access."},
		Action:     "See the account's users", Path: accountPath(d.AccountSID) + "/users",
		Note: "You get this email because you sent that invitation from Admin Center.",
	}
}

// toMember is a short letter to a user about their access, greeted without a name as these
// emails always were.
func toMember(subject string, paragraphs ...string) letter {
	return letter{Subject: subject, Greeting: "Hello,", Paragraphs: paragraphs}
}

// openAccount gives the letter a button to the account.
func (l letter) openAccount(sid string) letter {
	l.Action, l.Path = "Open the account", accountPath(sid)
	return l
}

func accessAdded(d domain.EmailData, _ *i18n.Locale) letter {
	return toMember("You were added to "+d.AccountName,
		fmt.Sprintf("You now have access to the account “%s” in Admin Center, with the roles: %s.", d.AccountName, domain.RoleLabels(d.Roles)),
	).openAccount(d.AccountSID)
}

func rolesChanged(d domain.EmailData, _ *i18n.Locale) letter {
	return toMember("Your roles on "+d.AccountName+" changed",
		fmt.Sprintf("%s changed your roles on the account “%s” in Admin Center.", d.ActorName, d.AccountName),
		"Before: "+orNone(domain.RoleLabels(d.RolesBefore))+". Now: "+orNone(domain.RoleLabels(d.Roles))+".",
	).openAccount(d.AccountSID)
}

func accessRemoved(d domain.EmailData, _ *i18n.Locale) letter {
	return toMember("Your access to "+d.AccountName+" was removed",
		fmt.Sprintf("%s removed your access to the account “%s” in Admin Center. If you think this is a mistake, ask them about it.", d.ActorName, d.AccountName))
}

func orgRemoved(d domain.EmailData, _ *i18n.Locale) letter {
	return toMember("You were removed from "+d.OrgName,
		fmt.Sprintf("%s removed you from the organization “%s” in Admin Center. You keep your user and any accounts outside the organization.", d.ActorName, d.OrgName))
}

func newOwner(d domain.EmailData, _ *i18n.Locale) letter {
	return toMember("You now own "+d.AccountName,
		fmt.Sprintf("You are now the owner of the account “%s” in Admin Center.", d.AccountName),
	).openAccount(d.AccountSID)
}

func ownerTransfer(d domain.EmailData, _ *i18n.Locale) letter {
	return letter{
		Subject:  "You now own the account " + d.AccountName,
		Greeting: hello(d.Name),
		Paragraphs: []string{
			d.ActorName + " (" + d.ActorEmail + ") has made you the owner of the account \"" + d.AccountName + "\" (" + d.AccountSID + ") in Admin Center.",
			"You can find it under My accounts.",
		},
	}
}

func passwordReset(d domain.EmailData, l *i18n.Locale) letter {
	return letter{
		Subject:    l.T("mail.password_reset.subject"),
		Greeting:   greet(l, d.Name),
		Paragraphs: []string{l.T("mail.password_reset.body", "Email", d.Email)},
		Action:     l.T("mail.password_reset.action"), Path: "/password-reset/", WithToken: true,
		Note: l.T("mail.password_reset.note"),
	}
}

// securityNotice is the email that tells a user about a change to how they sign in: the
// catalog's id.subject and id.body.
func securityNotice(id string) func(domain.EmailData, *i18n.Locale) letter {
	return func(d domain.EmailData, l *i18n.Locale) letter {
		return letter{Subject: l.T("mail.security.subject", "Subject", l.T(id+".subject")), Greeting: greet(l, d.Name),
			Paragraphs: []string{l.T(id + ".body")}, Note: l.T("mail.security.note")}
	}
}

// recoveryCodeUsed tells a user that a sign-in used one of their recovery codes, and how many
// are left.
func recoveryCodeUsed(d domain.EmailData, l *i18n.Locale) letter {
	left := l.TN("mail.recovery_used.left", d.CodesLeft)
	if d.CodesLeft == 0 {
		left = l.T("mail.recovery_used.none_left")
	}
	return letter{Subject: l.T("mail.recovery_used.subject"), Greeting: greet(l, d.Name),
		Paragraphs: []string{l.T("mail.recovery_used.body"), left, l.T("mail.recovery_used.advice")},
		Action:     l.T("mail.recovery_used.action"), Path: "/settings/2fa",
		Note: l.T("mail.security.note")}
}

// toOwner is an import or share request to the account's owner, with its link below path.
func toOwner(d domain.EmailData, subject, path string, paragraphs ...string) letter {
	return letter{Subject: subject, Greeting: hello(d.Name), Paragraphs: paragraphs,
		Action: "Review the request", Path: path, WithToken: true,
		Note: "You received this email because you own the account “" + d.AccountName + "” (" + d.AccountSID + "). If you do not know " +
			d.OrgName + ", decline or simply ignore this email: nothing changes without your answer."}
}

func importRequest(d domain.EmailData, _ *i18n.Locale) letter {
	return toOwner(d, d.OrgName+" asks to manage your account “"+d.AccountName+"”", "/imports/",
		d.ActorName+" ("+d.ActorEmail+") asks for your account “"+d.AccountName+"” to join the organization "+d.OrgName+" in Admin Center.",
		"If you confirm, the account becomes managed by "+d.OrgName+": its Owner and Administrators can change the account's settings, decide who may use it, and suspend or close it. You stay the account's owner, and you become a member of "+d.OrgName+".",
		"The link works until "+domain.FormatTime(d.ExpiresAt)+". Opening it changes nothing: you sign in, read what joining means, then confirm or decline.")
}

func shareRequest(d domain.EmailData, _ *i18n.Locale) letter {
	return toOwner(d, d.OrgName+" asks you to share your account “"+d.AccountName+"”", "/shares/",
		d.ActorName+" ("+d.ActorEmail+") asks you to share your account “"+d.AccountName+"” with the organization "+d.OrgName+" in Admin Center.",
		"If you accept, "+d.OrgName+"'s administrators can see the account and who has access to it. They cannot change its settings, its users or its lifecycle: you keep full control, and the organization can give up its access at any time.",
		"The link works until "+domain.FormatTime(d.ExpiresAt)+". Opening it changes nothing: you sign in, read what sharing means, then accept or decline.")
}

// toAdmins tells the organization's Owner and Administrators how an account's owner answered.
func toAdmins(d domain.EmailData, subject, paragraph, action, path string) letter {
	return letter{Subject: subject, Greeting: hello(d.Name), Paragraphs: []string{paragraph}, Action: action, Path: path,
		Note: "You received this email because you are an Owner or Administrator of " + d.OrgName + " in Admin Center."}
}

func importAccepted(d domain.EmailData, _ *i18n.Locale) letter {
	return toAdmins(d, "“"+d.AccountName+"” joined "+d.OrgName,
		d.ActorName+" ("+d.ActorEmail+") confirmed: the account “"+d.AccountName+"” ("+d.AccountSID+") is now managed by "+
			d.OrgName+", and "+d.ActorName+" is now a Standard User of the organization.",
		"Open the account", accountPath(d.AccountSID))
}

func shareAccepted(d domain.EmailData, _ *i18n.Locale) letter {
	return toAdmins(d, "“"+d.AccountName+"” is shared with "+d.OrgName,
		d.ActorName+" ("+d.ActorEmail+") accepted: the account “"+d.AccountName+"” ("+d.AccountSID+") is now an independent account of "+
			d.OrgName+". You can see its users; its owner keeps control of its settings and lifecycle.",
		"Open the account", accountPath(d.AccountSID))
}

func requestDeclined(d domain.EmailData, _ *i18n.Locale) letter {
	verb := "join"
	if d.RequestKind == domain.RequestShare {
		verb = "be shared with"
	}
	return toAdmins(d, "The owner of “"+d.AccountName+"” declined",
		d.ActorName+" ("+d.ActorEmail+") declined the request for the account “"+d.AccountName+"” ("+d.AccountSID+") to "+
			verb+" "+d.OrgName+". Nothing changed.",
		"See pending requests", "/admin/accounts?tab=pending")
}

func relinquished(d domain.EmailData, _ *i18n.Locale) letter {
	return letter{
		Subject:  d.OrgName + " no longer has access to “" + d.AccountName + "”",
		Greeting: hello(d.Name),
		Paragraphs: []string{d.ActorName + " (" + d.ActorEmail + ") gave up " + d.OrgName + "'s access to your account “" + d.AccountName +
			"” (" + d.AccountSID + "). The organization no longer sees the account or its users. Nothing else changed."},
		Note: "You received this email because you own the account.",
	}
}
