package web

import (
	"context"
	"sync"
)

// StartWorkers starts the background jobs (mail sender, closures, domain re-checks) and returns
// a WaitGroup that is done once they have all stopped after ctx ends.
func (s *Server) StartWorkers(ctx context.Context) *sync.WaitGroup {
	var wg sync.WaitGroup
	s.startMailWorkers(ctx, &wg)
	return &wg
}
