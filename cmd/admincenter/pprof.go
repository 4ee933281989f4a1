//go:build pprof

package main

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
)

// A binary built with -tags pprof serves Go's profiler on $ADMINCENTER_PPROF (a loopback
// address such as 127.0.0.1:6060), for scripts/bench.sh with BENCH_PPROF set. Release
// builds have no such listener.
func init() {
	if addr := os.Getenv("ADMINCENTER_PPROF"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }()
	}
}
