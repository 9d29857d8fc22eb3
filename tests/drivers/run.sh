#!/usr/bin/env bash
# Runs one driver suite against a real MariaDB server directly and through weir in front of it.
#   run.sh WEIR_BINARY -- SUITE_COMMAND...
# Starts mariadbd in a temp dir on a free loopback port, creates the test user (mysql_native_password)
# and two databases, starts `weir proxy` and reads its port from the `msg=listening` log line, then runs
#   SUITE_COMMAND... HOST SERVER_PORT USER PASSWORD DATABASE HOST WEIR_PORT USER PASSWORD DATABASE
# and exits with its status. Both servers are stopped by pid on exit.
set -euo pipefail
weir_bin=$1; shift
[ "${1:-}" = "--" ] && shift
[ -x "$weir_bin" ] || { echo "run.sh: weir binary $weir_bin is not executable" >&2; exit 2; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/weir-drivers.XXXXXX")
mysqld_pid=; weir_pid=
cleanup() {
  local rc=$?
  [ -n "$weir_pid" ] && kill "$weir_pid" 2>/dev/null && wait "$weir_pid" 2>/dev/null
  if [ -n "$mysqld_pid" ]; then
    kill "$mysqld_pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$mysqld_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$mysqld_pid" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ]; then
    echo "--- weir log (tail) ---" >&2; tail -n 30 "$dir/weir.log" 2>/dev/null >&2 || true
    echo "--- mariadbd log (tail) ---" >&2; tail -n 15 "$dir/mysqld.log" 2>/dev/null >&2 || true
  fi
  if [ -n "${WEIR_DRIVERS_KEEP:-}" ]; then echo "run.sh: kept $dir" >&2; else rm -rf "$dir"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

user=weir_drv; password='drv-Pw.7'; database=weir_drv
# Its own tmpdir: a mariadbd starting meanwhile removes "#sql*" files from its tmpdir, which would pull
# the bootstrap's temporary tables away if both used /tmp.
mkdir -p "$dir/tmp"
mariadb-install-db --no-defaults --auth-root-authentication-method=normal --datadir="$dir/data" \
  --tmpdir="$dir/tmp" --skip-test-db >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 2; }
started=0
for _attempt in 1 2 3; do
  port=$(free_port)
  mariadbd --no-defaults --datadir="$dir/data" --tmpdir="$dir/tmp" --port="$port" --socket="$dir/s" --bind-address=127.0.0.1 \
    --user=root --max-allowed-packet=64M --log-bin="$dir/data/binlog" --server-id=1 \
    --innodb-buffer-pool-size=64M --skip-name-resolve >"$dir/mysqld.log" 2>&1 &
  mysqld_pid=$!
  for _ in $(seq 1 300); do
    if mariadb --no-defaults -uroot --socket="$dir/s" -e 'SELECT 1' >/dev/null 2>&1; then started=1; break; fi
    kill -0 "$mysqld_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ "$started" = 1 ] && break
  kill "$mysqld_pid" 2>/dev/null || true; wait "$mysqld_pid" 2>/dev/null || true; mysqld_pid=
done
[ "$started" = 1 ] || { echo "run.sh: mariadbd did not start" >&2; exit 2; }

mariadb --no-defaults -uroot --socket="$dir/s" <<SQL
DELETE FROM mysql.global_priv WHERE User = '';
FLUSH PRIVILEGES;
CREATE USER '$user'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('$password');
CREATE DATABASE $database;
CREATE DATABASE ${database}_other;
GRANT ALL ON *.* TO '$user'@'%';
SQL

write_weir_config() {  # LISTEN_PORT
  cat >"$dir/weir.yaml" <<YAML
listen:
  address: 127.0.0.1
  port: $1
workers:
  count: 2
admin:
  enabled: false
users:
  - name: "$user"
    password: "$password"
monitor:
  user: "$user"
  password: "$password"
backends:
  discovery: static
  static:
    - name: primary
      host: 127.0.0.1
      port: $port
      role: primary
YAML
  # WEIR_TEST_MULTIPLEXING=1: the same suites with pool.multiplexing on.
  if [ "${WEIR_TEST_MULTIPLEXING:-}" = 1 ]; then printf 'pool:\n  multiplexing: true\n' >>"$dir/weir.yaml"; fi
}
# listen.port 0 lets weir pick a free port; a weir that refuses 0 gets one picked here instead.
weir_port=
for listen_port in 0 "$(free_port)" "$(free_port)"; do
  write_weir_config "$listen_port"
  "$weir_bin" proxy --config "$dir/weir.yaml" >"$dir/weir.log" 2>&1 &
  weir_pid=$!
  for _ in $(seq 1 300); do
    weir_port=$(sed -n 's/.*msg=listening address=127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$dir/weir.log" | head -n1)
    [ -n "$weir_port" ] && break
    kill -0 "$weir_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$weir_port" ] && break
  kill "$weir_pid" 2>/dev/null || true; wait "$weir_pid" 2>/dev/null || true; weir_pid=
  echo "run.sh: weir did not start listening on port $listen_port:" >&2; grep -v '^warning' "$dir/weir.log" | tail -n 3 >&2
done
[ -n "$weir_port" ] || { echo "run.sh: weir did not report a listening address" >&2; exit 2; }

echo "run.sh: mariadbd on 127.0.0.1:$port, weir on 127.0.0.1:$weir_port"
set +e
"$@" 127.0.0.1 "$port" "$user" "$password" "$database" 127.0.0.1 "$weir_port" "$user" "$password" "$database"
rc=$?
set -e
exit "$rc"
