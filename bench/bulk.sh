#!/usr/bin/env bash
# Bulk sync benchmark: POST /v1/registrations/bulk with curl against a running server.
#
#   bench/bulk.sh
#
# Builds nothing: uses build/zusammen as it is (build it first). Starts the private
# MariaDB (scripts/db.sh), creates a fresh database zusammen_bulk_bench, migrates it,
# creates 10 meetings (capacity 800 each, so some registrations are waitlisted) and an
# API key with registrations:write, starts `build/zusammen serve` on 127.0.0.1, then
#   pass 1: syncs BULK_TOTAL registrations (10 000) in batches of BULK_BATCH (1000), all new;
#   pass 2: re-sends the same batches, which must all answer "unchanged";
#   pass 3: sends them again with a job_title on every item, which must all answer "updated";
# and prints the wall seconds of each pass (curl time only; the bodies are written before),
# whether pass 2 reported every item unchanged, and whether versions, updated_at and the
# change feed stayed as they were; then wrk (-t2 -c32, BULK_WRK_SECONDS [10]) on one meeting's
# registrations list with the key. The server is stopped and the database dropped at the end.
#
# Environment: BULK_TOTAL [10000], BULK_BATCH [1000], BULK_PORT [18190],
#              BENCH_THREADS [2], BENCH_DB_POOL [4], ZUSAMMEN_DB_PORT [3307],
#              BULK_KEEP_DB=1 keeps the database.
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"
cd "$ZUSAMMEN_ROOT"

TOTAL="${BULK_TOTAL:-10000}"
BATCH="${BULK_BATCH:-1000}"
PORT="${BULK_PORT:-18190}"
DB_PORT="${ZUSAMMEN_DB_PORT:-3307}"
DB=zusammen_bulk_bench
BIN="$ZUSAMMEN_ROOT/build/zusammen"
[[ -x "$BIN" ]] || die "build/zusammen is missing: cmake --build build first"
CLIENT="$(command -v mariadb || command -v mysql || true)"
[[ -n "$CLIENT" ]] || die "no mariadb/mysql client"
have curl || die "curl is needed"
have node || die "node is needed (writes the batches and checks the answers)"

db_sql() {
  "$CLIENT" --no-defaults --protocol=tcp -h127.0.0.1 -P"$DB_PORT" -uzusammen -pzusammen \
    --default-character-set=utf8mb4 --batch --skip-column-names "$@"
}

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [[ "${BULK_KEEP_DB:-0}" == 1 ]] || db_sql -e "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$ZUSAMMEN_ROOT/scripts/db.sh" start >/dev/null
URL="mysql://zusammen:zusammen@127.0.0.1:$DB_PORT/$DB"
db_sql -e "DROP DATABASE IF EXISTS \`$DB\`; CREATE DATABASE \`$DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
ZUSAMMEN_DATABASE_URL="$URL" ZUSAMMEN_LOG_LEVEL=warn "$BIN" migrate >"$WORK/migrate.log" 2>&1 || die "migrate failed"
for i in $(seq 1 10); do
  db_sql "$DB" -e "INSERT INTO meetings (title, kind, starts_at, ends_at, capacity, registration_open, status, published)
    VALUES ('Netzwerktreffen $i', 'network_meeting', '2099-11-13 08:00:00', '2099-11-13 16:00:00', 800, 1, 'planned', 1)"
done
MEETINGS="$(db_sql "$DB" -e "SELECT GROUP_CONCAT(id ORDER BY id) FROM meetings")"
KEY="$(ZUSAMMEN_DATABASE_URL="$URL" ZUSAMMEN_LOG_LEVEL=warn "$BIN" apikey create --name bulk-bench \
  --scopes registrations:write 2>/dev/null | tail -n 1)"

ZUSAMMEN_DATABASE_URL="$URL" ZUSAMMEN_LISTEN="127.0.0.1:$PORT" ZUSAMMEN_THREADS="${BENCH_THREADS:-2}" \
  ZUSAMMEN_DB_POOL="${BENCH_DB_POOL:-4}" ZUSAMMEN_LOG_LEVEL=warn ZUSAMMEN_SHUTDOWN_GRACE_MS=0 \
  ZUSAMMEN_RATE_LIMIT_ANON_RPS=0 ZUSAMMEN_RATE_LIMIT_KEY_RPS=0 \
  "$BIN" serve >"$WORK/server.log" 2>&1 </dev/null &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/server.log"; die "server not ready"; }

