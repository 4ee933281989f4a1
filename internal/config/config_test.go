package config

import (
	"strings"
	"testing"
	"time"
)

func TestLoadDefaultsAndEnv(t *testing.T) {
	env := map[string]string{"ADMINCENTER_ADDR": "127.0.0.1:9999", "ADMINCENTER_DEV": "1"}
	c, _, err := Load("x", []string{"--data", "/tmp/d"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.BaseURL, "http://127.0.0.1:9999"; got != want {
		t.Errorf("BaseURL = %q, want %q", got, want)
	}
	if !c.Dev || c.DataDir != "/tmp/d" || c.SessionIdle != 30*time.Minute || c.ClosureGrace != 72*time.Hour {
		t.Errorf("unexpected config %+v", c)
	}
}

func TestLoadNamesTheBadSetting(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "nope"}, "ADMINCENTER_ADDR"},
		{[]string{"--base-url", "ftp://x"}, "ADMINCENTER_BASE_URL"},
		{[]string{"--smtp", "smtp://h:25?tls=maybe"}, "ADMINCENTER_SMTP_URL"},
		{[]string{"--smtp", "smtp://h:25?timeout=0s"}, "ADMINCENTER_SMTP_URL"},
		{[]string{"--smtp", "smtp://h:25?timeout=soon"}, "ADMINCENTER_SMTP_URL"},
		{[]string{"--dns", "1.1.1.1"}, "ADMINCENTER_DNS"},
		{[]string{"--trusted-proxies", "10.0.0.0/99"}, "ADMINCENTER_TRUSTED_PROXIES"},
		{[]string{"--session-idle", "-1s"}, "ADMINCENTER_SESSION_IDLE"},
		{[]string{"--dev=perhaps"}, "ADMINCENTER_DEV"},
		{[]string{"--api-rate", "0"}, "ADMINCENTER_API_RATE"},
		{[]string{"--api-rate", "lots"}, "ADMINCENTER_API_RATE"},
		{[]string{"--database", "mysql://u:p@h/db"}, "ADMINCENTER_DATABASE"},
		{[]string{"--database", "admincenter.db"}, "ADMINCENTER_DATABASE"},
		{[]string{"--database", "postgres://u:p@h"}, "ADMINCENTER_DATABASE"},
	}
	for _, tc := range tests {
		_, _, err := Load("x", tc.args, func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%v) error = %v, want it to name %s", tc.args, err, tc.want)
		}
	}
}

func TestBaseURLOfEveryInterfaceNamesLocalhost(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":          "http://localhost:8080",
		"0.0.0.0:8080":   "http://localhost:8080",
		"[::]:8080":      "http://localhost:8080",
		"10.0.0.5:8080":  "http://10.0.0.5:8080",
		"[::1]:8080":     "http://[::1]:8080",
		"127.0.0.1:9000": "http://127.0.0.1:9000",
	} {
		c, _, err := Load("x", []string{"--addr", addr}, func(string) string { return "" })
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		if c.BaseURL != want {
			t.Errorf("--addr %s: BaseURL = %q, want %q", addr, c.BaseURL, want)
		}
	}
}

func TestDatabaseURLIsKeptAndItsPasswordNeverShown(t *testing.T) {
	for _, raw := range []string{"postgres://admin:s3cret@db:5432/ac?sslmode=disable", "postgresql://admin:s3cret@db/ac"} {
		c, _, err := Load("x", []string{"--database", raw}, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		if c.Database != raw {
			t.Errorf("Database = %q, want %q", c.Database, raw)
		}
		if l := c.DatabaseLabel(); strings.Contains(l, "s3cret") || !strings.Contains(l, "admin") {
			t.Errorf("DatabaseLabel = %q: want the user without the password", l)
		}
	}
	_, _, err := Load("x", []string{"--database", "postgres://admin:s3cret@db"}, func(string) string { return "" })
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v: want one that does not show the password", err)
	}
	c, _, err := Load("x", nil, func(string) string { return "" })
	if err != nil || c.Database != "" {
		t.Errorf("default Database = %q, %v; want the SQLite file", c.Database, err)
	}
}

func TestParseSMTPTimeout(t *testing.T) {
	s, err := ParseSMTP("smtp://mail.example.com:25?tls=none")
	if err != nil || s.Timeout != 30*time.Second {
		t.Fatalf("default timeout = %v, %v; want 30s", s, err)
	}
	s, err = ParseSMTP("smtp://mail.example.com:25?tls=none&timeout=5s")
	if err != nil || s.Timeout != 5*time.Second || s.TLS != "none" {
		t.Fatalf("timeout=5s: %+v, %v", s, err)
	}
}
