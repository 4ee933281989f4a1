package mail

import (
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

// greet is the greeting of a letter to name, in the reader's language.
func greet(l *i18n.Locale, name string) string { return l.T("mail.hello", "Name", name) }

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

func invitationDeclined(d domain.EmailData, l *i18n.Locale) letter {
	return letter{
		Subject:    l.T("mail.invitation_declined.subject", "Email", d.Email, "Account", d.AccountName),
		Greeting:   greet(l, d.Name),
		Paragraphs: []string{l.T("mail.invitation_declined.body", "Email", d.Email, "Account", d.AccountName, "SID", d.AccountSID)},
		Action:     l.T("mail.invitation_declined.action"), Path: accountPath(d.AccountSID) + "/users",
		Note: l.T("mail.invitation_declined.note"),
	}
}

// toMember is a short letter to a user about their access, greeted without a name as these
// emails always were.
func toMember(l *i18n.Locale, subject string, paragraphs ...string) letter {
	return letter{Subject: subject, Greeting: l.T("mail.hello_anonymous"), Paragraphs: paragraphs}
}

// openAccount gives the letter a button to the account.
func (lt letter) openAccount(l *i18n.Locale, sid string) letter {
	lt.Action, lt.Path = l.T("mail.open_account"), accountPath(sid)
	return lt
}

// roles writes a list of account roles (Twilio's names, not translated), or says there are none.
func roles(l *i18n.Locale, r []string) string {
	if len(r) == 0 {
		return l.T("mail.no_roles")
	}
	return domain.RoleLabels(r)
}

func accessAdded(d domain.EmailData, l *i18n.Locale) letter {
	return toMember(l, l.T("mail.access_added.subject", "Account", d.AccountName),
		l.T("mail.access_added.body", "Account", d.AccountName, "Roles", roles(l, d.Roles)),
	).openAccount(l, d.AccountSID)
}

func rolesChanged(d domain.EmailData, l *i18n.Locale) letter {
	return toMember(l, l.T("mail.roles_changed.subject", "Account", d.AccountName),
		l.T("mail.roles_changed.body", "Actor", d.ActorName, "Account", d.AccountName),
		l.T("mail.roles_changed.diff", "Before", roles(l, d.RolesBefore), "Now", roles(l, d.Roles)),
	).openAccount(l, d.AccountSID)
}

func accessRemoved(d domain.EmailData, l *i18n.Locale) letter {
	return toMember(l, l.T("mail.access_removed.subject", "Account", d.AccountName),
		l.T("mail.access_removed.body", "Actor", d.ActorName, "Account", d.AccountName))
}

func orgRemoved(d domain.EmailData, l *i18n.Locale) letter {
	return toMember(l, l.T("mail.org_removed.subject", "Org", d.OrgName),
		l.T("mail.org_removed.body", "Actor", d.ActorName, "Org", d.OrgName))
}

func newOwner(d domain.EmailData, l *i18n.Locale) letter {
	return toMember(l, l.T("mail.new_owner.subject", "Account", d.AccountName),
		l.T("mail.new_owner.body", "Account", d.AccountName),
	).openAccount(l, d.AccountSID)
}

func ownerTransfer(d domain.EmailData, l *i18n.Locale) letter {
	return letter{
		Subject:  l.T("mail.owner_transfer.subject", "Account", d.AccountName),
		Greeting: greet(l, d.Name),
		Paragraphs: []string{
			l.T("mail.owner_transfer.body", "Actor", d.ActorName, "ActorEmail", d.ActorEmail, "Account", d.AccountName, "SID", d.AccountSID),
			l.T("mail.owner_transfer.where"),
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
func toOwner(d domain.EmailData, l *i18n.Locale, subject, path string, paragraphs ...string) letter {
	return letter{Subject: subject, Greeting: greet(l, d.Name), Paragraphs: paragraphs,
		Action: l.T("mail.request.action"), Path: path, WithToken: true,
		Note: l.T("mail.request.note", "Account", d.AccountName, "SID", d.AccountSID, "Org", d.OrgName)}
}

func importRequest(d domain.EmailData, l *i18n.Locale) letter {
	return toOwner(d, l, l.T("mail.import_request.subject", "Org", d.OrgName, "Account", d.AccountName), "/imports/",
		l.T("mail.import_request.body", "Actor", d.ActorName, "ActorEmail", d.ActorEmail, "Account", d.AccountName, "Org", d.OrgName),
		l.T("mail.import_request.meaning", "Org", d.OrgName),
		l.T("mail.import_request.until", "Until", l.Time(d.ExpiresAt)))
}

func shareRequest(d domain.EmailData, l *i18n.Locale) letter {
	return toOwner(d, l, l.T("mail.share_request.subject", "Org", d.OrgName, "Account", d.AccountName), "/shares/",
		l.T("mail.share_request.body", "Actor", d.ActorName, "ActorEmail", d.ActorEmail, "Account", d.AccountName, "Org", d.OrgName),
		l.T("mail.share_request.meaning", "Org", d.OrgName),
		l.T("mail.share_request.until", "Until", l.Time(d.ExpiresAt)))
}

// toAdmins tells the organization's Owner and Administrators how an account's owner answered.
func toAdmins(d domain.EmailData, l *i18n.Locale, subject, paragraph, action, path string) letter {
	return letter{Subject: subject, Greeting: greet(l, d.Name), Paragraphs: []string{paragraph}, Action: action, Path: path,
		Note: l.T("mail.to_admins.note", "Org", d.OrgName)}
}

func importAccepted(d domain.EmailData, l *i18n.Locale) letter {
	return toAdmins(d, l, l.T("mail.import_accepted.subject", "Account", d.AccountName, "Org", d.OrgName),
		l.T("mail.import_accepted.body", "Actor", d.ActorName, "ActorEmail", d.ActorEmail, "Account", d.AccountName, "SID", d.AccountSID, "Org", d.OrgName),
		l.T("mail.open_account"), accountPath(d.AccountSID))
}

func shareAccepted(d domain.EmailData, l *i18n.Locale) letter {
	return toAdmins(d, l, l.T("mail.share_accepted.subject", "Account", d.AccountName, "Org", d.OrgName),
		l.T("mail.share_accepted.body", "Actor", d.ActorName, "ActorEmail", d.ActorEmail, "Account", d.AccountName, "SID", d.AccountSID, "Org", d.OrgName),
		l.T("mail.open_account"), accountPath(d.AccountSID))
}

func requestDeclined(d domain.EmailData, l *i18n.Locale) letter {
	body := "mail.request_declined.body_import"
	if d.RequestKind == domain.RequestShare {
		body = "mail.request_declined.body_share"
	}
	return toAdmins(d, l, l.T("mail.request_declined.subject", "Account", d.AccountName),
		l.T(body, "Actor", d.ActorName, "ActorEmail", d.ActorEmail, "Account", d.AccountName, "SID", d.AccountSID, "Org", d.OrgName),
		l.T("mail.request_declined.action"), "/admin/accounts?tab=pending")
}

func relinquished(d domain.EmailData, l *i18n.Locale) letter {
	return letter{
		Subject:    l.T("mail.relinquished.subject", "Org", d.OrgName, "Account", d.AccountName),
		Greeting:   greet(l, d.Name),
		Paragraphs: []string{l.T("mail.relinquished.body", "Actor", d.ActorName, "ActorEmail", d.ActorEmail, "Org", d.OrgName, "Account", d.AccountName, "SID", d.AccountSID)},
		Note:       l.T("mail.relinquished.note"),
	}
}
