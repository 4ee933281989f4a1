package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"admincenter/internal/domain"
)

// keys reads every message ID of one language's catalogs, with the file each is in.
func keys(t *testing.T, lang string) map[string]string {
	t.Helper()
	files, _ := fs.Glob(catalogs, "locales/"+lang+"/*.toml")
	out := map[string]string{}
	for _, name := range files {
		var raw map[string]any
		buf, _ := catalogs.ReadFile(name)
		if err := toml.Unmarshal(buf, &raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k := range raw {
			if prev, dup := out[k]; dup {
				t.Errorf("%s: %q is also in %s", name, k, prev)
			}
			out[k] = path.Base(name)
		}
	}
	return out
}

// Both languages have the same messages, each in the same file.
func TestCatalogParity(t *testing.T) {
	en, ja := keys(t, "en"), keys(t, "ja")
	if len(en) < 50 {
		t.Fatalf("only %d English messages: the test no longer reads the catalogs", len(en))
	}
	var diff []string
	for k, f := range en {
		if jf, ok := ja[k]; !ok {
			diff = append(diff, "missing in ja/"+f+": "+k)
		} else if jf != f {
			diff = append(diff, k+" is in en/"+f+" but ja/"+jf)
		}
	}
	for k, f := range ja {
		if _, ok := en[k]; !ok {
			diff = append(diff, "missing in en/"+f+" (or extra in ja): "+k)
		}
	}
	sort.Strings(diff)
	for _, d := range diff {
		t.Error(d)
	}
}

// Every domain.Message (a form error) has its "form.<ID>" entry in both catalogs.
func TestDomainMessagesAreTranslated(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../domain/catalog.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	en, ja := keys(t, "en"), keys(t, "ja")
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		kv, ok := node.(*ast.KeyValueExpr)
		if !ok || kv.Key.(*ast.Ident).Name != "ID" {
			return true
		}
		id, _ := strconv.Unquote(kv.Value.(*ast.BasicLit).Value)
		if id == domain.MsgJoined.ID {
			return true
		}
		n++
		if _, ok := en["form."+id]; !ok {
			t.Errorf("en has no form.%s", id)
		}
		if _, ok := ja["form."+id]; !ok {
			t.Errorf("ja has no form.%s", id)
		}
		return true
	})
	if n < 80 {
		t.Errorf("read %d domain messages; the test no longer reads domain/catalog.go", n)
	}
}

// A message missing in Japanese is said in English, never as its ID; one missing everywhere
// is reported (Missing) and says nothing.
func TestMissingFallsBackToEnglish(t *testing.T) {
	bundle.MustAddMessages(language.English, &goi18n.Message{ID: "test.only_english", Other: "Only in English"})
	ja := New("ja", "Asia/Tokyo")
	if got := ja.T("test.only_english"); got != "Only in English" {
		t.Errorf("missing Japanese = %q, want the English text", got)
	}
	var missed []string
	old := Missing
	Missing = func(id string) { missed = append(missed, id) }
	defer func() { Missing = old }()
	if got := ja.T("test.nowhere"); got != "" || strings.Contains(got, "test.") {
		t.Errorf("missing everywhere = %q, want nothing", got)
	}
	if len(missed) != 1 {
		t.Errorf("Missing called with %v", missed)
	}
	// A domain message without an entry says its English text.
	m := domain.Message{ID: "test.unlisted", Text: "Plain English."}
	if got := ja.Msg(m); got != "Plain English." {
		t.Errorf("Msg = %q", got)
	}
}

func TestTimesInTheReadersZone(t *testing.T) {
	at := time.Date(2026, 12, 2, 12, 2, 0, 0, time.UTC)
	if got := New("ja", "Asia/Tokyo").Time(at); got != "2026年12月2日 21:02 JST" {
		t.Errorf("ja Tokyo = %q", got)
	}
	if got := New("en", "").Time(at); got != "Dec 2, 2026, 12:02 UTC" {
		t.Errorf("en UTC = %q", got)
	}
	if got := New("en", "Asia/Tokyo").Time(at); got != "Dec 2, 2026, 21:02 JST" {
		t.Errorf("en Tokyo = %q", got)
	}
	if got := New("ja", "").Number(4806); got != "4,806" {
		t.Errorf("Number = %q", got)
	}
	if got := New("ja", "").TN("mail.recovery_used.left", 1); got != "リカバリーコードは残り 1 個です。" {
		t.Errorf("TN ja = %q", got)
	}
	if got := New("en", "").TN("mail.recovery_used.left", 1); got != "You have 1 recovery code left." {
		t.Errorf("TN en one = %q", got)
	}
	if got := New("en", "").TN("mail.recovery_used.left", 1200); got != "You have 1,200 recovery codes left." {
		t.Errorf("TN en other = %q", got)
	}
}

func TestDomainMessageTranslated(t *testing.T) {
	ja := New("ja", "")
	if got := ja.Msg(domain.MsgPasswordTooShort.With(12)); !strings.Contains(got, "12") || strings.Contains(got, "Use") {
		t.Errorf("ja too short = %q", got)
	}
	joined := domain.JoinMessages(domain.MsgDomainListed.With("a.dev"), domain.MsgDomainTaken.With("b.dev"))
	if got := ja.Msg(joined); !strings.Contains(got, "a.dev") || !strings.Contains(got, "b.dev") || strings.Contains(got, "already") {
		t.Errorf("ja joined = %q", got)
	}
}

func TestPseudo(t *testing.T) {
	p := New(Pseudo, "")
	if got := p.T("layout.sign_out"); got != "⟦Šîĝñ öüţ⟧" {
		t.Errorf("pseudo = %q", got)
	}
	if got := p.T("error.code", "Status", 404); got != "⟦Éŕŕöŕ 404⟧" {
		t.Errorf("pseudo with data = %q", got)
	}
	if got := p.Msg(domain.MsgPasswordTooShort.With(12)); !strings.HasPrefix(got, "⟦") || !strings.Contains(got, "12") {
		t.Errorf("pseudo Msg = %q", got)
	}
}
