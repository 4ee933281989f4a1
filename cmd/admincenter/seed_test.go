package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestSeedOnAnEmptyDatabasePrintsTheSignIn(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"seed", "--data", dir, "--accounts", "300", "--users", "40"}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"email: owner@example.com\n", "password: ", "seeded 300 accounts", "40 users"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// A second run adds to the same organization and prints no new Owner.
	out.Reset()
	if err := run(ctx, []string{"seed", "--data", dir, "--accounts", "10", "--users", "5"}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "email:") || !strings.Contains(out.String(), "seeded 10 accounts") {
		t.Errorf("second run printed:\n%s", out.String())
	}
	if err := run(ctx, []string{"seed", "--data", dir, "--accounts", "-1"}, strings.NewReader(""), &out, &out); err == nil {
		t.Error("negative --accounts accepted")
	}
}
