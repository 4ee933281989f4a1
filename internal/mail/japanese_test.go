package mail

import (
	"regexp"
	"strings"
	"testing"

	"admincenter/internal/domain"
	"admincenter/internal/store"
)

// englishWords finds English words left in a Japanese email once the data is taken out.
var englishWords = regexp.MustCompile(`[A-Za-z]{3,}`)

// TestEveryKindInJapanese: every email, written for a reader who chose Japanese, is Japanese
// (names, addresses, SIDs, role names, links and the product's name aside), with Tokyo times.
func TestEveryKindInJapanese(t *testing.T) {
	d := domain.EmailData{Name: "山田 花子", ActorName: "佐藤 一郎", ActorEmail: "ichiro@example.jp", Email: "carla@contractor.io",
		OrgName: "株式会社サンプル", AccountSID: "AC0123456789abcdef0123456789abcdef", AccountName: "本番環境",
		Roles: []string{domain.RoleDeveloper}, RolesBefore: []string{domain.RoleSupport}, RequestKind: domain.RequestImport,
		ExpiresAt: hostileData().ExpiresAt, CodesLeft: 3, Language: domain.LangJapanese, TimeZone: "Asia/Tokyo"}
	allowed := strings.NewReplacer("Admin Center", "", "JST", "", "Developer", "", "Support", "", "carla@contractor.io", "",
		"ichiro@example.jp", "", d.AccountSID, "", testBase, "", "tok-1", "", "admin/accounts", "", "invitations", "",
		"password-reset", "", "settings", "", "imports", "", "shares", "", "users", "", "tab=pending", "")
	for kind := range letters {
		m := d
		if kind == domain.EmailRequestDeclined {
			m.RequestKind = domain.RequestShare
		}
		msg, err := Compose(&store.OutboxMail{Kind: kind, Data: m, Token: "tok-1"}, testBase)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range []string{msg.Subject, msg.Text} {
			if w := englishWords.FindAllString(allowed.Replace(part), -1); len(w) > 0 {
				t.Errorf("%s: English words %v in:\n%s", kind, w, part)
			}
		}
		if !strings.Contains(msg.HTML, `<html lang="ja">`) {
			t.Errorf("%s: HTML not marked Japanese", kind)
		}
		if strings.Contains(msg.Text, "UTC") {
			t.Errorf("%s: a time in UTC for a reader in Tokyo:\n%s", kind, msg.Text)
		}
	}
}
