#!/usr/bin/env bash
# A private MariaDB server for development and tests, NOT the system service.
#
#   scripts/db.sh start       start it (first start creates the data dir,
#                             user zusammen/zusammen and database zusammen);
#                             a no-op when it is already running
#   scripts/db.sh stop        stop it (only the server in our own pid file)
#   scripts/db.sh status      exit 0 when running, 1 when not
#   scripts/db.sh url         print mysql://zusammen:zusammen@127.0.0.1:PORT/zusammen
#   scripts/db.sh reset-test  drop every database but the system ones and
#                             `zusammen` (what test runs left behind)
#
# Everything lives in ${ZUSAMMEN_DB_DIR:-.local/mariadb}/ (git-ignored):
# data/, my.cnf, the socket, the pid file and error.log. It listens on
# 127.0.0.1 only, port ${ZUSAMMEN_DB_PORT:-3307}. Another ZUSAMMEN_DB_DIR and
# ZUSAMMEN_DB_PORT give a second, independent server (fault and replica tests).
# ZUSAMMEN_DB_BUFFER_POOL sets innodb_buffer_pool_size when the config is
# written (default 1G: the benchmark's million initiatives fit in memory).
#
# Replication: the server above is a primary. It always runs with a binary
# log (log-bin, binlog_format=ROW, server_id 1); `start` restarts a running
# server of an older config without one, once. A replica follows it:
#
#   scripts/db.sh replica start   start the primary when needed, then a
#                                 read_only replica (server_id 2) that
#                                 follows it by GTID (MASTER_USE_GTID=slave_pos)
#                                 as user zusammen_repl; its first start loads
#                                 a mariadb-dump --master-data --gtid of the
#                                 primary's databases (so data older than the
#                                 binlog is there too), later starts resume;
#                                 a replica whose replication broke (primary
#                                 recreated, binlog gone) is seeded again
#   scripts/db.sh replica stop    stop the replica (the primary keeps running)
#   scripts/db.sh replica status  exit 0 when it runs and both replication
#                                 threads run; prints the lag
#   scripts/db.sh replica url     print mysql://zusammen:zusammen@127.0.0.1:PORT/zusammen
#
# The replica lives in ${ZUSAMMEN_DB_REPLICA_DIR:-.local/mariadb-replica}/ and
# listens on 127.0.0.1, port ${ZUSAMMEN_DB_REPLICA_PORT:-3317}; it follows
# the primary of ZUSAMMEN_DB_DIR / ZUSAMMEN_DB_PORT.
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"

PRIMARY_PORT="${ZUSAMMEN_DB_PORT:-3307}"
PRIMARY_DIR="${ZUSAMMEN_DB_DIR:-$ZUSAMMEN_ROOT/.local/mariadb}"
REPLICA_PORT="${ZUSAMMEN_DB_REPLICA_PORT:-3317}"
REPLICA_DIR="${ZUSAMMEN_DB_REPLICA_DIR:-$ZUSAMMEN_ROOT/.local/mariadb-replica}"
DB_USER=zusammen
DB_PASS=zusammen
DB_NAME=zusammen
REPL_USER=zusammen_repl
REPL_PASS=zusammen_repl

