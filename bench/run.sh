#!/usr/bin/env bash
# Long-tail benchmark of the Zusammen API, on loopback (see bench/README.md):
#
#   bench/run.sh                            20 000 initiatives, every workload, cache on and off
#   BENCH_SIZE=1m bench/run.sh              1 000 000 initiatives
#   BENCH_BINARY=/tmp/zusammen bench/run.sh a given binary (nothing is built)
#
# Takes the binary from BENCH_BINARY (default build/zusammen, built only when
# that default is missing), starts the private MariaDB (scripts/db.sh),
# creates a fresh database, migrates it and loads the data set directly with
# SQL (bench/load_data.sh), creates an API key, collects the request paths
# (bench/paths.js walks the lists for real cursors), checks that every one
# answers 200, then runs each workload with wrk (bench/paths.lua picks a
# random path per request) with the response cache on and off, measures
# MariaDB's own ceiling for the by-id SELECT with mariadb-slap, and prints a
# Markdown table with PASS/MISS for the aims of the issue.
# The server is stopped (SIGTERM) and the database dropped at the end, also on
# failure or Ctrl-C. The MariaDB server keeps running (scripts/db.sh stop).
#
# Environment (defaults in brackets):
#   BENCH_SIZE          20k or 1m: the data set [20k]
#   BENCH_INITIATIVES   initiatives [20000, or 1000000 with BENCH_SIZE=1m]
#   BENCH_COMPANIES     companies [300, or one per 67 initiatives when more]
#   BENCH_BINARY        the zusammen binary [build/zusammen]
#   DURATION            seconds of each measured wrk run [10]
#   BENCH_WARMUP        seconds of an unmeasured wrk run before each one [2]
#   BENCH_WORKLOADS     which workloads, in order [byid list deep search include keyed mixed]
#   BENCH_CACHE         cache modes [on off]
#   BENCH_CACHE_TTL_MS  ZUSAMMEN_CACHE_TTL_MS when the cache is on [1000]
#   BENCH_THREADS       ZUSAMMEN_THREADS of the server [2]
#   BENCH_WORKERS       ZUSAMMEN_WORKERS of the server [8]
#   BENCH_DB_POOL       ZUSAMMEN_DB_POOL of the server [8]
#   BENCH_CATALOGUE_MAX_ROWS ZUSAMMEN_CATALOGUE_MAX_ROWS of the server [200000; 0: no in-memory catalogue]
#   BENCH_LOG_LEVEL     ZUSAMMEN_LOG_LEVEL of the server [warn]; info measures the access log too
#   BENCH_WRK_THREADS   wrk -t [2]
#   BENCH_CONNECTIONS   wrk -c, and mariadb-slap's clients [32]
#   BENCH_WRITE_PERCENT writes in the mixed workload [2]
#   BENCH_WALK_PAGES    pages of 100 walked per list for real cursors [10]
#   BENCH_SEARCH_WORDS  how many of bench/paths.js's 25 search terms to use [all; 0: no searches]
#   BENCH_PORT          port of the server [first free one from 18080]
#   BENCH_DB            database name [zusammen_bench, zusammen_bench_1m]; dropped and recreated!
#   BENCH_KEEP_DB=1     keep the database at the end
#   BENCH_STRICT=1      exit 3 when an aim is missed (default: exit 0)
#   ZUSAMMEN_DB_PORT    port of the private MariaDB [3307]
#
# Output of each wrk run, the path files, the server logs, results.tsv and
# report.md go to .local/bench/<time>-<pid>/.
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"

# The command as given, with the settings that were set, for the report.
INVOCATION="$(for v in BENCH_SIZE BENCH_INITIATIVES BENCH_COMPANIES BENCH_BINARY DURATION BENCH_WARMUP BENCH_WORKLOADS \
  BENCH_CACHE BENCH_CACHE_TTL_MS BENCH_CATALOGUE_MAX_ROWS BENCH_THREADS BENCH_WORKERS BENCH_DB_POOL BENCH_LOG_LEVEL BENCH_WRK_THREADS BENCH_CONNECTIONS BENCH_WRITE_PERCENT \
  BENCH_WALK_PAGES BENCH_SEARCH_WORDS BENCH_PORT BENCH_DB ZUSAMMEN_DB_PORT; do
  [[ -n "${!v:-}" ]] && printf '%s=%s ' "$v" "${!v}"
done; printf 'bench/run.sh')"
case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) die "bench/run.sh takes no arguments (settings are environment variables; see --help)" ;;
esac
BENCH_DIR="$ZUSAMMEN_ROOT/bench"
case "${BENCH_SIZE:-20k}" in
  20k) DEFAULT_N=20000; DEFAULT_DB=zusammen_bench ;;
  1m) DEFAULT_N=1000000; DEFAULT_DB=zusammen_bench_1m ;;
  *) die "BENCH_SIZE must be 20k or 1m (or set BENCH_INITIATIVES)" ;;
