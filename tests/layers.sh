#!/usr/bin/env bash
# Checks the layering that the compiler does not, through any chain of includes (the
# preprocessor's own closure, `g++ -M`):
#
#   api/                     reaches neither SOCI (<soci/...>) nor a repository header
#                            (service/repositories/): it calls the service's interfaces.
#   service/model/           the domain types: reaches nothing of service/ but service/model/,
#                            service/status.h and service/encoding.h, and no SOCI.
#   service/repositories/    the SQL: reaches the model, other repositories and the base
#                            (status, encoding, search_index, database), never a service header
#                            above it (companies.h, registrations.h, ...).
#
#   service/*.cc             no SQL statement text: it lives in service/repositories/ (the pool and
#                            the migration runner excepted).
#
#   the base of service/     status, encoding, validation, search_index, database (the pool and
#                            units of work) and unit_hooks: reach only each other, so that the
#                            database layer and the idempotency service no longer include each
#                            other.
#
#   tests/layers.sh     check; exit 1 naming each file and what it reaches
#
# Needs g++.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 2
# reaches FILE PATTERN: the headers of FILE's include closure that match PATTERN (an ERE), after
# dropping those that ALLOWED (an ERE, may be empty) lets through.
reaches() {
  local deps
  deps=$(g++ -std=c++20 -I. -I/usr/include/mariadb -M "$1" 2>&1) || { echo "$1: g++ -M failed: $deps"; return; }
  tr ' \\' '\n\n' <<<"$deps" | grep -E "$2" | { if [[ -n "${3:-}" ]]; then grep -vE "$3"; else cat; fi; } |
    grep -vxF "$1" | sort -u | sed "s|^|$1 reaches |"
}
export -f reaches
check() {  # check GLOBS PATTERN ALLOWED: every git-tracked file of GLOBS
  git ls-files $1 | xargs -P "$(nproc)" -I{} bash -c 'reaches "$@"' _ {} "$2" "$3"
}
failed=0
# report FINDINGS MESSAGE: prints them and the rule, and fails the check, when there are any.
report() {
  [[ -z "$1" ]] && return
  echo "$1"
  echo "layers: $2"
  failed=1
}
api=$(check "api/*.cc api/*.h" '(^|/)soci/|service/repositories/' '')
report "$api" "api/ must not reach SOCI or service/repositories/ (forward-declare soci::session instead)"
model=$(check "service/model/*.cc service/model/*.h" '(^|/)soci/|(^|/)service/' '(^|/)service/(model/|status\.h$|encoding\.h$)')
report "$model" "service/model/ holds the domain types: only service/model/, status.h and encoding.h, no SOCI"
repositories=$(check "service/repositories/*.cc service/repositories/*.h" '(^|/)service/' \
  '(^|/)service/(model/|repositories/|status\.h$|encoding\.h$|search_index\.h$|database\.h$)')
report "$repositories" "service/repositories/ must not include a service header above it (take the types from service/model/)"
base_files="service/status.h service/encoding.h service/encoding.cc service/validation.h service/validation.cc \
service/search_index.h service/search_index.cc service/database.h service/database.cc service/database_url.cc \
service/database_errors.cc service/database_stats.h service/database_stats.cc service/unit_hooks.h"
base=$(check "$base_files" '(^|/)service/' \
  '(^|/)service/(status|encoding|validation|search_index|database|database_stats|unit_hooks)\.h$')
report "$base" "the base of service/ (status, encoding, validation, search_index, database, unit_hooks) reaches only itself"
# SQL only in repositories: no statement text in the services. The pool (database.cc: session
# settings and the liveness probe) and the migration runner (migrations.cc: the schema's own
# bookkeeping) are the database layer itself.
statements=$(git ls-files 'service/*.cc' | grep -vE '^service/(repositories/|database\.cc$|migrations\.cc$)' |
  xargs grep -nE '"(SELECT|INSERT|UPDATE|DELETE|REPLACE|LOCK|CREATE|ALTER|DROP|TRUNCATE) ' || true)
report "$statements" "SQL belongs in service/repositories/ (the services call repository functions)"
((failed == 0)) || exit 1
echo "layers: $(git ls-files 'api/*.cc' 'api/*.h' | wc -l) files of api/ reach neither SOCI nor a repository;" \
  "$(git ls-files 'service/model/*' | wc -l) of service/model/ only the model;" \
  "$(git ls-files 'service/repositories/*' | wc -l) of service/repositories/ no service above them;" \
  "$(wc -w <<<"$base_files") of the base only the base; no SQL in the services"
