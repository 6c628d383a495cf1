#!/usr/bin/env bash
# Database faults against the built service (build/zusammen) and a MariaDB of
# its own (scripts/db.sh with ZUSAMMEN_DB_DIR=.local/mariadb-faults, port
# ${ZUSAMMEN_FAULTS_DB_PORT:-3330}; never the development server):
#
#   scripts/faults.sh          every scenario (a-e); b puts wrk load on the
#                              service while MariaDB restarts (about a minute)
#   scripts/faults.sh --quick  the quick ones: a, c, d, e
#
#   a  the database is down when serve starts (ZUSAMMEN_MIGRATE_ON_START=true)
#      and comes up later
#   b  MariaDB restarts in the middle of a wrk run of unique POSTs
#   c  the service's connections idle past the server's wait_timeout
#   d  a statement runs over ZUSAMMEN_DB_STATEMENT_TIMEOUT_MS
#   e  the database turns read-only (SET GLOBAL read_only=ON; the service's
#      user has no READ ONLY ADMIN privilege)
#
# Prints scenario | expected | observed | result, and exits non-zero when a
# scenario fails. Logs and load records go to .local/faults/. The fault
# server is stopped at the end (it is started again on the next run).
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (usage: scripts/faults.sh [--quick])" ;;
  esac
done

BIN="$ZUSAMMEN_ROOT/build/zusammen"
[[ -x "$BIN" ]] || die "$BIN not found: build first (cmake --build build)"
for tool in curl mariadb; do have "$tool" || die "$tool not found (run scripts/deps.sh)"; done
[[ $quick -eq 1 ]] || have wrk || die "wrk not found (run scripts/deps.sh)"

DB_PORT="${ZUSAMMEN_FAULTS_DB_PORT:-3330}"
DB_DIR="$ZUSAMMEN_ROOT/.local/mariadb-faults"
[[ "$DB_PORT" != "${ZUSAMMEN_DB_PORT:-3307}" ]] || die "the fault server needs a port other than the development server's"
WORK="$ZUSAMMEN_ROOT/.local/faults"
rm -rf "$WORK"
mkdir -p "$WORK"

