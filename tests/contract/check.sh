#!/usr/bin/env bash
# Contract check: lint openapi.yaml, then validate the HTTP exchanges that the
# C++ end-to-end tests recorded against it.
#
#   tests/contract/check.sh <openapi.yaml> <exchanges.jsonl>
#
# Needs `npm ci` in tests/contract first (Node.js >= 18.19). Runs both steps
# even when the first fails, and exits non-zero if either failed.
set -uo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: $0 <openapi.yaml> <exchanges.jsonl>" >&2
  exit 2
fi
for f in "$1" "$2"; do
  if [ ! -f "$f" ]; then
    echo "check.sh: no such file: $f" >&2
    exit 2
  fi
done

spec="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
exchanges="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

if [ ! -d node_modules/@redocly/cli ] || [ ! -d node_modules/ajv ]; then
  echo "check.sh: node_modules is missing; run 'npm ci' in $here first" >&2
  exit 2
fi

# The machines have no general internet access: no telemetry, no update check.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true

status=0
echo "== redocly lint $spec"
npx --no-install redocly lint "$spec" || status=1
echo "== selftest: the validator rejects what it must (samples/)"
bash selftest.sh || status=1
echo "== node validate.mjs $spec $exchanges"
node validate.mjs "$spec" "$exchanges" || status=1
exit "$status"
