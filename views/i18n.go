package views

import (
	"context"
	"time"

	"admincenter/internal/domain"
	"admincenter/internal/i18n"
)

// The helpers templates translate with. The reader's locale travels in the request's context
// (web sets it; a component rendered without one speaks English in UTC).

// T returns the catalog message id, filled with pairs of names and values: T(ctx, "nav.accounts"),
// T(ctx, "accounts.title", "Name", name) for {{.Name}}.
func T(ctx context.Context, id string, pairs ...any) string { return i18n.From(ctx).T(id, pairs...) }

// TN returns the catalog message id in the plural form for count ({{.Count}} in the message).
func TN(ctx context.Context, id string, count int, pairs ...any) string {
	return i18n.From(ctx).TN(id, count, pairs...)
}

// M says a domain.Message (a form error) in the reader's language.
func M(ctx context.Context, m domain.Message) string { return i18n.From(ctx).Msg(m) }

// When writes a moment in the reader's zone and language, the zone named; "—" for never.
func When(ctx context.Context, t time.Time) string { return i18n.From(ctx).Time(t) }

// Day writes the date of a moment in the reader's zone and language.
func Day(ctx context.Context, t time.Time) string { return i18n.From(ctx).Date(t) }

// Num writes a count in the reader's number format.
func Num(ctx context.Context, n int) string { return i18n.From(ctx).Number(n) }

// Lang is the reader's language for <html lang>.
func Lang(ctx context.Context) string {
	if l := i18n.From(ctx).Lang; l == domain.LangJapanese {
		return l
	}
	return domain.LangEnglish
}

// RoleName is an account role's name (Twilio's names, in English in every language) or an
// organization role's name in the reader's language.
func RoleName(ctx context.Context, role string) string {
	switch role {
	case domain.RoleOwner, domain.RoleAdministrator, domain.RoleDeveloper, domain.RoleBillingManager, domain.RoleSupport, domain.OrgRoleStandard:
		return T(ctx, "role."+role)
	}
	return role
}

// RoleNames lists the roles' names with the language's separator.
func RoleNames(ctx context.Context, roles []string) string {
	out := ""
	for i, r := range roles {
		if i > 0 {
			out += T(ctx, "list.separator")
		}
		out += RoleName(ctx, r)
	}
	return out
}

// accountType is an account type's name (Standard, Flex).
func accountType(ctx context.Context, t string) string {
	if t == domain.AccountFlex {
		return T(ctx, "accounts.type.flex")
	}
	return T(ctx, "accounts.type.standard")
}
