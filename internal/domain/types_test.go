package domain

import (
	"slices"
	"testing"
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