esac
export BENCH_INITIATIVES="${BENCH_INITIATIVES:-$DEFAULT_N}"
DURATION="${DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
WORKLOADS="${BENCH_WORKLOADS:-byid list deep search include keyed mixed}"
CACHE_MODES="${BENCH_CACHE:-on off}"
CACHE_TTL="${BENCH_CACHE_TTL_MS:-1000}"
SERVER_THREADS="${BENCH_THREADS:-2}"
DB_POOL="${BENCH_DB_POOL:-8}"
WORKERS="${BENCH_WORKERS:-8}"
CATALOGUE_MAX_ROWS="${BENCH_CATALOGUE_MAX_ROWS:-200000}"
LOG_LEVEL="${BENCH_LOG_LEVEL:-warn}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
WRITE_PERCENT="${BENCH_WRITE_PERCENT:-2}"
WALK_PAGES="${BENCH_WALK_PAGES:-10}"
BENCH_DB="${BENCH_DB:-$DEFAULT_DB}"
DB_PORT="${ZUSAMMEN_DB_PORT:-3307}"
export BENCH_DB ZUSAMMEN_DB_PORT="$DB_PORT"

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
for v in BENCH_INITIATIVES DURATION WARMUP CACHE_TTL SERVER_THREADS WORKERS DB_POOL WRK_THREADS CONNECTIONS WRITE_PERCENT WALK_PAGES CATALOGUE_MAX_ROWS; do
  is_uint "${!v}" || die "$v must be a non-negative integer, not '${!v}'"
done
[[ "$DURATION" -ge 1 && "$SERVER_THREADS" -ge 1 && "$DB_POOL" -ge 1 && "$WRK_THREADS" -ge 1 && "$CACHE_TTL" -ge 1 \
   && "$WALK_PAGES" -ge 1 ]] \
  || die "DURATION, BENCH_CACHE_TTL_MS, BENCH_THREADS, BENCH_DB_POOL, BENCH_WRK_THREADS and BENCH_WALK_PAGES must be at least 1"
[[ "$CONNECTIONS" -ge "$WRK_THREADS" ]] || die "BENCH_CONNECTIONS must be at least BENCH_WRK_THREADS"
[[ "$WRITE_PERCENT" -le 100 ]] || die "BENCH_WRITE_PERCENT must be at most 100"
for w in $WORKLOADS; do
  case "$w" in byid|list|deep|search|include|keyed|mixed) ;; *) die "unknown workload '$w' in BENCH_WORKLOADS" ;; esac
done
for c in $CACHE_MODES; do [[ "$c" == on || "$c" == off ]] || die "BENCH_CACHE holds on and/or off, not '$c'"; done
[[ "$BENCH_DB" =~ ^[A-Za-z0-9_]+$ ]] || die "BENCH_DB must be letters, digits and _"
case "$BENCH_DB" in
  zusammen|mysql|information_schema|performance_schema|sys) die "BENCH_DB=$BENCH_DB would drop a database that is not ours" ;;
esac

RUN_STARTED_NS="$(date +%s%N)"
RUN_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
RUN_DIR="$ZUSAMMEN_ROOT/.local/bench/$(date -u +%Y%m%dT%H%M%SZ)-$$"
PATHS_DIR="$RUN_DIR/paths"
mkdir -p "$PATHS_DIR"
seconds_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

# ---------------------------------------------------------------- cleanup
SERVER_PID=""
SERVER_RC=""
WRK_PID=""
DB_CREATED=0
CLIENT=""

db_sql() {
  "$CLIENT" --no-defaults --protocol=tcp -h127.0.0.1 -P"$DB_PORT" -uzusammen -pzusammen \
    --default-character-set=utf8mb4 --batch --skip-column-names "$@"
}

stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  local pid="$SERVER_PID" i
  SERVER_PID=""
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      warn "server (pid $pid) still running 15 s after SIGTERM, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  SERVER_RC=0
  wait "$pid" 2>/dev/null || SERVER_RC=$?
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$WRK_PID" ]] && kill -0 "$WRK_PID" 2>/dev/null; then
    kill -TERM "$WRK_PID" 2>/dev/null || true
    wait "$WRK_PID" 2>/dev/null || true
  fi
  stop_server || true
  if [[ "$DB_CREATED" == 1 && "${BENCH_KEEP_DB:-0}" != 1 ]]; then
    db_sql -e "DROP DATABASE IF EXISTS \`$BENCH_DB\`" || warn "could not drop database $BENCH_DB"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'warn "bench/run.sh stopped: line $LINENO: $BASH_COMMAND failed"' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- 1. deps, binary, database
for tool in wrk curl node mariadb-slap shuf ss; do have "$tool" || die "$tool not found (run scripts/deps.sh)"; done
CLIENT="$(command -v mariadb || command -v mysql || true)"
[[ -n "$CLIENT" ]] || die "mariadb client not found (run scripts/deps.sh)"

# The server's port, chosen first to fail before any work.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [[ -n "${BENCH_PORT:-}" ]]; then
  is_uint "$BENCH_PORT" || die "BENCH_PORT must be a port number"
  PORT="$BENCH_PORT"
  ! port_in_use "$PORT" || die "port $PORT is in use (set BENCH_PORT to a free port)"
else
  PORT=""
  for ((p = 18080; p < 18180; p++)); do
    if ! port_in_use "$p"; then PORT="$p"; break; fi
  done
  [[ -n "$PORT" ]] || die "no free port in 18080-18179 (set BENCH_PORT)"
