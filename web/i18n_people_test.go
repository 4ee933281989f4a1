package web

import (
	"net/http"
	"net/url"
	"testing"
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
