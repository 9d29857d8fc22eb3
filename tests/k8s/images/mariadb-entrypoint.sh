#!/bin/bash
# Entrypoint of the test MariaDB image (tests/k8s/images/mariadb.Containerfile): the behaviour of the
# official image's docker-entrypoint.sh that weir's StatefulSet relies on, and nothing more.
#
#   - `docker-entrypoint.sh -x` runs `mariadbd -x`; any other command is run as given.
#   - For mariadbd, when the data directory has no `mysql` schema yet: MARIADB_ROOT_PASSWORD (or
#     MARIADB_ALLOW_EMPTY_ROOT_PASSWORD) is required; mariadb-install-db creates the directory; a
#     temporary server without networking sets the root password for 'root'@'localhost' and
#     creates 'root'@'%' with it (all privileges, grant option), drops the anonymous accounts, then
#     /docker-entrypoint-initdb.d/ is processed in name order (*.sh executable: run, else sourced,
#     with docker_process_sql available; *.sql piped to the client); the temporary server stops.
#   - Then `exec mariadbd ...`: the server becomes the container's main process.
# Runs as any uid that owns (or may write) the data directory, e.g. 999 as in the StatefulSet.
set -eo pipefail
shopt -s nullglob

mysql_note() { echo "$(date --rfc-3339=seconds) [Note] [Entrypoint]: $*"; }
mysql_error() {
  echo "$(date --rfc-3339=seconds) [ERROR] [Entrypoint]: $*" >&2
  exit 1
}

if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi

# A value of the server's effective configuration, e.g. datadir or socket: the line of the
# variables table that starts with its name (wrapped help text is indented).
server_option() {
  "$@" --verbose --help 2>/dev/null | awk -v k="$OPTION" '$0 ~ "^" k "[ \t]" {print $2; exit}'
}

# `docker_process_sql [client options]`: statements on stdin, as root over the socket.
# The password goes through a defaults file on a pipe (never on the command line).
docker_process_sql() {
  if [ -n "$MARIADB_ROOT_PASSWORD" ] && [ -n "$ROOT_PASSWORD_SET" ]; then
    mariadb --defaults-extra-file=<(printf '[client]\npassword="%s"\n' "${MARIADB_ROOT_PASSWORD//\"/\\\"}") \
      --protocol=socket -uroot -hlocalhost --socket="$SOCKET" "$@"
  else
    mariadb --protocol=socket -uroot -hlocalhost --socket="$SOCKET" "$@"
  fi
}

sql_escape() { sed -e "s/\\\\/\\\\\\\\/g" -e "s/'/\\\\'/g" <<<"$1"; }

temp_server_start() {
  "$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" --wsrep_on=OFF \
    --expire-logs-days=0 --skip-slave-start --loose-innodb_buffer_pool_load_at_startup=0 &
  TEMP_PID=$!
  local i
  for ((i = 30; i > 0; i--)); do
    if docker_process_sql --database=mysql <<<'SELECT 1' >/dev/null 2>&1; then return 0; fi
    kill -0 "$TEMP_PID" 2>/dev/null || mysql_error "the temporary server exited during start"
    sleep 1
  done
  mysql_error "the temporary server did not answer within 30 s"
}

temp_server_stop() {
  kill "$TEMP_PID"
  wait "$TEMP_PID" || mysql_error "the temporary server did not stop cleanly"
}

setup_db() {
  local root_sql='' pw
  if [ -n "$MARIADB_ROOT_PASSWORD" ]; then
    pw=$(sql_escape "$MARIADB_ROOT_PASSWORD")
    root_sql="SET PASSWORD FOR 'root'@'localhost' = PASSWORD('$pw');
CREATE USER 'root'@'%' IDENTIFIED BY '$pw';
GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;
GRANT PROXY ON ''@'%' TO 'root'@'%' WITH GRANT OPTION;"
  else
    root_sql="CREATE USER 'root'@'%';
GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
  fi
  docker_process_sql --database=mysql <<-EOSQL
	SET @@SESSION.SQL_LOG_BIN=0;
	SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
	DROP USER IF EXISTS ''@'localhost', ''@'${HOSTNAME}', 'root'@'${HOSTNAME}', 'root'@'127.0.0.1', 'root'@'::1';
	DROP DATABASE IF EXISTS test;
	$root_sql
	EOSQL
  ROOT_PASSWORD_SET=1
}

process_init_files() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then
          mysql_note "$0: running $f"
          "$f"
        else
          mysql_note "$0: sourcing $f"
          # shellcheck disable=SC1090
          . "$f"
        fi
        ;;
      *.sql)
        mysql_note "$0: running $f"
        docker_process_sql <"$f"
        ;;
      *) mysql_note "$0: ignoring $f" ;;
    esac
  done
}

if [ "$1" = mariadbd ] || [ "$1" = mysqld ]; then
  for a in "$@"; do
    case "$a" in -'?' | --help | --print-defaults | -V | --version) exec "$@" ;; esac
  done
  DATADIR=$(OPTION=datadir server_option "$@")
  SOCKET=$(OPTION=socket server_option "$@")
  DATADIR=${DATADIR%/}
  [ -n "$DATADIR" ] && [ -n "$SOCKET" ] || mysql_error "cannot read datadir/socket from '$* --verbose --help'"
  mkdir -p "$DATADIR"
  if [ ! -d "$DATADIR/mysql" ]; then
    if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ]; then
      mysql_error "Database is uninitialized and password option is not specified
	You need to specify one of MARIADB_ROOT_PASSWORD or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD"
    fi
    ls /docker-entrypoint-initdb.d/ >/dev/null
    mysql_note "Initializing database files in $DATADIR"
    mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal \
      --skip-test-db --default-time-zone=SYSTEM --enforce-storage-engine= --skip-log-bin \
      --expire-logs-days=0 --loose-innodb_buffer_pool_load_at_startup=0 \
      --loose-innodb_buffer_pool_dump_at_shutdown=0 "${@:2}"
    mysql_note "Database files initialized"
    mysql_note "Starting temporary server"
    temp_server_start "$@"
    mysql_note "Temporary server started"
    setup_db
    process_init_files
    mysql_note "Stopping temporary server"
    temp_server_stop
    mysql_note "MariaDB init process done. Ready for start up."
  fi
fi

exec "$@"
