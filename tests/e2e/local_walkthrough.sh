#!/usr/bin/env bash
# The walk-through of "Run a Replicated Stateful Application", with `weir up` instead of a cluster:
# 3 nodes up; rows written on the primary appear on both replicas; a replica's readiness broken and
# reported; a replica's server killed and restarted with its data; scale to 5 while a writer runs
# (new nodes cloned from their previous peers, equal row counts and checksums everywhere); scale to
# 3 (data kept, then deleted on request); down; up again on the same data; Ctrl+C.
# Usage: local_walkthrough.sh /path/to/weir
set -euo pipefail
WEIR=$(realpath "$1")
WORK=$(mktemp -d /tmp/weir-e2e.XXXXXX)
DIR=$WORK/.weir
UP_PID=
WRITER_PID=

log() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local rc=$?
  [[ -n $WRITER_PID ]] && kill "$WRITER_PID" 2>/dev/null || true
  if [[ $rc -ne 0 ]]; then
    echo "---- weir up output"; tail -n 40 "$WORK/up.out" 2>/dev/null || true
    for f in "$DIR"/node-*/sidecar.log; do echo "---- $f"; tail -n 8 "$f"; done 2>/dev/null || true
  fi
  [[ -f $DIR/state.json ]] && "$WEIR" down --dir "$DIR" >/dev/null 2>&1 || true
  [[ -n $UP_PID ]] && kill "$UP_PID" 2>/dev/null || true
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT

# A free block of ports: nodes use base+10n and base+10n+1 (n < 5), the proxy base+100 and its
# admin port base+3100. All below the kernel's ephemeral range (32768-60999): the topology's own
# client connections (replication, the proxy's, the monitor's) take their source ports from it, and
# one took node-4's port once before the scale to 5 started it.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 50); do
  BASE=$((20000 + (RANDOM % 900) * 10))
  ok=1
  for p in $(seq "$BASE" $((BASE + 50))) $((BASE + 100)) $((BASE + 3100)); do port_free "$p" || { ok=0; break; }; done
  [[ $ok == 1 ]] && break
done
PROXY_PORT=$((BASE + 100))
port() { echo $((BASE + 10 * $1)); }

sql() {  # sql NODE STATEMENT...: runs on node NODE as root, prints tab-separated rows
  local node=$1; shift
  mariadb -h 127.0.0.1 -P "$(port "$node")" -u root -p"$(cat "$DIR/secrets/root-password")" -N -B -e "$*"
}
state_pid() {  # state_pid NODE server|sidecar: from state.json (one line, keys in a fixed order)
  grep -o "{\"ordinal\":$1,[^}]*}" "$DIR/state.json" | grep -o "\"$2_pid\":[0-9]*" | cut -d: -f2
}
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "timed out after ${deadline}s waiting for: $what"
    sleep 0.2
  done
}
all_ready() { "$WEIR" status --dir "$DIR"; }
caught_up() {  # caught_up NODE: the replica has applied everything the primary logged
  local pos; pos=$(sql 0 "SELECT @@gtid_binlog_pos")
  [[ $(sql "$1" "SELECT MASTER_GTID_WAIT('$pos', 30)") == 0 ]]
}
# The server processes of this test, found by their option files.
our_servers() { pgrep -f -- "--defaults-file=$DIR/" || true; }

log "clear errors before anything starts"
out=$("$WEIR" up --dir "$DIR" --base-port "$BASE" --server-binary /nonexistent/mariadbd 2>&1) && fail "up without a server binary succeeded"
grep -q "'/nonexistent/mariadbd' not found" <<<"$out" || fail "unclear error for a missing binary: $out"
ncat -l 127.0.0.1 "$(port 0)" --keep-open >/dev/null 2>&1 & BLOCKER=$!
wait_for 10 "a listener on the primary's port" bash -c "(exec 3<>/dev/tcp/127.0.0.1/$(port 0))"
out=$("$WEIR" up --dir "$DIR" --base-port "$BASE" --port "$PROXY_PORT" 2>&1) && fail "up on a taken port succeeded"
kill "$BLOCKER"; wait "$BLOCKER" 2>/dev/null || true
grep -q "port 127.0.0.1:$(port 0) (node-0 server) is already in use" <<<"$out" || fail "unclear error for a taken port: $out"
[[ -z $(our_servers) ]] || fail "a failed weir up left servers running"

