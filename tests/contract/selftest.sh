#!/usr/bin/env bash
# Self-test of validate.mjs with the hand-made exchanges in samples/ (made by
# samples/make-samples.mjs): every valid exchange must pass, every invalid one
# must fail, and an empty file must fail. Not part of check.sh.
#
#   bash tests/contract/selftest.sh   (after npm ci in tests/contract)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
spec=../../openapi.yaml
passed=0
failed=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

expect() { # name, wanted exit code, wanted summary line, file
  local out rc
  out="$(node validate.mjs "$spec" "$4")"
  rc=$?
  if [ "$rc" -eq "$2" ] && grep -qx "$3" <<<"$out"; then
    echo "ok   $1"
    passed=$((passed + 1))
  else
    echo "FAIL $1: exit $rc (wanted $2), wanted the line '$3'; output:"
    sed 's/^/     /' <<<"$out"
    failed=$((failed + 1))
  fi
}

valid_n=$(grep -c . samples/valid.jsonl)
invalid_n=$(grep -c . samples/invalid.jsonl)
: >"$tmp/empty.jsonl"

expect "valid exchanges pass" 0 "contract: $valid_n passed, 0 failed" samples/valid.jsonl
expect "invalid exchanges all fail" 1 "contract: 0 passed, $invalid_n failed" samples/invalid.jsonl
expect "an empty file fails" 1 "contract: 0 passed, 0 failed" "$tmp/empty.jsonl"
echo "selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
