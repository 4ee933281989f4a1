package views

import (
	"bytes"
	"context"
	"html"
	"io"
	"strings"
	"testing"
)

// writerOnly hides every method of its writer but Write.
type writerOnly struct{ w io.Writer }

func (w writerOnly) Write(p []byte) (int, error) { return w.w.Write(p) }

func FuzzTextEscapesLikeHTMLEscapeString(f *testing.F) {
	for _, s := range []string{"", "Billing EU", `<script>alert("x")</script>`, "O'Brien & Sons", "a<b>c", "ünïcödé → ✓", "&amp;", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		if err := text(s).Render(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		if got, want := buf.String(), html.EscapeString(s); got != want {
			t.Errorf("text(%q) = %q, want %q", s, got, want)
		}
		// Through a writer without WriteString, too.
		var sb strings.Builder
		if err := text(s).Render(context.Background(), writerOnly{&sb}); err != nil {
			t.Fatal(err)
		}
		if got, want := sb.String(), html.EscapeString(s); got != want {
			t.Errorf("text(%q) via io.Writer = %q, want %q", s, got, want)
		}
	})
}

func TestEmailBreaksBeforeItsDomain(t *testing.T) {
	for in, want := range map[string]string{
		"ada.fischer@example.com": "ada.fischer<wbr>@example.com",
		`"a<b"@example.com`:       "&#34;a&lt;b&#34;<wbr>@example.com",
		"no-at-sign":              "no-at-sign",
		"@leading":                "@leading",
	} {
		var buf bytes.Buffer
		if err := email(in).Render(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want {
			t.Errorf("email(%q) = %q, want %q", in, buf.String(), want)
		}
	}
}