log "weir up: 3 nodes"
start=$SECONDS
"$WEIR" up --replicas 3 --dir "$DIR" --base-port "$BASE" --port "$PROXY_PORT" >"$WORK/up.out" 2>&1 & UP_PID=$!
wait_for 300 "3 ready nodes" all_ready
log "weir up of 3 nodes: ready after $((SECONDS - start)) s"
"$WEIR" status --dir "$DIR"
for n in 0 1 2; do [[ $(sql "$n" "SELECT @@server_id") == $((100 + n)) ]] || fail "node-$n server_id"; done
[[ $(sql 1 "SELECT @@read_only") == 1 ]] || fail "replica not read-only"

log "write on the primary, read on the replicas"
sql 0 "CREATE DATABASE test; CREATE TABLE test.messages (message VARCHAR(250)); INSERT INTO test.messages VALUES ('hello')"
for n in 1 2; do
  wait_for 20 "the row on node-$n" bash -c "[[ \$(mariadb -h 127.0.0.1 -P $(port "$n") -u root -p$(cat "$DIR/secrets/root-password") -N -e 'SELECT message FROM test.messages' 2>/dev/null) == hello ]]"
done

if "$WEIR" help | grep -q '^  proxy '; then
  log "through the proxy (as the app account): a write, then reads see it"
  via_proxy() { mariadb -h 127.0.0.1 -P "$PROXY_PORT" -u app -p"$(cat "$DIR/secrets/app-password")" -N -B -e "$*"; }
  wait_for 30 "the proxy to accept the app account" via_proxy "SELECT 1"
  via_proxy "INSERT INTO test.messages VALUES ('via proxy')"
  [[ $(sql 0 "SELECT COUNT(*) FROM test.messages WHERE message = 'via proxy'") == 1 ]] || fail "a write through the proxy did not reach the primary"
  proxy_sees_it() { [[ $(via_proxy "SELECT COUNT(*) FROM test.messages WHERE message = 'via proxy'") == 1 ]]; }
  wait_for 20 "reads through the proxy to see the write" proxy_sees_it
  sql 0 "DELETE FROM test.messages WHERE message = 'via proxy'"
fi

log "break node-2's readiness (replication stopped): reported not ready"
sql 2 "STOP SLAVE"
"$WEIR" status --dir "$DIR" >"$WORK/status.out" && fail "status says all ready with node-2's replication stopped"
grep -E '^node-2 .* no .*replication IO No, SQL No' "$WORK/status.out" || { cat "$WORK/status.out"; fail "node-2 not shown as not ready"; }
"$WEIR" pod probe readiness --ordinal 2 --port "$(port 2)" --require-replication \
  --root-password-file "$DIR/secrets/root-password" && fail "readiness probe passed with replication stopped"
sql 2 "START SLAVE"
wait_for 30 "node-2 ready again" all_ready

log "kill node-1's server: restarted with its data"
old=$(state_pid 1 server)
kill -9 "$old"
node1_restarted() { local pid; pid=$(state_pid 1 server); [[ -n $pid && $pid != 0 && $pid != "$old" ]]; }
wait_for 60 "a new server pid for node-1" node1_restarted
wait_for 60 "all ready after the restart" all_ready
[[ $(sql 1 "SELECT message FROM test.messages") == hello ]] || fail "node-1 lost its data on restart"
grep -q "server restarted with its data" "$WORK/up.out" || fail "no restart reported"

log "scale to 5 while a writer runs on the primary"
sql 0 "CREATE TABLE test.w (id INT AUTO_INCREMENT PRIMARY KEY, v DOUBLE, at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6))"
(
  pw=$(cat "$DIR/secrets/root-password")
  while :; do
    mariadb -h 127.0.0.1 -P "$(port 0)" -u root -p"$pw" -e "INSERT INTO test.w (v) VALUES (RAND()), (RAND()), (RAND())" || exit 1
  done
) & WRITER_PID=$!
"$WEIR" scale 5 --dir "$DIR"
kill "$WRITER_PID"; wait "$WRITER_PID" 2>/dev/null || true; WRITER_PID=
wait_for 60 "5 ready nodes" all_ready
grep -q "sending a backup" "$DIR/node-2/sidecar.log" || fail "node-3 was not cloned from node-2"
grep -q "sending a backup" "$DIR/node-3/sidecar.log" || fail "node-4 was not cloned from node-3"
rows=$(sql 0 "SELECT COUNT(*) FROM test.w")
sum=$(sql 0 "CHECKSUM TABLE test.w" | cut -f2)
log "writer inserted $rows rows during the scale-up"
((rows > 0)) || fail "the writer wrote nothing"
for n in 1 2 3 4; do
  caught_up "$n" || fail "node-$n did not catch up"
  [[ $(sql "$n" "SELECT message FROM test.messages") == hello ]] || fail "node-$n misses the row written before it existed"
  [[ $(sql "$n" "SELECT COUNT(*) FROM test.w") == "$rows" ]] || fail "node-$n row count differs"
  [[ $(sql "$n" "CHECKSUM TABLE test.w" | cut -f2) == "$sum" ]] || fail "node-$n checksum differs"
