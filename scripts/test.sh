#!/usr/bin/env bash
# Run every test of Zusammen:
#
#   scripts/test.sh          everything (what CI runs, via .ci/run)
#   scripts/test.sh --fast   skip the AddressSanitizer/UBSan build and run, and fuzzing
#                            (for developers; CI runs the full set)
#
# Steps: scripts/deps.sh; build build/ (RelWithDebInfo) and build-asan/
# (Debug, -DZUSAMMEN_SANITIZE=ON); start the private MariaDB (scripts/db.sh)
# unless it is running already, and stop it at the end if this script
# started it; ctest in build/ (recording the HTTP exchanges to
# build/contract-exchanges.jsonl); ctest in build-asan/; then
# tests/contract/check.sh checks the recorded exchanges against openapi.yaml;
# then scripts/e2e.sh runs the end-to-end checks against the real binary;
# then tests/deploy/check.sh checks deploy/ (no Docker daemon needed).
# Stops at the first failing step, with a non-zero exit.
#
# The tests get ZUSAMMEN_TEST_DATABASE_URL=mysql://zusammen:zusammen@127.0.0.1:PORT/
# (no database name: each test binary creates and drops its own databases).
# When ZUSAMMEN_TEST_DATABASE_URL is set already, that server is used and
# no MariaDB is started.
#
# They also get ZUSAMMEN_TEST_REPLICA_URL=mysql://zusammen:zusammen@127.0.0.1:3317/,
# a replica of that server (scripts/db.sh replica start; stopped at the end
# if this script started it); integration_replica_test fails without it. Set
# ZUSAMMEN_TEST_REPLICA_URL yourself along with ZUSAMMEN_TEST_DATABASE_URL.
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"

fast=0
for arg in "$@"; do
  case "$arg" in
    --fast) fast=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (usage: scripts/test.sh [--fast])" ;;
  esac
done

"$ZUSAMMEN_ROOT/scripts/deps.sh"

build_tree build RelWithDebInfo
if [[ $fast -eq 0 ]]; then
  build_tree build-asan Debug -DZUSAMMEN_SANITIZE=ON
fi

DB="$ZUSAMMEN_ROOT/scripts/db.sh"
started_db=0
started_replica=0
stop_db() {
  local rc=$?
  if [[ $started_replica -eq 1 ]]; then
    "$DB" replica stop || true
  fi
  if [[ $started_db -eq 1 ]]; then
    "$DB" stop || true
  fi
  exit $rc
}
trap stop_db EXIT

if [[ -n "${ZUSAMMEN_TEST_DATABASE_URL:-}" ]]; then
  log "using the database server in ZUSAMMEN_TEST_DATABASE_URL"
else
  if ! "$DB" status >/dev/null 2>&1; then
    started_db=1
  fi
  "$DB" start
  ZUSAMMEN_TEST_DATABASE_URL="mysql://zusammen:zusammen@127.0.0.1:${ZUSAMMEN_DB_PORT:-3307}/"
  if [[ -z "${ZUSAMMEN_TEST_REPLICA_URL:-}" ]]; then
    if ! "$DB" replica status 2>/dev/null | grep '^running' >/dev/null; then
      started_replica=1
    fi
    "$DB" replica start
    ZUSAMMEN_TEST_REPLICA_URL="mysql://zusammen:zusammen@127.0.0.1:${ZUSAMMEN_DB_REPLICA_PORT:-3317}/"
  fi
fi
if [[ -n "${ZUSAMMEN_TEST_REPLICA_URL:-}" ]]; then
  export ZUSAMMEN_TEST_REPLICA_URL
else
  warn "ZUSAMMEN_TEST_REPLICA_URL is not set: integration_replica_test will fail"
fi
export ZUSAMMEN_TEST_DATABASE_URL

export ZUSAMMEN_CONTRACT_LOG="$ZUSAMMEN_ROOT/build/contract-exchanges.jsonl"
: >"$ZUSAMMEN_CONTRACT_LOG"

log "running tests (build/)"
ctest --test-dir build --output-on-failure --no-tests=error -j2 \
  || die "tests failed in build/"

if [[ $fast -eq 0 ]]; then
  log "running tests under AddressSanitizer/UBSan (build-asan/)"
  env -u ZUSAMMEN_CONTRACT_LOG \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure --no-tests=error -j2 \
    || die "tests failed in build-asan/ (sanitizers)"
else
  info "--fast: skipping the sanitizer build and tests"
fi

log "database fault scenarios (scripts/faults.sh --quick: a MariaDB of their own)"
"$ZUSAMMEN_ROOT/scripts/faults.sh" --quick || die "database fault scenarios failed"

if [[ -f tests/contract/check.sh ]]; then
  log "checking recorded exchanges against openapi.yaml"
  bash tests/contract/check.sh openapi.yaml build/contract-exchanges.jsonl \
    || die "contract check failed"
fi

log "running the end-to-end checks (scripts/e2e.sh: /docs in Chromium, the generated TypeScript client)"
"$ZUSAMMEN_ROOT/scripts/e2e.sh" || die "end-to-end checks failed"

if [[ -f tests/deploy/check.sh ]]; then
  log "checking deploy/ (Kubernetes manifests, compose file, nginx, Dockerfile, the proxy's limits)"
  bash tests/deploy/check.sh || die "deploy check failed"
fi

# Fuzzing (scripts/fuzz.sh): every target for ZUSAMMEN_FUZZ_SECONDS (30 s here, 0 skips); not with --fast.
fuzz_seconds="${ZUSAMMEN_FUZZ_SECONDS:-30}"
if [[ $fast -eq 0 && "$fuzz_seconds" != 0 ]]; then
  ZUSAMMEN_FUZZ_SECONDS="$fuzz_seconds" "$ZUSAMMEN_ROOT/scripts/fuzz.sh" || die "fuzzing failed"
fi

log "all tests passed"
