package domain

import "strings"

// Recovery codes are RecoveryCodeLen characters of RecoveryCodeSymbols, an unambiguous
// lower-case alphabet (about 79 bits), shown in groups of four.
const (
	RecoveryCodeLen     = 16
	RecoveryCodeSymbols = "abcdefghjkmnpqrstuvwxyz23456789" // no i, l, o, 0, 1
)

// NormalizeCode takes what a person typed into a code field: it drops spaces and hyphens and
// lower-cases letters, so "123 456" and "ABCD-EFGH-…" are read as meant.
func NormalizeCode(s string) string {
	if len(s) > 64 {
		return s // too long to be any code; left as is so that it is refused
	}
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c == ' ' || c == '-' || c == '\t' {
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// IsTOTPCode reports whether s has the shape of a TOTP code: six digits.
func IsTOTPCode(s string) bool { return len(s) == 6 && onlyDigits(s) }

// IsRecoveryCode reports whether a normalized code has the shape of a recovery code.
func IsRecoveryCode(s string) bool {
	if len(s) != RecoveryCodeLen {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune(RecoveryCodeSymbols, c) {
			return false
		}
	}
	return true
}

// ValidateCodeInput returns a message when code (as typed) is neither a six-digit TOTP code nor
// a recovery code, so that a typo gets a clear answer without counting as a failure.
func ValidateCodeInput(code string) Message {
	c := NormalizeCode(code)
	switch {
	case c == "":
		return MsgCodeMissing
	case IsTOTPCode(c) || IsRecoveryCode(c):
		return Message{}
	case len(c) < 16 && onlyDigits(c):
		return MsgCodeSixDigits
	}
	return MsgCodeInvalid
}

func onlyDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
