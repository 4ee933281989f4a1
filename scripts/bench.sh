#!/usr/bin/env bash
# Load benchmark: seeds a large organization (BENCH_ACCOUNTS, BENCH_USERS; default 100,000 and
# 20,000) into a temporary folder once, then for each read-cache setting in BENCH_READ_CACHE
# (default "true false") serves it on loopback (BENCH_ADDR, default 127.0.0.1:8102) and runs
# cmd/loadtest in each mode of BENCH_MODES (default "mixed pages"):
#   mixed  BENCH_CLIENTS sessions (8) asking for 300 distinct pages at random, BENCH_DURATION (10s)
#          per phase: /healthz, the pool, the pool with a writer saving BENCH_WRITES (10) times a
#          second, then sign-ins; the server's peak RssAnon per phase;
#   pages  one page again and again, BENCH_PAGE_DURATION (5s) per target (BENCH_ONLY=text
#          measures only the targets whose name contains it).
# BENCH_PPROF=127.0.0.1:6060 builds the server with Go's profiler on that address
# (go tool pprof http://127.0.0.1:6060/debug/pprof/profile).
set -euo pipefail
cd "$(dirname "$0")/.."
addr=${BENCH_ADDR:-127.0.0.1:8102}
dir=$(mktemp -d)
pid=""
stop_server() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  pid=""
}
cleanup() {
  stop_server
  rm -rf "$dir"
}
trap cleanup EXIT

tags=""
if [ -n "${BENCH_PPROF:-}" ]; then tags="-tags=pprof"; fi
go build $tags -o "$dir/admincenter" ./cmd/admincenter
go build -o "$dir/loadtest" ./cmd/loadtest

echo "--- seeding"
/usr/bin/time -f "seed: %e s wall, %U s user, %S s sys" \
  "$dir/admincenter" seed --data "$dir/data" --accounts "${BENCH_ACCOUNTS:-100000}" --users "${BENCH_USERS:-20000}" | tee "$dir/seed.txt"
email=$(awk '/^email:/ {print $2}' "$dir/seed.txt")
LOADTEST_PASSWORD=$(awk '/^password:/ {print $2}' "$dir/seed.txt")
export LOADTEST_PASSWORD

for cache in ${BENCH_READ_CACHE:-true false}; do
  echo
  echo "=== read cache: $cache; serving on $addr"
  ADMINCENTER_PPROF="${BENCH_PPROF:-}" "$dir/admincenter" serve --addr "$addr" --data "$dir/data" \
    --read-cache="$cache" 2>"$dir/server.log" &
  pid=$!
  for _ in $(seq 1 100); do
    if curl -fsS "http://$addr/healthz" >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
  curl -fsS "http://$addr/healthz" >/dev/null
  for mode in ${BENCH_MODES:-mixed pages}; do
    echo
    echo "--- $mode (read cache $cache)"
    d=${BENCH_DURATION:-10s}
    if [ "$mode" = pages ]; then d=${BENCH_PAGE_DURATION:-5s}; fi
    "$dir/loadtest" -mode "$mode" -base "http://$addr" -email "$email" -c "${BENCH_CLIENTS:-8}" -d "$d" \
      -writes "${BENCH_WRITES:-10}" -only "${BENCH_ONLY:-}" -pid "$pid"
  done
  echo
  grep -E '^(VmHWM|RssAnon)' "/proc/$pid/status" | sed 's/^VmHWM/server peak RSS with mapped file pages (VmHWM)/; s/^RssAnon/server RssAnon now/'
  stop_server
done
