#!/usr/bin/env bash
# Proves with raw requests that deploy/nginx/zusammen.conf enforces its
# limits in front of a real `zusammen serve`:
#
#   ZUSAMMEN_BIN=build/zusammen tests/deploy/proxy_check.sh
#
# Starts the server on a free port (with a fresh migrated database when
# ZUSAMMEN_TEST_DATABASE_URL names a server, as scripts/test.sh does; else
# against no database) and nginx with zusammen.conf on another free port,
# sends requests with a unique X-Request-Id each, and checks the status and
# whether the request reached the server (its access log). Stops both.
# Takes about 20 s: the slow-client checks wait for nginx's timeouts.
set -euo pipefail
ZUSAMMEN_ROOT="${ZUSAMMEN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export ZUSAMMEN_ROOT
here="$ZUSAMMEN_ROOT/tests/deploy"
# shellcheck source=tests/deploy/nginx_harness.sh
source "$here/nginx_harness.sh"
bin="${ZUSAMMEN_BIN:-$ZUSAMMEN_ROOT/build/zusammen}"
[[ -x "$bin" ]] || { echo "proxy_check: $bin is not built" >&2; exit 1; }
command -v curl >/dev/null || { echo "proxy_check: curl is missing" >&2; exit 1; }

passed=0
failed=0
check() { # NAME CONDITION-EXIT-STATUS [DETAIL]
  if [[ "$2" == 0 ]]; then
    passed=$((passed + 1)); echo "ok   $1"
  else
    failed=$((failed + 1)); echo "FAIL $1${3:+: $3}"
  fi
}
is() { [[ "$1" == "$2" ]] && echo 0 || echo 1; }

