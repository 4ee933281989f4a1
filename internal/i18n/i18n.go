// Package i18n says things to a person in their language (English or Japanese) and writes
// times in their time zone. The messages live in TOML catalogs embedded from locales/<lang>/,
// one file per area; glossary.md beside them lists the Japanese terms.
//
// A *Locale is made for each request (web) or each email (mail) and travels in the request's
// context (WithLocale, From) or with the email: there is no current language anywhere global.
// The bundle of catalogs is read-only data, parsed once.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"admincenter/internal/domain"
)

//go:embed locales/*/*.toml
var catalogs embed.FS

// Pseudo is the pseudo-locale used by tests: every catalog string in English, transformed
// (accented letters, wrapped in ⟦ ⟧), so that text not taken from a catalog stands out.
// Only a server built with it allowed (tests) accepts it.
const Pseudo = "xx"

var (
	bundle       = goi18n.NewBundle(language.English)
	pseudoBundle = goi18n.NewBundle(language.English)
)

func init() {
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(catalogs, "locales/*/*.toml")
	if err != nil {
		panic(err)
	}
	for _, name := range files {
		buf, err := catalogs.ReadFile(name)
		if err != nil {
			panic(err)
		}
		lang := path.Base(path.Dir(name))
		msgs, err := goi18n.ParseMessageBytes(buf, toml.Unmarshal)
		if err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", name, err))
		}
		tag := language.MustParse(lang)
		bundle.MustAddMessages(tag, msgs...)
		if lang == domain.LangEnglish {
			pseudoBundle.MustAddMessages(language.English, pseudoMessages(msgs)...)
		}
	}
}

// Locale is one reader's language and time zone.
type Locale struct {
	Lang string         // "en", "ja" or Pseudo
	Zone *time.Location // never nil
	l    *goi18n.Localizer
}

// New returns the locale for lang ("en", "ja"; anything else is English) in the time zone
// named zone (an IANA name; "" or unknown is UTC).
func New(lang, zone string) *Locale {
	loc := &Locale{Lang: domain.LangEnglish, Zone: time.UTC}
	if zone != "" && domain.ValidTimeZone(zone) {
		if z, err := time.LoadLocation(zone); err == nil {
			loc.Zone = z
		}
	}
	switch lang {
	case domain.LangJapanese:
		loc.Lang = lang
	case Pseudo:
		loc.Lang = lang
		loc.l = goi18n.NewLocalizer(pseudoBundle, "en")
		return loc
	}
	loc.l = goi18n.NewLocalizer(bundle, loc.Lang)
	return loc
}

var english = New(domain.LangEnglish, "")

// English is the locale of a reader nobody knows: English, UTC.
func English() *Locale { return english }

type ctxKey struct{}

// WithLocale returns ctx carrying loc.
func WithLocale(ctx context.Context, loc *Locale) context.Context {
	return context.WithValue(ctx, ctxKey{}, loc)
}

// From returns the locale ctx carries, else English in UTC.
func From(ctx context.Context) *Locale {
	if ctx != nil {
		if loc, ok := ctx.Value(ctxKey{}).(*Locale); ok && loc != nil {
			return loc
		}
	}
	return english
}

// Missing is called with the ID of a message no catalog has, not even English's (tests make
// it fail; the reader sees nothing rather than the ID).
var Missing = func(id string) {}

// data turns pairs ("Name", v, "Count", n) into a template's data.
func data(pairs []any) map[string]any {
	if len(pairs) == 0 {
		return nil
	}
	m := make(map[string]any, len(pairs)/2+1)
	for i := 0; i+1 < len(pairs); i += 2 {
		k, _ := pairs[i].(string)
		m[k] = pairs[i+1]
	}
	return m
}

// T returns the message id, filled with pairs of names and values ("Name", "Ada"): {{.Name}}
// in the catalog. A message missing in the reader's language is said in English.
func (loc *Locale) T(id string, pairs ...any) string {
	s, err := loc.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data(pairs)})
	if s == "" && err != nil {
		Missing(id)
	}
	return s
}

// Lookup returns the message id, filled with pairs, and whether a catalog has it: for labels of
// open-ended data (an audit event's action, field and value), which fall back to the data
// itself. A missing id is not reported to Missing.
func (loc *Locale) Lookup(id string, pairs ...any) (string, bool) {
	s, err := loc.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data(pairs)})
	if err != nil && s == "" {
		return "", false
	}
	return s, true
}

// TN returns the message id in the plural form for count, which the message reads as
// {{.Count}} (already in the language's number format); pairs add further values.
func (loc *Locale) TN(id string, count int, pairs ...any) string {
	d := data(pairs)
	if d == nil {
		d = map[string]any{}
	}
	d["Count"] = loc.Number(count)
	s, err := loc.l.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: d})
	if s == "" && err != nil {
		Missing(id)
	}
	return s
}

// Msg says a domain.Message (a form error, a notice) in the reader's language: the catalog's
// "form.<ID>" entry, a format whose verbs (%s, %d, %[2]s) take the message's Args, each
// argument that is itself a Message said first. Without an entry it is the English Text.
func (loc *Locale) Msg(m domain.Message) string {
	if m.IsZero() {
		return ""
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		if am, ok := a.(domain.Message); ok {
			args[i] = loc.Msg(am)
		} else if list, ok := a.([]domain.Message); ok {
			parts := make([]string, len(list))
			for j, item := range list {
				parts[j] = loc.Msg(item)
			}
			args[i] = strings.Join(parts, loc.T("list.separator"))
		} else if t, ok := a.(time.Time); ok {
			args[i] = loc.Time(t)
		} else {
			args[i] = a
		}
	}
	if m.ID == domain.MsgJoined.ID {
		parts := make([]string, len(args))
		for i, a := range args {
			parts[i] = fmt.Sprint(a)
		}
		sep := " "
		if loc.Lang == domain.LangJapanese {
			sep = ""
		}
		return strings.Join(parts, sep)
	}
	format, err := loc.l.Localize(&goi18n.LocalizeConfig{MessageID: "form." + m.ID})
	if err != nil && format == "" {
		if loc.Lang == Pseudo {
			return pseudo(m.Text)
		}
		return m.Text
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// Has reports whether the English catalog has id (tests).
func Has(id string) bool {
	_, err := goi18n.NewLocalizer(bundle, "en").Localize(&goi18n.LocalizeConfig{MessageID: id})
	return err == nil
}