done
[[ $(sql 4 "SELECT @@server_id") == 104 ]] || fail "node-4 server_id"

log "scale to 3: data of node-3 and node-4 kept, then deleted on request"
"$WEIR" scale 3 --dir "$DIR"
[[ -d $DIR/node-3/data/mysql && -d $DIR/node-4/data/mysql ]] || fail "scale-down removed data"
"$WEIR" status --dir "$DIR" | grep -q "node-4 .*stopped, data kept" || fail "kept data not shown"
"$WEIR" scale 3 --delete-data --dir "$DIR"
[[ ! -e $DIR/node-3 && ! -e $DIR/node-4 ]] || fail "--delete-data left data behind"
[[ $(our_servers | wc -l) == 3 ]] || fail "expected 3 servers running, found $(our_servers | wc -l)"

log "down: everything stops, data kept"
"$WEIR" down --dir "$DIR"
wait "$UP_PID" || fail "weir up exited non-zero after weir down"
UP_PID=
[[ -z $(our_servers) ]] || fail "servers left running after down"
[[ -d $DIR/node-0/data/mysql ]] || fail "down removed data"

log "up again: data kept, no clone; Ctrl+C stops cleanly"
"$WEIR" up --replicas 3 --dir "$DIR" --base-port "$BASE" --port "$PROXY_PORT" >"$WORK/up.out" 2>&1 & UP_PID=$!
wait_for 120 "3 ready nodes after the restart" all_ready
[[ $(grep -c "data present: keeping it (no clone)" "$WORK/up.out") == 3 ]] || fail "a node was re-initialised or cloned again"
[[ $(sql 2 "SELECT COUNT(*) FROM test.w") == "$rows" ]] || fail "rows lost over down/up"
kill -INT "$UP_PID"
wait "$UP_PID" || fail "weir up exited non-zero on Ctrl+C"
UP_PID=
[[ -z $(our_servers) ]] || fail "servers left running after Ctrl+C"

log "a stale state file (pids of processes that are gone) does not block weir up"
cat >"$DIR/state.json" <<JSON
{"supervisor_pid":999999,"proxy_pid":0,"base_port":$BASE,"proxy_port":$PROXY_PORT,"replicas":1,"desired":1,"handled_request":0,"last_error":"","nodes":[{"ordinal":0,"port":$(port 0),"backup_port":$(($(port 0) + 1)),"server_pid":999998,"sidecar_pid":0,"restarts":0}]}
JSON
"$WEIR" up --replicas 1 --dir "$DIR" --base-port "$BASE" --port "$PROXY_PORT" >"$WORK/up.out" 2>&1 & UP_PID=$!
wait_for 60 "1 ready node over a stale state file" all_ready
grep -q "stale" "$WORK/up.out" || fail "stale state not reported"
"$WEIR" down --dir "$DIR"
wait "$UP_PID" || true
UP_PID=
log "Ctrl+C while a node is being cloned: nothing left running, no half clone left"
rm -rf "$DIR/node-2"
"$WEIR" up --replicas 3 --dir "$DIR" --base-port "$BASE" --port "$PROXY_PORT" >"$WORK/up.out" 2>&1 & UP_PID=$!
wait_for 120 "node-2's clone to start" grep -q "cloning from node-1" "$WORK/up.out"
kill -INT "$UP_PID"
rc=0; wait "$UP_PID" || rc=$?
UP_PID=
[[ $rc == 130 ]] || fail "weir up interrupted during bring-up exited $rc, not 130"
grep -q "interrupted before every node was up" "$WORK/up.out" || fail "interruption not reported"
[[ -z $(our_servers) ]] || fail "servers left running after Ctrl+C during bring-up"
[[ ! -e $DIR/node-2/data/.weir-clone ]] || fail "a half-received clone was left in node-2's data dir"
log "PASS"
