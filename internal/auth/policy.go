package auth

import (
	"strings"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"

	"admincenter/internal/domain"
)

// minPasswordScore is the lowest zxcvbn score (0–4) a new password may have: 3 means
// "safely unguessable" (about 10^8 guesses or more).
const minPasswordScore = 3

// PasswordProblem returns why a new password is not acceptable, or "" when it is.
// hints are words the password must not lean on (the user's email, name, organization).
// Every form that sets a password calls it.
func PasswordProblem(password string, hints ...string) string {
	if m := domain.ValidatePassword(password); m != "" {
		return m
	}
	r := zxcvbn.PasswordStrength(password, expandHints(hints))
	if r.Score >= minPasswordScore {
		return ""
	}
	return "This password is too easy to guess: " + weakness(password, r.Sequence) +
		" Try a passphrase of four or more unrelated words."
}

// expandHints adds the parts of each hint (an email's local part and domain, each word of a
// name) so that "olive2024!" is caught for Olive Owner as well as the full name.
func expandHints(hints []string) []string {
	var out []string
	for _, h := range hints {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		out = append(out, h)
		for _, part := range strings.FieldsFunc(h, func(r rune) bool { return strings.ContainsRune(" @.-_+", r) }) {
			if len(part) >= 3 {
				out = append(out, part)
			}
		}
	}
	return out
}

// weakness names, in plain words, the most guessable part of the password. It never quotes
// the password back.
func weakness(password string, seq []*match.Match) string {
	var worst *match.Match
	for _, m := range seq {
		if m.Pattern == "bruteforce" {
			continue
		}
		if worst == nil || m.J-m.I > worst.J-worst.I {
			worst = m
		}
	}
	if worst == nil {
		return "it is short and simple."
	}
	whole := worst.I == 0 && worst.J == len([]rune(password))-1
	switch worst.Pattern {
	case "dictionary":
		switch worst.DictionaryName {
		case "user_inputs":
			return "it contains your name, your email address or your organization's name."
		case "passwords":
			if whole {
				return "it is one of the most common passwords."
			}
			return "it is built on a commonly used password."
		case "surnames", "male_names", "female_names":
			return "names are among the first things guessed."
		}
		if worst.L33t || worst.Reversed {
			return "common words are easy to guess even with swapped letters, symbols or reversed."
		}
		return "a single common word, or a few, is easy to guess."
	case "repeat":
		return "repeated characters or patterns (like aaaa or abcabc) are easy to guess."
	case "sequence":
		return "sequences like abcd or 9876 are easy to guess."
	case "spatial":
		return "rows of neighbouring keys (like qwerty) are easy to guess."
	case "date", "regex":
		return "dates and years are easy to guess."
	}
	return "it follows a pattern that is easy to guess."
}
