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

// PasswordProblem returns why a new password is not acceptable, or the zero Message when it is.
// hints are words the password must not lean on (the user's email, name, organization).
// Every form that sets a password calls it; it is a domain.PasswordCheck.
func PasswordProblem(password string, hints ...string) domain.Message {
	if m := domain.ValidatePassword(password); !m.IsZero() {
		return m
	}
	r := zxcvbn.PasswordStrength(password, expandHints(hints))
	if r.Score >= minPasswordScore {
		return domain.Message{}
	}
	return domain.MsgPasswordGuessable.With(weakness(password, r.Sequence))
}

// What makes a password easy to guess, in plain words; none quotes the password back.
var (
	weakShort      = domain.Message{ID: "password.weakness.short", Text: "it is short and simple."}
	weakPersonal   = domain.Message{ID: "password.weakness.personal", Text: "it contains your name, your email address or your organization's name."}
	weakCommon     = domain.Message{ID: "password.weakness.common", Text: "it is one of the most common passwords."}
	weakCommonBase = domain.Message{ID: "password.weakness.common_base", Text: "it is built on a commonly used password."}
	weakNames      = domain.Message{ID: "password.weakness.names", Text: "names are among the first things guessed."}
	weakDisguised  = domain.Message{ID: "password.weakness.disguised_words", Text: "common words are easy to guess even with swapped letters, symbols or reversed."}
	weakWords      = domain.Message{ID: "password.weakness.words", Text: "a single common word, or a few, is easy to guess."}
	weakRepeat     = domain.Message{ID: "password.weakness.repeat", Text: "repeated characters or patterns (like aaaa or abcabc) are easy to guess."}
	weakSequence   = domain.Message{ID: "password.weakness.sequence", Text: "sequences like abcd or 9876 are easy to guess."}
	weakKeyboard   = domain.Message{ID: "password.weakness.keyboard", Text: "rows of neighbouring keys (like qwerty) are easy to guess."}
	weakDates      = domain.Message{ID: "password.weakness.dates", Text: "dates and years are easy to guess."}
	weakPattern    = domain.Message{ID: "password.weakness.pattern", Text: "it follows a pattern that is easy to guess."}
)

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
func weakness(password string, seq []*match.Match) domain.Message {
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
		return weakShort
	}
	whole := worst.I == 0 && worst.J == len([]rune(password))-1
	switch worst.Pattern {
	case "dictionary":
		switch worst.DictionaryName {
		case "user_inputs":
			return weakPersonal
		case "passwords":
			if whole {
				return weakCommon
			}
			return weakCommonBase
		case "surnames", "male_names", "female_names":
			return weakNames
		}
		if worst.L33t || worst.Reversed {
			return weakDisguised
		}
		return weakWords
	case "repeat":
		return weakRepeat
	case "sequence":
		return weakSequence
	case "spatial":
		return weakKeyboard
	case "date", "regex":
		return weakDates
	}
	return weakPattern
}
