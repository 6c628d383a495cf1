#!/usr/bin/env bash
# Formats the C++ sources of api/, service/ and tests/ with clang-format
# (.clang-format at the root):
#
#   scripts/format.sh           format every file in place
#   scripts/format.sh --check   change nothing; exit 1 naming each file that is not formatted
#                               (scripts/test.sh runs this first)
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (usage: scripts/format.sh [--check])" ;;
esac
have clang-format || die "clang-format not found (run scripts/deps.sh --test)"

mapfile -t files < <(git ls-files 'api/*.cc' 'api/*.h' 'service/*.cc' 'service/*.h' 'tests/*.cc' 'tests/*.h')
if [[ $check -eq 0 ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
unformatted=()
for f in "${files[@]}"; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if [[ ${#unformatted[@]} -gt 0 ]]; then
  printf '%s: not formatted (run scripts/format.sh): %s\n' "$_zusammen_self" "${unformatted[*]}" >&2
  exit 1
fi
info "${#files[@]} files formatted as .clang-format says"
