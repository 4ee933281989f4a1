package domain

// The messages said about form fields, by ID. The IDs are stable: a translation keys on them.
// A text with verbs (%s, %d) is filled in with Message.With.
var (
	// MsgJoined is several messages about one field said one after the other; its Args are the
	// messages (see JoinMessages).
	MsgJoined = Message{ID: "joined"}

	MsgEmailMissing       = Message{ID: "email.missing", Text: "Enter an email address."}
	MsgEmailTooLong       = Message{ID: "email.too_long", Text: "Email address is too long."}
	MsgEmailInvalid       = Message{ID: "email.invalid", Text: "Enter an email address like name@example.com."}
	MsgEmailTaken         = Message{ID: "email.taken", Text: "An account with this email already exists. Sign in instead."}
	MsgSignInEmailMissing = Message{ID: "signin.email.missing", Text: "Enter your email."}

	MsgBadCredentials          = Message{ID: "signin.bad_credentials", Text: "The email or password is not right."}
	MsgResetLinkInvalid        = Message{ID: "reset.link_invalid", Text: "This link is not valid. Ask for a new one from the sign-in page."}
	MsgResetLinkUsed           = Message{ID: "reset.link_used", Text: "This link was used already, or a newer one was sent. Ask for a new one if you still need it."}
	MsgResetLinkExpired        = Message{ID: "reset.link_expired", Text: "This link has expired: links work for an hour. Ask for a new one."}
	MsgResetUserDeactivated    = Message{ID: "reset.user_deactivated", Text: "This user is deactivated. Ask your administrator."}
	MsgInvitationAccountClosed = Message{ID: "invitation.account_closed", Text: "The account “%s” is closed, so this invitation can no longer be accepted."}
	MsgInvitationAccepted      = Message{ID: "invitation.accepted", Text: "This invitation has already been accepted."}
	MsgInvitationDeclined      = Message{ID: "invitation.declined", Text: "This invitation was declined."}
	MsgInvitationSuperseded    = Message{ID: "invitation.superseded", Text: "A newer invitation replaced this one. Use the link in the most recent email."}
	MsgInvitationRevoked       = Message{ID: "invitation.revoked", Text: "This invitation was revoked. Ask %s for a new one if you still need access."}
	MsgInvitationExpired       = Message{ID: "invitation.expired", Text: "This invitation expired on %s. Ask %s to send a new one."}
	MsgInvitationBadLink       = Message{ID: "invitation.bad_link", Text: "This invitation link is not valid. Check that you opened the whole link from the email."}
	MsgInvitationGone          = Message{ID: "invitation.gone", Text: "This invitation link no longer works: it was used, revoked, replaced by a newer one, or it expired. Ask for a new invitation."}

	MsgPasswordMissing        = Message{ID: "password.missing", Text: "Enter a password."}
	MsgPasswordTooShort       = Message{ID: "password.too_short", Text: "Use at least %d characters."}
	MsgPasswordTooLong        = Message{ID: "password.too_long", Text: "Use at most %d characters."}
	MsgPasswordGuessable      = Message{ID: "password.guessable", Text: "This password is too easy to guess: %s Try a passphrase of four or more unrelated words."}
	MsgPasswordEnter          = Message{ID: "password.enter", Text: "Enter your password."}
	MsgPasswordOverlong       = Message{ID: "password.overlong", Text: "That password is longer than any Admin Center accepts."}
	MsgPasswordWrong          = Message{ID: "password.wrong", Text: "That password is not right."}
	MsgCurrentPasswordMissing = Message{ID: "password.current.missing", Text: "Enter your current password."}
	MsgCurrentPasswordWrong   = Message{ID: "password.current.wrong", Text: "That is not your current password."}
	MsgNewPasswordSame        = Message{ID: "password.new.same", Text: "Choose a password different from your current one."}

	MsgCodeMissing     = Message{ID: "code.missing", Text: "Enter the 6-digit code from your authenticator app, or a recovery code."}
	MsgCodeSixDigits   = Message{ID: "code.six_digits", Text: "The code from your app has 6 digits."}
	MsgCodeInvalid     = Message{ID: "code.invalid", Text: "Enter the 6-digit code from your authenticator app, or a recovery code like abcd-efgh-jkmn-pqrs."}
	MsgCodeTOTPOnly    = Message{ID: "code.totp_only", Text: "Enter the 6-digit code your app shows (recovery codes come after this step)."}
	MsgCodeWrong       = Message{ID: "code.wrong", Text: "That code is not right, or it was already used. Wait for the next code in your app, or use a recovery code."}
	MsgCodeWrongEnroll = Message{ID: "code.wrong_enroll", Text: "That code is not right. Check that your phone's clock is correct and enter the code your app shows now."}

	MsgPersonNameMissing  = Message{ID: "person_name.missing", Text: "Enter your name."}
	MsgPersonNameTooLong  = Message{ID: "person_name.too_long", Text: "Your name must be at most %d characters."}
	MsgNameOneLine        = Message{ID: "name.one_line", Text: "The name must be on one line."}
	MsgLanguageUnknown    = Message{ID: "language.unknown", Text: "Choose English or 日本語 (Japanese)."}
	MsgTimeZoneUnknown    = Message{ID: "timezone.unknown", Text: "Choose a time zone from the list, such as Asia/Tokyo or UTC."}
	MsgOrgNameMissing     = Message{ID: "org_name.missing", Text: "Enter the organization's name."}
	MsgOrgNameTooLong     = Message{ID: "org_name.too_long", Text: "The organization's name must be at most %d characters."}
	MsgOwnerEmailDomain   = Message{ID: "setup.owner_email_domain", Text: "The Owner's email must be in the organization's domain (%s)."}
	MsgAppNameMissing     = Message{ID: "app_name.missing", Text: "Enter a name for the app."}
	MsgAppNameTooLong     = Message{ID: "app_name.too_long", Text: "A name for the app must be at most %d characters."}
	MsgAppNameOneLine     = Message{ID: "app_name.one_line", Text: "The name must be on one line."}
	MsgAccountNameMissing = Message{ID: "account_name.missing", Text: "Enter an account name."}
	MsgAccountNameTooLong = Message{ID: "account_name.too_long", Text: "An account name must be at most %d characters."}
	MsgAccountNameOneLine = Message{ID: "account_name.one_line", Text: "The account name must be on one line."}

	MsgDomainMissing      = Message{ID: "domain.missing", Text: "Enter a domain."}
	MsgDomainInvalid      = Message{ID: "domain.invalid", Text: "Enter a domain like example.com."}
	MsgDomainCharacters   = Message{ID: "domain.characters", Text: "Enter a domain like example.com (letters, digits and hyphens only)."}
	MsgDomainSpaces       = Message{ID: "domain.spaces", Text: "A domain has no spaces: enter it like example.com."}
	MsgDomainWithAt       = Message{ID: "domain.with_at", Text: "Enter only the domain, the part after the @ (like example.com)."}
	MsgDomainWithScheme   = Message{ID: "domain.with_scheme", Text: "Enter only the domain, without http:// or a path (like example.com)."}
	MsgDomainPublic       = Message{ID: "domain.public", Text: "%s is a public mail provider: anyone can have an address there, so it cannot show who belongs to your organization."}
	MsgSSOMetadataMissing = Message{ID: "sso.metadata.missing", Text: "Paste your identity provider's SAML metadata XML."}
	MsgSSOMetadataTooLong = Message{ID: "sso.metadata.too_long", Text: "That metadata is too long (at most 256 KiB)."}
	MsgSSOMetadataInvalid = Message{ID: "sso.metadata.invalid", Text: "This is not SAML 2.0 IdP metadata with a signing certificate and a single sign-on URL (HTTP-Redirect binding)."}
	MsgSSODomainMissing   = Message{ID: "sso.domain.missing", Text: "Choose at least one verified domain."}
	MsgSSODomainUnknown   = Message{ID: "sso.domain.unknown", Text: "%s is not a verified domain of the organization."}
	MsgSSODomainTaken     = Message{ID: "sso.domain.taken", Text: "%s is covered by another organization's single sign-on."}
	MsgSSOExemptInvalid   = Message{ID: "sso.exempt.invalid", Text: "%s is neither an email address nor a user SID (US…)."}
	MsgSSOExemptUnknown   = Message{ID: "sso.exempt.unknown", Text: "%s is not a user of the organization."}
	MsgSSOLockout         = Message{ID: "sso.lockout", Text: "Enforcing single sign-on like this would leave no Owner or Administrator able to sign in with a password. Exempt at least one of them (the Owner can always be exempted)."}
	MsgSSONotConfigured   = Message{ID: "sso.not_configured", Text: "Single sign-on is not set up for %s. Sign in with your password."}
	MsgDomainListed       = Message{ID: "domain.listed", Text: "%s is already on this page."}

	// Pauses (HTTP 429): the first %s is the moment they end, the second how long that is from
	// now (one of the MsgRetryIn… messages).
	MsgSignInPaused        = Message{ID: "limit.signin", Text: "Too many failed sign-in attempts. For your protection, try again after %s (%s)."}
	MsgSignInPausedAccount = Message{ID: "limit.signin_account", Text: "Too many failed sign-in attempts. For your protection, try again after %s (%s). A browser you have signed in with before can still sign in."}
	MsgLinksPaused         = Message{ID: "limit.links", Text: "Too many links that do not work were opened from your address. Try again after %s (%s)."}
	MsgResetRequestsPaused = Message{ID: "limit.reset_requests", Text: "Too many password reset requests came from your address. Try again after %s (%s)."}
	MsgRetryInMinutes      = Message{ID: "limit.in_minutes", Text: "in %d minutes"}
	MsgRetryInOneMinute    = Message{ID: "limit.in_one_minute", Text: "in 1 minute"}
	MsgRetryInUnderMinute  = Message{ID: "limit.in_under_a_minute", Text: "in less than a minute"}
	MsgDomainTaken         = Message{ID: "domain.taken", Text: "%s is verified by another organization."}

	// What a look-up of a domain's TXT record found (dnscheck.Check): the record's name and value.
	MsgDomainNoRecord    = Message{ID: "domain.check.no_record", Text: "No TXT record was found at %s. Publish it, wait until DNS has it, then verify again."}
	MsgDomainWrongRecord = Message{ID: "domain.check.wrong_value", Text: "The TXT record %s exists but does not hold %s."}
	MsgDomainDNSTimeout  = Message{ID: "domain.check.timeout", Text: "The DNS server did not answer in time. Nothing was changed; try again in a few minutes."}
	MsgDomainDNSFailed   = Message{ID: "domain.check.failed", Text: "The DNS lookup failed. Nothing was changed; try again in a few minutes."}

	MsgOAuthAppRevoked   = Message{ID: "oauth_app.revoked", Text: "The OAuth app “%s” is already revoked."}
	MsgOAuthAppNeedAdmin = Message{ID: "oauth_app.needs_admin", Text: "Only the organization's Owner and Administrators may create OAuth apps."}

	MsgAccountType         = Message{ID: "account.type", Text: "Choose Standard or Flex."}
	MsgFlexRegion          = Message{ID: "account.flex_region", Text: "Choose a region for the Flex account."}
	MsgFlexTerms           = Message{ID: "account.flex_terms", Text: "Accept the Flex terms to create a Flex account."}
	MsgRequire2FAFirst     = Message{ID: "account.require_2fa_first", Text: "Turn on two-factor sign-in for yourself first (Two-factor sign-in, in the menu): otherwise this setting would lock you out of the account."}
	MsgCloseConfirmName    = Message{ID: "account.close.confirm_name", Text: "Type the account name exactly as shown to confirm."}
	MsgCloseAcknowledge    = Message{ID: "account.close.acknowledge", Text: "Tick the box to confirm you understand what closing does."}
	MsgNewOwnerMissing     = Message{ID: "account.new_owner.missing", Text: "Enter the new owner's email address or user SID (US…)."}
	MsgNewOwnerUnknown     = Message{ID: "account.new_owner.unknown", Text: "There is no member of the organization with that email or SID. The new owner must be a managed user of the organization."}
	MsgNewOwnerDeactivated = Message{ID: "account.new_owner.deactivated", Text: "%s is deactivated; choose an active member of the organization."}
	MsgNewOwnerAlready     = Message{ID: "account.new_owner.already", Text: "%s already owns this account."}

	MsgInviteEmailMissing  = Message{ID: "invite.email.missing", Text: "Enter the email address of the person to invite."}
	MsgInviteTooLong       = Message{ID: "invite.email.too_long", Text: "That is too long. Invite at most %d people at once."}
	MsgInviteEmailInvalid  = Message{ID: "invite.email.invalid", Text: "“%s” is not an email address like name@example.com."}
	MsgInviteEmailRepeated = Message{ID: "invite.email.repeated", Text: "%s is listed more than once."}
	MsgInviteTooMany       = Message{ID: "invite.email.too_many", Text: "Invite at most %d people at once."}
	MsgInviteHasAccess     = Message{ID: "invite.email.has_access", Text: "%s already has access to this account; change their roles on the Users tab."}
	MsgInvitePending       = Message{ID: "invite.email.pending", Text: "%s already has a pending invitation; resend it from the Pending Users tab."}

	MsgRoleUnlisted        = Message{ID: "role.unlisted", Text: "Choose from the listed roles."}
	MsgRoleOwnerNotHere    = Message{ID: "role.owner_not_here", Text: "The Owner role cannot be given here; the account's owner changes by owner transfer on the General tab."}
	MsgRoleUnknown         = Message{ID: "role.unknown", Text: "Unknown role “%s”. Choose from the listed roles."}
	MsgRoleMissing         = Message{ID: "role.missing", Text: "Choose at least one role."}
	MsgRoleMissingOrRemove = Message{ID: "role.missing_or_remove", Text: "Choose at least one role, or remove the user from the account."}
	MsgOrgRoleInvalid      = Message{ID: "org_role.invalid", Text: "Choose Owner, Administrator or Standard User."}
	MsgSuccessorMissing    = Message{ID: "org_user.remove.successor_missing", Text: "Choose a new owner for “%s”."}
	MsgSuccessorInvalid    = Message{ID: "org_user.remove.successor_invalid", Text: "Choose an active member of the organization as the new owner of “%s”."}

	// The organization's guards on the Users page (refusals shown as a flash or on the error page).
	MsgOrgUsersNeedsAdmin     = Message{ID: "org_user.needs_admin", Text: "Managing the organization's users needs the role: Organization Owner or Administrator."}
	MsgOrgUserSelfChange      = Message{ID: "org_user.self_change", Text: "You cannot change your own role, deactivate yourself or remove yourself. Ask another Administrator."}
	MsgOrgUserOwnerProtected  = Message{ID: "org_user.owner_protected", Text: "The organization's Owner keeps that role until they make someone else the Owner."}
	MsgOrgUserLastAdmin       = Message{ID: "org_user.last_admin", Text: "The organization must keep at least one active Owner or Administrator."}
	MsgOrgUserOnlyOwner       = Message{ID: "org_user.only_owner_hands_over", Text: "Only the organization's Owner may make someone else the Owner."}
	MsgOrgUserOwnerInactive   = Message{ID: "org_user.owner_deactivated", Text: "%s is deactivated; reactivate them before making them the Owner."}
	MsgOrgUserAlreadyInactive = Message{ID: "org_user.already_deactivated", Text: "%s is already deactivated."}
	MsgOrgUserAlreadyActive   = Message{ID: "org_user.already_active", Text: "%s is already active."}
	MsgOrgUserOwnerRemoval    = Message{ID: "org_user.owner_not_removable", Text: "The organization's Owner cannot be removed. They must first make someone else the Owner."}

	MsgRequestSIDMissing         = Message{ID: "request.sid.missing", Text: "Enter the account SID: AC followed by 32 letters and digits."}
	MsgRequestSIDInvalid         = Message{ID: "request.sid.invalid", Text: "That is not an account SID. An account SID is AC followed by 32 hexadecimal digits (0–9, a–f)."}
	MsgRequestNoAccount          = Message{ID: "request.no_account", Text: "No account with the SID %s exists. Check the SID with the account's owner."}
	MsgRequestAlreadyManaged     = Message{ID: "request.already_managed", Text: "“%s” is already in your organization, as a managed account."}
	MsgRequestAlreadyIndependent = Message{ID: "request.already_independent", Text: "“%s” is already in your organization, as an independent account (relinquish it first to import it)."}
	MsgRequestClosed             = Message{ID: "request.closed", Text: "“%s” is closed; a closed account cannot join an organization."}
	MsgRequestOwnerDomain        = Message{ID: "request.owner_domain", Text: "The owner's email is not in one of your organization's verified domains."}
	MsgRequestOwnerOtherOrg      = Message{ID: "request.owner_other_org", Text: "The owner of “%s” belongs to another organization, so the account cannot join yours."}
	MsgRequestImportPending      = Message{ID: "request.import_pending", Text: "An import request for “%s” is already pending. Resend or cancel it under Pending."}
	MsgRequestSharePending       = Message{ID: "request.share_pending", Text: "A share request for “%s” is already pending. Resend or cancel it under Pending."}

	MsgSCIMUserName       = Message{ID: "scim.user_name", Text: "userName must be an email address."}
	MsgSCIMUserNameDomain = Message{ID: "scim.user_name_domain", Text: "userName must be an email address in a verified domain of the organization."}
	MsgSCIMTooLong        = Message{ID: "scim.too_long", Text: "%s must be at most %d characters."}
	MsgSCIMOneLine        = Message{ID: "scim.one_line", Text: "%s must be on one line."}
	MsgSCIMDisplayName    = Message{ID: "scim.display_name", Text: "displayName is required."}

	MsgAuditAction    = Message{ID: "audit.action", Text: "An action is lower-case words joined by dots, like account.suspend."}
	MsgAuditAccount   = Message{ID: "audit.account", Text: "Enter an account SID: AC followed by 32 hexadecimal digits."}
	MsgDate           = Message{ID: "date.invalid", Text: "Enter a date like 2026-01-31."}
	MsgDateRangeOrder = Message{ID: "date.range_order", Text: "The end date is before the start date."}

	MsgBadCursor = Message{ID: "cursor.invalid", Text: "That page link is not valid. Start again from the first page."}

	// Who may do what on an account (403 pages and the hints beside disabled controls).
	MsgForbidden           = Message{ID: "access.forbidden", Text: "Only the %s may %s. You have: %s."}
	MsgManageUsersNeeds    = Message{ID: "access.manage_users", Text: "Managing the users of this account needs the role: %s."}
	MsgNeedOrgAdmin        = Message{ID: "access.need.org_admin", Text: "Organization Owner or Administrator"}
	MsgNeedSettingsManaged = Message{ID: "access.need.settings_managed", Text: "Organization Owner or Administrator, or Account Administrator"}
	MsgNeedAccountOwner    = Message{ID: "access.need.account_owner", Text: "Account Owner"}
	MsgNeedCurrentOwner    = Message{ID: "access.need.current_owner", Text: "current Account Owner"}
	MsgNeedUsersManaged    = Message{ID: "access.need.users_managed", Text: "Organization Owner or Administrator, or Account Owner or Administrator"}
	MsgNeedUsersOther      = Message{ID: "access.need.users_other", Text: "Account Owner or Administrator"}
	MsgYouOrgOwner         = Message{ID: "access.you.org_owner", Text: "Organization Owner"}
	MsgYouOrgAdministrator = Message{ID: "access.you.org_administrator", Text: "Organization Administrator"}
	MsgYouAccountRole      = Message{ID: "access.you.account_role", Text: "Account %s"}
	MsgYouNoRole           = Message{ID: "access.you.none", Text: "no role on this account"}
	MsgWhatSettings        = Message{ID: "access.what.settings", Text: "change this account's settings"}
	MsgWhatTransfer        = Message{ID: "access.what.transfer", Text: "transfer the ownership of this account"}
	MsgWhatSuspend         = Message{ID: "access.what.suspend", Text: "suspend this account"}
	MsgWhatReactivate      = Message{ID: "access.what.reactivate", Text: "reactivate this account"}
	MsgWhatCancelClosure   = Message{ID: "access.what.cancel_closure", Text: "cancel the closure of this account"}
	MsgWhatClose           = Message{ID: "access.what.close", Text: "close this account"}
	MsgWhatRemove          = Message{ID: "access.what.remove", Text: "remove this account from the organization"}
	MsgWhatRelinquish      = Message{ID: "access.what.relinquish", Text: "relinquish this account"}

	// Why an account or its users cannot change now (409, 429).
	MsgAccountClosed          = Message{ID: "account.state.closed", Text: "This account is closed; it can no longer be changed."}
	MsgAccountClosedOrClosing = Message{ID: "account.state.closed_or_closing", Text: "The account “%s” is closed or closing; its users cannot change."}
	MsgWrongState             = Message{ID: "account.state.wrong", Text: "%s This account is %s."}
	MsgOnlyActiveSuspended    = Message{ID: "account.state.only_active_suspend", Text: "Only an active account can be suspended."}
	MsgOnlySuspendedReactive  = Message{ID: "account.state.only_suspended_reactivate", Text: "Only a suspended account can be reactivated."}
	MsgOnlyOpenClosed         = Message{ID: "account.state.only_open_close", Text: "Only an active or suspended account can be closed."}
	MsgOnlyPendingCancelled   = Message{ID: "account.state.only_pending_cancel", Text: "Only an account pending closure can have its closure cancelled."}
	MsgOnlyManagedRemoved     = Message{ID: "account.state.only_managed_remove", Text: "Only a managed account can be removed from the organization."}
	MsgOnlyIndependentGiven   = Message{ID: "account.state.only_independent_relinquish", Text: "Only an independent account is relinquished; a managed account is removed from the organization instead."}
	MsgRelinquishNeedsAdmin   = Message{ID: "account.relinquish_needs_admin", Text: "Only the organization's Owner or Administrators may relinquish an account."}
	MsgCoolingOffOver         = Message{ID: "account.state.cooling_off_over", Text: "The cooling-off period is over; the account is being closed for good."}
	MsgTransferOnlyManaged    = Message{ID: "account.state.transfer_only_managed", Text: "Ownership is transferred here only for accounts managed by an organization."}
	MsgStatusActive           = Message{ID: "account.status_word.active", Text: "active"}
	MsgStatusSuspended        = Message{ID: "account.status_word.suspended", Text: "suspended"}
	MsgStatusPendingClosure   = Message{ID: "account.status_word.pending_closure", Text: "pending closure"}
	MsgStatusClosed           = Message{ID: "account.status_word.closed", Text: "closed"}
	MsgRelationManaged        = Message{ID: "account.relation_word.managed", Text: "managed"}
	MsgRelationIndependent    = Message{ID: "account.relation_word.independent", Text: "independent"}
	MsgRelationOutside        = Message{ID: "account.relation_word.outside", Text: "outside the organization"}
	MsgRemoveOwner            = Message{ID: "account.users.remove_owner", Text: "The account owner cannot be removed. Transfer ownership on the General tab first."}
	MsgResendHasAccess        = Message{ID: "invite.resend_has_access", Text: "%s already has access to this account; revoke this invitation instead."}
	MsgInvitationQuota        = Message{ID: "invite.quota", Text: "This account has sent %d invitations in the last hour; at most %d an hour are allowed. Try again later."}
	MsgSearchTooLong          = Message{ID: "search.too_long", Text: "The search is too long: use at most %d characters."}
)
