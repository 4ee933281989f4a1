package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string", h)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"correct horse battery staple", true}, {"correct horse battery stapl", false}, {"", false}} {
		got, err := CheckPassword(h, tc.pw)
		if err != nil || got != tc.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tc.pw, got, err, tc.want)
		}
	}
	if _, err := CheckPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Error("a non-argon2id hash was accepted")
	}
	for _, pw := range []string{"", "!", "correct horse battery staple"} {
		if ok, err := CheckPassword(NoPassword, pw); ok || err != nil {
			t.Errorf("CheckPassword(NoPassword, %q) = %v, %v; want false, nil", pw, ok, err)
		}
	}
}

func TestKeysCreatedOnceWithMode0600(t *testing.T) {
	dir := t.TempDir()
	k1, err := LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "encrypt.key"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Errorf("key mode = %v, want %v", got, want)
	}
	k2, err := LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if string(k1.Encrypt) != string(k2.Encrypt) {
		t.Error("keys changed between runs")
	}
	sealed, err := k1.Seal([]byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := k2.Open(sealed)
	if err != nil || string(plain) != "secret" {
		t.Errorf("Open = %q, %v", plain, err)
	}
}