fault_db() { ZUSAMMEN_DB_DIR="$DB_DIR" ZUSAMMEN_DB_PORT="$DB_PORT" "$ZUSAMMEN_ROOT/scripts/db.sh" "$@"; }
sql() { MYSQL_PWD=zusammen mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$DB_PORT" -uzusammen -N -B "$@"; }
db_url() { echo "mysql://${2:-zusammen}:${3:-zusammen}@127.0.0.1:$DB_PORT/$1"; }

SERVE_PID=""
SERVE_PORT=""
cleanup() {
  local rc=$?
  stop_serve
  if fault_db status >/dev/null 2>&1; then
    sql -e "SET GLOBAL read_only = OFF; SET GLOBAL wait_timeout = 28800" >/dev/null 2>&1 || true
  fi
  fault_db stop >/dev/null 2>&1 || true
  exit $rc
}
trap cleanup EXIT
trap 'warn "stopped at line $LINENO: $BASH_COMMAND"' ERR

# start_serve NAME VAR=VALUE...: zusammen serve on a free port with these settings;
# sets SERVE_PID and SERVE_PORT. Output in $WORK/NAME.out and .err. The scenarios are about
# the database path, so the in-memory catalogue is off: it would answer the anonymous reads
# without asking the database at all.
start_serve() {
  local name="$1"; shift
  : >"$WORK/$name.out"
  env -u ZUSAMMEN_DATABASE_URL ZUSAMMEN_LISTEN=127.0.0.1:0 ZUSAMMEN_THREADS=2 ZUSAMMEN_DB_POOL=4 \
    ZUSAMMEN_DB_CONNECT_TIMEOUT=2 ZUSAMMEN_DB_LEASE_TIMEOUT_MS=1000 ZUSAMMEN_CACHE_TTL_MS=0 \
    ZUSAMMEN_CATALOGUE_MAX_ROWS=0 \
    ZUSAMMEN_RATE_LIMIT_ANON_RPS=0 ZUSAMMEN_RATE_LIMIT_KEY_RPS=0 "$@" \
    "$BIN" serve >"$WORK/$name.out" 2>"$WORK/$name.err" &
  SERVE_PID=$!
  local i
  for ((i = 0; i < 300; i++)); do
    SERVE_PORT="$(sed -n 's#^listening on http://127\.0\.0\.1:\([0-9]*\)$#\1#p' "$WORK/$name.out")"
    [[ -n "$SERVE_PORT" ]] && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/$name.err" >&2; die "serve ($name) exited at start"; }
    sleep 0.1
  done
  die "serve ($name) printed no listening line within 30 s"
}

stop_serve() {
  [[ -n "$SERVE_PID" ]] || return 0
  kill -TERM "$SERVE_PID" 2>/dev/null || true
  wait "$SERVE_PID" 2>/dev/null || true
  SERVE_PID=""
}

alive() { [[ -n "$SERVE_PID" ]] && kill -0 "$SERVE_PID" 2>/dev/null; }

# http METHOD PATH [curl args...]: prints "STATUS SECONDS"; the body in $WORK/body,
# the headers in $WORK/headers. Status 000: no answer within 15 s.
http() {
  local method="$1" path="$2"; shift 2
  curl -s -X "$method" -o "$WORK/body" -D "$WORK/headers" --max-time 15 -w '%{http_code} %{time_total}' \
    "$@" "http://127.0.0.1:$SERVE_PORT$path" || true
}
code() { http "$@" | cut -d' ' -f1; }

# A 503 problem+json with Retry-After (the last answer of http).
is_unavailable_problem() {
  grep -qi '^content-type: application/problem+json' "$WORK/headers" && grep -qi '^retry-after: ' "$WORK/headers"
}

post_company() {  # post_company SLUG [curl args...]
  local slug="$1"; shift
  code POST /v1/companies -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    --data "{\"slug\":\"$slug\",\"name\":\"Firma $slug\"}" "$@"
}

# await_code PATH CODE SECONDS: polls GET PATH until it answers CODE; prints the seconds it took.
await_code() {
  local path="$1" want="$2" limit="$3" start now
  start=$(date +%s.%N)
  while :; do
    now=$(date +%s.%N)
    if [[ "$(code GET "$path")" == "$want" ]]; then
      awk -v a="$start" -v b="$now" 'BEGIN { printf "%.1f", b - a }'
      return 0
    fi
    awk -v a="$start" -v b="$now" -v l="$limit" 'BEGIN { exit !(b - a > l) }' && return 1
    sleep 0.1
  done
}

# await_sql QUERY VALUE SECONDS: polls until the query answers VALUE.
await_sql() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    [[ "$(sql -e "$1" 2>/dev/null)" == "$2" ]] && return 0
    sleep 0.1
  done
  return 1
}

ROWS=()
failed=0
record() {  # record SCENARIO EXPECTED OBSERVED PASS|FAIL
  ROWS+=("$1|$2|$3|$4")
  [[ "$4" == PASS ]] || failed=1
  printf '    %s: %s (%s)\n' "$1" "$4" "$3"
}

# A fresh database with the schema and an API key (content:read, content:write) in KEY.
fresh_database() {
  sql -e "DROP DATABASE IF EXISTS \`$1\`; CREATE DATABASE \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  ZUSAMMEN_DATABASE_URL="$(db_url "$1")" "$BIN" migrate >"$WORK/migrate-$1.log" 2>&1 || die "migrate $1 failed"
  KEY="$(ZUSAMMEN_DATABASE_URL="$(db_url "$1")" "$BIN" apikey create --name faults \
    --scopes content:read,content:write 2>>"$WORK/migrate-$1.log" | tail -n 1)"
}

# Lines the service logged at level error (a 500 logs one).
errors_logged() { grep -cE '^[0-9T:.-]+Z error ' "$WORK/$1.err" || true; }

log "fault server: $(fault_db url)"
fault_db start >"$WORK/db-start.log" 2>&1 || { cat "$WORK/db-start.log" >&2; die "starting the fault server failed"; }

