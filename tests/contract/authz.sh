#!/usr/bin/env bash
# The authorization matrix against a running server (a check of scripts/e2e.sh):
#
#   tests/contract/authz.sh
#
# Needs ZUSAMMEN_E2E_URL and ZUSAMMEN_E2E_DATABASE_URL (scripts/e2e.sh sets
# them); ZUSAMMEN_BINARY defaults to build/zusammen. Three steps:
#   1. authz.mjs derives every operation × caller outcome from openapi.yaml
#      and checks it against the server (plus `zusammen routes` against the
#      contract, and that no personal data reaches callers without the scope);
#   2. the exchanges it made are validated against openapi.yaml;
#   3. self-test: with a copy of the contract that wrongly makes one
#      registrations operation anonymous, authz.mjs must fail.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root/tests/contract"
export ZUSAMMEN_BINARY="${ZUSAMMEN_BINARY:-$root/build/zusammen}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

ZUSAMMEN_CONTRACT_LOG="$work/authz.jsonl" node authz.mjs "$root/openapi.yaml"
node validate.mjs "$root/openapi.yaml" "$work/authz.jsonl"

node --input-type=module - "$root/openapi.yaml" "$work/wrong.yaml" <<'JS'
import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
const [, , from, to] = process.argv;
const spec = YAML.parse(readFileSync(from, 'utf8'));
spec.paths['/v1/stats'].get.security = [{}];
writeFileSync(to, YAML.stringify(spec));
JS
if node authz.mjs "$work/wrong.yaml" >"$work/selftest.log" 2>&1; then
  cat "$work/selftest.log" >&2
  echo "authz: self-test FAILED: a contract that makes /v1/stats anonymous passed" >&2
  exit 1
fi
grep -q 'getNetworkStats as anonymous: expected 2xx, got 401' "$work/selftest.log" \
  || { cat "$work/selftest.log" >&2; echo "authz: self-test failed for another reason" >&2; exit 1; }
echo "authz: self-test ok (a wrongly anonymous operation is caught)"
