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
grep -Eq '^server api:8080 resolve( |;)' deploy/nginx/zusammen-upstream.conf \
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

echo "--- the checks themselves: broken copies must fail"
# mutant NAME FILE SED-EXPRESSION CHECK-ARGS...: check.mjs must reject a copy
# of deploy/ in which FILE was edited by SED-EXPRESSION.
mutant() {
  local name="$1" file="$2" expr="$3"; shift 3
  rm -rf "$tmp/mutant" && mkdir -p "$tmp/mutant" && cp -r deploy scripts "$tmp/mutant/"
  sed -i "$expr" "$tmp/mutant/$file"
  cmp -s "deploy/${file#deploy/}" "$tmp/mutant/$file" && fail "mutant '$name': the edit changed nothing"
  if (cd "$tmp/mutant" && node "$here/check.mjs" "$@") >"$tmp/mutant.out" 2>&1; then
    cat "$tmp/mutant.out" >&2
    fail "mutant '$name' passed the checks"
  fi
  echo "ok   rejected: $name ($(grep -m1 '^FAIL' "$tmp/mutant.out" | cut -c6-120))"
}
mutant "unknown field in the Deployment" deploy/k8s/deployment.yaml 's/^  replicas: 2$/  replicas: 2\n  replica: 3/' k8s deploy/k8s
mutant "string where the schema wants an integer" deploy/k8s/deployment.yaml 's/containerPort: 8080/containerPort: "8080"/' k8s deploy/k8s
mutant "readiness on /healthz" deploy/k8s/deployment.yaml 's#path: /readyz#path: /healthz#' k8s deploy/k8s
mutant "PDB selecting other pods" deploy/k8s/pdb.yaml 's/component: api/component: web/' k8s deploy/k8s
mutant "container running as root" deploy/k8s/deployment.yaml 's/runAsNonRoot: true/runAsNonRoot: false/' k8s deploy/k8s
mutant "Job not running migrate" deploy/k8s/migrate-job.yaml 's/args: \["migrate"\]/args: ["serve"]/' k8s deploy/k8s
mutant "final stage on debian:12" deploy/Dockerfile 's/^FROM debian:12-slim AS runtime$/FROM debian:12 AS runtime/' dockerfile deploy/Dockerfile
mutant "final stage as root" deploy/Dockerfile 's/^USER 10001:10001$/USER root/' dockerfile deploy/Dockerfile
mutant "compiler in the final stage" deploy/Dockerfile 's/ca-certificates tini \\$/ca-certificates tini g++ \\/' dockerfile deploy/Dockerfile
mutant "unknown Dockerfile instruction" deploy/Dockerfile 's/^EXPOSE 8080$/EXPOSES 8080/' dockerfile deploy/Dockerfile
sed 's/client_max_body_size 1100k;/client_max_body_size 1100k/' deploy/nginx/zusammen.conf >"$tmp/broken.conf"
mkdir "$tmp/nginx-broken"
nginx_prepare "$tmp/nginx-broken" 18080 127.0.0.1:8080
cp "$tmp/broken.conf" "$tmp/nginx-broken/zusammen.conf"
if nginx_test "$tmp/nginx-broken" 2>/dev/null; then fail "nginx -t accepted a broken zusammen.conf"; fi
echo "ok   rejected: nginx config with a missing semicolon"

echo "--- (e) the proxy's limits, live"
bin="${ZUSAMMEN_BIN:-$ZUSAMMEN_ROOT/build/zusammen}"
if [[ -x "$bin" ]]; then
  ZUSAMMEN_BIN="$bin" bash "$here/proxy_check.sh"
elif [[ "${CI:-}" == true ]]; then
  fail "$bin is not built (scripts/test.sh builds it before this check)"
else
  echo "skip proxy_check.sh: $bin is not built"
fi
echo "deploy checks passed"