# ---------------------------------------------------------------- a
scenario_a() {
  log "a: the database is down at start"
  sql -e "DROP DATABASE IF EXISTS faults_a; CREATE DATABASE faults_a CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  fault_db stop >/dev/null
  start_serve a ZUSAMMEN_DATABASE_URL="$(db_url faults_a)" ZUSAMMEN_MIGRATE_ON_START=true
  local health ready api problems=1
  health=$(code GET /healthz)
  ready=$(code GET /readyz)
  is_unavailable_problem || problems=0
  api=$(code GET /v1/companies)
  is_unavailable_problem || problems=0
  fault_db start >/dev/null
  local after="" listed
  after=$(await_code /readyz 200 20) || after=""
  listed=$(code GET /v1/companies)
  local observed="down: healthz $health, readyz $ready, API $api"
  [[ $problems -eq 1 ]] && observed+=" (problem+json, Retry-After)"
  observed+="; up: ready after ${after:-never} s, API $listed"
  if [[ "$health" == 200 && "$ready" == 503 && "$api" == 503 && $problems -eq 1 && -n "$after" && "$listed" == 200 ]] &&
    alive && awk -v s="$after" 'BEGIN { exit !(s <= 10) }'; then
    record "a database down at start" "healthz 200, readyz+API 503; migrated and ready <= 10 s after it is up" \
      "$observed" PASS
  else
    record "a database down at start" "healthz 200, readyz+API 503; migrated and ready <= 10 s after it is up" \
      "$observed" FAIL
  fi
  stop_serve
}

# ---------------------------------------------------------------- b
scenario_b() {
  log "b: MariaDB restarts under wrk load"
  fresh_database faults_b
  start_serve b ZUSAMMEN_DATABASE_URL="$(db_url faults_b)" ZUSAMMEN_THREADS=2 ZUSAMMEN_DB_POOL=4
  local run load="$WORK/load"
  run="r$(date +%s)"
  mkdir -p "$load"
  FAULTS_OUT="$load" FAULTS_KEY="$KEY" FAULTS_RUN="$run" \
    wrk -t2 -c8 -d25s --timeout 10s -s "$ZUSAMMEN_ROOT/scripts/faults-load.lua" "http://127.0.0.1:$SERVE_PORT" \
    >"$WORK/wrk-b.txt" 2>&1 &
  local wrk_pid=$!
  sleep 6  # load before the restart
  local down_at up_at
  down_at=$(date +%s.%N)
  fault_db stop >/dev/null
  fault_db start >/dev/null
  up_at=$(date +%s.%N)
  wait "$wrk_pid" || true
  # After the outage: a second, short run must succeed completely.
  local after="$WORK/after"
  mkdir -p "$after"
  FAULTS_OUT="$after" FAULTS_KEY="$KEY" FAULTS_RUN="${run}a" \
    wrk -t1 -c4 -d4s --timeout 10s -s "$ZUSAMMEN_ROOT/scripts/faults-load.lua" "http://127.0.0.1:$SERVE_PORT" \
    >"$WORK/wrk-b-after.txt" 2>&1 || true

  cat "$load"/responses-*.txt >"$WORK/b-responses.txt" 2>/dev/null || true
  local total n201 n503 other socket after_total after_bad
  total=$(wc -l <"$WORK/b-responses.txt")
  n201=$(grep -c '^201 ' "$WORK/b-responses.txt" || true)
  n503=$(grep -c '^503 ' "$WORK/b-responses.txt" || true)
  other=$((total - n201 - n503))
  socket=$(sed -n 's/^LOAD requests=[0-9]* connect=\([0-9]*\) read=\([0-9]*\) write=\([0-9]*\) timeout=\([0-9]*\)$/\1 \2 \3 \4/p' \
    "$WORK/wrk-b.txt" "$WORK/wrk-b-after.txt" | awk '{ s += $1 + $2 + $3 + $4 } END { print s + 0 }')
  after_total=$(cat "$after"/responses-*.txt 2>/dev/null | wc -l)
  after_bad=$(cat "$after"/responses-*.txt 2>/dev/null | grep -vc '^201 ' || true)

  # Rows versus acknowledgements.
  grep '^201 ' "$WORK/b-responses.txt" | cut -d' ' -f2 | sort >"$WORK/b-acked.txt"
  sql -e "SELECT slug FROM faults_b.companies WHERE slug LIKE '$run-%'" | sort >"$WORK/b-rows.txt"
  local acked rows lost duplicated unacked
  acked=$(wc -l <"$WORK/b-acked.txt")
  rows=$(wc -l <"$WORK/b-rows.txt")
  lost=$(comm -23 "$WORK/b-acked.txt" "$WORK/b-rows.txt" | wc -l)
  duplicated=$(( $(uniq -d "$WORK/b-rows.txt" | wc -l) + $(uniq -d "$WORK/b-acked.txt" | wc -l) ))
  unacked=$(comm -13 "$WORK/b-acked.txt" "$WORK/b-rows.txt" | wc -l)
  local outage errors
  outage=$(awk -v a="$down_at" -v b="$up_at" 'BEGIN { printf "%.1f", b - a }')
  errors=$(errors_logged b)
  local observed="$total answers: $n201×201 $n503×503 $other×other, socket errors $socket; restart ${outage} s;"
  observed+=" after: $((after_total - after_bad))/$after_total 201; $acked acked, $rows rows, $lost lost,"
  observed+=" $duplicated duplicated ($unacked stored without a 201 seen: in flight when wrk stopped or cut"
  observed+=" by the restart); $errors error logs"
  if [[ $total -gt 0 && $other -eq 0 && $n503 -gt 0 && $socket -eq 0 && $after_total -gt 0 && $after_bad -eq 0 &&
    $lost -eq 0 && $duplicated -eq 0 && $errors -eq 0 ]] && alive; then
    record "b restart under load" "only 201/503, no socket errors; all 201 after; no acked row lost or duplicated" \
      "$observed" PASS
  else
    record "b restart under load" "only 201/503, no socket errors; all 201 after; no acked row lost or duplicated" \
      "$observed" FAIL
  fi
  stop_serve
}

