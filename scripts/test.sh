#!/usr/bin/env bash
# Run every test of Zusammen:
#
#   scripts/test.sh          everything (what CI runs, via .ci/run); same as `all`
#   scripts/test.sh --fast   skip the AddressSanitizer/UBSan build and run, the Release
#                            builds (GCC and clang), and fuzzing (for developers; CI runs the full set)
#   scripts/test.sh SLICE    one slice, for the part you touch (--fast may come too):
#     unit          the unit tests (ctest -L unit in build/): seconds, no database
#     integration   the integration tests against the private MariaDB (ctest -L integration)
#     contract      the integration tests, then the recorded exchanges against openapi.yaml
#     e2e           scripts/e2e.sh against the real binary
#     all           every step below
#
# Steps of `all`: scripts/deps.sh --test; scripts/format.sh --check and
# tests/docs_links.sh and tests/layers.sh; build build/ (RelWithDebInfo); scripts/tidy.sh
# (clang-tidy on the .cc files changed since ZUSAMMEN_TIDY_BASE, default HEAD~1); build-asan/ (Debug,
# -DZUSAMMEN_SANITIZE=ON), build-release/ (Release, the binary only:
# it must build cleanly with -Werror as a packager's would without it) and
# build-clang/ (the same with clang 14);
# start the private MariaDB (scripts/db.sh)
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
slice=all
for arg in "$@"; do
  case "$arg" in
    --fast) fast=1 ;;
    unit|integration|contract|e2e|all) slice="$arg" ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (usage: scripts/test.sh [--fast] [unit|integration|contract|e2e|all])" ;;
  esac
done
# Only `all` builds and runs the sanitizer tree.
[[ $slice == all ]] || fast=1

"$ZUSAMMEN_ROOT/scripts/deps.sh" --test

if [[ $slice == all ]]; then
  log "checking the formatting (scripts/format.sh --check), the documentation's links and the layers"
  "$ZUSAMMEN_ROOT/scripts/format.sh" --check || die "sources are not formatted: run scripts/format.sh"
  bash tests/docs_links.sh || die "a documentation link does not resolve"
  bash tests/layers.sh || die "api/ reaches SOCI or a repository header"
fi

build_tree build RelWithDebInfo -DZUSAMMEN_TESTS=ON
if [[ $slice == all ]]; then
  log "clang-tidy on the sources changed since ${ZUSAMMEN_TIDY_BASE:-HEAD~1} (scripts/tidy.sh)"
  "$ZUSAMMEN_ROOT/scripts/tidy.sh" || die "clang-tidy found problems in a changed file"
fi
if [[ $slice == unit ]]; then
  log "running the unit tests (build/)"
  ctest --test-dir build --output-on-failure --no-tests=error -j2 -L unit || die "unit tests failed"
  log "unit tests passed"
  exit 0
fi
if [[ $fast -eq 0 ]]; then
  build_tree build-asan Debug -DZUSAMMEN_SANITIZE=ON -DZUSAMMEN_TESTS=ON
  build_tree build-release Release -DZUSAMMEN_TESTS=OFF
  # The other compiler the project supports: clang 14 warns where GCC 12 does not (and back).
  have clang++ || die "clang++ not found (run scripts/deps.sh --test)"
  build_tree build-clang Release -DZUSAMMEN_TESTS=OFF -DCMAKE_CXX_COMPILER=clang++
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

if [[ $slice == e2e ]]; then
  log "running the end-to-end checks (scripts/e2e.sh)"
  "$ZUSAMMEN_ROOT/scripts/e2e.sh" || die "end-to-end checks failed"
  log "end-to-end checks passed"
  exit 0
fi

ctest_labels=()
[[ $slice == integration || $slice == contract ]] && ctest_labels=(-L integration)
log "running tests (build/${ctest_labels[*]:+, ${ctest_labels[*]}})"
ctest --test-dir build --output-on-failure --no-tests=error -j2 "${ctest_labels[@]}" \
  || die "tests failed in build/"
if [[ $slice == integration ]]; then
  log "integration tests passed"
  exit 0
fi
if [[ $slice == contract ]]; then
  log "checking recorded exchanges against openapi.yaml"
  bash tests/contract/check.sh openapi.yaml build/contract-exchanges.jsonl || die "contract check failed"
  log "contract check passed"
  exit 0
fi

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