fi
BASE="http://127.0.0.1:$PORT"

# The binary: BENCH_BINARY as it is; the default build/zusammen is built only when missing.
if [[ -n "${BENCH_BINARY:-}" ]]; then
  BIN="$(cd "$(dirname "$BENCH_BINARY")" && pwd)/$(basename "$BENCH_BINARY")"
  [[ -x "$BIN" && -f "$BIN" ]] || die "BENCH_BINARY=$BENCH_BINARY is not an executable file"
else
  BIN="$ZUSAMMEN_ROOT/build/zusammen"
  if [[ ! -x "$BIN" ]]; then
    log "build/zusammen is missing: building it (RelWithDebInfo)"
    build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' build/CMakeCache.txt 2>/dev/null || true)"
    [[ "$build_type" == RelWithDebInfo || "$build_type" == Release ]] || build_tree build RelWithDebInfo -DZUSAMMEN_TESTS=OFF
    run_logged cmake-build-bench cmake --build build -j"$(jobs_count)" --target zusammen \
      || die "building build/zusammen failed"
    [[ -x "$BIN" ]] || die "the build did not produce $BIN"
  fi
fi
BIN_VERSION="$("$BIN" --version 2>/dev/null | awk '{ print $2 }')"
BIN_INFO="$BIN ($BIN_VERSION, $(stat -c %s "$BIN") bytes, modified $(date -u -r "$BIN" +%Y-%m-%dT%H:%M:%SZ), sha256 $(sha256sum "$BIN" | cut -c1-12))"
info "binary: $BIN_INFO"

# A MariaDB that already answers on the port (scripts/db.sh of this or another checkout) is used as it is.
if ! db_sql -e 'SELECT 1' >/dev/null 2>&1; then
  "$ZUSAMMEN_ROOT/scripts/db.sh" start
fi
DB_URL="mysql://zusammen:zusammen@127.0.0.1:$DB_PORT/$BENCH_DB"

