#!/usr/bin/env bash
# Checks deploy/ without a Docker daemon or a Kubernetes cluster:
#
#   tests/deploy/check.sh
#
#   (a) deploy/k8s: every manifest against the Kubernetes 1.33 API schemas
#       (npm kubernetes-models, strict: unknown fields fail) and our rules
#       (probes, resources, non-root, env from ConfigMap/Secret, selectors)
#   (b) deploy/compose.yaml: `docker-compose config -q`, then the services
#       and their wiring in the resolved config
#   (c) deploy/nginx/zusammen.conf: `nginx -t` under a throw-away nginx.conf
#   (d) deploy/Dockerfile: lint (npm dockerfile-utils) and the image's shape
#   (e) tests/deploy/proxy_check.sh: nginx with zusammen.conf in front of
#       build/zusammen, raw requests prove the proxy's limits (skipped with
#       a note when build/zusammen is missing; ZUSAMMEN_BIN overrides it)
#
# npm packages: tests/deploy/node_modules (scripts/deps.sh runs npm ci).
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ZUSAMMEN_ROOT
here="$ZUSAMMEN_ROOT/tests/deploy"
cd "$ZUSAMMEN_ROOT"
# shellcheck source=tests/deploy/nginx_harness.sh
source "$here/nginx_harness.sh"

fail() { printf 'deploy check: error: %s\n' "$*" >&2; exit 1; }
[[ -d "$here/node_modules/kubernetes-models" ]] \
  || fail "tests/deploy/node_modules is missing: run scripts/deps.sh (npm ci in tests/deploy)"

tmp="$(mktemp -d)"
# nginx workers run as nobody when started as root: they need to reach it.
chmod 0755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

echo "--- (a) Kubernetes manifests (deploy/k8s)"
node "$here/check.mjs" k8s deploy/k8s

echo "--- (b) compose file (deploy/compose.yaml)"
command -v docker-compose >/dev/null || fail "docker-compose is not installed (scripts/deps.sh)"
# A dummy password: the file has no default and must refuse to resolve without one.
if (cd deploy && env -u ZUSAMMEN_DB_PASSWORD docker-compose -f compose.yaml config -q) >/dev/null 2>&1; then
  fail "deploy/compose.yaml resolves without ZUSAMMEN_DB_PASSWORD (a default password?)"
fi
echo "ok   compose: refuses to resolve without ZUSAMMEN_DB_PASSWORD"
(cd deploy && ZUSAMMEN_DB_PASSWORD=check-only docker-compose -f compose.yaml config -q) \
  || fail "docker-compose config -q rejected deploy/compose.yaml"
echo "ok   compose: docker-compose config -q"
(cd deploy && ZUSAMMEN_DB_PASSWORD=check-only docker-compose -f compose.yaml config) >"$tmp/compose.yaml"
node "$here/check.mjs" compose "$tmp/compose.yaml"

echo "--- (c) nginx -t (deploy/nginx/zusammen.conf)"
grep -Eq '^server api:8080( |;)' deploy/nginx/zusammen-upstream.conf \
  || fail "deploy/nginx/zusammen-upstream.conf does not name api:8080"
mkdir "$tmp/nginx"
nginx_prepare "$tmp/nginx" 18080 127.0.0.1:8080
if ! nginx_test "$tmp/nginx"; then
  cat "$tmp/nginx/error.log" >&2 || true
  fail "nginx -t rejected deploy/nginx/zusammen.conf"
fi
echo "ok   nginx -t: deploy/nginx/zusammen.conf"

echo "--- (d) Dockerfile (deploy/Dockerfile)"
node "$here/check.mjs" dockerfile deploy/Dockerfile

echo "--- (e) the proxy's limits, live"
bin="${ZUSAMMEN_BIN:-$ZUSAMMEN_ROOT/build/zusammen}"
if [[ -x "$bin" ]]; then
  ZUSAMMEN_BIN="$bin" bash "$here/proxy_check.sh"
else
  echo "skip proxy_check.sh: $bin is not built"
fi
echo "deploy checks passed"
