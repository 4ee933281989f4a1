package jobs

import (
	"context"
	"log/slog"
	"time"

	"admincenter/internal/store"
)

// closureEvery is how often the closure job looks for accounts whose cooling-off period is over.
const closureEvery = time.Minute

// closeAccountsEvery closes for good the accounts past their cooling-off period: once at start,
// then every interval until ctx ends. Its clock is the store's (store.Now), which tests replace.
func closeAccountsEvery(ctx context.Context, every time.Duration, st *store.Store, log *slog.Logger) {
	// A run, once started, finishes (one short transaction), even when ctx ends meanwhile.
	repeat(ctx, every, func() { closeDueAccounts(context.WithoutCancel(ctx), st, log) })
}

func closeDueAccounts(ctx context.Context, st *store.Store, log *slog.Logger) {
	start := time.Now()
	n, err := st.CloseDueAccounts(ctx)
	if err != nil {
		log.Error("closure job", slog.Any("error", err))
		return
	}
	log.Info("closure job", slog.Int("closed", n), slog.Duration("duration", time.Since(start)))
}
