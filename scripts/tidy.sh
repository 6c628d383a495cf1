#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy at the root: bugprone-* and performance-*, every finding an error)
# over C++ sources of api/ and service/, with the compile commands of build/:
#
#   scripts/tidy.sh              the .cc files changed since ZUSAMMEN_TIDY_BASE (default: the
#                                commit before HEAD), uncommitted changes included
#                                (scripts/test.sh runs this after building build/)
#   scripts/tidy.sh --all        every .cc file of api/ and service/ (minutes per dozen files)
#   scripts/tidy.sh FILE...      these files
#
# Exit 1 when clang-tidy finds anything. Needs build/compile_commands.json (scripts/test.sh or
# cmake -B build) and clang-tidy (scripts/deps.sh --test).
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"
cd "$ZUSAMMEN_ROOT"

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  --all) mapfile -t files < <(git ls-files 'api/*.cc' 'service/*.cc') ;;
  "")
    base="${ZUSAMMEN_TIDY_BASE:-HEAD~1}"
    if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
      # A shallow clone has no parent to compare with: what is not committed is still checked.
      warn "$base is not in this clone: only uncommitted changes are tidied (set ZUSAMMEN_TIDY_BASE)"
      base=HEAD
    fi
    mapfile -t files < <({ git diff --name-only --diff-filter=d "$base" -- 'api/*.cc' 'service/*.cc'
                           git ls-files --others --exclude-standard -- 'api/*.cc' 'service/*.cc'; } | sort -u)
    ;;
  *) files=("$@") ;;
esac
have clang-tidy || die "clang-tidy not found (run scripts/deps.sh --test)"
[[ -f build/compile_commands.json ]] || die "build/compile_commands.json is missing: build first (cmake -B build)"
if [[ ${#files[@]} -eq 0 ]]; then
  info "no C++ source of api/ or service/ changed: nothing to tidy"
  exit 0
fi
log "clang-tidy on ${#files[@]} file(s)"
# One clang-tidy per file, as many at once as there are cores; each prints only its findings.
if printf '%s\0' "${files[@]}" | xargs -0 -P "$(jobs_count)" -n 1 clang-tidy -p build --quiet 2>/dev/null; then
  info "clang-tidy: ${#files[@]} file(s) clean"
else
  die "clang-tidy found problems (above); fix them or, for a false positive, NOLINT(check) with a reason"
fi