# use_server primary|replica: point every path below at that server.
use_server() {
  ROLE="$1"
  if [[ "$ROLE" == replica ]]; then
    PORT="$REPLICA_PORT"
    DB_DIR="$REPLICA_DIR"
  else
    PORT="$PRIMARY_PORT"
    DB_DIR="$PRIMARY_DIR"
  fi
  DATA_DIR="$DB_DIR/data"
  CNF="$DB_DIR/my.cnf"
  PID_FILE="$DB_DIR/mariadbd.pid"
  ERR_LOG="$DB_DIR/error.log"
  SOCKET="$DB_DIR/mariadbd.sock"
  # A unix socket path may hold at most 107 bytes; fall back to /tmp for a
  # repository that is checked out deep down.
  if [[ ${#SOCKET} -gt 100 ]]; then
    SOCKET="/tmp/zusammen-mariadb-$(printf '%s' "$DB_DIR" | md5sum | cut -c1-12).sock"
  fi
}
use_server primary

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

find_bin() {  # find_bin NAME... : first of the names on PATH or in sbin
  local n d
  for n in "$@"; do
    for d in "" /usr/sbin/ /usr/bin/ /usr/local/sbin/ /usr/local/bin/; do
      if [[ -z "$d" ]]; then
        if have "$n"; then command -v "$n"; return 0; fi
      elif [[ -x "$d$n" ]]; then
        echo "$d$n"; return 0
      fi
    done
  done
  return 1
}

need_bins() {
  MARIADBD="$(find_bin mariadbd mysqld)" || die "mariadbd not found (run scripts/deps.sh)"
  INSTALL_DB="$(find_bin mariadb-install-db mysql_install_db)" || die "mariadb-install-db not found (run scripts/deps.sh)"
  ADMIN="$(find_bin mariadb-admin mysqladmin)" || die "mariadb-admin not found (run scripts/deps.sh)"
  CLIENT="$(find_bin mariadb mysql)" || die "mariadb client not found (run scripts/deps.sh)"
}

# The replication part of my.cnf: the primary writes a binary log (row
# based, so every statement replicates exactly), the replica reads it.
role_cnf() {
  if [[ "$ROLE" == replica ]]; then
    cat <<EOF
server_id = 2
read_only = 1
skip-log-bin
relay-log = relay-bin
# Notice a vanished primary within seconds, then reconnect (MASTER_CONNECT_RETRY).
slave_net_timeout = 10
# Apply in parallel where transactions do not conflict (commit order is kept):
# the test suite writes to the primary from many connections at once.
slave_parallel_threads = 4
slave_parallel_mode = optimistic
EOF
  else
    cat <<EOF
server_id = 1
log-bin = mariadb-bin
binlog_format = ROW
log_bin_trust_function_creators = 1
expire_logs_days = 3
max_binlog_size = 64M
EOF
  fi
}

write_cnf() {
  mkdir -p "$DB_DIR"
  local tmp="$CNF.tmp.$$"
  cat >"$tmp" <<EOF
# Generated by scripts/db.sh; rewritten on every start. Do not edit.
[client]
port = $PORT
socket = $SOCKET
default-character-set = utf8mb4

[mysqld]
user = $(id -un)
basedir = /usr
datadir = $DATA_DIR
socket = $SOCKET
pid-file = $PID_FILE
log-error = $ERR_LOG
port = $PORT
bind-address = 127.0.0.1
skip-name-resolve
$(role_cnf)
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
innodb_ft_min_token_size = 2
innodb_ft_enable_stopword = 0
ft_min_word_len = 2
max_connections = 300
sql_mode = 'STRICT_ALL_TABLES,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'
default-time-zone = '+00:00'
innodb_buffer_pool_size = ${ZUSAMMEN_DB_BUFFER_POOL:-1G}
innodb_log_file_size = 64M
# A development and test database: durability on crash is not needed.
innodb_flush_log_at_trx_commit = 2
EOF
  mv -f "$tmp" "$CNF"
}

# The pid from our pid file, when that process is alive and is the mariadbd
# started with our my.cnf. Never another MariaDB.
our_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--defaults-file=$CNF" || return 1
  echo "$pid"
}

ping_tcp() {
  # Answers 0 whenever the server is up, even if the login is refused.
  "$ADMIN" --no-defaults --protocol=tcp -h127.0.0.1 -P"$PORT" \
    -u"$DB_USER" -p"$DB_PASS" --connect-timeout=2 ping >/dev/null 2>&1
}

root_sql() {  # root over our socket (root@localhost, no password)
  "$CLIENT" --defaults-file="$CNF" --protocol=socket -uroot "$@"
}

show_err_log() {
  if [[ -f "$ERR_LOG" ]]; then
    printf -- '----- %s (this start, last 40 lines) -----\n' "$ERR_LOG" >&2
    awk '/^----- scripts\/db.sh start /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' \
      "$ERR_LOG" | tail -n 40 >&2
    printf -- '----- end of %s -----\n' "$ERR_LOG" >&2
  fi
}

init_datadir() {
  # A data dir without the mysql schema is a broken first start: redo it.
  if [[ -d "$DATA_DIR" && ! -d "$DATA_DIR/mysql" ]]; then
    warn "incomplete data dir $DATA_DIR, recreating it"
    rm -rf "$DATA_DIR"
  fi
  [[ -d "$DATA_DIR" ]] && return 0
  log "creating MariaDB data dir $DATA_DIR"
  mkdir -p "$DATA_DIR"
  # --force: do not look the host name up (it may not resolve in CI).
  if ! run_logged mariadb-install-db "$INSTALL_DB" --defaults-file="$CNF" \
        --datadir="$DATA_DIR" --user="$(id -un)" \
        --auth-root-authentication-method=normal --skip-test-db --force; then
    rm -rf "$DATA_DIR"
    die "mariadb-install-db failed"
  fi
}

provision() {
  local sql="
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;"
  # A replica gets its databases from the primary, which also has the
  # replication user (created there, it replicates as a no-op).
  if [[ "$ROLE" != replica ]]; then
    sql+="
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$REPL_USER'@'127.0.0.1' IDENTIFIED BY '$REPL_PASS';
GRANT REPLICATION SLAVE ON *.* TO '$REPL_USER'@'127.0.0.1';"
  fi
  run_logged mariadb-provision root_sql -e "$sql" || die "creating user $DB_USER / database $DB_NAME failed"
}

# mariadb-install-db also makes root@<host name>, which skip-name-resolve
# warns about on every start: drop it.
drop_root_at_hostname() {
  local h
  h="$(uname -n)"
  case "$h" in localhost|127.0.0.1|::1|'') return 0 ;; esac
  run_logged mariadb-provision root_sql -e "DROP USER IF EXISTS 'root'@'$h'" \
    || die "dropping user root@$h failed"
}

cmd_start() {
  need_bins
  local pid
  if pid="$(our_pid)"; then
    local running_port
    running_port="$(sed -n 's/^port = //p' "$CNF" | head -n 1)"
    if [[ -n "$running_port" && "$running_port" != "$PORT" ]]; then
      die "our MariaDB is running on port $running_port, not $PORT; run scripts/db.sh stop first"
    fi
    if ping_tcp && ! needs_binlog_restart; then
      info "MariaDB already running (pid $pid, port $PORT)"
      return 0
    fi
  fi
  if pid="$(our_pid)" && ping_tcp; then
    log "restarting MariaDB on port $PORT once: its config predates the binary log replication needs"
    cmd_stop
  fi
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    if ping_tcp; then
      die "another server already answers on 127.0.0.1:$PORT (not ours); set ZUSAMMEN_DB_PORT to a free port"
    fi
    write_cnf
    init_datadir
    log "starting MariaDB on 127.0.0.1:$PORT"
    # Mark where this start's messages begin in the error log.
    printf '\n----- scripts/db.sh start %s -----\n' "$(date -u +%FT%TZ)" >>"$ERR_LOG"
    # setsid + nohup: the server outlives this script and its terminal.
    # Neither forks here, so $! is mariadbd's own pid.
    setsid nohup "$MARIADBD" --defaults-file="$CNF" </dev/null >>"$ERR_LOG" 2>&1 &
    pid=$!
    echo "$pid" >"$PID_FILE"
  fi
  local i
  for ((i = 0; i < 120; i++)); do
    if ping_tcp; then
      provision
      drop_root_at_hostname
      info "MariaDB ready: $(cmd_url)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      show_err_log
      rm -f "$PID_FILE"
      die "mariadbd exited during startup (see $ERR_LOG)"
    fi
    sleep 0.5
  done
  show_err_log
  die "MariaDB did not answer on 127.0.0.1:$PORT within 60 s (pid $pid; stop it with scripts/db.sh stop)"
}

# A running primary started from an older my.cnf (skip-log-bin).
needs_binlog_restart() {
  [[ "$ROLE" == primary ]] || return 1
  local log_bin
  log_bin="$(root_sql -N -B -e 'SELECT @@log_bin' 2>/dev/null)" || return 1
  [[ "$log_bin" == 0 ]]
}

cmd_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    info "MariaDB not running"
    return 0
  fi
  log "stopping MariaDB (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; return 0; }
    sleep 0.5
  done
  warn "mariadbd (pid $pid) still running after 30 s, killing it"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 20; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  rm -f "$PID_FILE"
}

