package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"admincenter/internal/config"
	"admincenter/internal/domain"
	"admincenter/internal/jobs"
	"admincenter/internal/store"
	"admincenter/internal/store/storetest"
)

// The jobs close an account whose cooling-off period is over as soon as they start, and all of
// them stop when their context ends.
func TestStartClosesDueAccountsAndStops(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "admincenter.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now, advance := storetest.Clock(time.Now().UTC())
	st.Now = now
	_, owner, err := storetest.AddOrganization(ctx, st, "Example", "example.com", "Olive Owner", "olive@example.com", "")
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.CreateAccount(ctx, owner, domain.CreateAccountInput{FriendlyName: "Old project", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CloseAccount(ctx, owner, a.SID, domain.CloseAccountInput{ConfirmName: "Old project", Acknowledge: true}, time.Hour, ""); err != nil {
		t.Fatal(err)
	}
	advance(2 * time.Hour)

	cfg, _, err := config.Load("test", []string{"--data", dir}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	jobCtx, stop := context.WithCancel(ctx)
	wg := jobs.Start(jobCtx, cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	deadline := time.Now().Add(10 * time.Second)
	for {
		acc, err := st.FindAccountAccess(ctx, owner, a.SID)
		if err != nil {
			t.Fatal(err)
		}
		if acc.Account.Status == domain.StatusClosed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the account is still %s after the jobs started", acc.Account.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the jobs did not stop after their context ended")
	}
}
