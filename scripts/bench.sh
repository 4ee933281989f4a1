#!/usr/bin/env bash
# Load benchmark: seeds a large organization (BENCH_ACCOUNTS, BENCH_USERS; default 100,000 and
# 20,000) into a temporary folder once per database, then for each read-cache setting in
# BENCH_READ_CACHE (default "true false") serves it on loopback (BENCH_ADDR, default
# 127.0.0.1:8102) and runs cmd/loadtest in each mode of BENCH_MODES (default "mixed pages"):
#   mixed  BENCH_CLIENTS sessions (8) asking for 300 distinct pages at random, BENCH_DURATION (10s)
#          per phase: /healthz, the pool, the pool with a writer saving BENCH_WRITES (10) times a
#          second, then sign-ins; the server's peak RssAnon per phase;
#   pages  one page again and again, BENCH_PAGE_DURATION (5s) per target (BENCH_ONLY=text
#          measures only the targets whose name contains it).
# BENCH_DATABASE lists the databases to measure in one run (default "sqlite"): sqlite, the data
# folder's file; postgres, a throwaway PostgreSQL cluster (initdb as the postgres user when run as
# root, pg_ctl on a free loopback port, durable settings; PG_BIN finds its programs), served by
# each number of instances in BENCH_INSTANCES (default "1"). Several instances share the data
# folder's keys and are served round-robin by nginx on BENCH_ADDR (each on the next ports); "1:nginx"
# (or BENCH_PROXY=1) puts a single instance behind nginx too, to compare like with like. BENCH_PG_STATEMENTS=1 loads
# pg_stat_statements and prints the statements that took the most time after each run.
# BENCH_PPROF=127.0.0.1:6060 builds the server with Go's profiler on that address
# (go tool pprof http://127.0.0.1:6060/debug/pprof/profile; first instance only).
set -euo pipefail
cd "$(dirname "$0")/.."
addr=${BENCH_ADDR:-127.0.0.1:8102}
host=${addr%:*}
port=${addr##*:}
dir=$(mktemp -d)
chmod 711 "$dir" # the postgres user and nginx's workers reach their folders inside
pids=()
nginx_pid=""
pg_bin=""
pg_data=""
as_postgres=()

stop_servers() {
  for p in "${pids[@]}" $nginx_pid; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}" $nginx_pid; do wait "$p" 2>/dev/null || true; done
  pids=()
  nginx_pid=""
}
stop_postgres() {
  if [ -n "$pg_data" ]; then "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null || true; fi
  pg_data=""
}
cleanup() {
  stop_servers
  stop_postgres
  rm -rf "$dir"
}
trap cleanup EXIT

# free_port prints the first port from $1 up that nothing listens on.
free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# start_postgres runs a new cluster in $dir/pg and sets pg_url and pg_pid.
start_postgres() {
  pg_bin=${PG_BIN:-}
  if [ -z "$pg_bin" ]; then
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -z "$pg_bin" ] && command -v initdb >/dev/null; then pg_bin=$(dirname "$(command -v initdb)"); fi
  fi
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    echo "bench: PostgreSQL is not installed (no initdb; Debian: apt-get install postgresql, or set PG_BIN)" >&2
    exit 1
  fi
  mkdir -p "$dir/pg"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir/pg"
    as_postgres=(runuser -u postgres --)
  fi
  "${as_postgres[@]}" "$pg_bin/initdb" -D "$dir/pg/data" -A trust -U admin -E UTF8 --locale=C.UTF-8 >/dev/null
  pg_data=$dir/pg/data
  local pg_port opts
  pg_port=$(free_port 15432)
  opts="-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c shared_buffers=128MB"
  if [ -n "${BENCH_PG_STATEMENTS:-}" ]; then
    opts="$opts -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
  fi
  "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$dir/pg/server.log" -w -o "$opts" start >/dev/null
  "${as_postgres[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U admin admincenter
  pg_url="postgres://admin@127.0.0.1:$pg_port/admincenter?sslmode=disable"
  pg_pid=$(head -1 "$pg_data/postmaster.pid")
  if [ -n "${BENCH_PG_STATEMENTS:-}" ]; then
    "$pg_bin/psql" -q "$pg_url" -c "CREATE EXTENSION pg_stat_statements"
  fi
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (postmaster $pg_pid)"
}

