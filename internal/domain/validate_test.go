package domain

import (
	"strings"
	"testing"
)

func TestNormalizeDomain(t *testing.T) {
	tests := []struct{ in, want, problem string }{
		{" Example.ORG. ", "example.org", ""},
		{"sub.example.co.uk", "sub.example.co.uk", ""},
		{"exa mple.org", "", "no spaces"},
		{"gmail.com", "", "public mail provider"},
		{"outlook.com", "", "public mail provider"},
		{"a@b.org", "", "after the @"},
		{"example", "", "like example.com"},
		{"ex_ample.org", "", "letters, digits and hyphens"},
	}
	for _, tc := range tests {
		got, m := NormalizeDomain(tc.in)
		problem := m.Text
		if tc.problem == "" && (problem != "" || got != tc.want) {
			t.Errorf("NormalizeDomain(%q) = %q, %q", tc.in, got, problem)
		}
		if tc.problem != "" && !strings.Contains(problem, tc.problem) {
			t.Errorf("NormalizeDomain(%q) problem = %q, want it to mention %q", tc.in, problem, tc.problem)
		}
	}
}