# ---------------------------------------------------------------- c
scenario_c() {
  log "c: connections idle past wait_timeout"
  fresh_database faults_c
  # New sessions take the global value: the service's connections time out after 2 s idle.
  sql -e "SET GLOBAL wait_timeout = 2"
  start_serve c ZUSAMMEN_DATABASE_URL="$(db_url faults_c)"
  local first dropped=no read write
  first=$(code GET /v1/companies)
  # The server closes them (the scenario itself, awaited on the server's side).
  await_sql "SELECT COUNT(*) FROM information_schema.processlist WHERE db = 'faults_c'" 0 15 && dropped=yes
  read=$(code GET /v1/companies)
  await_sql "SELECT COUNT(*) FROM information_schema.processlist WHERE db = 'faults_c'" 0 15 || dropped=no
  write=$(post_company idle-write)
  sql -e "SET GLOBAL wait_timeout = 28800"
  local observed="before $first; server closed them: $dropped; first read after $read, first write after $write"
  if [[ "$first" == 200 && "$dropped" == yes && "$read" == 200 && "$write" == 201 && $(errors_logged c) -eq 0 ]]; then
    record "c idle past wait_timeout" "first read 200 and first write 201 after the server dropped them" \
      "$observed" PASS
  else
    record "c idle past wait_timeout" "first read 200 and first write 201 after the server dropped them" \
      "$observed" FAIL
  fi
  stop_serve
}

