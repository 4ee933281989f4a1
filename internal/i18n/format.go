package i18n

import (
	"strconv"
	"time"

	"admincenter/internal/domain"
)

// In returns t in the reader's time zone.
func (loc *Locale) In(t time.Time) time.Time { return t.In(loc.Zone) }

// Time writes a moment in the reader's zone and language, the zone named:
// "Dec 2, 2026, 12:02 UTC" or "2026年12月2日 21:02 JST"; "—" for never.
func (loc *Locale) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d, c := loc.TimeParts(t)
	return d + " " + c
}

// TimeParts splits Time's text into the date and the time of day with its zone, so that a
// narrow column wraps between them: ("Dec 2, 2026,", "12:02 UTC"), ("2026年12月2日", "21:02 JST").
func (loc *Locale) TimeParts(t time.Time) (date, clock string) {
	t = loc.In(t)
	clock = t.Format("15:04 ") + zoneName(t)
	switch loc.Lang {
	case domain.LangJapanese:
		return t.Format("2006年1月2日"), clock
	case Pseudo:
		return "⟦" + t.Format("Jan 2, 2006,") + "⟧", "⟦" + clock + "⟧"
	}
	return t.Format("Jan 2, 2006,"), clock
}

// Date writes a day in the reader's zone: "Dec 2, 2026" or "2026年12月2日".
func (loc *Locale) Date(t time.Time) string {
	t = loc.In(t)
	switch loc.Lang {
	case domain.LangJapanese:
		return t.Format("2006年1月2日")
	case Pseudo:
		return "⟦" + t.Format("Jan 2, 2006") + "⟧"
	}
	return t.Format("Jan 2, 2006")
}

// zoneName is the zone's abbreviation (JST, CET, UTC); a zone whose abbreviation is only an
// offset ("+07") is written as UTC+07:00.
func zoneName(t time.Time) string {
	name, _ := t.Zone()
	if name != "" && (name[0] < '0' || name[0] > '9') && name[0] != '+' && name[0] != '-' {
		return name
	}
	return "UTC" + t.Format("-07:00")
}

// Number writes n in the language's format: 4,806 in both English and Japanese (Japanese
// groups digits by thousands with a comma too).
func (loc *Locale) Number(n int) string {
	if n < 0 {
		return "-" + loc.Number(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
