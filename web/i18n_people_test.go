package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"admincenter/internal/i18n"
	"admincenter/views"
)

// TestOrgUsersInJapanese: the Users page's actions answer a Japanese reader in Japanese: the
// flash of a change, a guard's refusal (409) and a removal form's error (422).
func TestOrgUsersInJapanese(t *testing.T) {
	app := newPeopleApp(t)
	std, _ := app.orgMember("std@example.com", "standard")
	owner := app.user("owner@example.com")
	b := app.owner
	wantStatus(t, b.post("/settings/profile", url.Values{"name": {"Olive Owner"}, "language": {"ja"}, "timezone": {"Asia/Tokyo"}}), http.StatusSeeOther)

	wantStatus(t, b.post("/admin/users/"+std.SID+"/role", url.Values{"role": {"administrator"}}), http.StatusSeeOther)
	wantBody(t, b.get("/admin/users"), "std@example.com を管理者に変更しました。", "組織のロール", "管理者")

	res := b.post("/admin/users/"+owner.SID+"/deactivate", nil)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "自分自身のロールの変更、無効化、組織からの削除はできません。")

	res = b.post("/admin/users/"+std.SID+"/role", url.Values{"role": {"emperor"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "所有者、管理者、標準ユーザーのいずれかを選んでください。")

	// std owns an account: removing them without choosing its next owner is refused in Japanese.
	app.seedAccounts(app.user("std@example.com"), "請求", 1)
	res = b.post("/admin/users/"+std.SID+"/remove", nil)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "「請求 00」の新しい所有者を選んでください。", "このユーザーが所有する各アカウントの新しい所有者を選んでください")

	wantStatus(t, b.post("/admin/users/"+std.SID+"/deactivate", nil), http.StatusSeeOther)
	wantBody(t, b.get("/admin/users"), "std@example.com を無効化し、すべての場所からサインアウトさせました。")
	res = b.post("/admin/users/"+std.SID+"/deactivate", nil)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "std@example.com はすでに無効化されています。")
}

// TestAuditActionsLabelled: every action the store records (a literal in internal/store, and
// the import and share requests' actions it builds) is offered by the audit log's action filter
// and has a label in the catalogs, so that no event reads as a code.
func TestAuditActionsLabelled(t *testing.T) {
	action := regexp.MustCompile(`^(account|invitation|user|signin|signout|session|password|2fa|profile|organization|domain|sso|oauth_app|mail|authz)(\.[a-z_]+)+$|^signout$`)
	recorded := map[string]bool{}
	for _, kind := range []string{"import", "share"} {
		for _, step := range []string{"request", "resend", "cancel", "accept", "decline"} {
			recorded["account."+kind+"."+step] = true
		}
	}
	files, _ := filepath.Glob("../internal/store/*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if l, ok := n.(*ast.BasicLit); ok && l.Kind == token.STRING {
				if s, _ := strconv.Unquote(l.Value); action.MatchString(s) {
					recorded[s] = true
				}
			}
			return true
		})
	}
	if len(recorded) < 60 {
		t.Fatalf("only %d actions found: the test no longer reads the store", len(recorded))
	}
	offered := map[string]bool{}
	for _, fam := range views.AuditFamilies {
		for _, a := range fam.Actions {
			offered[a] = true
			if !i18n.Has("audit.action." + a) {
				t.Errorf("%s has no label (audit.action.%s)", a, a)
			}
		}
		if !i18n.Has("audit.family." + fam.Prefix) {
			t.Errorf("family %s has no label", fam.Prefix)
		}
	}
	for a := range recorded {
		if !offered[a] {
			t.Errorf("%s is recorded but not in views.AuditFamilies (the filter and its label)", a)
		}
	}
}

// TestAuditLogInJapanese: the audit log reads in Japanese, in the reader's time zone, with the
// recorded code under each label; its dates filter the reader's days.
func TestAuditLogInJapanese(t *testing.T) {
	app := newPeopleApp(t)
	std, _ := app.orgMember("std@example.com", "standard")
	b := app.owner
	wantStatus(t, b.post("/admin/users/"+std.SID+"/role", url.Values{"role": {"administrator"}}), http.StatusSeeOther)
	app.advance(11 * time.Hour)                 // 2026-03-02 20:00 UTC: 05:00 on the 3rd in Tokyo
	b.signIn("owner@example.com", testPassword) // the session ended meanwhile
	wantStatus(t, b.post("/admin/users/"+std.SID+"/deactivate", nil), http.StatusSeeOther)
	wantStatus(t, b.post("/settings/profile", url.Values{"name": {"Olive Owner"}, "language": {"ja"}, "timezone": {"Asia/Tokyo"}}), http.StatusSeeOther)

	res := b.get("/admin/audit")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "<h1>監査ログ</h1>", "Asia/Tokyo", "組織のロールの変更", `<code class="sub">user.org_role</code>`,
		"標準ユーザー", "管理者", "ユーザーの無効化", "ステータス", "有効", "無効", "JST", "<optgroup label=\"二要素認証\">")
	for _, english := range []string{"Audit log", "Before → after", "standard", "administrator", ">Actor<"} {
		if strings.Contains(res.Body, english) {
			t.Errorf("the Japanese audit log shows %q", english)
		}
	}
	// The dates are Tokyo's days: the role change (18:00 on the 2nd there) and the deactivation
	// (05:00 on the 3rd there, the 2nd in UTC).
	res = b.get("/admin/audit?from=2026-03-02&to=2026-03-02&action=user")
	wantBody(t, res, `<option value="user" selected>`)
	if rows := auditTable(res.Body); !strings.Contains(rows, "組織のロールの変更") || strings.Contains(rows, "ユーザーの無効化") {
		t.Error("the 2nd in Tokyo shows the deactivation of the 3rd")
	}
	res = b.get("/admin/audit?from=2026-03-03&action=user")
	if rows := auditTable(res.Body); !strings.Contains(rows, "ユーザーの無効化") || strings.Contains(rows, "組織のロールの変更") {
		t.Error("the 3rd in Tokyo shows the role change of the 2nd")
	}
	wantBody(t, b.get("/admin/audit?from=2026-03-04"), "一致するイベントはありません")
	// 2FA events can be chosen (the filter took no digits before).
	wantStatus(t, b.get("/admin/audit?action=2fa.enable"), http.StatusOK)
	res = b.get("/admin/audit?from=yesterday")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, "2026-01-31 の形式で日付を入力してください。")
}

// auditTable is the audit log's table of events in a page, "" when it has none.
func auditTable(page string) string {
	_, rest, ok := strings.Cut(page, `id="audit-events"`)
	if !ok {
		return ""
	}
	table, _, _ := strings.Cut(rest, "</table>")
	return table
}
