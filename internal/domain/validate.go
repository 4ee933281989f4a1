package domain

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Limits on input.
const (
	MaxNameLen       = 64
	MinPasswordLen   = 12
	MaxPasswordLen   = 128
	MaxEmailLen      = 254
	MaxOrgNameLen    = 100
	MaxPersonNameLen = 100
)

// NormalizeEmail trims and lower-cases an email address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateEmail returns a message when s is not a plain email address.
func ValidateEmail(s string) Message {
	if s == "" {
		return MsgEmailMissing
	}
	if len(s) > MaxEmailLen {
		return MsgEmailTooLong
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return MsgEmailInvalid
	}
	return Message{}
}

// EmailDomain returns the part of an email address after the @.
func EmailDomain(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(email[i+1:])
}

// ValidatePassword returns a message when the password is out of length bounds.
func ValidatePassword(s string) Message {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return MsgPasswordMissing
	case n < MinPasswordLen:
		return MsgPasswordTooShort.With(MinPasswordLen)
	case n > MaxPasswordLen:
		return MsgPasswordTooLong.With(MaxPasswordLen)
	}
	return Message{}
}

// PasswordCheck returns why a new password is not acceptable, or the zero Message when it is;
// hints are words the password must not lean on (the user's email, name, organization). The
// app's is auth.PasswordProblem: judging how guessable a password is needs a dictionary.
type PasswordCheck func(password string, hints ...string) Message

// ValidateText returns missing when s (already trimmed) is empty and tooLong, filled with max,
// when it is longer than max characters.
func ValidateText(s string, max int, missing, tooLong Message) Message {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return missing
	case n > max:
		return tooLong.With(max)
	}
	return Message{}
}

// oneLine reports whether s holds no line break (nor NUL, which no text field takes).
func oneLine(s string) bool { return !strings.ContainsAny(s, "\x00\r\n") }

// ValidateAccountName returns a message when an account's friendly name is not 1–64 characters.
func ValidateAccountName(s string) Message {
	if !oneLine(s) {
		return MsgAccountNameOneLine
	}
	return ValidateText(s, MaxNameLen, MsgAccountNameMissing, MsgAccountNameTooLong)
}

// ValidateDomainName returns a message when s is not a plausible DNS domain name.
func ValidateDomainName(s string) Message {
	if s == "" {
		return MsgDomainMissing
	}
	if len(s) > 253 || !strings.Contains(s, ".") {
		return MsgDomainInvalid
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return MsgDomainInvalid
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return MsgDomainCharacters
			}
		}
	}
	return Message{}
}

// NormalizeDomain trims and lower-cases a domain typed by a person, and says what is wrong with it.
func NormalizeDomain(raw string) (string, Message) {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(raw)), ".")
	switch {
	case d == "":
		return d, MsgDomainMissing
	case strings.ContainsAny(d, " \t\r\n"):
		return d, MsgDomainSpaces
	case strings.Contains(d, "@"):
		return d, MsgDomainWithAt
	case strings.Contains(d, "/") || strings.Contains(d, ":"):
		return d, MsgDomainWithScheme
	}
	if m := ValidateDomainName(d); !m.IsZero() {
		return d, m
	}
	if PublicMailDomain(d) {
		return d, MsgDomainPublic.With(d)
	}
	return d, Message{}
}
