#!/usr/bin/env bash
# Read benchmark of the Zusammen API, on loopback (see bench/README.md):
#
#   bench/run.sh                  (DURATION=10 bench/run.sh for a shorter run)
#
# Builds build/ when the binary is missing or stale, starts the private
# MariaDB (scripts/db.sh), creates a fresh database zusammen_bench, migrates
# it and loads 300 companies and 20 000 initiatives (bench/load_data.sh),
# starts `build/zusammen serve` on 127.0.0.1, runs wrk against /healthz, one
# initiative by id and a filtered list with include=company, samples the
# server's RSS, and prints a table, the machine and PASS/MISS for each aim.
# The server is stopped and zusammen_bench dropped at the end, also on
# failure or Ctrl-C. The MariaDB server keeps running (scripts/db.sh stop).
#
# Environment (defaults in brackets):
#   DURATION            seconds of each measured wrk run [15]
#   BENCH_WARMUP        seconds of an unmeasured wrk run before each one [2]
#   BENCH_THREADS       ZUSAMMEN_THREADS of the server [2]
#   BENCH_DB_POOL       ZUSAMMEN_DB_POOL of the server [4]
#   BENCH_CACHE_TTL_MS  ZUSAMMEN_CACHE_TTL_MS of the server [1000]; 0 measures every
#                       request against the database
#   BENCH_WRK_THREADS   wrk -t [2]
#   BENCH_CONNECTIONS   wrk -c [32]
#   BENCH_PORT          port of the server [first free one from 18080]
#   BENCH_DB            database name [zusammen_bench]; dropped and recreated!
#   BENCH_KEEP_DB=1     keep the database at the end
#   BENCH_COMPANIES, BENCH_INITIATIVES   data set size [300, 20000]
#   BENCH_STRICT=1      exit 3 when an aim is missed (default: exit 0)
#   ZUSAMMEN_DB_PORT    port of the private MariaDB [3307]
#
# Output of each wrk run and the server log go to .local/bench/<time>/.
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"

# The command as given, with the settings that were set, for the report.
INVOCATION="$(for v in DURATION BENCH_WARMUP BENCH_THREADS BENCH_DB_POOL BENCH_CACHE_TTL_MS BENCH_WRK_THREADS BENCH_CONNECTIONS \
  BENCH_PORT BENCH_DB BENCH_COMPANIES BENCH_INITIATIVES ZUSAMMEN_DB_PORT; do
  [[ -n "${!v:-}" ]] && printf '%s=%s ' "$v" "${!v}"
done; printf 'bench/run.sh')"
case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) die "bench/run.sh takes no arguments (settings are environment variables; see --help)" ;;
esac
BENCH_DIR="$ZUSAMMEN_ROOT/bench"
DURATION="${DURATION:-15}"
WARMUP="${BENCH_WARMUP:-2}"
SERVER_THREADS="${BENCH_THREADS:-2}"
DB_POOL="${BENCH_DB_POOL:-4}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
BENCH_DB="${BENCH_DB:-zusammen_bench}"
DB_PORT="${ZUSAMMEN_DB_PORT:-3307}"
export BENCH_DB ZUSAMMEN_DB_PORT="$DB_PORT"

# Aims (from the issue).
AIM_BYID_RATIO=0.5   # by-id requests/s >= this x /healthz requests/s
AIM_RSS_MIB=64       # peak RSS (VmHWM) below this

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
for v in DURATION WARMUP SERVER_THREADS DB_POOL WRK_THREADS CONNECTIONS; do
  is_uint "${!v}" || die "$v must be a non-negative integer, not '${!v}'"
done
[[ "$DURATION" -ge 1 && "$SERVER_THREADS" -ge 1 && "$DB_POOL" -ge 1 && "$WRK_THREADS" -ge 1 ]] \
  || die "DURATION, BENCH_THREADS, BENCH_DB_POOL and BENCH_WRK_THREADS must be at least 1"
[[ "$CONNECTIONS" -ge "$WRK_THREADS" ]] || die "BENCH_CONNECTIONS must be at least BENCH_WRK_THREADS"
[[ "$BENCH_DB" =~ ^[A-Za-z0-9_]+$ ]] || die "BENCH_DB must be letters, digits and _"
case "$BENCH_DB" in
  zusammen|mysql|information_schema|performance_schema|sys) die "BENCH_DB=$BENCH_DB would drop a database that is not ours" ;;
esac


RUN_STARTED_NS="$(date +%s%N)"
RUN_DIR="$ZUSAMMEN_ROOT/.local/bench/$(date -u +%Y%m%dT%H%M%SZ)-$$"
mkdir -p "$RUN_DIR"

