package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"admincenter/internal/store"
)

func TestSetupCommand(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("correct horse battery staple\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	args := []string{"setup", "--data", dir, "--org", "Example Corp", "--domain", "example.com", "--name", "Olive Owner",
		"--email", "olive@example.com", "--password-file", pw}
	if err := run(context.Background(), args, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("setup: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "owner: olive@example.com") {
		t.Errorf("output %q", out.String())
	}
	for _, name := range []string{"admincenter.db", "encrypt.key", "session.key", "signing.key"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".key") && st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", name, st.Mode().Perm())
		}
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "admincenter.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.FindUserByEmail(context.Background(), "olive@example.com")
	st.Close()
	if err != nil || u.OrgRole != "owner" {
		t.Fatalf("owner not created: %v %+v", err, u)
	}

	// A second setup is refused; the password may come from a prompt (standard input).
	out.Reset()
	args = []string{"setup", "--data", dir, "--org", "Other", "--domain", "other.com", "--name", "O", "--email", "o@other.com"}
	err = run(context.Background(), args, strings.NewReader("correct horse battery staple\n"), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "already set up") {
		t.Errorf("second setup err = %v", err)
	}
}

func TestSetupCommandNamesBadFields(t *testing.T) {
	t.Setenv("ADMINCENTER_SETUP_PASSWORD", "short")
	var out bytes.Buffer
	err := run(context.Background(), []string{"setup", "--data", t.TempDir(), "--org", "", "--domain", "example.com",
		"--name", "Olive", "--email", "olive@example.com"}, strings.NewReader(""), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "--org:") || !strings.Contains(err.Error(), "--password:") {
		t.Errorf("err = %v, want it to name --org and --password", err)
	}
}

func TestBadSettingIsNamed(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"serve", "--addr", "nonsense"}, strings.NewReader(""), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "ADMINCENTER_ADDR") {
		t.Errorf("err = %v, want it to name ADMINCENTER_ADDR", err)
	}
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ADMINCENTER_SETUP_PASSWORD", "correct horse battery staple")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"setup", "--data", dir, "--org", "Example", "--domain", "example.com",
		"--name", "Olive", "--email", "olive@example.com"}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := run(context.Background(), []string{"backup", "--data", dir, "--out", copyPath}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), copyPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.FindUserByEmail(context.Background(), "olive@example.com"); err != nil {
		t.Errorf("the backup lacks the owner: %v", err)
	}
}

func TestHelpListsTheCommands(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "help"} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{arg}, strings.NewReader(""), &out, &out); err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		for _, want := range []string{"Usage: admincenter [command]", "serve", "setup", "seed", "backup", "version", "-addr", "ADMINCENTER_ADDR"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("admincenter %s lacks %q:\n%s", arg, want, out.String())
			}
		}
		if strings.Contains(out.String(), "Usage of admincenter serve") {
			t.Errorf("admincenter %s prints serve's flag usage instead of the commands", arg)
		}
	}
}

// TestSetupPrintsTheURLOfItsSettings: the sign-in URL that setup prints follows --addr (and
// --base-url), instead of always naming 127.0.0.1:8080.
func TestSetupPrintsTheURLOfItsSettings(t *testing.T) {
	t.Setenv("ADMINCENTER_SETUP_PASSWORD", "correct horse battery staple")
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--addr", "0.0.0.0:9000"}, "sign in at http://localhost:9000/login"},
		{[]string{"--base-url", "https://admin.example.com"}, "sign in at https://admin.example.com/login"},
	} {
		var out bytes.Buffer
		args := append([]string{"setup", "--data", t.TempDir(), "--org", "Example", "--domain", "example.com",
			"--name", "Olive", "--email", "olive@example.com"}, c.flags...)
		if err := run(context.Background(), args, strings.NewReader(""), &out, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("setup %v printed %q, want %q", c.flags, out.String(), c.want)
		}
	}
}
