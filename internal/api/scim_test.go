package api

import "testing"

func TestSCIMFilter(t *testing.T) {
	tests := []struct {
		filter string
		ok     bool
		value  string
	}{
		{`userName eq "ana@example.com"`, true, "ana@example.com"},
		{`USERNAME EQ "ana@example.com"`, true, "ana@example.com"},
		{`userName  eq  "a\"b@example.com"`, true, `a\"b@example.com`},
		{`userName eq ana@example.com`, false, ""},
		{`userName sw "ana"`, false, ""},
		{`displayName eq "Ana"`, false, ""},
		{`userName eq "a" or userName eq "b"`, false, ""},
		{`emails[type eq "work"]`, false, ""},
	}
	for _, tt := range tests {
		m := filterRE.FindStringSubmatch(tt.filter)
		if (m != nil) != tt.ok || (m != nil && m[1] != tt.value) {
			t.Errorf("%s: match %q, want ok=%v value %q", tt.filter, m, tt.ok, tt.value)
		}
	}
}
