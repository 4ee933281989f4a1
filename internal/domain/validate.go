package domain

import (
	"net/mail"
	"strconv"
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
func ValidateEmail(s string) string {
	if s == "" {
		return "Enter an email address."
	}
	if len(s) > MaxEmailLen {
		return "Email address is too long."
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "Enter an email address like name@example.com."
	}
	return ""
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
func ValidatePassword(s string) string {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return "Enter a password."
	case n < MinPasswordLen:
		return "Use at least 12 characters."
	case n > MaxPasswordLen:
		return "Use at most 128 characters."
	}
	return ""
}

// ValidateText returns a message when s (already trimmed) is empty or longer than max characters.
func ValidateText(label, s string, max int) string {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return "Enter " + label + "."
	case n > max:
		return strings.ToUpper(label[:1]) + label[1:] + " must be at most " + strconv.Itoa(max) + " characters."
	}
	return ""
}

// ValidateAccountName returns a message when an account's friendly name is not 1–64 characters.
func ValidateAccountName(s string) string {
	if strings.ContainsAny(s, "\x00\r\n") {
		return "The account name must be on one line."
	}
	return ValidateText("an account name", s, MaxNameLen)
}

// ValidateDomainName returns a message when s is not a plausible DNS domain name.
func ValidateDomainName(s string) string {
	if s == "" {
		return "Enter a domain."
	}
	if len(s) > 253 || !strings.Contains(s, ".") {
		return "Enter a domain like example.com."
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "Enter a domain like example.com."
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "Enter a domain like example.com (letters, digits and hyphens only)."
			}
		}
	}
	return ""
}