# The batches: German names, every 10th with a company-free organization and notes.
node - "$WORK" "$TOTAL" "$BATCH" "$MEETINGS" <<'JS'
const fs = require('fs');
const [dir, total, batch, meetings] = [process.argv[2], +process.argv[3], +process.argv[4], process.argv[5].split(',').map(Number)];
for (let b = 0; b * batch < total; ++b) {
  const items = [];
  for (let i = b * batch; i < Math.min(total, (b + 1) * batch); ++i) {
    const item = { meeting_id: meetings[i % meetings.length], first_name: 'Jürgen', last_name: `Müller ${i}`,
                   email: `person${i}@crm.example`, source: 'crm', external_ref: `crm-${i}` };
    if (i % 10 === 0) { item.organization = 'Deutsche Bahn AG'; item.notes = '„Vegetarisch“'; }
    items.push(item);
  }
  const name = String(b).padStart(4, '0');
  fs.writeFileSync(`${dir}/batch-${name}.json`, JSON.stringify({ items }));
  for (const item of items) item.job_title = 'Ausbilderin';
  fs.mkdirSync(`${dir}/changed`, { recursive: true });
  fs.writeFileSync(`${dir}/changed/batch-${name}.json`, JSON.stringify({ items }));
}
JS

pass() {  # pass NAME [DIR]: posts every batch of DIR, answers to $WORK/NAME-*.out; prints seconds
  local name="$1" dir="${2:-$WORK}" start f
  start="$(date +%s%N)"
  for f in "$dir"/batch-*.json; do
    curl -sS -o "$WORK/$name-$(basename "$f" .json).out" -w '%{http_code}\n' \
      -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
      --data-binary "@$f" "http://127.0.0.1:$PORT/v1/registrations/bulk" >>"$WORK/$name.codes"
  done
  awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}
summary() {  # summary NAME: counts of each status over all answers
  node -e '
    const fs = require("fs"); const counts = {};
    for (const f of fs.readdirSync(process.argv[1]).filter(f => f.startsWith(process.argv[2] + "-"))) {
      for (const r of JSON.parse(fs.readFileSync(process.argv[1] + "/" + f)).results) counts[r.status] = (counts[r.status] || 0) + 1;
    }
    console.log(JSON.stringify(counts));' "$WORK" "$1"
}
state() {
  db_sql "$DB" -e "SELECT COUNT(*), SUM(version), MAX(updated_at), (SELECT COUNT(*) FROM changes),
    SUM(status = 'waitlisted') FROM registrations"
}

log "bulk sync: $TOTAL registrations in batches of $BATCH, server threads ${BENCH_THREADS:-2}, pool ${BENCH_DB_POOL:-4}"
FIRST="$(pass first)"
info "pass 1 (all new):  ${FIRST} s  http $(sort "$WORK/first.codes" | uniq -c | xargs)  $(summary first)"
BEFORE="$(state)"
SECOND="$(pass second)"
AFTER="$(state)"
COUNTS="$(summary second)"
info "pass 2 (re-send):  ${SECOND} s  http $(sort "$WORK/second.codes" | uniq -c | xargs)  $COUNTS"
info "rows, sum(version), max(updated_at), changes, waitlisted: $BEFORE"
ALL_UNCHANGED=no
[[ "$COUNTS" == "{\"unchanged\":$TOTAL}" ]] && ALL_UNCHANGED=yes
info "re-send all unchanged: $ALL_UNCHANGED; database untouched by the re-send: $([[ "$BEFORE" == "$AFTER" ]] && echo yes || echo "no ($AFTER)")"
THIRD="$(pass third "$WORK/changed")"
info "pass 3 (every item changed, job_title):  ${THIRD} s  http $(sort "$WORK/third.codes" | uniq -c | xargs)  $(summary third)"
info "after pass 3: $(state)"
# The dashboards' read: one meeting's registrations (a page of 20), keyed, under wrk.
if have wrk; then
  FIRST_MEETING="${MEETINGS%%,*}"
  wrk -t2 -c32 -d"${BULK_WRK_SECONDS:-10}s" --latency -H "Authorization: Bearer $KEY" \
    "http://127.0.0.1:$PORT/v1/meetings/$FIRST_MEETING/registrations" >"$WORK/wrk.out" 2>&1 || true
  RPS="$(awk '/^Requests\/sec/ { print $2 }' "$WORK/wrk.out")"
  P99="$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.out")"
  NON2XX="$(awk '/Non-2xx/ { print $NF }' "$WORK/wrk.out")"
  info "wrk -t2 -c32 -d${BULK_WRK_SECONDS:-10}s GET /v1/meetings/$FIRST_MEETING/registrations (keyed, 1000 rows, page of 20): ${RPS} req/s, p99 ${P99}, non-2xx ${NON2XX:-0}"
fi
info "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)"
