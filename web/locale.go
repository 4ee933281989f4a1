package web

import (
	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"

	"admincenter/internal/domain"
	"admincenter/internal/i18n"
)

// allowPseudo lets a request ask for the pseudo-locale (Accept-Language: xx): tests only.
var allowPseudo = false

var langMatcher = language.NewMatcher([]language.Tag{language.English, language.Japanese})

// localeOf is the reader's language and time zone: the user's choices; else the language the
// browser asks for (Accept-Language, English or Japanese, else English) and the organization's
// time zone, else UTC.
func (s *Server) localeOf(c echo.Context) *i18n.Locale {
	lang, zone := "", ""
	if u := currentUser(c); u != nil {
		lang, zone = u.Language, u.TimeZone
		if zone == "" {
			if sess := currentSession(c); sess != nil && sess.UserSID == u.SID {
				zone = sess.OrgTimeZone
			}
		}
	}
	if lang == "" {
		lang = acceptLanguage(c.Request().Header.Get("Accept-Language"))
	}
	return i18n.New(lang, zone)
}

// acceptLanguage picks English or Japanese from an Accept-Language header; English when it
// names neither.
func acceptLanguage(header string) string {
	if header == "" {
		return domain.LangEnglish
	}
	if allowPseudo && header == i18n.Pseudo {
		return i18n.Pseudo
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return domain.LangEnglish
	}
	_, i, conf := langMatcher.Match(tags...)
	if conf == language.No || i != 1 {
		return domain.LangEnglish
	}
	return domain.LangJapanese
}

// withLocale puts the reader's locale on the request's context, where templates and handlers
// find it (i18n.From).
func (s *Server) withLocale(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		setLocale(c, s.localeOf(c))
		return next(c)
	}
}

func setLocale(c echo.Context, loc *i18n.Locale) {
	r := c.Request()
	c.SetRequest(r.WithContext(i18n.WithLocale(r.Context(), loc)))
	c.Set(ctxLocale, loc)
}

const ctxLocale = "locale"

// loc returns the request's locale.
func loc(c echo.Context) *i18n.Locale { return i18n.From(c.Request().Context()) }
