# shellcheck shell=bash
# Runs deploy/nginx/zusammen.conf under a throw-away nginx.conf, as any user.
# Source it, then:
#
#   nginx_prepare DIR LISTEN_PORT UPSTREAM_HOST:PORT
#       writes DIR/nginx.conf (pid, logs and temp files in DIR) that includes
#       a copy of deploy/nginx/zusammen.conf, its listen port changed to
#       LISTEN_PORT, and DIR/zusammen-upstream.conf naming the upstream
#   nginx_test DIR         nginx -t on it
#   nginx_start DIR        starts nginx in the background (pid in DIR/nginx.pid)
#   nginx_stop DIR         stops that nginx
#
# Needs ZUSAMMEN_ROOT (the repository root).

nginx_bin() {
  if command -v nginx >/dev/null 2>&1; then command -v nginx; else echo /usr/sbin/nginx; fi
}

nginx_prepare() {
  local dir="$1" port="$2" upstream="$3"
  local conf="$ZUSAMMEN_ROOT/deploy/nginx/zusammen.conf"
  # Worker processes run as nobody when nginx starts as root.
  chmod 0755 "$dir"
  mkdir -p "$dir"/{client_body,proxy,fastcgi,uwsgi,scgi}
  chmod 0777 "$dir"/{client_body,proxy,fastcgi,uwsgi,scgi}
  local listens
  listens="$(grep -c '^    listen 8080;$' "$conf" || true)"
  if [[ "$listens" != 1 ]]; then
    echo "nginx_harness: expected one 'listen 8080;' in $conf, found $listens" >&2
    return 1
  fi
  sed "s/^    listen 8080;\$/    listen 127.0.0.1:$port;/" "$conf" >"$dir/zusammen.conf"
  printf 'server %s max_fails=3 fail_timeout=10s;\n' "$upstream" >"$dir/zusammen-upstream.conf"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log notice;
events { worker_connections 512; }
http {
    default_type application/octet-stream;
    access_log $dir/access.log;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    include zusammen.conf;
}
CONF
}

nginx_test() {
  local dir="$1"
  "$(nginx_bin)" -t -q -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
}

nginx_start() {
  local dir="$1"
  "$(nginx_bin)" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/nginx.out" 2>&1 &
  echo $! >"$dir/nginx.launcher.pid"
}

nginx_stop() {
  local dir="$1" pid
  pid="$(cat "$dir/nginx.launcher.pid" 2>/dev/null || true)"
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
