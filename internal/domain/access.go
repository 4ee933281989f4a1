package domain

// Access is what one user may do on one account: the account, the user and the
// user's roles on it. Deny by default: every Can… method answers false unless a rule allows.
type Access struct {
	Account *Account
	User    *User
	Roles   []string
}

// HasRole reports whether the user holds role on the account.
func (a *Access) HasRole(role string) bool {
	for _, r := range a.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// OrgAdmin reports whether the user is Owner or Administrator of the organization
// the account belongs to (managed or independent).
func (a *Access) OrgAdmin() bool {
	return a.Account.OrgSID != "" && a.User.OrgSID == a.Account.OrgSID && a.User.OrgAdmin()
}

// Managed reports whether the account is managed by an organization.
func (a *Access) Managed() bool { return a.Account.Relation == RelationManaged }

// accountAdmin: the owner role includes administrator, which includes the others.
func (a *Access) accountAdmin() bool { return a.HasRole(RoleOwner) || a.HasRole(RoleAdministrator) }

// CanView reports whether the user may see the account at all.
func (a *Access) CanView() bool { return a.OrgAdmin() || len(a.Roles) > 0 }

// CanEditSettings: a managed account's settings belong to the organization's Owner and
// Administrators and to the account's Administrators; any other account's to its owner.
func (a *Access) CanEditSettings() bool {
	if a.Managed() {
		return a.OrgAdmin() || a.accountAdmin()
	}
	return a.HasRole(RoleOwner)
}

// CanRunLifecycle: suspend, reactivate and close a managed account are for the organization's
// Owner and Administrators; any other account's for its owner.
func (a *Access) CanRunLifecycle() bool {
	if a.Managed() {
		return a.OrgAdmin()
	}
	return a.HasRole(RoleOwner)
}

// CanManageUsers: invite, change roles and remove users.
func (a *Access) CanManageUsers() bool {
	if a.Managed() {
		return a.OrgAdmin() || a.accountAdmin()
	}
	return a.accountAdmin()
}

// CanTransferOwner: only the current owner may hand the account to someone else.
func (a *Access) CanTransferOwner() bool { return a.User.SID == a.Account.OwnerSID }

// CanRemoveFromOrg: the organization's Owner and Administrators may hand a managed account back.
func (a *Access) CanRemoveFromOrg() bool { return a.Managed() && a.OrgAdmin() }

// CanRelinquish: the organization's Owner and Administrators may give up an independent account.
func (a *Access) CanRelinquish() bool {
	return a.Account.Relation == RelationIndependent && a.OrgAdmin()
}

// LifecycleRoleNeeded names who may run the lifecycle, for a 403 page.
func (a *Access) LifecycleRoleNeeded() Message {
	if a.Managed() {
		return MsgNeedOrgAdmin
	}
	return MsgNeedAccountOwner
}

// SettingsRoleNeeded names who may change settings, for a 403 page.
func (a *Access) SettingsRoleNeeded() Message {
	if a.Managed() {
		return MsgNeedSettingsManaged
	}
	return MsgNeedAccountOwner
}

// ManageUsersRoleNeeded names who may manage an account's users, for a 403 page.
func (a *Access) ManageUsersRoleNeeded() Message {
	if a.Managed() {
		return MsgNeedUsersManaged
	}
	return MsgNeedUsersOther
}
