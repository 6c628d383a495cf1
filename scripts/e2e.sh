#!/usr/bin/env bash
# End-to-end checks of the real binary, as partners and operators meet it:
#
#   scripts/e2e.sh [CHECK...]   run every check (docs, client, authz), or only the named ones
#
# Needs a built build/zusammen, a running MariaDB and the npm packages of the
# checks (scripts/deps.sh). The server is ZUSAMMEN_TEST_DATABASE_URL
# (mysql://user:pass@host:port/, as scripts/test.sh exports it; default: the
# private MariaDB of scripts/db.sh on 127.0.0.1:${ZUSAMMEN_DB_PORT:-3307}).
#
# Steps: create a fresh database, `zusammen migrate` it, create API keys with
# `zusammen apikey create`, start `zusammen serve` on a free port, run each
# check, then always stop the server and drop the database.
#
# Each check is a command run from the repository root with:
#   ZUSAMMEN_E2E_URL           the server, http://127.0.0.1:PORT
#   ZUSAMMEN_E2E_ADMIN_KEY     an API key with the admin scope
#   ZUSAMMEN_E2E_SYNC_KEY      an API key with registrations:write only
#   ZUSAMMEN_E2E_DATABASE_URL  mysql://user:pass@host:port/db of that server
# A check fails by exiting non-zero. To add one, add a line to CHECKS below.
# After all checks, the server's log must hold no email address, API key or
# fixture name (a check of its own, `log-privacy`).
# Prints `e2e: N passed, M failed` last; exits 1 when any check failed.
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"

# name|command
CHECKS=(
  "docs|node tests/e2e/docs_check.mjs openapi.yaml"
  "client|bash tests/client/run.sh"
  "authz|bash tests/contract/authz.sh"
)

for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  esac
done
selected=("$@")

BINARY="$ZUSAMMEN_ROOT/build/zusammen"
[[ -x "$BINARY" ]] || die "$BINARY is missing: build first (cmake --build build, or scripts/test.sh)"
have node || die "node is missing: run scripts/deps.sh"
have mysql || die "the mysql client is missing: run scripts/deps.sh"

server_url="${ZUSAMMEN_TEST_DATABASE_URL:-mysql://zusammen:zusammen@127.0.0.1:${ZUSAMMEN_DB_PORT:-3307}/}"
# mysql://user:pass@host:port/
re='^mysql://([^:@/]+):([^@/]*)@([^:/]+):([0-9]+)/?$'
[[ "$server_url" =~ $re ]] || die "ZUSAMMEN_TEST_DATABASE_URL must look like mysql://user:pass@host:port/ (got $server_url)"
db_user="${BASH_REMATCH[1]}" db_pass="${BASH_REMATCH[2]}" db_host="${BASH_REMATCH[3]}" db_port="${BASH_REMATCH[4]}"
db_name="zusammen_e2e_$$_${RANDOM}"
export ZUSAMMEN_E2E_DATABASE_URL="mysql://$db_user:$db_pass@$db_host:$db_port/$db_name"

sql() { MYSQL_PWD="$db_pass" mysql --protocol=TCP -h "$db_host" -P "$db_port" -u "$db_user" -e "$1"; }

work="$(mktemp -d)"
server_pid=""
created_db=0
cleanup() {
  local rc=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $created_db -eq 1 ]]; then
    sql "DROP DATABASE IF EXISTS \`$db_name\`" || warn "could not drop the database $db_name"
  fi
  if [[ $rc -ne 0 && -f "$work/serve.log" ]]; then
    printf -- '----- server log (last 40 lines) -----\n' >&2
    tail -n 40 "$work/serve.log" >&2 || true
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "creating the database $db_name"
sql "CREATE DATABASE \`$db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" \
  || die "cannot create a database on $db_host:$db_port"
created_db=1

export ZUSAMMEN_DATABASE_URL="$ZUSAMMEN_E2E_DATABASE_URL"
run_logged e2e-migrate "$BINARY" migrate || die "zusammen migrate failed"

new_key() {  # new_key NAME SCOPES: the key, the last line of `apikey create`
  local out
  out="$("$BINARY" apikey create --name "$1" --scopes "$2")" || die "zusammen apikey create --name $1 failed"
  printf '%s\n' "$out" | tail -n 1
}
ZUSAMMEN_E2E_ADMIN_KEY="$(new_key e2e-admin admin)"
ZUSAMMEN_E2E_SYNC_KEY="$(new_key e2e-sync registrations:write)"
export ZUSAMMEN_E2E_ADMIN_KEY ZUSAMMEN_E2E_SYNC_KEY

log "starting zusammen serve"
# Rate limits off: the checks send hundreds of requests with a few keys in seconds, and the
# limits have tests of their own (rate_limit_test). Log level info: the log is searched below.
ZUSAMMEN_LISTEN=127.0.0.1:0 ZUSAMMEN_LOG_LEVEL=info ZUSAMMEN_RATE_LIMIT_ANON_RPS=0 ZUSAMMEN_RATE_LIMIT_KEY_RPS=0 \
  "$BINARY" serve >"$work/serve.log" 2>&1 &
server_pid=$!
ZUSAMMEN_E2E_URL=""
for _ in $(seq 1 300); do
  ZUSAMMEN_E2E_URL="$(grep -o -m1 'listening on http://127\.0\.0\.1:[0-9]*' "$work/serve.log" | sed 's/^listening on //' || true)"
  [[ -n "$ZUSAMMEN_E2E_URL" ]] && break
  kill -0 "$server_pid" 2>/dev/null || die "zusammen serve exited before it listened"
  sleep 0.1
done
[[ -n "$ZUSAMMEN_E2E_URL" ]] || die "zusammen serve did not listen within 30 s"
export ZUSAMMEN_E2E_URL
info "serving on $ZUSAMMEN_E2E_URL"

passed=0
failed=0
failed_names=()
for entry in "${CHECKS[@]}"; do
  name="${entry%%|*}" command="${entry#*|}"
  if [[ ${#selected[@]} -gt 0 && ! " ${selected[*]} " =~ " $name " ]]; then
    continue
  fi
  log "e2e check: $name ($command)"
  if bash -c "$command"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failed_names+=("$name")
  fi
done

kill -0 "$server_pid" 2>/dev/null || { failed=$((failed + 1)); failed_names+=("server-alive"); warn "the server died during the checks"; }
# The checks sent names, emails and keys: none of them may be in the server's log.
if [[ ${#selected[@]} -eq 0 ]]; then
  if grep -E -n '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+|zus_[A-Za-z0-9_-]{8,}|Vorname|Nachname' "$work/serve.log" >&2; then
    failed=$((failed + 1)); failed_names+=("log-privacy"); warn "the server's log holds personal data or a key (above)"
  else
    passed=$((passed + 1)); info "log privacy: $(wc -l <"$work/serve.log") log lines, no email, key or name"
  fi
fi
[[ ${#failed_names[@]} -eq 0 ]] || warn "failed: ${failed_names[*]}"
echo "e2e: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