seconds_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

# ---------------------------------------------------------------- cleanup
SERVER_PID=""
SERVER_RC=""
WRK_PID=""
DB_CREATED=0

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

# ---------------------------------------------------------------- 1. deps, build, database
"$ZUSAMMEN_ROOT/scripts/deps.sh"
have wrk || die "wrk not found (run scripts/deps.sh)"
have curl || die "curl not found (run scripts/deps.sh)"
have node || die "node not found (run scripts/deps.sh)"
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

BIN="$ZUSAMMEN_ROOT/build/zusammen"
build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' build/CMakeCache.txt 2>/dev/null || true)"
if [[ "$build_type" != RelWithDebInfo && "$build_type" != Release ]]; then
  # Not configured yet (or configured as a debug build): configure as scripts/run.sh does.
  build_tree build RelWithDebInfo
elif [[ ! -x "$BIN" ]] || [[ -n "$(find CMakeLists.txt cmake api service openapi.yaml -type f -newer "$BIN" \
    -print -quit 2>/dev/null)" ]]; then
  log "building build/zusammen ($build_type; the binary is missing or older than the sources)"
  run_logged cmake-build-bench cmake --build build -j"$(jobs_count)" --target zusammen \
    || die "building build/zusammen failed"
  # make leaves the binary's mtime alone when nothing needed relinking.
  touch "$BIN"
else
  info "build/zusammen is up to date ($build_type)"
fi
[[ -x "$BIN" ]] || die "the build did not produce $BIN"
build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' build/CMakeCache.txt)"

"$ZUSAMMEN_ROOT/scripts/db.sh" start
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

log "loading the data set (bench/load_data.sh)"
load_started="$(date +%s%N)"
"$BENCH_DIR/load_data.sh"
LOAD_SECONDS="$(seconds_since "$load_started")"
info "migrate ${MIGRATE_SECONDS} s, load ${LOAD_SECONDS} s"

read -r N_COMPANIES N_INITIATIVES N_PUBLISHED <<<"$(db_sql "$BENCH_DB" -e "SELECT
  (SELECT COUNT(*) FROM companies), (SELECT COUNT(*) FROM initiatives),
  (SELECT COUNT(*) FROM initiatives WHERE published = 1)")"

# One published initiative of an active company (what anonymous callers see),
# from the middle of the table.
BYID="$(db_sql "$BENCH_DB" -e "SELECT i.id FROM initiatives i JOIN companies c ON c.id = i.company_id
  WHERE i.published = 1 AND c.status = 'active' ORDER BY i.id
  LIMIT 1 OFFSET $(( N_INITIATIVES / 2 < 1000 ? 0 : N_INITIATIVES / 2 - 1000 ))")"
[[ -n "$BYID" ]] || die "the data set holds no published initiative of an active company"

# ---------------------------------------------------------------- 3. server

SERVER_ENV=(ZUSAMMEN_DATABASE_URL="$DB_URL" ZUSAMMEN_LISTEN="127.0.0.1:$PORT"
  ZUSAMMEN_THREADS="$SERVER_THREADS" ZUSAMMEN_DB_POOL="$DB_POOL" ZUSAMMEN_LOG_LEVEL=warn
  ZUSAMMEN_SHUTDOWN_GRACE_MS=0 ZUSAMMEN_MIGRATE_ON_START=false ZUSAMMEN_CACHE_TTL_MS="${BENCH_CACHE_TTL_MS:-1000}"
  ZUSAMMEN_RATE_LIMIT_ANON_RPS=0 ZUSAMMEN_RATE_LIMIT_KEY_RPS=0)
log "starting build/zusammen serve on $BASE (threads $SERVER_THREADS, db pool $DB_POOL)"
env "${SERVER_ENV[@]}" "$BIN" serve >"$RUN_DIR/server.log" 2>&1 </dev/null &
SERVER_PID=$!

server_log_tail() {
  printf -- '----- %s (last 30 lines) -----\n' "$RUN_DIR/server.log" >&2
  tail -n 30 "$RUN_DIR/server.log" >&2 || true
  printf -- '----- end of server log -----\n' >&2
}
ready=0
for ((i = 0; i < 300; i++)); do
  if curl -fsS -o /dev/null --max-time 2 "$BASE/readyz" 2>/dev/null; then ready=1; break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    server_log_tail
    die "the server exited during startup"
  fi
  sleep 0.1
done
[[ "$ready" == 1 ]] || { server_log_tail; die "the server did not answer /readyz within 30 s"; }

