#!/usr/bin/env bash
# Checks the layering that the compiler does not: no source or header of api/ reaches SOCI
# (<soci/...>) or a repository header (service/repositories/), through any chain of includes.
# api/ calls the service's interfaces; SQL and SOCI stay in service/.
#
#   tests/layers.sh     check; exit 1 naming each api/ file and what it reaches
#
# Needs g++ (the include closure is the preprocessor's own, `g++ -M`).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 2
reaches() {
  local deps
  deps=$(g++ -std=c++20 -I. -I/usr/include/mariadb -M "$1" 2>&1) || { echo "$1: g++ -M failed: $deps"; return; }
  tr ' \\' '\n\n' <<<"$deps" | grep -E '(^|/)soci/|service/repositories/' | sort -u | sed "s|^|$1 reaches |"
}
export -f reaches
found=$(git ls-files 'api/*.cc' 'api/*.h' | xargs -P "$(nproc)" -I{} bash -c 'reaches {}')
if [[ -n "$found" ]]; then
  echo "$found"
  echo "layers: api/ must not reach SOCI or service/repositories/ (forward-declare soci::session instead)"
  exit 1
fi
echo "layers: $(git ls-files 'api/*.cc' 'api/*.h' | wc -l) files of api/ reach neither SOCI nor a repository"
