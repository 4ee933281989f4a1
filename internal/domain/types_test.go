package domain

import (
	"slices"
	"testing"
	"time"
)

func TestParseChanges(t *testing.T) {
	e := AuditEvent{Before: `{"status":"active","n":1,"gone":"x"}`, After: `{"status":"suspended","n":2,"new":true}`}
	got := e.ParseChanges()
	want := []Change{{"gone", "x", ""}, {"n", "1", "2"}, {"new", "", "true"}, {"status", "active", "suspended"}}
	if !slices.Equal(got, want) {
		t.Errorf("ParseChanges = %+v, want %+v", got, want)
	}
	if got := (&AuditEvent{}).ParseChanges(); len(got) != 0 {
		t.Errorf("no before or after: %+v", got)
	}
}

// Whatever JSON an event holds, its changes come out once per field, by field name.
func FuzzParseChanges(f *testing.F) {
	f.Add(`{"status":"active"}`, `{"status":"closed"}`)
	f.Add(``, `{"a":[1,2],"b":{"c":null}}`)
	f.Add(`not json`, `{"x":1e400}`)
	f.Fuzz(func(t *testing.T, before, after string) {
		e := AuditEvent{Before: before, After: after}
		got := e.ParseChanges()
		for i := 1; i < len(got); i++ {
			if got[i-1].Field >= got[i].Field {
				t.Fatalf("fields out of order or repeated: %q then %q", got[i-1].Field, got[i].Field)
			}
		}
		if again := e.ParseChanges(); !slices.Equal(got, again) {
			t.Fatalf("two parses differ: %+v, %+v", got, again)
		}
	})
}

func TestFormatTime(t *testing.T) {
	at := time.Date(2026, 12, 2, 21, 2, 27, 0, time.FixedZone("JST", 9*3600))
	if got, want := FormatTime(at), "Dec 2, 2026, 12:02 UTC"; got != want {
		t.Errorf("FormatTime = %q, want %q", got, want)
	}
}