# ---------------------------------------------------------------- 4. checks, then wrk
NAMES=("/healthz" "/v1/initiatives/{id}" "/v1/initiatives?category…&include=company")
PATHS=("/healthz" "/v1/initiatives/$BYID" "/v1/initiatives?category=qualification&state=DE-BE&limit=20&include=company")

# check_json PATH NODE_CHECK: GET must answer 200 with JSON that passes the check.
check_json() {
  local path="$1" check="$2" body="$RUN_DIR/check.json" code
  code="$(curl -sS -o "$body" -w '%{http_code}' --max-time 10 "$BASE$path")" \
    || die "GET $path failed"
  [[ "$code" == 200 ]] || { cat "$body" >&2; echo >&2; die "GET $path answered $code, not 200"; }
  node -e "
    const b = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    const problem = (() => { $check })();
    if (problem) { console.error(problem); process.exit(1); }" <"$body" \
    || die "GET $path: unexpected answer (saved in $body)"
}
log "checking the three requests with curl"
check_json "${PATHS[0]}" "return b.status === 'ok' ? '' : 'status is not ok';"
check_json "${PATHS[1]}" "return b.id === $BYID ? '' : 'id is ' + b.id + ', not $BYID';"
check_json "${PATHS[2]}" "
  const items = b.items || [];
  if (items.length !== 20) return 'the filtered list has ' + items.length + ' items, not 20';
  for (const i of items) {
    if (i.category !== 'qualification' || i.state !== 'DE-BE') return 'item ' + i.id + ' does not match the filter';
    if (!i.company || i.company.id !== i.company_id) return 'item ' + i.id + ' has no embedded company';
  }
  return b.next_cursor ? '' : 'next_cursor is null: fewer than 21 matching rows';"
info "ok: /healthz, initiative $BYID, and a list of 20 (with their companies)"

# vm_kib FIELD: a field of the server's /proc/PID/status in KiB (no forks).
vm_kib() {
  local k v _
  while read -r k v _; do
    if [[ "$k" == "$1:" ]]; then echo "$v"; return 0; fi
  done <"/proc/$SERVER_PID/status"
  return 1
}

# Other processes on the machine skew every number: measure what they use
# during one second before the first run (the server is idle then).
cpu_busy_percent() {
  local a b
  read -ra a < <(awk '/^cpu /{ print $2+$3+$4+$7+$8, $5+$6 }' /proc/stat)
  sleep 1
  read -ra b < <(awk '/^cpu /{ print $2+$3+$4+$7+$8, $5+$6 }' /proc/stat)
  awk -v busy=$((b[0] - a[0])) -v idle=$((b[1] - a[1])) \
    'BEGIN { t = busy + idle; printf "%.0f", (t > 0 ? 100 * busy / t : 0) }'
}
BACKGROUND_BUSY="$(cpu_busy_percent)"
LOADAVG_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
if [[ "$BACKGROUND_BUSY" -gt 10 ]]; then
  warn "the machine is not idle: other processes use ${BACKGROUND_BUSY} % of the CPUs; the numbers will be low and noisy"
fi

WRK_BASE=(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$BENCH_DIR/report.lua")
# CPU time, in clock ticks, during each measured run: the server, MariaDB,
# wrk (as this shell's reaped children) and all CPUs, to show where the time
# goes and how much other processes took.
DB_PID="$(tr -dc '0-9' <"$ZUSAMMEN_ROOT/.local/mariadb/mariadbd.pid" 2>/dev/null || true)"
HZ="$(getconf CLK_TCK 2>/dev/null || echo 100)"
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_ticks() { awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9 }' /proc/stat; }
children_ticks() {  # user + system time of this shell's reaped children
  # `times` runs in this shell (in a pipe or $(...) it would see a subshell's).
  times >"$RUN_DIR/times.txt"
  CHILDREN_TICKS="$(tail -n 1 "$RUN_DIR/times.txt" | awk -v hz="$HZ" '{
    t = 0
    for (f = 1; f <= 2; f++) { v = $f; sub(/s$/, "", v); split(v, p, "m"); t += p[1] * 60 + p[2] }
    printf "%.0f", t * hz }')"
}
cores() { awk -v t="$1" -v all="$2" -v n="$(nproc)" 'BEGIN { printf "%.2f", (all > 0 ? n * t / all : 0) }'; }