cmd_status() {
  need_bins
  local pid
  if pid="$(our_pid)" && ping_tcp; then
    echo "running (pid $pid, port $PORT): $(cmd_url)"
    return 0
  fi
  echo "not running"
  return 1
}

cmd_url() {
  echo "mysql://$DB_USER:$DB_PASS@127.0.0.1:$PORT/$DB_NAME"
}

cmd_reset_test() {
  need_bins
  { our_pid >/dev/null && ping_tcp; } || die "MariaDB is not running (scripts/db.sh start)"
  local dbs db n=0
  dbs="$(root_sql -N -B -e "SELECT schema_name FROM information_schema.schemata
    WHERE schema_name NOT IN ('mysql','information_schema','performance_schema','sys','$DB_NAME')")"
  while IFS= read -r db; do
    [[ -n "$db" ]] || continue
    root_sql -e "DROP DATABASE \`${db//\`/\`\`}\`"
    n=$((n + 1))
  done <<<"$dbs"
  info "dropped $n test database(s)"
}

# One field of SHOW SLAVE STATUS on the replica ("" when it has no master).
slave_field() {
  root_sql -e 'SHOW SLAVE STATUS\G' 2>/dev/null | sed -n "s/^ *$1: //p" | head -n 1
}

# Loads the primary's databases into the (new, empty) replica together with
# the primary's GTID position at the dump, then follows the primary from there.
seed_replica() {
  local primary_cnf="$PRIMARY_DIR/my.cnf" dbs
  dbs="$("$CLIENT" --defaults-file="$primary_cnf" --protocol=socket -uroot -N -B -e "SELECT schema_name
    FROM information_schema.schemata WHERE schema_name NOT IN ('mysql','information_schema','performance_schema','sys')")"
  local dump
  dump="$(find_bin mariadb-dump mysqldump)" || die "mariadb-dump not found (run scripts/deps.sh)"
  log "seeding the replica from the primary ($(wc -w <<<"$dbs") databases)"
  # --master-data --gtid: the dump sets gtid_slave_pos to the primary's position at the dump.
  seed_pipe() {
    # shellcheck disable=SC2086
    "$dump" --defaults-file="$primary_cnf" --protocol=socket -uroot --single-transaction \
      --master-data=1 --gtid --routines --events --triggers --databases $dbs \
      | root_sql
  }
  run_logged mariadb-seed-replica seed_pipe || die "seeding the replica failed"
  root_sql -e "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$PRIMARY_PORT,
    MASTER_USER='$REPL_USER', MASTER_PASSWORD='$REPL_PASS', MASTER_USE_GTID=slave_pos,
    MASTER_CONNECT_RETRY=1; START SLAVE" || die "starting replication failed"
}

