package jobs

import (
	"context"
	"log/slog"
	"time"

	"admincenter/internal/dnscheck"
	"admincenter/internal/store"
)

// recheckDomainsDaily looks up again, every hour, the domains last checked over a day ago.
func recheckDomainsDaily(ctx context.Context, st *store.Store, dns *dnscheck.Checker, log *slog.Logger) {
	repeat(ctx, time.Hour, func() {
		// One instance at a time re-checks (each hour's run takes the lease for most of the hour).
		if ok, err := st.ClaimJob(ctx, "domain-recheck", 50*time.Minute); err != nil || !ok {
			if err != nil && ctx.Err() == nil {
				log.Error("domain re-check", slog.Any("error", err))
			}
			return
		}
		start := time.Now()
		n, err := RecheckDomains(ctx, st, dns, 24*time.Hour)
		if err != nil && ctx.Err() == nil {
			log.Error("domain re-check", slog.Any("error", err))
		} else if n > 0 {
			log.Info("domain re-check", slog.Int("domains", n), slog.Duration("duration", time.Since(start)))
		}
	})
}

// RecheckDomains checks again every domain verified through DNS (and every one still waiting)
// whose last check is older than every, records each outcome, and returns how many it checked.
func RecheckDomains(ctx context.Context, st *store.Store, dns *dnscheck.Checker, every time.Duration) (int, error) {
	due, err := st.ListDomainsDueForCheck(ctx, every)
	if err != nil {
		return 0, err
	}
	for _, d := range due {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if err := st.RecordDomainRecheck(ctx, d, dns.Check(ctx, d)); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}
