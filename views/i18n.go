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
