package views

import (
	"context"
	"strings"
	"time"

	"admincenter/internal/domain"
	"admincenter/internal/i18n"
)

// The audit log's words: each action, target, field and value an event records has a label in
// the catalogs (audit.toml); what has none (an event of a newer version, free text) is shown as
// it was recorded.

// AuditFamily is a group of actions in the audit log's action filter: the family's prefix
// ("account") matches all of them.
type AuditFamily struct {
	Prefix  string
	Actions []string
}

// AuditFamilies lists every action the console records, by family, in the order the filter
// offers them.
var AuditFamilies = []AuditFamily{
	{"account", []string{"account.create", "account.settings", "account.suspend", "account.reactivate", "account.close",
		"account.close.cancel", "account.closed", "account.remove", "account.relinquish", "account.owner.transfer",
		"account.role.grant", "account.role.revoke", "account.user.roles", "account.user.remove",
		"account.import.request", "account.import.resend", "account.import.cancel", "account.import.accept", "account.import.decline",
		"account.share.request", "account.share.resend", "account.share.cancel", "account.share.accept", "account.share.decline"}},
	{"invitation", []string{"invitation.create", "invitation.resend", "invitation.revoke", "invitation.accept", "invitation.decline"}},
	{"user", []string{"user.signup", "user.create", "user.update", "user.join", "user.org_role", "user.deactivate",
		"user.reactivate", "user.remove"}},
	{"signin", []string{"signin.success", "signin.password", "signin.sso", "signin.failure", "signin.code_replayed",
		"signin.throttled", "signin.pending_ended"}},
	{"signout", []string{"signout"}},
	{"session", []string{"session.revoke", "session.revoke_others"}},
	{"password", []string{"password.change", "password.reset.request", "password.reset"}},
	{"2fa", []string{"2fa.enable", "2fa.disable", "2fa.recovery_codes.regenerate", "2fa.recovery_code.use"}},
	{"profile", []string{"profile.update"}},
	{"organization", []string{"organization.setup", "organization.update", "organization.seed"}},
	{"domain", []string{"domain.add", "domain.verify", "domain.recheck"}},
	{"sso", []string{"sso.update"}},
	{"oauth_app", []string{"oauth_app.create", "oauth_app.revoke"}},
	{"mail", []string{"mail.failed", "mail.dead", "mail.retry"}},
	{"authz", []string{"authz.denied"}},
}

// knownAuditFilter reports whether the action filter's value is one the list offers.
func knownAuditFilter(v string) bool {
	for _, f := range AuditFamilies {
		if v == f.Prefix {
			return true
		}
		for _, a := range f.Actions {
			if v == a {
				return true
			}
		}
	}
	return false
}

// auditAction is an action's label ("Account suspended"), or the action itself.
func auditAction(ctx context.Context, action string) string {
	if s, ok := i18n.From(ctx).Lookup("audit.action." + action); ok {
		return s
	}
	return action
}

// auditActor names who acted: a user's email, an app, a job of the console, or someone not
// signed in.
func auditActor(ctx context.Context, e domain.AuditEvent) string {
	switch e.ActorType {
	case "system":
		if s, ok := i18n.From(ctx).Lookup("audit.actor.system." + strings.ReplaceAll(e.ActorLabel, " ", "_")); ok {
			return s
		}
	case "api":
		if e.ActorLabel != "" {
			return T(ctx, "audit.actor.api", "Name", e.ActorLabel)
		}
	case "anonymous":
		if e.ActorLabel == "" && e.ActorSID == "" {
			return T(ctx, "audit.actor.anonymous")
		}
	}
	if e.ActorLabel != "" {
		return e.ActorLabel
	}
	if e.ActorSID != "" {
		return e.ActorSID
	}
	return e.ActorType
}

// auditTarget is the kind of thing an event changed ("User").
func auditTarget(ctx context.Context, typ string) string {
	if s, ok := i18n.From(ctx).Lookup("audit.target." + typ); ok {
		return s
	}
	return typ
}

// auditOutcome labels an event that did not succeed ("Failed", "Denied").
func auditOutcome(ctx context.Context, o string) string {
	if s, ok := i18n.From(ctx).Lookup("audit.outcome." + o); ok {
		return s
	}
	return o
}

// auditField is a recorded field's label ("Status"), and whether it has one.
func auditField(ctx context.Context, field string) (string, bool) {
	return i18n.From(ctx).Lookup("audit.field." + field)
}

// auditReasons are the reasons the console records in English words, by their catalog key.
var auditReasons = map[string]string{
	"wrong code": "wrong_code", "code used before": "code_used_before", "wrong password": "wrong_password",
	"wrong current password": "wrong_current_password", "the link was sent to someone else": "link_for_someone_else",
	"previous owner removed from the organization": "previous_owner_removed", "account import": "account_import",
}

// auditEnums are the fields whose values are the console's words, labelled in audit.toml.
var auditEnums = map[string]bool{"status": true, "org_role": true, "roles": true, "role": true, "state": true, "relation": true,
	"method": true, "type": true, "via": true, "reason": true, "language": true}

// auditRaw are the fields whose values are technical text (a route, a DNS record, a server's
// reply), shown as code, as recorded.
var auditRaw = map[string]bool{"route": true, "record": true, "idp": true, "idp_entity_id": true, "error": true,
	"browser": true, "session_ip": true, "device_cookie": true, "id": true, "request": true, "user": true}

// auditValue is a recorded value in the reader's language where it is one of the console's
// words (a status, a role, a method, yes or no); anything else (an email, a name, a number)
// as recorded. A list ("[owner developer]") is labelled item by item.
func auditValue(ctx context.Context, field, v string) string {
	if len(v) > 2 && v[0] == '[' && v[len(v)-1] == ']' {
		items := strings.Fields(v[1 : len(v)-1])
		for i, it := range items {
			items[i] = auditValue(ctx, field, it)
		}
		return strings.Join(items, T(ctx, "audit.list_separator"))
	}
	if strings.HasSuffix(field, "_at") {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return When(ctx, t)
		}
	}
	if auditEnums[field] {
		key := v
		if k, ok := auditReasons[v]; ok {
			key = k
		}
		if field == "role" { // one account role (account.role.grant, .revoke): as in a list of roles
			field = "roles"
		}
		if s, ok := i18n.From(ctx).Lookup("audit.value." + field + "." + key); ok {
			return s
		}
	}
	switch v {
	case "true", "false":
		return T(ctx, "audit.value."+v)
	}
	return v
}
