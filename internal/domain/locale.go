package domain

import (
	"strings"
	"time"
)

// Languages the console speaks, by the code a user chooses ("" = not chosen).
const (
	LangEnglish  = "en"
	LangJapanese = "ja"
)

// Languages lists the choosable languages, in the order a form offers them.
var Languages = []string{LangEnglish, LangJapanese}

// ValidLanguage reports whether code is a language the console speaks.
func ValidLanguage(code string) bool { return code == LangEnglish || code == LangJapanese }

// ValidTimeZone reports whether name is an IANA time zone the server knows ("UTC" included).
// A name is case-sensitive, as in the tz database, and never "Local" nor a file path.
func ValidTimeZone(name string) bool {
	if name == "" || name == "Local" || strings.ContainsAny(name, "\\\x00 ") || strings.HasPrefix(name, "/") ||
		strings.Contains(name, "..") || len(name) > 64 {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// ProfileInput is a user's own name, language and time zone (GET,POST /settings/profile) or the
// organization's name and defaults (GET,POST /admin/organization), as submitted.
type ProfileInput struct {
	Name     string
	Language string
	TimeZone string
}

// Validate trims the input and checks each field; org says the name is an organization's.
func (in *ProfileInput) Validate(org bool) error {
	in.Name, in.Language, in.TimeZone = strings.TrimSpace(in.Name), strings.TrimSpace(in.Language), strings.TrimSpace(in.TimeZone)
	v := Validation{}
	if org {
		v.Add("name", ValidateText(in.Name, MaxOrgNameLen, MsgOrgNameMissing, MsgOrgNameTooLong))
	} else {
		v.Add("name", ValidateText(in.Name, MaxPersonNameLen, MsgPersonNameMissing, MsgPersonNameTooLong))
	}
	if !oneLine(in.Name) {
		v.Add("name", MsgNameOneLine)
	}
	if !ValidLanguage(in.Language) {
		v.Add("language", MsgLanguageUnknown)
	}
	if !ValidTimeZone(in.TimeZone) {
		v.Add("timezone", MsgTimeZoneUnknown)
	}
	return v.Err()
}