# Waits until both replication threads run; 1 when replication reports an error.
await_replication() {
  local i io sql
  for ((i = 0; i < 60; i++)); do
    io="$(slave_field Slave_IO_Running)"
    sql="$(slave_field Slave_SQL_Running)"
    [[ "$io" == Yes && "$sql" == Yes ]] && return 0
    if [[ "$(slave_field Last_IO_Errno)" != 0 || "$(slave_field Last_SQL_Errno)" != 0 ]]; then
      warn "replication error: $(slave_field Last_IO_Error)$(slave_field Last_SQL_Error)"
      return 1
    fi
    sleep 0.5
  done
  warn "replication threads not running after 30 s (IO: $io, SQL: $sql)"
  return 1
}

cmd_replica_start() {
  use_server primary
  cmd_start
  use_server replica
  [[ "$REPLICA_PORT" != "$PRIMARY_PORT" ]] || die "ZUSAMMEN_DB_REPLICA_PORT must differ from the primary's port"
  local attempt
  for attempt in 1 2; do
    cmd_start
    if [[ -z "$(slave_field Master_Host)" ]]; then
      seed_replica
    else
      root_sql -e 'START SLAVE' >/dev/null 2>&1 || true
    fi
    if await_replication; then
      info "replica follows 127.0.0.1:$PRIMARY_PORT: $(cmd_url)"
      return 0
    fi
    [[ $attempt -eq 1 ]] || break
    # The primary was recreated or its binlog purged: start the replica over.
    log "replication broke; seeding the replica again from scratch"
    cmd_stop
    rm -rf "$DATA_DIR"
  done
  die "the replica does not follow the primary (see $ERR_LOG)"
}

cmd_replica_status() {
  use_server replica
  cmd_status || return 1
  local io sql lag
  io="$(slave_field Slave_IO_Running)"
  sql="$(slave_field Slave_SQL_Running)"
  lag="$(slave_field Seconds_Behind_Master)"
  echo "replication: IO $io, SQL $sql, ${lag:-?} s behind 127.0.0.1:$PRIMARY_PORT"
  [[ "$io" == Yes && "$sql" == Yes ]]
}

replica_command() {
  case "${1:-}" in
    start)  cmd_replica_start ;;
    stop)   use_server replica; cmd_stop ;;
    status) cmd_replica_status ;;
    url)    use_server replica; cmd_url ;;
    *) printf 'usage: %s replica start|stop|status|url\n' "$0" >&2; exit 2 ;;
  esac
}

case "${1:-}" in
  start)      cmd_start ;;
  replica)    replica_command "${2:-}" ;;
  stop)       cmd_stop ;;
  status)     cmd_status ;;
  url)        cmd_url ;;
  reset-test) cmd_reset_test ;;
  -h|--help|help) usage ;;
  *) printf 'usage: %s start|stop|status|url|reset-test|replica ...\n' "$0" >&2; exit 2 ;;
esac
