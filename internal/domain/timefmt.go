package domain

import "time"

// TimeLayout is how pages, emails and messages write a moment, in UTC: "Dec 2, 2026, 12:02 UTC".
// Exports (CSV) and the API write ISO 8601 (RFC 3339) in UTC instead.
const TimeLayout = "Jan 2, 2006, 15:04 UTC"

// FormatTime writes t with TimeLayout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }
