package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"admincenter/internal/domain"
)

func TestPasswordProblem(t *testing.T) {
	hints := []string{"olive.owner@example.com", "Olive Owner", "Example Corp"}
	for _, tc := range []struct {
		pw   string
		want string // a part of the message; "" for accepted
	}{
		{"correct horse battery staple", ""},
		{"Tr0ub4dor&3-plus-more", ""},
		{"", "Enter a password."},
		{"short", "Use at least 12 characters."},
		{strings.Repeat("x", 129), "Use at most 128 characters."},
		{strings.Repeat("é", 10000), "Use at most 128 characters."},
		{"password1234", "most common passwords"},
		{"iloveyou1234", "commonly used password"},
		{"aaaaaaaaaaaaaaaa", "repeated characters"},
		{"abcdefghijklmn", "sequences"},
		{"qwertyuiop[]", "neighbouring keys"},
		{"olive.owner@example.com1", "your name, your email address"},
		{"Example Corp 1", "your name, your email address"},
	} {
		m := PasswordProblem(tc.pw, hints...)
		got := m.Text
		if (tc.want == "") != m.IsZero() || (got == "") != m.IsZero() || !strings.Contains(got, tc.want) {
			t.Errorf("PasswordProblem(%.20q) = %q, want it to say %q", tc.pw, got, tc.want)
		}
		if got != "" && len(tc.pw) >= 4 && strings.Contains(got, tc.pw) {
			t.Errorf("the message quotes the password: %q", got)
		}
	}
}

func TestMatchTOTPAndRecoveryCodes(t *testing.T) {
	secret := NewTOTPSecret()
	now := time.Date(2026, 3, 1, 9, 0, 45, 0, time.UTC)
	cur, _ := totp.GenerateCode(secret, now)
	prev, _ := totp.GenerateCode(secret, now.Add(-30*time.Second))
	old, _ := totp.GenerateCode(secret, now.Add(-60*time.Second))
	if st, ok := MatchTOTP(secret, cur, now); !ok || st != TOTPStep(now) {
		t.Errorf("current code: step %d, %v", st, ok)
	}
	if st, ok := MatchTOTP(secret, prev, now); !ok || st != TOTPStep(now)-1 {
		t.Errorf("previous code: step %d, %v", st, ok)
	}
	for _, bad := range []string{old, "", "12345", "1234567", "abcdef", strings.Repeat("1", 10000)} {
		if bad == cur || bad == prev {
			continue
		}
		if _, ok := MatchTOTP(secret, bad, now); ok {
			t.Errorf("MatchTOTP accepted %.10q", bad)
		}
	}
	codes := NewRecoveryCodes(RecoveryCodeCount)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 19 || !domain.IsRecoveryCode(domain.NormalizeCode(c)) || seen[c] {
			t.Errorf("bad or repeated recovery code %q", c)
		}
		seen[c] = true
	}
	if string(HashRecoveryCode(codes[0])) != string(HashRecoveryCode(" "+strings.ToUpper(codes[0]))) {
		t.Error("a recovery code typed in capitals hashes differently")
	}
	png, err := TOTPQRCode(TOTPURL("Admin Center", "olive@example.com", secret), 200)
	if err != nil || len(png) < 100 || string(png[1:4]) != "PNG" {
		t.Errorf("QR code: %d bytes, %v", len(png), err)
	}
}
