#!/usr/bin/env bash
# Generates the TypeScript client from the current openapi.yaml, type-checks
# the sync script against it (tsc --strict), compiles it and runs it against
# the server in ZUSAMMEN_E2E_URL (scripts/e2e.sh sets it and the keys).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
[[ -d node_modules ]] || { echo "client: tests/client/node_modules is missing: run scripts/deps.sh" >&2; exit 1; }
rm -rf generated .build
echo "client: generating the client from openapi.yaml"
node_modules/.bin/openapi-typescript ../../openapi.yaml --output generated/schema.d.ts --default-non-nullable false --silent
echo "client: type-checking (tsc --noEmit --strict)"
node_modules/.bin/tsc --noEmit --strict -p tsconfig.json
node_modules/.bin/tsc -p tsconfig.json
echo "client: running the sync script against $ZUSAMMEN_E2E_URL"
node .build/sync.js
