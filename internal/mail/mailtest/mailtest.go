// Package mailtest reads a store's outbox as the recipients get it, for the tests of other
// packages. Only tests import it. It stands beside internal/store/storetest rather than in it
// because it composes through internal/mail, which imports the store: storetest must not, so
// that the store's own tests can use it.
package mailtest

import (
	"context"
	"strings"
	"testing"

	"admincenter/internal/mail"
	"admincenter/internal/store"
)

// Mail is an outbox message as its recipient gets it, with the link token the outbox holds for
// it until it is sent.
type Mail struct {
	mail.Message
	To    string
	Token string
}

// MailsTo returns every outbox message to the address (whatever its case), oldest first,
// composed with links below baseURL.
func MailsTo(t testing.TB, st *store.Store, baseURL, to string) []Mail {
	t.Helper()
	// Tests queue a few messages; this reads them all.
	all, err := st.ListDevMail(context.Background(), 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	var out []Mail
	for i := len(all) - 1; i >= 0; i-- {
		m := all[i]
		if !strings.EqualFold(m.To, to) {
			continue
		}
		msg, err := mail.Compose(m, baseURL)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Mail{Message: msg, To: m.To, Token: m.Token})
	}
	return out
}
