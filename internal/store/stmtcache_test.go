package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// Many readers making their first prepared query at once, each inside a read transaction, must
// not wait on one another for a free connection of the pool (which they all hold).
func TestFirstQueriesFromEveryReaderAtOnce(t *testing.T) {
	s := openTest(t)
	o, _ := newOrg(t, s, "Concurrent", "concurrent.example")
	// A deadline only so that a deadlock fails the test instead of hanging it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 32)
	start := make(chan struct{})
	for i := range errs {
		wg.Go(func() {
			<-start
			for _, q := range []string{"billing", "ops", ""} {
				if _, err := s.ListAccounts(ctx, AccountFilter{OrgSID: o.SID, Relation: "managed", Query: q}); err != nil {
					errs[i] = err
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}
