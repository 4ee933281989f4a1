package domain

import (
	"crypto/rand"
	"encoding/hex"
)

// SID prefixes.
const (
	PrefixOrganization   = "OR"
	PrefixUser           = "US"
	PrefixAccount        = "AC"
	PrefixRoleAssignment = "IY"
	PrefixRole           = "IX"
	PrefixOAuthApp       = "OQ"
)

// NewSID returns prefix + 32 random lowercase hex digits.
func NewSID(prefix string) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + hex.EncodeToString(b[:])
}

// ValidSID reports whether s is prefix followed by exactly 32 lowercase hex digits.
func ValidSID(prefix, s string) bool {
	if len(s) != 34 || s[:2] != prefix {
		return false
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
