#!/usr/bin/env bash
# Build the libFuzzer targets of tests/fuzz and run each for a bounded time:
#
#   scripts/fuzz.sh                 every target: body query merge_patch wire
#   scripts/fuzz.sh body wire       only these
#
# ZUSAMMEN_FUZZ_SECONDS (default 60) is the time per target (-max_total_time).
# The build is build-fuzz/ (clang, -DZUSAMMEN_FUZZ=ON: -fsanitize=fuzzer,address,undefined,
# the project libraries instrumented too). Each target first replays
# tests/fuzz/regressions/<target>/ (inputs that once failed; they must pass now), then fuzzes
# from the committed seeds in tests/fuzz/corpus/<target>/, growing build-fuzz/corpus/<target>/
# (not committed). A failing input is written to build-fuzz/artifacts/<target>/ and the
# script exits non-zero; fix the bug, then copy the input into tests/fuzz/regressions/<target>/.
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"

all_targets=(body query merge_patch wire)
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=("${all_targets[@]}")
fi
for target in "${targets[@]}"; do
  case " ${all_targets[*]} " in
    *" $target "*) ;;
    *) die "unknown fuzz target '$target' (known: ${all_targets[*]})" ;;
  esac
done
seconds="${ZUSAMMEN_FUZZ_SECONDS:-60}"
[[ "$seconds" =~ ^[0-9]+$ ]] || die "ZUSAMMEN_FUZZ_SECONDS must be a number of seconds"

have clang++ || die "clang++ not found (run scripts/deps.sh)"
launcher=()
if have ccache; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ZUSAMMEN_ROOT}"
fi
log "configuring build-fuzz (clang, ZUSAMMEN_FUZZ=ON)"
run_logged cmake-configure-build-fuzz \
  cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DZUSAMMEN_FUZZ=ON -DZUSAMMEN_TESTS=OFF -DZUSAMMEN_WERROR=ON "${launcher[@]}" \
  || die "configuring build-fuzz failed"
log "building the fuzz targets"
run_logged cmake-build-build-fuzz cmake --build build-fuzz --target zusammen_fuzzers -j"$(jobs_count)" \
  || die "building build-fuzz failed"

export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
for target in "${targets[@]}"; do
  binary="build-fuzz/tests/fuzz/fuzz_$target"
  regressions="tests/fuzz/regressions/$target"
  artifacts="build-fuzz/artifacts/$target"
  corpus="build-fuzz/corpus/$target"
  mkdir -p "$artifacts" "$corpus"
  mapfile -t replay < <(find "$regressions" -type f ! -name '.gitkeep' 2>/dev/null | sort)
  if [[ ${#replay[@]} -gt 0 ]]; then
    log "fuzz_$target: replaying ${#replay[@]} regression input(s)"
    run_logged "fuzz-$target-regressions" "$binary" "${replay[@]}" \
      || die "fuzz_$target fails on a regression input in $regressions"
  fi
  log "fuzz_$target: ${seconds}s"
  run_logged "fuzz-$target" "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "tests/fuzz/corpus/$target" \
    || die "fuzz_$target found a failing input: see $artifacts/ and .local/logs/fuzz-$target.log"
  info "$(grep -hE "^stat::(number_of_executed_units|peak_rss_mb)" "$ZUSAMMEN_LOG_DIR/fuzz-$target.log" 2>/dev/null | tr "\n" " " || true)"
done
log "fuzzing found nothing"