declare -a RPS P50 P99 NON2XX SOCKERR RSS_MAX CPU_SERVER CPU_DB CPU_WRK CPU_OTHER
for idx in "${!PATHS[@]}"; do
  url="$BASE${PATHS[$idx]}"
  if [[ "$WARMUP" -gt 0 ]]; then
    log "warming up ${NAMES[$idx]} (${WARMUP} s)"
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$url" >"$RUN_DIR/warmup-$idx.txt" 2>&1 \
      || die "wrk (warm-up) failed on $url: $(cat "$RUN_DIR/warmup-$idx.txt")"
  fi
  log "wrk ${NAMES[$idx]} (${DURATION} s)"
  out="$RUN_DIR/wrk-$idx.txt"
  server_t0="$(proc_ticks "$SERVER_PID")"
  db_t0="$( [[ -n "$DB_PID" ]] && proc_ticks "$DB_PID" || echo 0)"
  children_ticks
  children_t0="$CHILDREN_TICKS"
  read -r busy_t0 all_t0 < <(cpu_ticks)
  "${WRK_BASE[@]}" "$url" >"$out" 2>&1 &
  WRK_PID=$!
  max=0
  while kill -0 "$WRK_PID" 2>/dev/null; do
    if rss="$(vm_kib VmRSS 2>/dev/null)" && [[ "$rss" -gt "$max" ]]; then max="$rss"; fi
    sleep 0.2
  done
  wrk_rc=0
  wait "$WRK_PID" || wrk_rc=$?
  read -r busy_t1 all_t1 < <(cpu_ticks)
  all_ticks=$(( all_t1 - all_t0 ))
  server_ticks=$(( $(proc_ticks "$SERVER_PID") - server_t0 ))
  db_ticks=$(( $( [[ -n "$DB_PID" ]] && proc_ticks "$DB_PID" || echo 0) - db_t0 ))
  children_ticks
  wrk_ticks=$(( CHILDREN_TICKS - children_t0 ))
  other_ticks=$(( busy_t1 - busy_t0 - server_ticks - db_ticks - wrk_ticks ))
  (( other_ticks > 0 )) || other_ticks=0
  CPU_SERVER[idx]="$(cores "$server_ticks" "$all_ticks")"
  CPU_DB[idx]="$(cores "$db_ticks" "$all_ticks")"
  CPU_WRK[idx]="$(cores "$wrk_ticks" "$all_ticks")"
  CPU_OTHER[idx]="$(cores "$other_ticks" "$all_ticks")"
  WRK_PID=""
  [[ "$wrk_rc" == 0 ]] || { cat "$out" >&2; die "wrk failed (exit $wrk_rc) on $url"; }
  kill -0 "$SERVER_PID" 2>/dev/null || { server_log_tail; die "the server died during the wrk run on $url"; }
  line="$(grep -m1 '^BENCH ' "$out")" || { cat "$out" >&2; die "no BENCH line from bench/report.lua in $out"; }
  declare -A r=()
  for kv in ${line#BENCH }; do r[${kv%%=*}]="${kv#*=}"; done
  RPS[idx]="${r[rps]}"
  P50[idx]="${r[p50_ms]}"
  P99[idx]="${r[p99_ms]}"
  NON2XX[idx]="${r[non2xx]}"
  SOCKERR[idx]=$(( r[connect] + r[read] + r[write] + r[timeout] ))
  RSS_MAX[idx]="$max"
  unset r
  info "$(printf '%.0f requests/s, p99 %s ms, non-2xx %s, socket errors %s' \
    "${RPS[idx]}" "${P99[idx]}" "${NON2XX[idx]}" "${SOCKERR[idx]}")"
done

LOADAVG_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
PEAK_KIB="$(vm_kib VmHWM)" || die "cannot read VmHWM of the server"
log "stopping the server (SIGTERM)"
stop_server
[[ "$SERVER_RC" == 0 ]] || warn "the server exited with status $SERVER_RC after SIGTERM (expected 0)"

# ---------------------------------------------------------------- 5. report
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
cpu_model="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
[[ -n "$cpu_model" ]] || cpu_model="$(LC_ALL=C lscpu 2>/dev/null | awk -F': *' '/^Model name/ { print $2; exit }')"
mem_gib="$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
mariadb_version="$(db_sql -e 'SELECT VERSION()' 2>/dev/null || echo '?')"
# (wrk -v exits 1.)
wrk_version="$({ wrk -v 2>&1 || true; } | awk 'NR == 1 { print $2 }')"

ratio="$(awk -v a="${RPS[1]}" -v b="${RPS[0]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
aim_ratio="$(awk -v r="$ratio" -v m="$AIM_BYID_RATIO" 'BEGIN { print (r >= m ? "PASS" : "MISS") }')"
total_bad=0
for idx in "${!PATHS[@]}"; do total_bad=$(( total_bad + NON2XX[idx] + SOCKERR[idx] )); done
aim_errors=$([[ "$total_bad" == 0 ]] && echo PASS || echo MISS)
peak_mib="$(mib "$PEAK_KIB")"
aim_rss="$(awk -v k="$PEAK_KIB" -v m="$AIM_RSS_MIB" 'BEGIN { print (k / 1024 < m ? "PASS" : "MISS") }')"

echo
echo "Zusammen API read benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
echo "machine   : $(nproc) CPUs, $cpu_model, ${mem_gib} GiB RAM, Linux $(uname -r)"
echo "load      : other processes used ${BACKGROUND_BUSY} % of the CPUs just before the runs;" \
  "load average $LOADAVG_BEFORE before, $LOADAVG_AFTER after the runs"
echo "software  : zusammen $("$BIN" --version 2>/dev/null | awk '{ print $2 }') ($build_type), MariaDB $mariadb_version, wrk $wrk_version"
echo "data      : $N_COMPANIES companies, $N_INITIATIVES initiatives ($N_PUBLISHED published) in $BENCH_DB;" \
  "migrate ${MIGRATE_SECONDS} s, load ${LOAD_SECONDS} s"
echo "server    : env ${SERVER_ENV[*]} build/zusammen serve"
echo "command   : $INVOCATION"
echo "wrk       : wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency -s bench/report.lua $BASE<path>" \
  "(after a ${WARMUP} s warm-up each; wrk, server and MariaDB share the machine)"
echo
w=8
for p in "${PATHS[@]}"; do [[ ${#p} -gt $w ]] && w=${#p}; done
dashes() { local n="$1"; printf -- '-%.0s' $(seq 1 "$n"); }
printf "| %-${w}s | %10s | %8s | %8s | %7s | %8s |\n" endpoint requests/s "p50 ms" "p99 ms" non-2xx "sock err"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(dashes $((w + 2)))" "$(dashes 12)" "$(dashes 10)" "$(dashes 10)" \
  "$(dashes 9)" "$(dashes 10)"
for idx in "${!PATHS[@]}"; do
  printf "| %-${w}s | %10.0f | %8.2f | %8.2f | %7d | %8d |\n" "${PATHS[$idx]}" "${RPS[idx]}" \
    "${P50[idx]}" "${P99[idx]}" "${NON2XX[idx]}" "${SOCKERR[idx]}"
done
echo
echo
echo "CPU used during each measured run, in cores of $(nproc) (other: processes outside this benchmark, and the kernel):"
printf "| %-${w}s | %6s | %7s | %6s | %6s |\n" endpoint server MariaDB wrk other
printf '|%s|%s|%s|%s|%s|\n' "$(dashes $((w + 2)))" "$(dashes 8)" "$(dashes 9)" "$(dashes 8)" "$(dashes 8)"
for idx in "${!PATHS[@]}"; do
  printf "| %-${w}s | %6s | %7s | %6s | %6s |\n" "${PATHS[$idx]}" "${CPU_SERVER[idx]}" "${CPU_DB[idx]}" \
    "${CPU_WRK[idx]}" "${CPU_OTHER[idx]}"
done
for idx in "${!PATHS[@]}"; do
  if awk -v o="${CPU_OTHER[idx]}" 'BEGIN { exit !(o > 0.25) }'; then
    echo "note: other processes took ${CPU_OTHER[idx]} cores during ${PATHS[$idx]}: its numbers are low and noisy;" \
      "run again on a quiet machine"
  fi
done
echo
echo "peak RSS  : $peak_mib MiB (VmHWM of the server at the end; max sampled VmRSS per run:" \
  "$(mib "${RSS_MAX[0]}") / $(mib "${RSS_MAX[1]}") / $(mib "${RSS_MAX[2]}") MiB)"
echo "server    : exit status ${SERVER_RC} after SIGTERM"
echo
echo "aims:"
printf '  %-4s  by-id read >= %s x /healthz rate of this run   (%s x: %.0f vs %.0f requests/s)\n' \
  "$aim_ratio" "$AIM_BYID_RATIO" "$ratio" "${RPS[1]}" "${RPS[0]}"
printf '  %-4s  zero non-2xx responses (and no socket errors)  (%d in all)\n' "$aim_errors" "$total_bad"
printf '  %-4s  peak RSS < %d MiB                                (%s MiB)\n' "$aim_rss" "$AIM_RSS_MIB" "$peak_mib"
echo
echo "total wall time $(seconds_since "$RUN_STARTED_NS") s; wrk outputs and server log in ${RUN_DIR#"$ZUSAMMEN_ROOT"/}/"

if [[ "${BENCH_STRICT:-0}" == 1 && ( "$aim_ratio" == MISS || "$aim_errors" == MISS || "$aim_rss" == MISS ) ]]; then
  exit 3
fi
