# shellcheck shell=bash
# Shared helpers for the scripts in scripts/. Source it, do not run it:
#
#   ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
#   source "$ZUSAMMEN_ROOT/scripts/lib.sh"
#
# After sourcing, the current directory is the repository root.
#
# Environment:
#   ZUSAMMEN_VERBOSE=1   stream the output of builds and installs instead of
#                        keeping it in .local/logs/ (it is shown on failure).

if [[ -z "${ZUSAMMEN_ROOT:-}" ]]; then
  ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
export ZUSAMMEN_ROOT
cd "$ZUSAMMEN_ROOT" || exit 1

ZUSAMMEN_LOG_DIR="$ZUSAMMEN_ROOT/.local/logs"

# Name of the calling script, for messages ("db.sh", "test.sh", ...).
_zusammen_self="$(basename "${0:-zusammen}")"

log()  { printf '==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '%s: warning: %s\n' "$_zusammen_self" "$*" >&2; }
die()  { printf '%s: error: %s\n' "$_zusammen_self" "$*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif have sudo; then
    sudo "$@"
  else
    die "need root for '$*', and sudo is not installed"
  fi
}

# run_logged NAME CMD...: run CMD with its output in .local/logs/NAME.log.
# Quiet on success; on failure prints the log (the last 400 lines) and
# returns CMD's exit status. With ZUSAMMEN_VERBOSE=1 the output is streamed.
run_logged() {
  local name="$1"; shift
  if [[ "${ZUSAMMEN_VERBOSE:-0}" == 1 ]]; then
    "$@"
    return
  fi
  mkdir -p "$ZUSAMMEN_LOG_DIR"
  local logfile="$ZUSAMMEN_LOG_DIR/$name.log"
  local rc=0
  "$@" >"$logfile" 2>&1 </dev/null || rc=$?
  if [[ $rc -ne 0 ]]; then
    printf '%s: error: command failed (exit %d): %s\n' "$_zusammen_self" "$rc" "$*" >&2
    printf -- '----- %s (last 400 lines) -----\n' "$logfile" >&2
    tail -n 400 "$logfile" >&2
    printf -- '----- end of %s -----\n' "$logfile" >&2
  fi
  return $rc
}

jobs_count() { nproc 2>/dev/null || echo 2; }

# build_tree DIR BUILD_TYPE [extra cmake args...]: configure and build.
build_tree() {
  local dir="$1" type="$2"; shift 2
  have cmake || die "cmake not found (run scripts/deps.sh)"
  local launcher=()
  # ccache (when installed) makes rebuilds in fresh folders and worktrees cheap.
  if have ccache; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ZUSAMMEN_ROOT}"
  fi
  log "configuring $dir ($type${*:+ $*})"
  run_logged "cmake-configure-$dir" \
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DZUSAMMEN_WERROR=ON "${launcher[@]}" "$@" \
    || die "configuring $dir failed"
  log "building $dir"
  run_logged "cmake-build-$dir" cmake --build "$dir" -j"$(jobs_count)" \
    || die "building $dir failed"
}