# start_nginx serves $addr round-robin over the given upstream addresses.
start_nginx() {
  local ng=$dir/nginx servers=""
  mkdir -p "$ng"
  chmod 755 "$ng"
  for u in "$@"; do servers="$servers server $u max_fails=1 fail_timeout=5s;"; done
  cat >"$ng/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $ng/nginx.pid;
error_log $ng/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $ng/body; proxy_temp_path $ng/proxy; fastcgi_temp_path $ng/fcgi;
  uwsgi_temp_path $ng/uwsgi; scgi_temp_path $ng/scgi;
  upstream admincenter { $servers keepalive 32; }
  server {
    listen $addr;
    location / {
      proxy_pass http://admincenter;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
EOF
  "${NGINX:-nginx}" -c "$ng/nginx.conf" -p "$ng" &
  nginx_pid=$!
}

wait_healthy() {
  for _ in $(seq 1 100); do
    if curl -fsS "http://$1/healthz" >/dev/null 2>&1; then return; fi
    sleep 0.2
  done
  curl -fsS "http://$1/healthz" >/dev/null
}

tags=""
if [ -n "${BENCH_PPROF:-}" ]; then tags="-tags=pprof"; fi
go build $tags -o "$dir/admincenter" ./cmd/admincenter
go build -o "$dir/loadtest" ./cmd/loadtest

for database in ${BENCH_DATABASE:-sqlite}; do
  data=$dir/data-$database
  db_args=()
  pg_pid=0
  counts=1
  case $database in
  sqlite) ;;
  postgres)
    start_postgres
    db_args=(--database "$pg_url")
    counts=${BENCH_INSTANCES:-1}
    ;;
  *)
    echo "bench: BENCH_DATABASE: unknown database $database (sqlite or postgres)" >&2
    exit 1
    ;;
  esac

  echo
  echo "--- seeding ($database)"
  /usr/bin/time -f "seed: %e s wall, %U s user, %S s sys" \
    "$dir/admincenter" seed --data "$data" "${db_args[@]}" --accounts "${BENCH_ACCOUNTS:-100000}" \
    --users "${BENCH_USERS:-20000}" | tee "$dir/seed.txt"
  email=$(awk '/^email:/ {print $2}' "$dir/seed.txt")
  LOADTEST_PASSWORD=$(awk '/^password:/ {print $2}' "$dir/seed.txt")
  export LOADTEST_PASSWORD
  if [ "$database" = postgres ]; then
    "$pg_bin/psql" -q "$pg_url" -c "VACUUM ANALYZE"
  fi

  for spec in $counts; do
    n=${spec%%:*}
    for cache in ${BENCH_READ_CACHE:-true false}; do
      proxied=""
      if [ "$n" -gt 1 ] || [ "$spec" != "$n" ] || [ -n "${BENCH_PROXY:-}" ]; then proxied=1; fi
      upstreams=()
      for i in $(seq 1 "$n"); do
        a=$addr
        if [ -n "$proxied" ]; then a=$host:$((port + i)); fi
        pprof=""
        if [ "$i" = 1 ]; then pprof=${BENCH_PPROF:-}; fi
        ADMINCENTER_PPROF="$pprof" "$dir/admincenter" serve --addr "$a" --data "$data" "${db_args[@]}" \
          --read-cache="$cache" 2>"$dir/server-$i.log" &
        pids+=($!)
        upstreams+=("$a")
      done
      for a in "${upstreams[@]}"; do wait_healthy "$a"; done
      label="$database"
      if [ "$database" = postgres ]; then label="postgres, $n instance$([ "$n" = 1 ] || echo s)"; fi
      if [ -n "$proxied" ]; then
        start_nginx "${upstreams[@]}"
        wait_healthy "$addr"
        label="$label behind nginx"
      fi
      echo
      echo "=== $label; read cache: $cache; serving on $addr"
      if [ "$pg_pid" != 0 ] && [ -n "${BENCH_PG_STATEMENTS:-}" ]; then
        "$pg_bin/psql" -q "$pg_url" -c "SELECT pg_stat_statements_reset()" >/dev/null
      fi
      for mode in ${BENCH_MODES:-mixed pages}; do
        echo
        echo "--- $mode ($label, read cache $cache)"
        d=${BENCH_DURATION:-10s}
        if [ "$mode" = pages ]; then d=${BENCH_PAGE_DURATION:-5s}; fi
        "$dir/loadtest" -mode "$mode" -base "http://$addr" -email "$email" -c "${BENCH_CLIENTS:-8}" -d "$d" \
          -writes "${BENCH_WRITES:-10}" -only "${BENCH_ONLY:-}" -pid "$(IFS=,; echo "${pids[*]}")" -dbpid "$pg_pid"
      done
      echo
      for p in "${pids[@]}"; do
        grep -E '^(VmHWM|RssAnon)' "/proc/$p/status" | sed "s/^VmHWM/server $p peak RSS with mapped file pages (VmHWM)/; s/^RssAnon/server $p RssAnon now/"
      done
      if [ "$pg_pid" != 0 ] && [ -n "${BENCH_PG_STATEMENTS:-}" ]; then
        echo
        echo "--- the statements that took the most time ($label, read cache $cache)"
        "$pg_bin/psql" -q "$pg_url" -P pager=off -c "SELECT calls, round(total_exec_time) AS total_ms,
          round(mean_exec_time::numeric, 3) AS mean_ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 150) AS query
          FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15"
      fi
      stop_servers
    done
  done
  stop_postgres
done