# ---------------------------------------------------------------- 2. data
log "creating database $BENCH_DB (drop + create) and migrating it"
DB_CREATED=1
db_sql -e "DROP DATABASE IF EXISTS \`$BENCH_DB\`;
  CREATE DATABASE \`$BENCH_DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" \
  || die "could not create database $BENCH_DB"
migrate_started="$(date +%s%N)"
ZUSAMMEN_DATABASE_URL="$DB_URL" ZUSAMMEN_LOG_LEVEL=warn run_logged bench-migrate "$BIN" migrate \
  || die "zusammen migrate failed"
MIGRATE_SECONDS="$(seconds_since "$migrate_started")"

log "loading $BENCH_INITIATIVES initiatives (bench/load_data.sh)"
load_started="$(date +%s%N)"
"$BENCH_DIR/load_data.sh"
LOAD_SECONDS="$(seconds_since "$load_started")"
info "migrate ${MIGRATE_SECONDS} s, load ${LOAD_SECONDS} s"

read -r N_COMPANIES N_INITIATIVES N_PUBLISHED <<<"$(db_sql "$BENCH_DB" -e "SELECT
  (SELECT COUNT(*) FROM companies), (SELECT COUNT(*) FROM initiatives),
  (SELECT COUNT(*) FROM initiatives WHERE published = 1)")"

KEY="$(ZUSAMMEN_DATABASE_URL="$DB_URL" ZUSAMMEN_LOG_LEVEL=warn "$BIN" apikey create --name bench \
  --scopes content:read,content:write,registrations:read 2>"$RUN_DIR/apikey.err" | tail -n 1)"
[[ "$KEY" =~ ^[A-Za-z0-9_.-]{16,}$ ]] || { cat "$RUN_DIR/apikey.err" >&2; die "zusammen apikey create printed no key"; }

# Ids: what anonymous callers see (published, of an active company), and all of them (with the key).
VISIBLE="i.published = 1 AND EXISTS (SELECT 1 FROM companies c WHERE c.id = i.company_id AND c.status = 'active')"
db_sql "$BENCH_DB" -e "SELECT CONCAT('/v1/initiatives/', i.id) FROM initiatives i WHERE $VISIBLE" >"$PATHS_DIR/byid.txt"
db_sql "$BENCH_DB" -e "SELECT CONCAT('/v1/initiatives/', id) FROM initiatives" >"$PATHS_DIR/byid_all.txt"
shuf -n 2000 --random-source=<(yes) "$PATHS_DIR/byid.txt" | sed 's/$/?include=company/' >"$PATHS_DIR/byid_include.txt"
db_sql "$BENCH_DB" -e "SELECT id FROM companies WHERE status = 'active'" >"$PATHS_DIR/companies.txt"
# Rows at random depths, for cursors deeper than the walk (bench/paths.js), with the sort columns as the
# server puts them into its cursors (CAST(column AS CHAR)).
[[ -s "$PATHS_DIR/byid.txt" ]] || die "the data set holds no published initiative of an active company"
SAMPLE_IDS="$(shuf -n 2000 "$PATHS_DIR/byid.txt" | sed 's|.*/||' | paste -sd, -)"
db_sql "$BENCH_DB" -e "SELECT i.id, i.category, i.state, i.company_id, CAST(i.title AS CHAR),
  CAST(i.created_at AS CHAR), CAST(i.updated_at AS CHAR), CAST(i.participants AS CHAR)
  FROM initiatives i WHERE i.id IN ($SAMPLE_IDS)" >"$PATHS_DIR/rows.tsv"

# ---------------------------------------------------------------- 3. server
server_log_tail() {
  printf -- '----- %s (last 30 lines) -----\n' "$SERVER_LOG" >&2
  tail -n 30 "$SERVER_LOG" >&2 || true
  printf -- '----- end of server log -----\n' >&2
}
vm_kib() {  # vm_kib FIELD: a field of the server's /proc/PID/status in KiB
  local k v _
  while read -r k v _; do
    if [[ "$k" == "$1:" ]]; then echo "$v"; return 0; fi
  done <"/proc/$SERVER_PID/status"
  return 1
}
SERVER_ENV=()
start_server() {  # start_server TTL_MS
  SERVER_ENV=(ZUSAMMEN_DATABASE_URL="$DB_URL" ZUSAMMEN_LISTEN="127.0.0.1:$PORT"
    ZUSAMMEN_THREADS="$SERVER_THREADS" ZUSAMMEN_WORKERS="$WORKERS" ZUSAMMEN_DB_POOL="$DB_POOL" ZUSAMMEN_LOG_LEVEL="$LOG_LEVEL"
    ZUSAMMEN_SHUTDOWN_GRACE_MS=0 ZUSAMMEN_MIGRATE_ON_START=false ZUSAMMEN_CACHE_TTL_MS="$1"
    ZUSAMMEN_CATALOGUE_MAX_ROWS="$CATALOGUE_MAX_ROWS" ZUSAMMEN_RATE_LIMIT_ANON_RPS=0 ZUSAMMEN_RATE_LIMIT_KEY_RPS=0)
  SERVER_LOG="$RUN_DIR/server-ttl$1.log"
  env "${SERVER_ENV[@]}" "$BIN" serve >>"$SERVER_LOG" 2>&1 </dev/null &
  SERVER_PID=$!
  local i
  for ((i = 0; i < 300; i++)); do
    if curl -fsS -o /dev/null --max-time 2 "$BASE/readyz" 2>/dev/null; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then server_log_tail; die "the server exited during startup"; fi
    sleep 0.1
  done
  ((i < 300)) || { server_log_tail; die "the server did not answer /readyz within 30 s"; }
  # The steady state is measured: the in-memory catalogue loaded (it stays off above its bound).
  if ((CATALOGUE_MAX_ROWS > 0 && BENCH_INITIATIVES <= CATALOGUE_MAX_ROWS)); then
    for ((i = 0; i < 600; i++)); do
      if curl -fsS --max-time 2 "$BASE/metrics" 2>/dev/null | grep -q '^zusammen_catalogue_serving 1$'; then return 0; fi
      sleep 0.1
    done
    server_log_tail
    die "the catalogue did not load within 60 s"
  fi
}
log "starting the server on $BASE (threads $SERVER_THREADS, workers $WORKERS, db pool $DB_POOL, log $LOG_LEVEL, cache ttl $CACHE_TTL ms)"
start_server "$CACHE_TTL"

# ---------------------------------------------------------------- 4. paths, checked
log "collecting list paths and real cursors (bench/paths.js, up to $WALK_PAGES pages of 100 per list)"
paths_started="$(date +%s%N)"
node "$BENCH_DIR/paths.js" "$BASE" "$PATHS_DIR" "$PATHS_DIR/rows.tsv" "$PATHS_DIR/companies.txt" "$WALK_PAGES" \
  || die "bench/paths.js failed"
CURSOR_SUMMARY="$(cat "$PATHS_DIR/cursors.txt")"
PATHS_SECONDS="$(seconds_since "$paths_started")"

# check_paths FILE [KEY]: every path of FILE must answer 200 (curl, 4 in parallel, keep-alive).
check_paths() {
  local file="$1" key="${2:-}" config="$RUN_DIR/check.curl" codes="$RUN_DIR/check.codes" bad
  [[ -s "$file" ]] || return 0
  awk -v base="$BASE" '{ gsub(/"/, "\\\""); printf "url = \"%s%s\"\noutput = \"/dev/null\"\n", base, $0 }' "$file" >"$config"
  local auth=()
  [[ -z "$key" ]] || auth=(-H "Authorization: Bearer $key")
  curl -sS --no-progress-meter --parallel --parallel-max 4 "${auth[@]}" -w '%{http_code} %{time_total} %{url_effective}\n' \
    -K "$config" >"$codes" 2>"$RUN_DIR/check.err" || { cat "$RUN_DIR/check.err" >&2; die "curl failed while checking $file"; }
  cat "$codes" >>"$RUN_DIR/check-times.txt"
  bad="$(awk '$1 != "200" && n++ < 5' "$codes")"
  [[ -z "$bad" ]] || { printf '%s\n' "$bad" >&2; die "paths of ${file#"$RUN_DIR"/} did not answer 200 (first ones above)"; }
  [[ "$(wc -l <"$codes")" == "$(wc -l <"$file")" ]] || die "curl checked fewer paths than ${file#"$RUN_DIR"/} holds"
}
log "checking every request path with curl (all list, search and include paths; 2 000 of the ids each)"
check_started="$(date +%s%N)"
shuf -n 2000 "$PATHS_DIR/byid.txt" >"$RUN_DIR/byid.sample"
shuf -n 2000 "$PATHS_DIR/byid_all.txt" >"$RUN_DIR/byid_all.sample"
for f in "$RUN_DIR/byid.sample" "$PATHS_DIR/byid_include.txt" "$PATHS_DIR/list.txt" "$PATHS_DIR/search.txt" \
         "$PATHS_DIR/include.txt"; do
  check_paths "$f"
done
check_paths "$RUN_DIR/byid_all.sample" "$KEY"
code="$(curl -sS -o "$RUN_DIR/check.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' --data "{\"slug\":\"bench-check-$$\",\"name\":\"Benchmark GmbH\"}" "$BASE/v1/companies")"
[[ "$code" == 201 ]] || { cat "$RUN_DIR/check.json" >&2; die "POST /v1/companies answered $code, not 201"; }
CHECK_SECONDS="$(seconds_since "$check_started")"
# The slowest single requests of the checks (each path once, 4 in parallel, cache on but cold).
sort -k2,2 -g -r "$RUN_DIR/check-times.txt" >"$RUN_DIR/check-times-sorted.txt"
SLOWEST="$(head -n 12 "$RUN_DIR/check-times-sorted.txt" | awk -v base="$BASE" '{ sub(base, "", $3); printf "%.0f ms %s\n", $2 * 1000, $3 }')"
# The same per shape: the path with {id}, the parameter names, and the sort's value.
SHAPES="$(awk -v base="$BASE" '{
    url = $3; sub(base, "", url); n = split(url, a, "?"); path = a[1]; gsub(/\/[0-9]+$/, "/{id}", path)
    shape = path
    if (n > 1) {
      m = split(a[2], kv, "&"); sep = "?"
      for (i = 1; i <= m; i++) { split(kv[i], p, "="); k = p[1]; if (k == "sort" || k == "include") k = kv[i]
        if (k != "limit") { shape = shape sep k; sep = "&" } }
    }
    c[shape]++; t[shape] += $2; if ($2 > mx[shape]) mx[shape] = $2
  } END { for (s in c) printf "%7.1f ms avg %7.1f ms max %6d x %s\n", 1000 * t[s] / c[s], 1000 * mx[s], c[s], s }' \
  "$RUN_DIR/check-times.txt" | sort -g -r >"$RUN_DIR/check-shapes.txt"
  head -n 12 "$RUN_DIR/check-shapes.txt"; echo "(without q:)"; awk '!/[?&]q/ && n++ < 10' "$RUN_DIR/check-shapes.txt")"
CRAWL_HWM_KIB="$(vm_kib VmHWM)"
PATH_COUNTS="$(for f in byid byid_all list deep search include; do printf '%s %s, ' "$f" "$(wc -l <"$PATHS_DIR/$f.txt")"; done)"
info "ok (${PATH_COUNTS%, }); paths ${PATHS_SECONDS} s, checks ${CHECK_SECONDS} s"

# ---------------------------------------------------------------- 5. wrk
# Workload: key for reads ("-": anonymous), write percent, path files.
workload_args() {
  local p="$PATHS_DIR"
  case "$1" in
    byid)    echo "- 0 $p/byid.txt" ;;
    list)    echo "- 0 $p/list.txt" ;;
    deep)    echo "- 0 $p/deep.txt" ;;
    search)  echo "- 0 $p/search.txt" ;;
    include) echo "- 0 $p/include.txt $p/byid_include.txt" ;;
    keyed)   echo "$KEY 0 $p/byid_all.txt $p/list.txt $p/search.txt $p/include.txt" ;;
    mixed)   echo "- $WRITE_PERCENT $p/byid.txt $p/list.txt $p/search.txt $p/include.txt" ;;
  esac
}
describe() {
  case "$1" in
    healthz) echo "GET /healthz (no database: the HTTP layer's ceiling)" ;;
    byid)    echo "GET /v1/initiatives/{id}, id uniformly random over the $(wc -l <"$PATHS_DIR/byid.txt") visible ones" ;;
    list)    echo "initiatives and companies lists: every filter x sort (default included) x depth" ;;
    deep)    echo "the lists' pages 2 and deeper only (cursor)" ;;
    search)  echo "q= German words, alone and with category/state, every sort, pages 1-5; half with include=company" ;;
    include) echo "the initiative lists with include=company, and by id with include=company" ;;
    keyed)   echo "with Authorization: Bearer (internal): by id over all ids, lists, searches, include" ;;
    mixed)   echo "anonymous reads of byid/list/search/include, ${WRITE_PERCENT} % POST /v1/companies (keyed)" ;;
  esac
}

cpu_busy_percent() {
  local a b
  read -ra a < <(awk '/^cpu /{ print $2+$3+$4+$7+$8, $5+$6 }' /proc/stat)
  sleep 1
  read -ra b < <(awk '/^cpu /{ print $2+$3+$4+$7+$8, $5+$6 }' /proc/stat)
  awk -v busy=$((b[0] - a[0])) -v idle=$((b[1] - a[1])) \
    'BEGIN { t = busy + idle; printf "%.0f", (t > 0 ? 100 * busy / t : 0) }'
}
# MariaDB's pid: the process listening on its port (empty when ss may not show it).
DB_PID="$(ss -Hltnp "sport = :$DB_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 || true)"
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
all_ticks() { awk '/^cpu / { print $2+$3+$4+$5+$6+$7+$8+$9 }' /proc/stat; }
cores() { awk -v t="$1" -v all="$2" -v n="$(nproc)" 'BEGIN { printf "%.2f", (all > 0 ? n * t / all : 0) }'; }

RESULTS="$RUN_DIR/results.tsv"
printf 'workload\tcache\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tnon2xx\tsocket_errors\tvmhwm_kib\tserver_cores\tdb_cores\n' >"$RESULTS"
BACKGROUND_BUSY="$(cpu_busy_percent)"
LOADAVG_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
[[ "$BACKGROUND_BUSY" -le 10 ]] \
  || warn "the machine is not idle: other processes use ${BACKGROUND_BUSY} % of the CPUs; the numbers will be low and noisy"

wrk_args() {  # wrk_args WORKLOAD SLUG_PREFIX: sets ARGS to the script and its arguments
  local a
  if [[ "$1" == healthz ]]; then
    ARGS=(-s "$BENCH_DIR/report.lua" "$BASE/healthz")
    return
  fi
  read -ra a <<<"$(workload_args "$1")"
  # paths.lua: READ_KEY WRITE_KEY WRITE_PERCENT SLUG_PREFIX FILE...
  ARGS=(-s "$BENCH_DIR/paths.lua" "$BASE/" -- "${a[0]}" "$KEY" "${a[1]}" "$2" "${a[@]:2}")
}

run_wrk() {  # run_wrk WORKLOAD CACHE
  local name="$1" cache="$2" out="$RUN_DIR/wrk-$1-$2.txt"
  if [[ "$WARMUP" -gt 0 ]]; then
    wrk_args "$name" "bench-$name-$cache-$$-warm"
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "${ARGS[@]}" >"$RUN_DIR/warmup-$name-$cache.txt" 2>&1 \
      || die "wrk (warm-up) failed: $(cat "$RUN_DIR/warmup-$name-$cache.txt")"
  fi
  wrk_args "$name" "bench-$name-$cache-$$"
  log "wrk $name, cache $cache (${DURATION} s)"
  local s0 d0 a0
  s0="$(proc_ticks "$SERVER_PID")"; d0="$( [[ -n "$DB_PID" ]] && proc_ticks "$DB_PID" || echo 0)"; a0="$(all_ticks)"
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${ARGS[@]}" >"$out" 2>&1 &
  WRK_PID=$!
  local wrk_rc=0
  wait "$WRK_PID" || wrk_rc=$?
  WRK_PID=""
  local all=$(( $(all_ticks) - a0 ))
  local server_cores db_cores
  server_cores="$(cores $(( $(proc_ticks "$SERVER_PID") - s0 )) "$all")"
  db_cores="$(cores $(( $( [[ -n "$DB_PID" ]] && proc_ticks "$DB_PID" || echo 0) - d0 )) "$all")"
  [[ "$wrk_rc" == 0 ]] || { cat "$out" >&2; die "wrk failed (exit $wrk_rc) on $name"; }
  kill -0 "$SERVER_PID" 2>/dev/null || { server_log_tail; die "the server died during the wrk run $name"; }
  local line
  line="$(grep -m1 '^BENCH ' "$out")" || { cat "$out" >&2; die "no BENCH line from bench/report.lua in $out"; }
  declare -A r=()
  local kv
  for kv in ${line#BENCH }; do r[${kv%%=*}]="${kv#*=}"; done
  local sock=$(( r[connect] + r[read] + r[write] + r[timeout] )) hwm
  hwm="$(vm_kib VmHWM)"
  printf '%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$cache" "${r[rps]}" "${r[p50_ms]}" "${r[p90_ms]}" \
    "${r[p99_ms]}" "${r[max_ms]}" "${r[non2xx]}" "$sock" "$hwm" "$server_cores" "$db_cores" >>"$RESULTS"
  info "$(printf '%.0f requests/s, p50 %s ms, p99 %s ms, non-2xx %s, socket errors %s, VmHWM %s KiB' \
    "${r[rps]}" "${r[p50_ms]}" "${r[p99_ms]}" "${r[non2xx]}" "$sock" "$hwm")"
}

# A fresh server for each cache mode: its VmHWM is that of the workloads, not of the path collection.
first_mode=1
for cache in $CACHE_MODES; do
  ttl="$CACHE_TTL"; [[ "$cache" == off ]] && ttl=0
  stop_server
  log "restarting the server with ZUSAMMEN_CACHE_TTL_MS=$ttl"
  start_server "$ttl"
  [[ "$first_mode" == 1 ]] && run_wrk healthz "$cache"
  first_mode=0
  for w in $WORKLOADS; do run_wrk "$w" "$cache"; done
done
LOADAVG_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
log "stopping the server (SIGTERM)"
stop_server
[[ "$SERVER_RC" == 0 ]] || warn "the server exited with status $SERVER_RC after SIGTERM (expected 0)"

# ---------------------------------------------------------------- 6. the database's ceiling
# The service's by-id SELECT (service/repositories/initiative_repository.cc, anonymous) on random
# visible ids, from BENCH_CONNECTIONS mariadb-slap clients over TCP, with the server stopped.
SELECT_COLUMNS="i.id, i.company_id, i.title, i.summary, i.description, i.category, i.target_group, i.city, i.state,
  DATE_FORMAT(i.start_date, '%Y-%m-%d'), DATE_FORMAT(i.end_date, '%Y-%m-%d'), i.participants, i.url, i.published,
  CONCAT(DATE_FORMAT(i.created_at, '%Y-%m-%dT%T'), 'Z'), CONCAT(DATE_FORMAT(i.updated_at, '%Y-%m-%dT%T'), 'Z'),
  i.version, CAST(i.id AS CHAR)"
SLAP_SQL="$RUN_DIR/slap.sql"
shuf -n 5000 "$PATHS_DIR/byid.txt" | sed 's|.*/||' | while read -r id; do
  printf 'SELECT %s FROM initiatives i WHERE i.id = %s AND %s;\n' "$(tr '\n' ' ' <<<"$SELECT_COLUMNS")" "$id" "$VISIBLE"
done >"$SLAP_SQL"
slap() {  # slap QUERIES: queries per second of BENCH_CONNECTIONS clients
  mariadb-slap --no-defaults --protocol=tcp -h127.0.0.1 -P"$DB_PORT" -uzusammen -pzusammen \
    --create-schema="$BENCH_DB" --query="$SLAP_SQL" --delimiter=';' --concurrency="$CONNECTIONS" \
    --iterations=1 --number-of-queries="$1" >"$RUN_DIR/slap-$1.txt" 2>&1 || { cat "$RUN_DIR/slap-$1.txt" >&2; die "mariadb-slap failed"; }
  awk -v q="$1" '/Average number of seconds/ { printf "%.0f", ($9 > 0 ? q / $9 : 0) }' "$RUN_DIR/slap-$1.txt"
}
log "mariadb-slap: the by-id SELECT, $CONNECTIONS clients over TCP (about $DURATION s)"
probe="$(slap $(( CONNECTIONS * 200 )))"
SLAP_QUERIES=$(( probe * DURATION / CONNECTIONS * CONNECTIONS ))
(( SLAP_QUERIES >= CONNECTIONS * 200 )) || SLAP_QUERIES=$(( CONNECTIONS * 200 ))
SLAP_QPS="$(slap "$SLAP_QUERIES")"
info "$SLAP_QPS queries/s ($SLAP_QUERIES queries)"

# ---------------------------------------------------------------- 7. report
REPORT="$RUN_DIR/report.md"
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
get() {  # get WORKLOAD CACHE COLUMN
  awk -F'\t' -v w="$1" -v c="$2" -v col="$3" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $1 == w && $2 == c { print $h[col]; exit }' "$RESULTS"
}
cpu_model="$(LC_ALL=C lscpu 2>/dev/null | awk -F': *' '/^Model name/ { print $2; exit }')"
mem_gib="$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
mariadb_version="$(db_sql -e 'SELECT VERSION()' 2>/dev/null || echo '?')"
wrk_version="$({ wrk -v 2>&1 || true; } | awk 'NR == 1 { print $2 }')"
buffer_pool_mib="$(db_sql -e 'SELECT @@innodb_buffer_pool_size DIV 1048576' 2>/dev/null || echo '?')"

AIMS=()
MISSES=0
aim() {  # aim OK TEXT
  local verdict=PASS
  [[ "$1" == 1 ]] || { verdict=MISS; MISSES=$(( MISSES + 1 )); }
  AIMS+=("| $verdict | $2 |")
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 >= b + 0) }' && echo 1 || echo 0; }
has() { [[ -n "$(get "$1" "$2" rps)" ]]; }
if has byid on; then aim "$(ge "$(get byid on rps)" 24000)" "by id, cache on: $(get byid on rps) req/s >= 24 000"; fi
if has list on; then aim "$(ge "$(get list on rps)" 12000)" "lists (long tail), cache on: $(get list on rps) req/s >= 12 000 (the category list's aim)"; fi
if has include on; then aim "$(ge "$(get include on rps)" 9000)" "include=company, cache on: $(get include on rps) req/s >= 9 000"; fi
if has deep on; then aim "$(ge "$(get deep on rps)" 9000)" "deep pages, cache on: $(get deep on rps) req/s >= 9 000"; fi
for w in list deep search include keyed; do
  if has "$w" off; then aim "$(ge "$(get "$w" off rps)" 4000)" "$w, cache off: $(get "$w" off rps) req/s >= 4 000"; fi
done
if has byid off; then
  ceiling_part="$(awk -v a="$(get byid off rps)" -v b="$SLAP_QPS" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  aim "$(ge "$ceiling_part" 0.6)" "by id, cache off: $(get byid off rps) req/s = $ceiling_part x the mariadb-slap ceiling ($SLAP_QPS/s) >= 0.6"
fi
bad="$(awk -F'\t' 'NR > 1 { n += $8 + $9 } END { print n + 0 }' "$RESULTS")"
aim "$([[ "$bad" == 0 ]] && echo 1 || echo 0)" "non-2xx and socket errors: $bad (0)"
peak_kib="$(awk -F'\t' 'NR > 1 && $10 > m { m = $10 } END { print m + 0 }' "$RESULTS")"
rss_aim=64; (( N_INITIATIVES > 20000 )) && rss_aim=256
aim "$(awk -v k="$peak_kib" -v m="$rss_aim" 'BEGIN { print (k / 1024 < m) ? 1 : 0 }')" \
  "peak RSS (VmHWM): $(mib "$peak_kib") MiB < $rss_aim MiB"
# The 1 000 000 run against the last 20 000 run of this checkout (.local/bench/last-20000.tsv).
if (( N_INITIATIVES > 20000 )) && [[ -f "$ZUSAMMEN_ROOT/.local/bench/last-20000.tsv" ]]; then
  ref="$ZUSAMMEN_ROOT/.local/bench/last-20000.tsv"
  for cache in $CACHE_MODES; do
    for w in list deep; do
      has "$w" "$cache" || continue
      ref_p99="$(awk -F'\t' -v w="$w" -v c="$cache" '$1 == w && $2 == c { print $6; exit }' "$ref")"
      [[ -n "$ref_p99" ]] || continue
      aim "$(awk -v a="$(get "$w" "$cache" p99_ms)" -v b="$ref_p99" 'BEGIN { print (a <= 1.5 * b) ? 1 : 0 }')" \
        "$w p99, cache $cache: $(get "$w" "$cache" p99_ms) ms <= 1.5 x the 20 000 run's $ref_p99 ms"
    done
  done
fi
[[ "$N_INITIATIVES" == 20000 ]] && cp "$RESULTS" "$ZUSAMMEN_ROOT/.local/bench/last-20000.tsv"

{
  echo "## Zusammen API long-tail benchmark, $RUN_DATE"
  echo
  echo "- machine: $cpu_model, $(nproc) cores, ${mem_gib} GiB RAM, Linux $(uname -r); wrk, server and MariaDB on the same machine"
  echo "- load: other processes used ${BACKGROUND_BUSY} % of the CPUs just before the runs; load average $LOADAVG_BEFORE before, $LOADAVG_AFTER after"
  echo "- software: MariaDB $mariadb_version (buffer pool $buffer_pool_mib MiB), wrk $wrk_version"
  echo "- binary: $BIN_INFO"
  echo "- data: $N_COMPANIES companies, $N_INITIATIVES initiatives ($N_PUBLISHED published); migrate $MIGRATE_SECONDS s, load $LOAD_SECONDS s"
  echo "- paths: ${PATH_COUNTS%, }; $CURSOR_SUMMARY"
  echo "- server: ZUSAMMEN_THREADS=$SERVER_THREADS ZUSAMMEN_WORKERS=$WORKERS ZUSAMMEN_DB_POOL=$DB_POOL ZUSAMMEN_LOG_LEVEL=$LOG_LEVEL ZUSAMMEN_CATALOGUE_MAX_ROWS=$CATALOGUE_MAX_ROWS, cache on = ZUSAMMEN_CACHE_TTL_MS=$CACHE_TTL, off = 0, rate limits off"
  echo "- wrk: wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency -s bench/paths.lua (after a ${WARMUP} s warm-up each)"
  echo "- command: \`$INVOCATION\`"
  echo
  echo "| workload | cache | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | sock err | VmHWM MiB | server cores | MariaDB cores |"
  echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %s | %s |\n",
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 / 1024, $11, $12 }' "$RESULTS"
  echo "| mariadb-slap by-id SELECT | - | $SLAP_QPS | | | | | | | | | |"
  echo
  echo "| aim | |"
  echo "|---|---|"
  printf '%s\n' "${AIMS[@]}"
  echo
  echo "VmHWM of the server that served the path collection and the checks (limit=100 pages, cache on): $(mib "$CRAWL_HWM_KIB") MiB."
  echo
  echo "Slowest single requests of the checks (each path once, 4 in parallel, before the runs):"
  echo
  echo '```'
  echo "$SLOWEST"
  echo '```'
  echo
  echo "Slowest request shapes of the checks (average over their paths):"
  echo
  echo '```'
  echo "$SHAPES"
  echo '```'
  echo
  echo "Workloads:"
  for w in healthz $WORKLOADS; do echo "- $w: $(describe "$w")"; done
  echo
  echo "Total wall time $(seconds_since "$RUN_STARTED_NS") s; server exit status after SIGTERM: ${SERVER_RC:-?}."
} >"$REPORT"
echo
cat "$REPORT"
echo
echo "wrk outputs, path files, server logs, results.tsv and report.md in ${RUN_DIR#"$ZUSAMMEN_ROOT"/}/"

if [[ "${BENCH_STRICT:-0}" == 1 && "$MISSES" -gt 0 ]]; then
  exit 3
fi