tmp="$(mktemp -d)"
# nginx workers run as nobody when started as root: they need to reach it.
chmod 0755 "$tmp"
app_pid=""
echo_pid=""
database=""
db_args=()
cleanup() {
  local rc=$?
  nginx_stop "$tmp/nginx" || true
  nginx_stop "$tmp/nginx-echo" || true
  [[ -z "$echo_pid" ]] || kill -TERM "$echo_pid" 2>/dev/null || true
  if [[ -n "$app_pid" ]]; then
    kill -TERM "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
  if [[ -n "$database" ]]; then
    mariadb "${db_args[@]}" -e "DROP DATABASE IF EXISTS \`$database\`" >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A database of its own, migrated, when a server is at hand.
url="mysql://zusammen:zusammen@127.0.0.1:1/none"
if [[ "${ZUSAMMEN_TEST_DATABASE_URL:-}" =~ ^mysql://([^:@/]+):([^@/]*)@([^:/]+):([0-9]+)/?$ ]]; then
  db_args=(--user="${BASH_REMATCH[1]}" --password="${BASH_REMATCH[2]}" --host="${BASH_REMATCH[3]}"
           --port="${BASH_REMATCH[4]}" --protocol=TCP)
  database="zusammen_deploy_proxy_$$"
  mariadb "${db_args[@]}" -e "CREATE DATABASE \`$database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  url="${ZUSAMMEN_TEST_DATABASE_URL%/}/$database"
  ZUSAMMEN_DATABASE_URL="$url" "$bin" migrate >"$tmp/migrate.log" 2>&1 \
    || { cat "$tmp/migrate.log" >&2; exit 1; }
fi

# The service's own rate limits are off: the limits under test are nginx's.
ZUSAMMEN_LISTEN=127.0.0.1:0 ZUSAMMEN_DATABASE_URL="$url" ZUSAMMEN_LOG_FORMAT=text \
  ZUSAMMEN_RATE_LIMIT_ANON_RPS=0 ZUSAMMEN_RATE_LIMIT_KEY_RPS=0 \
  "$bin" serve >"$tmp/app.log" 2>&1 &
app_pid=$!
app_port=""
for _ in $(seq 100); do
  app_port="$(sed -n 's#^listening on http://127\.0\.0\.1:\([0-9]*\)$#\1#p' "$tmp/app.log")"
  [[ -n "$app_port" ]] && break
  kill -0 "$app_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$app_port" ]] || { cat "$tmp/app.log" >&2; echo "proxy_check: the server did not start" >&2; exit 1; }

mkdir "$tmp/nginx"
port="$(free_port)"
nginx_prepare "$tmp/nginx" "$port" "127.0.0.1:$app_port"
nginx_start "$tmp/nginx"
base="http://127.0.0.1:$port"
for _ in $(seq 100); do
  curl -s -o /dev/null "$base/healthz" && break
  sleep 0.1
done

# status ID CURL-ARGS...: the status of one request with X-Request-Id: ID.
status() {
  local id="$1"; shift
  curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' -H "X-Request-Id: $id" "$@" || true
}
# The server writes its access lines in batches, at most 50 ms late (api/access_log.h):
# reached ID waits up to 5 s for the line of ID (0: seen); unreached ID gives the batch
# time to arrive, then 0 when the line is not there.
seen_in_log() { grep -Eq "request_id=$1( |\$)" "$tmp/app.log"; }
reached() {
  local i
  for i in $(seq 50); do
    seen_in_log "$1" && { echo 0; return; }
    sleep 0.1
  done
  echo 1
}
unreached() { sleep 0.5; seen_in_log "$1" && echo 1 || echo 0; }
header() { tr -d '\r' <"$tmp/headers" | sed -n "s/^$1: //Ip"; }
# raw REQUEST: the status line of a hand-written request.
raw() {
  local line=""
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%b' "$1" >&3
  IFS= read -r -t 5 line <&3 || true
  exec 3<&- 3>&-
  printf '%s' "${line%$'\r'}" | cut -d' ' -f2
}

# Slow clients (run alongside the other checks): headers never finished, and
# a body that stops halfway. nginx must close them after client_header_timeout
# (10 s) and client_body_timeout (15 s), and the server never sees them.
# slow NAME REQUEST: "closed SECONDS" or "answered STATUS-LINE" into $tmp/NAME.
slow() {
  local start=$SECONDS line rc=0
  exec 4<>"/dev/tcp/127.0.0.1/$port"
  printf '%b' "$2" >&4
  # reset_timedout_connection: nginx answers a timeout with a TCP reset.
  IFS= read -r -t 25 line <&4 2>/dev/null || rc=$?
  exec 4<&- 4>&-
  if [[ $rc -eq 0 ]]; then echo "answered ${line%$'\r'} after $((SECONDS - start)) s"
  elif [[ $rc -eq 1 ]]; then echo "closed after $((SECONDS - start)) s"
  else echo "still open after $((SECONDS - start)) s"; fi >"$tmp/$1"
}
slow slow-headers 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: deploy-slow-headers\r\n' &
slow_headers_pid=$!
slow slow-body 'POST /v1/companies HTTP/1.1\r\nHost: x\r\nX-Request-Id: deploy-slow-body\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":' &
slow_body_pid=$!

# The image's HEALTHCHECK command (from deploy/Dockerfile, its port 8080
# pointed at the server): succeeds on a live server, fails where none is.
mapfile -d '' hc < <(node -e 'for (const a of JSON.parse(process.argv[1])) process.stdout.write(a + "\0")' \
  "$(cd "$ZUSAMMEN_ROOT" && node "$here/check.mjs" healthcheck deploy/Dockerfile)")
hc_live=("${hc[@]//127.0.0.1\/8080/127.0.0.1\/$app_port}")
dead_port="$(free_port)"
hc_dead=("${hc[@]//127.0.0.1\/8080/127.0.0.1\/$dead_port}")
check "the Dockerfile's HEALTHCHECK command names 127.0.0.1/8080" \
  "$([[ "${hc_live[*]}" != "${hc[*]}" ]] && echo 0 || echo 1)" "${hc[*]}"
check "the HEALTHCHECK command passes against the live server" "$(timeout 5 "${hc_live[@]}" >/dev/null 2>&1; echo $?)"
check "the HEALTHCHECK command fails where no server listens" \
  "$(timeout 5 "${hc_dead[@]}" >/dev/null 2>&1 && echo 1 || echo 0)"

# A normal request passes through, with the caller's request id on both sides.
s="$(status deploy-pass-1 "$base/healthz")"
check "GET /healthz passes through: 200" "$(is "$s" 200)" "$s"
check "the server saw X-Request-Id deploy-pass-1" "$(reached deploy-pass-1)"
check "X-Request-Id echoed once" "$(is "$(header X-Request-Id)" deploy-pass-1)" "$(header X-Request-Id | tr '\n' ' ')"
check "Server header without version" "$(is "$(header Server)" nginx)" "$(header Server)"
s="$(curl -s -o /dev/null -D "$tmp/headers" -w '%{http_code}' "$base/healthz")"
id="$(header X-Request-Id)"
check "no client id: nginx's id ($id) reaches the server and the client" \
  "$([[ "$s" == 200 && "$id" =~ ^[0-9a-f]{32}$ ]] && reached "$id" || echo 1)"
s="$(status 'bad id with spaces' "$base/healthz")"
id="$(header X-Request-Id)"
check "an id the server would refuse is replaced by nginx's" "$([[ "$id" =~ ^[0-9a-f]{32}$ ]] && reached "$id" || echo 1)" "$id"
if [[ -n "$database" ]]; then
  s="$(status deploy-ready "$base/readyz")"
  check "GET /readyz through the proxy: 200" "$(is "$s" 200)" "$s"
  s="$(status deploy-list "$base/v1/companies")"
  check "GET /v1/companies through the proxy: 200" "$(is "$s" 200)" "$s"
fi
s="$(curl -s -o /dev/null -D "$tmp/headers" -w '%{http_code}' -H 'Accept-Encoding: gzip' "$base/openapi.yaml")"
check "GET /openapi.yaml gzip-compressed by nginx" "$([[ "$s" == 200 ]] && is "$(header Content-Encoding)" gzip || echo 1)" \
  "$s $(header Content-Encoding)"

# Bodies: nginx refuses above client_max_body_size (1100k) before the server
# sees a byte; between ZUSAMMEN_MAX_BODY_BYTES (1 MiB) and that, the server
# answers 413 problem+json itself.
head -c 2097152 /dev/zero | tr '\0' 'a' >"$tmp/2m.json"
s="$(status deploy-body-2m -H 'Content-Type: application/json' --data-binary @"$tmp/2m.json" "$base/v1/companies")"
check "2 MiB body: 413 from nginx" "$(is "$s" 413)" "$s"
check "2 MiB body never reached the server" "$(unreached deploy-body-2m)"
check "nginx's 413 carries X-Request-Id" "$(is "$(header X-Request-Id)" deploy-body-2m)"
head -c 1060000 /dev/zero | tr '\0' 'a' >"$tmp/1m.json"
s="$(status deploy-body-1m -H 'Content-Type: application/json' --data-binary @"$tmp/1m.json" "$base/v1/companies")"
check "1.01 MiB body: the server's own 413 problem+json" \
  "$([[ "$s" == 413 ]] && reached deploy-body-1m || echo 1)" "$s"
check "  ... as application/problem+json" "$(grep -qi '^content-type: application/problem+json' "$tmp/headers" && echo 0 || echo 1)"

# Headers: one header line over 8k, or more than 4 x 8k of them.
big="$(head -c 9000 /dev/zero | tr '\0' 'b')"
s="$(status deploy-hdr-line -H "X-Big: $big" "$base/healthz")"
check "a 9000-byte header: 400 from nginx" "$(is "$s" 400)" "$s"
check "  ... never reached the server" "$(unreached deploy-hdr-line)"
seven="$(head -c 7000 /dev/zero | tr '\0' 'c')"
s="$(status deploy-hdr-many -H "X-A: $seven" -H "X-B: $seven" -H "X-C: $seven" -H "X-D: $seven" -H "X-E: $seven" "$base/healthz")"
check "5 headers of 7000 bytes: 400 from nginx" "$(is "$s" 400)" "$s"
check "  ... never reached the server" "$(unreached deploy-hdr-many)"
s="$(status deploy-uri "$base/healthz?q=$big")"
check "a 9000-byte request line: 414 from nginx" "$(is "$s" 414)" "$s"

# Request smuggling: Content-Length together with Transfer-Encoding.
s="$(raw 'POST /v1/companies HTTP/1.1\r\nHost: x\r\nX-Request-Id: deploy-clte\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n')"
check "Content-Length with Transfer-Encoding: 400 from nginx" "$(is "$s" 400)" "$s"
check "  ... never reached the server" "$(unreached deploy-clte)"

# Methods.
for m in PROPFIND TRACE CONNECT; do
  s="$(raw "$m /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: deploy-m-$m\r\nConnection: close\r\n\r\n")"
  check "$m: refused by nginx ($s)" "$([[ "$s" == 405 || "$s" == 400 ]] && echo $(unreached "deploy-m-$m") || echo 1)" "$s"
done
s="$(status deploy-options -X OPTIONS "$base/v1/companies")"
check "OPTIONS passes through to the server" "$(reached deploy-options)" "$s"

# /metrics is for Prometheus inside the network only.
for path in /metrics /metrics?x=1 //metrics /%6detrics; do
  s="$(status deploy-metrics "$base$path")"
  check "GET $path: 403 from nginx" "$(is "$s" 403)" "$s"
done
check "  ... never reached the server" "$(unreached deploy-metrics)"

# Rate: 400 requests in a burst from one address exceed 50 r/s + burst 100
# (unless they take over 6 s).
# The API may rate-limit too (its 429s count as answered), so the proof that
# nginx limited is its own log and a server that saw fewer than 400.
urls=()
for _ in $(seq 400); do urls+=(-o /dev/null "$base/healthz"); done
sleep 0.5  # the access lines of earlier requests are written
seen_before="$(grep -c 'route=/healthz ' "$tmp/app.log" || true)"
curl -s -w "%{http_code}\n" "${urls[@]}" >"$tmp/burst" 2>"$tmp/burst.err" || true
sort "$tmp/burst" | uniq -c >"$tmp/burst.count"
sleep 0.5
seen=$(( $(grep -c 'route=/healthz ' "$tmp/app.log" || true) - seen_before ))
n200="$(grep -c '^200$' "$tmp/burst" || true)"
n429="$(grep -c '^429$' "$tmp/burst" || true)"
limited="$(grep -c 'limiting requests' "$tmp/nginx/error.log" || true)"
check "a burst of 400 requests: $n200 × 200, $n429 × 429, $seen reached the server, nginx limited $limited" \
  "$([[ "$n200" -ge 1 && "$n429" -ge 1 && $((n200 + n429)) -eq 400 && "$limited" -ge 1 && "$seen" -lt 400 ]] && echo 0 || echo 1)"

# What nginx forwards, seen by an echo upstream behind a second nginx with
# the same zusammen.conf: the caller's X-Forwarded-For replaced by its
# address, the request id, no "Connection: close", and one reused connection.
python3 "$here/echo_upstream.py" >"$tmp/echo.port" &
echo_pid=$!
for _ in $(seq 50); do [[ -s "$tmp/echo.port" ]] && break; sleep 0.1; done
mkdir "$tmp/nginx-echo"
echo_port="$(free_port)"
nginx_prepare "$tmp/nginx-echo" "$echo_port" "127.0.0.1:$(cat "$tmp/echo.port")"
nginx_start "$tmp/nginx-echo"
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$echo_port/" && break; sleep 0.1; done
curl -s -H 'X-Forwarded-For: 203.0.113.7' -H 'X-Request-Id: deploy-echo-1' "http://127.0.0.1:$echo_port/x" >"$tmp/echo1"
curl -s "http://127.0.0.1:$echo_port/y" >"$tmp/echo2"
forwarded() { node -e 'const e = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const v = process.argv[2] === "port" ? e.client_port : e.headers[process.argv[2]]; process.stdout.write(String(v ?? ""))' "$1" "$2"; }
v="$(forwarded "$tmp/echo1" x-forwarded-for)"
check "a spoofed X-Forwarded-For is replaced by the caller's address" "$(is "$v" 127.0.0.1)" "$v"
v="$(forwarded "$tmp/echo1" x-request-id)"
check "X-Request-Id forwarded" "$(is "$v" deploy-echo-1)" "$v"
v="$(forwarded "$tmp/echo1" connection)"
check "no Connection: close towards the API (keep-alive)" "$(is "$v" "")" "$v"
p1="$(forwarded "$tmp/echo1" port)"
p2="$(forwarded "$tmp/echo2" port)"
check "two requests share one upstream connection" "$([[ -n "$p1" && "$p1" == "$p2" ]] && echo 0 || echo 1)" "$p1 $p2"
# 60 requests at once that each take 3 s: 50 connections per address.
slow_urls=()
for i in $(seq 60); do slow_urls+=(-o /dev/null "http://127.0.0.1:$echo_port/slow/$i"); done
curl -s --parallel --parallel-immediate --parallel-max 60 -w '%{http_code}\n' "${slow_urls[@]}" >"$tmp/conns" 2>/dev/null || true
n200="$(grep -c '^200$' "$tmp/conns" || true)"
n429="$(grep -c '^429$' "$tmp/conns" || true)"
check "60 concurrent slow requests from one address: $n200 served (50 expected), $n429 refused with 429" \
  "$([[ "$n200" -ge 50 && "$n429" -ge 1 && $((n200 + n429)) -eq 60 ]] && echo 0 || echo 1)"
nginx_stop "$tmp/nginx-echo"
kill -TERM "$echo_pid" 2>/dev/null || true
wait "$echo_pid" 2>/dev/null || true

wait "$slow_headers_pid" "$slow_body_pid" || true
r="$(cat "$tmp/slow-headers")"
check "headers unfinished for 10 s: nginx closes the connection ($r)" \
  "$([[ "$r" =~ ^(closed|answered\ HTTP/1\.[01]\ 408).*\ ([0-9]+)\ s$ && ${BASH_REMATCH[2]} -ge 9 && ${BASH_REMATCH[2]} -le 13 ]] && echo 0 || echo 1)"
check "  ... never reached the server" "$(unreached deploy-slow-headers)"
r="$(cat "$tmp/slow-body")"
check "body stalled for 15 s: nginx closes the connection ($r)" \
  "$([[ "$r" =~ ^(closed|answered\ HTTP/1\.[01]\ 408).*\ ([0-9]+)\ s$ && ${BASH_REMATCH[2]} -ge 14 && ${BASH_REMATCH[2]} -le 18 ]] && echo 0 || echo 1)"
check "  ... never reached the server" "$(unreached deploy-slow-body)"

echo "$passed passed, $failed failed"
if [[ $failed -ne 0 ]]; then
  echo "--- burst statuses"; cat "$tmp/burst.count" "$tmp/burst.err" 2>/dev/null | head -5
  echo "--- server log"; tail -n 15 "$tmp/app.log"
  echo "--- nginx error log"; tail -n 15 "$tmp/nginx/error.log"
  exit 1
fi