# ---------------------------------------------------------------- d
scenario_d() {
  log "d: a statement over its time limit"
  fresh_database faults_d
  start_serve d ZUSAMMEN_DATABASE_URL="$(db_url faults_d)" ZUSAMMEN_THREADS=1 ZUSAMMEN_DB_POOL=1 \
    ZUSAMMEN_DB_STATEMENT_TIMEOUT_MS=500
  local before connection slow took next after
  before=$(code GET /v1/companies)
  await_sql "SELECT COUNT(*) FROM information_schema.processlist WHERE db = 'faults_d'" 1 10 || true
  connection=$(sql -e "SELECT id FROM information_schema.processlist WHERE db = 'faults_d'")
  # Another session holds the table for 4 s.
  sql -e "LOCK TABLES faults_d.companies WRITE; SELECT SLEEP(4); UNLOCK TABLES" >/dev/null &
  local locker=$!
  await_sql "SELECT COUNT(*) FROM information_schema.processlist WHERE state = 'User sleep'" 1 10 || true
  slow=$(http GET /v1/companies)
  took=$(awk -v t="${slow#* }" 'BEGIN { printf "%.2f", t }')
  slow=${slow%% *}
  local problem=no
  is_unavailable_problem && problem=yes
  wait "$locker" || true
  next=$(code GET /v1/companies)
  after=$(sql -e "SELECT id FROM information_schema.processlist WHERE db = 'faults_d'")
  local same=no
  [[ -n "$connection" && "$connection" == "$after" ]] && same=yes
  local observed="locked: $slow in ${took} s (problem+json, Retry-After: $problem); then $next on the same connection: $same"
  if [[ "$before" == 200 && "$slow" == 503 && "$problem" == yes && "$next" == 200 && "$same" == yes ]] &&
    awk -v t="$took" 'BEGIN { exit !(t < 2) }'; then
    record "d statement timeout (500 ms)" "503 within 2 s; the next request 200 on the same connection" \
      "$observed" PASS
  else
    record "d statement timeout (500 ms)" "503 within 2 s; the next request 200 on the same connection" \
      "$observed" FAIL
  fi
  stop_serve
}

# ---------------------------------------------------------------- e
scenario_e() {
  log "e: the database turns read-only"
  fresh_database faults_e
  # A user as an application would have one: no READ ONLY ADMIN, so read_only applies to it.
  sql -e "CREATE USER IF NOT EXISTS 'zfaults'@'127.0.0.1' IDENTIFIED BY 'zfaults';
    GRANT SELECT, INSERT, UPDATE, DELETE ON faults_e.* TO 'zfaults'@'127.0.0.1'"
  start_serve e ZUSAMMEN_DATABASE_URL="$(db_url faults_e zfaults zfaults)"
  local before read_only_write keyed problem=no read authed ready rows back
  before=$(post_company before-ro)
  sql -e "SET GLOBAL read_only = ON"
  read_only_write=$(post_company during-ro)
  is_unavailable_problem && problem=yes
  keyed=$(post_company during-ro-keyed -H 'Idempotency-Key: ro-1')
  read=$(code GET /v1/companies)
  authed=$(code GET /v1/companies -H "Authorization: Bearer $KEY")
  ready=$(code GET /readyz)
  rows=$(sql -e "SELECT COUNT(*) FROM faults_e.companies WHERE slug LIKE 'during-ro%'")
  sql -e "SET GLOBAL read_only = OFF"
  back=$(post_company after-ro)
  local observed="writes $read_only_write/$keyed (problem+json, Retry-After: $problem), $rows rows;"
  observed+=" reads $read/$authed, readyz $ready; writable again: $back"
  if [[ "$before" == 201 && "$read_only_write" == 503 && "$keyed" == 503 && "$problem" == yes && "$rows" == 0 &&
    "$read" == 200 && "$authed" == 200 && "$back" == 201 && $(errors_logged e) -eq 0 ]]; then
    record "e read-only database" "writes 503 (none stored), reads 200; writes 201 when writable again" \
      "$observed" PASS
  else
    record "e read-only database" "writes 503 (none stored), reads 200; writes 201 when writable again" \
      "$observed" FAIL
  fi
  stop_serve
}

scenario_a
[[ $quick -eq 1 ]] || scenario_b
scenario_c
scenario_d
scenario_e

echo
printf '%s\n' "scenario|expected|observed|result" "${ROWS[@]}" | awk -F'|' '
  { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > width[i]) width[i] = length($i) } }
  END {
    for (r = 1; r <= NR; r++) {
      line = ""
      for (i = 1; i <= 4; i++) line = line (i > 1 ? " | " : "") sprintf(i < 4 ? "%-" width[i] "s" : "%s", cell[r, i])
      print line
    }
  }'
echo
if [[ $failed -ne 0 ]]; then
  die "some fault scenarios failed (logs in .local/faults/)"
fi
log "all fault scenarios passed"
