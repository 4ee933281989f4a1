package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"admincenter/internal/store"
	"admincenter/internal/store/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// The commands on PostgreSQL: setup, seed, a second instance's data folder, backup.
func TestCommandsOnPostgres(t *testing.T) {
	url := pgtest.NewDatabase(t)
	t.Setenv("ADMINCENTER_DATABASE", url)
	dir := t.TempDir()
	t.Setenv("ADMINCENTER_SETUP_PASSWORD", "correct horse battery staple")
	var out bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"setup", "--data", dir, "--org", "Example", "--domain", "example.com",
		"--name", "Olive", "--email", "olive@example.com"}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("setup: %v\n%s", err, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "admincenter.db")); err == nil {
		t.Error("setup on PostgreSQL wrote an SQLite file")
	}
	out.Reset()
	if err := run(ctx, []string{"seed", "--data", dir, "--accounts", "300", "--users", "60"}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "seeded 300 accounts") {
		t.Errorf("seed said %q", out.String())
	}
	st, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.FindUserByEmail(ctx, "olive@example.com")
	st.Close()
	if err != nil || u.OrgRole != "owner" {
		t.Fatalf("owner not created: %v %+v", err, u)
	}

	dump := filepath.Join(t.TempDir(), "admincenter.dump")
	out.Reset()
	err = run(ctx, []string{"backup", "--data", dir, "--out", dump}, strings.NewReader(""), &out, &out)
	if _, lookErr := exec.LookPath("pg_dump"); lookErr != nil {
		if err == nil || !strings.Contains(err.Error(), "pg_dump") {
			t.Errorf("backup without pg_dump: %v, want it to say to use pg_dump", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	if st, err := os.Stat(dump); err != nil || st.Size() == 0 {
		t.Errorf("no dump written: %v", err)
	}
}

func TestServeRefusesAnUnreachableDatabase(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0",
		"--database", "postgres://admin:s3cret-pw@127.0.0.1:1/admincenter?connect_timeout=2"}, strings.NewReader(""), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "ADMINCENTER_DATABASE") || !strings.Contains(err.Error(), "cannot reach") ||
		strings.Contains(err.Error()+out.String(), "s3cret-pw") {
		t.Errorf("err = %v (output %q), want a clear error naming the setting, without the password", err, out.String())
	}
}

// An instance whose keys differ from those the database was set up with refuses to start.
func TestServeRefusesOtherKeys(t *testing.T) {
	url := pgtest.NewDatabase(t)
	t.Setenv("ADMINCENTER_SETUP_PASSWORD", "correct horse battery staple")
	var out bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"setup", "--data", t.TempDir(), "--database", url, "--org", "Example", "--domain", "example.com",
		"--name", "Olive", "--email", "olive@example.com"}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("setup: %v\n%s", err, out.String())
	}
	err := run(ctx, []string{"serve", "--data", t.TempDir(), "--database", url, "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "keys") || !strings.Contains(err.Error(), "copy") {
		t.Errorf("serve with other keys: %v, want a refusal saying to copy the keys", err)
	}
}
