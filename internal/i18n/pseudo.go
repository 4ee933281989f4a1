package i18n

import (
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// pseudoMessages returns copies of the English messages, each text transformed by pseudo.
func pseudoMessages(msgs []*goi18n.Message) []*goi18n.Message {
	out := make([]*goi18n.Message, len(msgs))
	for i, m := range msgs {
		c := *m
		c.Zero, c.One, c.Two, c.Few, c.Many, c.Other = pseudo(m.Zero), pseudo(m.One), pseudo(m.Two), pseudo(m.Few), pseudo(m.Many), pseudo(m.Other)
		out[i] = &c
	}
	return out
}

var accents = map[rune]rune{
	'a': 'à', 'b': 'ƀ', 'c': 'ç', 'd': 'ď', 'e': 'é', 'f': 'ƒ', 'g': 'ĝ', 'h': 'ĥ', 'i': 'î', 'j': 'ĵ', 'k': 'ķ', 'l': 'ĺ',
	'm': 'ɱ', 'n': 'ñ', 'o': 'ö', 'p': 'þ', 'q': 'ʠ', 'r': 'ŕ', 's': 'š', 't': 'ţ', 'u': 'ü', 'v': 'ṽ', 'w': 'ŵ', 'x': 'ẋ',
	'y': 'ý', 'z': 'ž',
	'A': 'À', 'B': 'Ɓ', 'C': 'Ç', 'D': 'Ď', 'E': 'É', 'F': 'Ƒ', 'G': 'Ĝ', 'H': 'Ĥ', 'I': 'Î', 'J': 'Ĵ', 'K': 'Ķ', 'L': 'Ĺ',
	'M': 'Ṁ', 'N': 'Ñ', 'O': 'Ö', 'P': 'Þ', 'Q': 'Ǫ', 'R': 'Ŕ', 'S': 'Š', 'T': 'Ţ', 'U': 'Ü', 'V': 'Ṽ', 'W': 'Ŵ', 'X': 'Ẋ',
	'Y': 'Ý', 'Z': 'Ž',
}

// pseudo accents the letters of an English text, leaving {{template actions}} and %verbs as
// they are, and wraps it in ⟦ ⟧: "Sign in" → "⟦Šîĝñ îñ⟧".
func pseudo(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString("⟦")
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "{{"):
			end := strings.Index(s[i:], "}}")
			if end < 0 {
				b.WriteString(s[i:])
				i = len(s)
				continue
			}
			b.WriteString(s[i : i+end+2])
			i += end + 2
		case s[i] == '%' && i+1 < len(s):
			j := i + 1
			for j < len(s) && strings.IndexByte("[]0123456789.+-# ", s[j]) >= 0 {
				j++
			}
			if j < len(s) {
				j++
			}
			b.WriteString(s[i:j])
			i = j
		default:
			r := rune(s[i])
			if a, ok := accents[r]; ok {
				b.WriteRune(a)
			} else {
				b.WriteByte(s[i])
			}
			i++
		}
	}
	b.WriteString("⟧")
	return b.String()
}
