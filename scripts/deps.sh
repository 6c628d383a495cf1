#!/usr/bin/env bash
# Install what building and serving Zusammen needs, on Debian 12:
#
#   scripts/deps.sh          for scripts/run.sh: compilers, CMake, the -dev libraries,
#                            MariaDB server and client, Node.js/npm and api/docs' npm
#                            packages (Swagger UI for /docs)
#   scripts/deps.sh --test   for scripts/test.sh: the above, plus the test tooling
#                            (GoogleTest, Connector/C++, clang and its sanitizer runtime,
#                            clang-format, wrk, nginx, Chromium, docker-compose) and the
#                            npm packages of tests/
#
# Only missing apt packages are installed (apt-get update runs only then).
# Idempotent: a fast no-op when everything is there. Uses sudo when not root.
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"

tests=0
case "${1:-}" in
  "") ;;
  --test) tests=1 ;;
  *) die "unknown argument '$1' (usage: scripts/deps.sh [--test])" ;;
esac

PACKAGES=(
  build-essential cmake pkg-config g++ ccache
  libpistache-dev libsoci-dev libsoci-mysql4.0
  mariadb-server mariadb-client libmariadb-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libssl-dev
  curl ca-certificates
)
if [[ $tests -eq 1 ]]; then
  PACKAGES+=(
    libgtest-dev libgmock-dev libmysqlcppconn-dev
    clang libclang-rt-14-dev clang-format clang-tidy
    wrk nginx-light chromium docker-compose
  )
fi
# Installed only when the archive has them.
OPTIONAL_PACKAGES=()

installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

{ have dpkg-query && have apt-get; } || die "this script needs Debian's dpkg and apt-get"

missing=()
for p in "${PACKAGES[@]}"; do
  installed "$p" || missing+=("$p")
done
if ! have node; then
  installed nodejs || missing+=(nodejs)
  installed npm || missing+=(npm)
elif ! have npm; then
  installed npm || missing+=(npm)
fi
# Optional packages: taken when the package lists know them. apt-get update
# runs only for required packages, so an optional package that the archive
# lacks does not cost an update on every run.
optional_unknown=()
for p in "${OPTIONAL_PACKAGES[@]}"; do
  installed "$p" && continue
  if apt-cache show "$p" >/dev/null 2>&1; then
    missing+=("$p")
  else
    optional_unknown+=("$p")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ "$(id -u)" -ne 0 ]] && ! have sudo; then
    die "missing packages (${missing[*]}) and not root, and sudo is not installed"
  fi
  log "updating apt package lists"
  run_logged apt-update as_root env DEBIAN_FRONTEND=noninteractive apt-get update \
    || die "apt-get update failed"
  for p in "${optional_unknown[@]}"; do
    if apt-cache show "$p" >/dev/null 2>&1; then
      missing+=("$p")
    else
      info "skipping $p (not in the apt archive)"
    fi
  done
fi

if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing ${missing[*]}"
  run_logged apt-install as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed"
fi

have node || die "node is still missing after installing nodejs"
have npm || die "npm is still missing after installing npm"

# npm packages of the contract tests.
contract="$ZUSAMMEN_ROOT/tests/contract"
if [[ $tests -eq 1 && -f "$contract/package.json" ]]; then
  nm="$contract/node_modules"
  if [[ ! -d "$nm" || "$contract/package.json" -nt "$nm" \
        || ( -f "$contract/package-lock.json" && "$contract/package-lock.json" -nt "$nm" ) ]]; then
    if [[ -f "$contract/package-lock.json" ]]; then
      log "installing npm packages in tests/contract (npm ci)"
      (cd "$contract" && run_logged npm-contract npm ci --no-audit --no-fund) \
        || die "npm ci in tests/contract failed"
    else
      log "installing npm packages in tests/contract (npm install)"
      (cd "$contract" && run_logged npm-contract npm install --no-audit --no-fund) \
        || die "npm install in tests/contract failed"
    fi
    # npm install may leave node_modules' mtime alone when nothing changed.
    mkdir -p "$nm" && touch "$nm"
  fi
fi

# npm packages of /docs (Swagger UI's assets, embedded by CMake) and of the
# end-to-end checks (scripts/e2e.sh). None needs an install script; skipping
# them keeps the installs offline-clean (swagger-ui-dist's @scarf/scarf).
npm_dirs=(api/docs)
[[ $tests -eq 1 ]] && npm_dirs+=(tests/e2e tests/client)
for dir in "${npm_dirs[@]}"; do
  pkg="$ZUSAMMEN_ROOT/$dir"
  [[ -f "$pkg/package-lock.json" ]] || continue
  nm="$pkg/node_modules"
  if [[ ! -d "$nm" || "$pkg/package.json" -nt "$nm" || "$pkg/package-lock.json" -nt "$nm" ]]; then
    log "installing npm packages in $dir (npm ci)"
    (cd "$pkg" && SCARF_ANALYTICS=false PUPPETEER_SKIP_DOWNLOAD=1 \
      run_logged "npm-${dir//\//-}" npm ci --ignore-scripts --no-audit --no-fund) \
      || die "npm ci in $dir failed"
    mkdir -p "$nm" && touch "$nm"
  fi
done

# npm packages of the deploy/ checks (tests/deploy/check.sh).
deploy_checks="$ZUSAMMEN_ROOT/tests/deploy"
if [[ $tests -eq 1 && -f "$deploy_checks/package-lock.json" ]]; then
  nm="$deploy_checks/node_modules"
  if [[ ! -d "$nm" || "$deploy_checks/package.json" -nt "$nm" || "$deploy_checks/package-lock.json" -nt "$nm" ]]; then
    log "installing npm packages in tests/deploy (npm ci)"
    (cd "$deploy_checks" && run_logged npm-deploy npm ci --no-audit --no-fund) \
      || die "npm ci in tests/deploy failed"
    mkdir -p "$nm" && touch "$nm"
  fi
fi
