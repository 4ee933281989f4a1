package views

import (
	"context"
	"html"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// safeHTML is a fragment of markup made here (never from input) that tHTML puts into a message.
type safeHTML string

// strongHTML is s, escaped, in <strong>.
func strongHTML(s string) safeHTML { return safeHTML("<strong>" + html.EscapeString(s) + "</strong>") }

// codeHTML is s, escaped, in <code>.
func codeHTML(s string) safeHTML { return safeHTML("<code>" + html.EscapeString(s) + "</code>") }

// tHTML is T with markup in some of its values (safeHTML): the message and every other value
// are escaped, the markup is put in as it is. It lets a translation place an emphasised name
// wherever its grammar wants it.
func tHTML(ctx context.Context, id string, pairs ...any) templ.Component {
	var marks []string
	args := make([]any, len(pairs))
	copy(args, pairs)
	for i := 1; i < len(args); i += 2 {
		if h, ok := args[i].(safeHTML); ok {
			args[i] = "\x00" + strconv.Itoa(len(marks)) + "\x00"
			marks = append(marks, string(h))
		}
	}
	out := html.EscapeString(T(ctx, id, args...))
	for i, m := range marks {
		out = strings.Replace(out, "\x00"+strconv.Itoa(i)+"\x00", m, 1)
	}
	return templ.Raw(out)
}
