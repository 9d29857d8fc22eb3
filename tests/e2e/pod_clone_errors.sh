#!/usr/bin/env bash
# `weir pod clone` when things go wrong: a peer that never answers gives a clear error after the
# timeout; a stream cut short (no end marker) is refused and nothing of it is left in the data dir.
# The fake peers authenticate the clone as serve-backup does (greeting with a nonce, HMAC answer).
# Usage: pod_clone_errors.sh /path/to/weir
set -euo pipefail
WEIR=$(realpath "$1")
WORK=$(mktemp -d /tmp/weir-clone-errors.XXXXXX)
PEER_PID=
cleanup() { local rc=$?; [[ -n $PEER_PID ]] && kill "$PEER_PID" 2>/dev/null || true; rm -rf "$WORK"; exit $rc; }
trap cleanup EXIT
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=$((20000 + RANDOM % 12000))  # below the ephemeral range (32768-60999)
until port_free "$PORT"; do PORT=$((PORT + 1)); done
export WEIR_REPL_PASSWORD=the-cluster-secret
# A peer that checks the clone's proof like serve-backup, then sends the file $1 as the stream.
fake_peer() {
  python3 - "$PORT" "$1" <<'PY' &
import hashlib, hmac, os, socket, sys
port, path = int(sys.argv[1]), sys.argv[2]
listener = socket.create_server(("127.0.0.1", port))
conn, _ = listener.accept()
nonce = os.urandom(32)
conn.sendall(b"WEIR-BACKUP-AUTH-1\n" + nonce)
proof = b""
while len(proof) < 32:
    chunk = conn.recv(32 - len(proof))
    if not chunk:
        sys.exit(1)
    proof += chunk
want = hmac.new(b"the-cluster-secret", nonce + b"weir pod serve-backup: backup stream v1", hashlib.sha256).digest()
if hmac.compare_digest(proof, want):
    with open(path, "rb") as f:
        conn.sendall(f.read())
conn.close()
PY
  PEER_PID=$!
}
clone() { "$WEIR" pod clone --ordinal 1 --peer-host 127.0.0.1 --peer-port "$PORT" --data-dir "$WORK/data" --clone-timeout 3 "$@"; }

echo "== a peer that never answers"
start=$SECONDS
out=$(clone 2>&1) && fail "clone without a peer succeeded"
grep -q "no backup server answered at 127.0.0.1:$PORT within 3 s" <<<"$out" || fail "unclear error: $out"
((SECONDS - start >= 2)) || fail "clone gave up without retrying"
[[ -z $(ls -A "$WORK/data") ]] || fail "left files behind: $(ls -A "$WORK/data")"

# A valid backup stream that unpacks without complaint but lacks weir's end marker: what a peer
# that died between two files sends. It must not be taken for a complete clone.
echo "== a stream cut short"
mkdir -p "$WORK/src/mysql"
head -c 300000 /dev/urandom >"$WORK/src/mysql/user.MAD"
head -c 100000 /dev/urandom >"$WORK/src/ibdata1"
(cd "$WORK/src" && mbstream -c mysql/user.MAD ibdata1) >"$WORK/partial"
fake_peer "$WORK/partial"
out=$(clone 2>&1) && fail "clone of a cut stream succeeded"
grep -q "without its end marker: the peer stopped mid-backup" <<<"$out" || fail "unclear error: $out"
[[ -z $(ls -A "$WORK/data") ]] || fail "half-received clone left behind: $(ls -A "$WORK/data")"

echo "== garbage instead of a backup stream"
head -c 300000 /dev/urandom >"$WORK/garbage"
fake_peer "$WORK/garbage"
out=$(clone 2>&1) && fail "clone of garbage succeeded"
grep -Eq "unpacker stopped reading|mbstream.*failed" <<<"$out" || fail "unclear error: $out"
[[ -z $(ls -A "$WORK/data") ]] || fail "garbage left behind: $(ls -A "$WORK/data")"

echo "== data already present: skipped"
mkdir -p "$WORK/data/mysql"
clone 2>&1 | grep -q "data already present" || fail "clone did not skip existing data"
echo "PASS"
