#!/usr/bin/env bash
# Load benchmark: seeds a large organization (BENCH_ACCOUNTS, BENCH_USERS; default 100,000 and
# 20,000) into a temporary folder, serves it on loopback (BENCH_ADDR, default 127.0.0.1:8102),
# signs in and measures each page with cmd/loadtest (BENCH_CLIENTS clients, BENCH_DURATION each).
# BENCH_READ_CACHE=false serves every page from the database (no read cache); BENCH_ONLY=text
# measures only the targets whose name contains it; BENCH_PPROF=127.0.0.1:6060 builds the server
# with Go's profiler on that address (go tool pprof http://127.0.0.1:6060/debug/pprof/profile).
set -euo pipefail
cd "$(dirname "$0")/.."
addr=${BENCH_ADDR:-127.0.0.1:8102}
dir=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
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

echo "--- serving on $addr"
ADMINCENTER_PPROF="${BENCH_PPROF:-}" "$dir/admincenter" serve --addr "$addr" --data "$dir/data" \
  --read-cache="${BENCH_READ_CACHE:-true}" 2>"$dir/server.log" &
pid=$!
for _ in $(seq 1 100); do
  if curl -fsS "http://$addr/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
curl -fsS "http://$addr/healthz" >/dev/null

echo "--- load"
"$dir/loadtest" -base "http://$addr" -email "$email" -c "${BENCH_CLIENTS:-8}" -d "${BENCH_DURATION:-10s}" -only "${BENCH_ONLY:-}"

echo
grep -E '^(VmHWM|VmRSS)' "/proc/$pid/status" | sed 's/^VmHWM/server peak RSS (VmHWM)/; s/^VmRSS/server RSS now/'
