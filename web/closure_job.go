package web

import (
	"context"
	"log/slog"
	"time"
)

// closureEvery is how often the closure job looks for accounts whose cooling-off period is over.
const closureEvery = time.Minute

// closureJob closes for good the accounts past their cooling-off period: once at start, then
// every interval until ctx ends. Its clock is the store's (store.Now), which tests replace.
func (s *Server) closureJob(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		// A run, once started, finishes (one short transaction), even when ctx ends meanwhile.
		s.closeDueAccounts(context.WithoutCancel(ctx))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Server) closeDueAccounts(ctx context.Context) {
	start := time.Now()
	n, err := s.store.CloseDueAccounts(ctx)
	if err != nil {
		s.log.Error("closure job", slog.Any("error", err))
		return
	}
	s.log.Info("closure job", slog.Int("closed", n), slog.Duration("duration", time.Since(start)))
}
