package domain

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// The catalog's IDs are what a translation keys on: each message has its own.
func TestCatalogIDsAreDistinct(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "catalog.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok || kv.Key.(*ast.Ident).Name != "ID" {
			return true
		}
		id, err := strconv.Unquote(kv.Value.(*ast.BasicLit).Value)
		if err != nil || id == "" {
			t.Errorf("ID %s is not a plain string", kv.Value.(*ast.BasicLit).Value)
		}
		if prev, dup := seen[id]; dup {
			t.Errorf("ID %q is used twice (%s)", id, prev)
		}
		seen[id] = id
		return true
	})
	if len(seen) < 80 {
		t.Errorf("found %d IDs in the catalog; the test no longer reads it", len(seen))
	}
}

func TestMessageWithKeepsIDAndArgs(t *testing.T) {
	m := MsgInviteTooMany.With(20)
	if m.ID != MsgInviteTooMany.ID || m.Text != "Invite at most 20 people at once." || len(m.Args) != 1 {
		t.Errorf("With = %+v", m)
	}
	joined := JoinMessages(MsgDomainListed.With("a.dev"), MsgDomainTaken.With("b.dev"))
	if joined.ID != MsgJoined.ID || joined.Text != "a.dev is already on this page. b.dev is verified by another organization." {
		t.Errorf("JoinMessages = %+v", joined)
	}
	if one := JoinMessages(MsgDate); one.ID != MsgDate.ID {
		t.Errorf("JoinMessages of one = %+v", one)
	}
}

func TestValidationKeepsTheFirstMessage(t *testing.T) {
	v := Validation{}
	v.Add("email", Message{})
	if v.Err() != nil {
		t.Fatal("a zero message is a field error")
	}
	v.Add("email", MsgEmailMissing)
	v.Add("email", MsgEmailInvalid)
	if got, want := FieldErrors(v.Err())["email"], MsgEmailMissing.Text; got != want {
		t.Errorf("email = %q, want %q", got, want)
	}
	if FieldError("code", Message{}) != nil {
		t.Error("FieldError of a zero message is not nil")
	}
}
