package domain

import (
	"strings"
	"testing"
)

func FuzzValidSID(f *testing.F) {
	for _, s := range []string{"AC" + strings.Repeat("a", 32), "AC" + strings.Repeat("A", 32), "ac", "", "AC\x00", "US0123456789abcdef0123456789abcdef"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ok := ValidSID(PrefixAccount, s)
		if ok && (len(s) != 34 || !strings.HasPrefix(s, "AC") || strings.ToLower(s[2:]) != s[2:]) {
			t.Fatalf("ValidSID accepted %q", s)
		}
		if ok != (NewSID(PrefixAccount)[:2] == s[:min(2, len(s))] && len(s) == 34 && strings.Trim(s[2:], "0123456789abcdef") == "") {
			t.Fatalf("ValidSID(%q) = %v disagrees with the definition", s, ok)
		}
	})
}

func FuzzValidateEmail(f *testing.F) {
	for _, s := range []string{"a@b.co", "", "no-at", "a@b", "\"q\"@x.com", "x@y.com\n", strings.Repeat("a", 300) + "@x.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateEmail(s).IsZero() {
			if strings.ContainsAny(s, "\r\n<>, ") || !strings.Contains(s, "@") || len(s) > MaxEmailLen {
				t.Fatalf("ValidateEmail accepted %q", s)
			}
		}
	})
}

func TestValidSID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{NewSID("AC"), true},
		{"AC" + strings.Repeat("0", 32), true},
		{"AC" + strings.Repeat("F", 32), false},
		{"US" + strings.Repeat("0", 32), false},
		{"AC" + strings.Repeat("0", 31), false},
		{"", false},
	}
	for _, tc := range tests {
		if got := ValidSID("AC", tc.in); got != tc.want {
			t.Errorf("ValidSID(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestRoleSIDsAreFixedAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range AccountRoles {
		sid := RoleSID(r)
		if !ValidSID(PrefixRole, sid) || seen[sid] || RoleBySID(sid) != r {
			t.Errorf("role %s has SID %q", r, sid)
		}
		seen[sid] = true
	}
	if got, want := RoleSID(RoleDeveloper), RoleSID(RoleDeveloper); got != want {
		t.Error("role SIDs changed between calls")
	}
}
