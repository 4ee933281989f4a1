// Package views holds the templ components and the plain view models they take.
// It never imports Echo or the store.
package views

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"admincenter/internal/domain"
	"admincenter/internal/i18n"
)

// Page is what every page's layout needs.
type Page struct {
	Title   string // "Billing EU · Accounts"; the layout appends " · Admin Center"
	Nav     string // active navigation item: accounts, users, domains, sso, audit, oauth, my-accounts, profile
	CSRF    string
	User    *domain.User // nil when signed out
	OrgName string
	Flashes []Flash
	Dev     bool
	Crumbs  []Crumb
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // success, error, info
	Message string
}

// Crumb is one breadcrumb link.
type Crumb struct {
	Label string
	Href  string
}

// Form carries a form's submitted values and its field errors, so a 422 re-renders the input.
type Form struct {
	Values map[string]string
	Errors map[string]string         // each field's message in English (tests, conditions)
	Msgs   map[string]domain.Message // each field's message as said: Say translates it
	Error  string                    // a summary shown above the form, already in the reader's language
}

// V returns the submitted value of field.
func (f Form) V(field string) string { return f.Values[field] }

// E returns the error message of field.
func (f Form) E(field string) string { return f.Errors[field] }

// Say returns the error message of field in the reader's language.
func (f Form) Say(ctx context.Context, field string) string {
	if m, ok := f.Msgs[field]; ok {
		return i18n.From(ctx).Msg(m)
	}
	return f.Errors[field]
}

// Fields returns the names of the fields with errors, in a stable order.
func (f Form) Fields() []string {
	out := make([]string, 0, len(f.Errors))
	for k := range f.Errors {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Has reports whether the form has any errors.
func (f Form) Has() bool { return len(f.Errors) > 0 || f.Error != "" }

// Checked reports whether a checkbox field was submitted as on.
func (f Form) Checked(field string) bool { return f.Values[field] == "on" }

func fullTitle(ctx context.Context, t string) string {
	if t == "" {
		return T(ctx, "app.name")
	}
	return t + " · " + T(ctx, "app.name")
}

// formatTime writes a moment the one way pages write it (domain.TimeLayout); "—" for never.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return domain.FormatTime(t)
}

func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// timeParts splits formatTime's text into the date and the time of day, so that a narrow column
// wraps between them ("Dec 2, 2026," / "12:02 UTC") and nowhere else.
func timeParts(t time.Time) (date, clock string) {
	s := formatTime(t)
	if i := strings.LastIndex(s, ", "); i >= 0 {
		return s[:i+1], s[i+2:]
	}
	return s, ""
}

func statusLabel(s string) string {
	switch s {
	case domain.StatusPendingClosure:
		return "Pending closure"
	case "":
		return "—"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func typeLabel(t string) string {
	if t == domain.AccountFlex {
		return "Flex"
	}
	return "Standard"
}

func initials(name string) string {
	f := strings.Fields(name)
	switch len(f) {
	case 0:
		return "?"
	case 1:
		return strings.ToUpper(string([]rune(f[0])[:1]))
	}
	return strings.ToUpper(string([]rune(f[0])[:1]) + string([]rune(f[len(f)-1])[:1]))
}

func errorID(field string) string { return field + "-error" }

func itoaInt(n int) string { return strconv.Itoa(n) }

// thousands writes n with thousands separators: 4806 → "4,806".
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
