// Package jobs runs Admin Center's background work beside the web server: the mail sender, the
// closure of accounts past their cooling-off period and the daily re-check of domains. Each run
// of a job logs one line.
package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"admincenter/internal/config"
	"admincenter/internal/dnscheck"
	"admincenter/internal/mail"
	"admincenter/internal/store"
)

// Start starts every background job. They stop when ctx ends, each after the work in hand (the
// message being sent, the transaction being written); the WaitGroup is done once they all have.
func Start(ctx context.Context, cfg *config.Config, st *store.Store, log *slog.Logger) *sync.WaitGroup {
	var wg sync.WaitGroup
	if sender := newSender(cfg, st, log); sender != nil {
		wg.Add(1)
		go func() { defer wg.Done(); sender.Run(ctx) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); recheckDomainsDaily(ctx, st, dnscheck.New(cfg.DNS), log) }()
	wg.Add(1)
	go func() { defer wg.Done(); closeAccountsEvery(ctx, closureEvery, st, log) }()
	return &wg
}

// newSender is the mail sender, or nil when no SMTP server is configured (or it is misconfigured)
// and mail stays in the outbox.
func newSender(cfg *config.Config, st *store.Store, log *slog.Logger) *mail.Sender {
	sender, err := mail.NewSender(cfg, st, log)
	if err != nil {
		log.Error("mail sender not started", slog.Any("error", err))
	}
	if sender == nil {
		log.Info("no --smtp: mail stays in the outbox", slog.Bool("dev_mailbox", cfg.Dev))
		return nil
	}
	log.Info("mail sender started", slog.String("smtp_host", sender.SMTP.Host), slog.Int("smtp_port", sender.SMTP.Port),
		slog.String("tls", sender.SMTP.TLS))
	return sender
}

// repeat runs job once now, then every interval, until ctx ends; a run in progress finishes.
func repeat(ctx context.Context, interval time.Duration, job func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		job()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
