#!/usr/bin/env bash
# Build and run the Zusammen API locally:
#
#   scripts/run.sh [serve args...]
#
# Installs missing dependencies (scripts/deps.sh), builds build/
# (RelWithDebInfo), starts the private MariaDB (scripts/db.sh) unless
# ZUSAMMEN_DATABASE_URL is already set, migrates and seeds the database and
# then runs `build/zusammen serve` with the extra arguments. It listens on
# ZUSAMMEN_LISTEN (default 127.0.0.1:8080). The database keeps running after
# the server stops: scripts/db.sh stop.
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"

"$ZUSAMMEN_ROOT/scripts/deps.sh"
# The tests are not built here: their libraries come with `scripts/deps.sh --test`.
build_tree build RelWithDebInfo -DZUSAMMEN_TESTS=OFF
BIN="$ZUSAMMEN_ROOT/build/zusammen"
[[ -x "$BIN" ]] || die "the build did not produce $BIN"

if [[ -n "${ZUSAMMEN_DATABASE_URL:-}" ]]; then
  log "using the database in ZUSAMMEN_DATABASE_URL"
else
  "$ZUSAMMEN_ROOT/scripts/db.sh" start
  ZUSAMMEN_DATABASE_URL="$("$ZUSAMMEN_ROOT/scripts/db.sh" url)"
fi
export ZUSAMMEN_DATABASE_URL
export ZUSAMMEN_LISTEN="${ZUSAMMEN_LISTEN:-127.0.0.1:8080}"

log "migrating the database"
"$BIN" migrate || die "zusammen migrate failed"
log "seeding the database"
"$BIN" seed || die "zusammen seed failed"

log "serving on http://$ZUSAMMEN_LISTEN (Ctrl-C stops it)"
exec "$BIN" serve "$@"
