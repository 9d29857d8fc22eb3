#!/usr/bin/env bash
# A real kube-apiserver + etcd on loopback for the deployer's tests (no kubelet: pods never run).
#
#   apiserver.sh build        build etcd, kube-apiserver and kubectl (pinned) into the cache dir
#   apiserver.sh up DIR       start etcd + kube-apiserver on free 127.0.0.1 ports; state in DIR
#   apiserver.sh down DIR     stop what `up DIR` started, by pid
#
# The binaries live outside the repository in $WEIR_K8S_CACHE (default ~/.cache/weir-k8s), one
# folder per pinned version, and are built from the Go module proxy. k8s.io/kubernetes cannot be
# `go install`ed (its go.mod points the k8s.io/* staging modules at local paths), so a small module
# of our own requires it and replaces each staging module with the published k8s.io/* release.
#
# After `up DIR`, DIR holds:
#   env                    KUBE_SERVER=https://127.0.0.1:PORT, ETCD_PORT, pids
#   kubeconfig             bearer token of an admin (system:masters), CA as certificate-authority-data
#   kubeconfig-cert        client certificate (CN=weir-cert-admin, O=system:masters) and key as files,
#                          CA as a file (the apiserver trusts DIR/client-ca.crt via --client-ca-file)
#   kubeconfig-nobody      bearer token of a user with no rights at all
#   kubeconfig-insecure    admin token, insecure-skip-tls-verify
#   ca.crt client-ca.crt admin.crt admin.key ...
set -euo pipefail

KUBE_VERSION=v1.35.4     # k8s.io/kubernetes; staging modules are v0.35.4
STAGING_VERSION=v0.35.4
ETCD_VERSION=v3.6.16     # go.etcd.io/etcd/server/v3
CACHE=${WEIR_K8S_CACHE:-$HOME/.cache/weir-k8s}
BIN=$CACHE/bin-$KUBE_VERSION-etcd-$ETCD_VERSION

log() { echo "apiserver.sh: $*" >&2; }
# shellcheck source=../kube_module.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../kube_module.sh"

build_kube() {
  local src=$CACHE/src/kube-$KUBE_VERSION
  mkdir -p "$src/cmd/kube-apiserver" "$src/cmd/kubectl"
  cat >"$src/cmd/kube-apiserver/main.go" <<'GO'
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() { os.Exit(cli.Run(app.NewAPIServerCommand())) }
GO
  cat >"$src/cmd/kubectl/main.go" <<'GO'
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
)

func main() { os.Exit(cli.Run(cmd.NewDefaultKubectlCommand())) }
GO
  (
    cd "$src"
    kube_module_init weir.local/kube
    local ld; ld=$(kube_ldflags)
    go build -p 2 -ldflags "$ld" -o "$BIN.tmp/kube-apiserver" ./cmd/kube-apiserver
    go build -p 2 -ldflags "$ld" -o "$BIN.tmp/kubectl" ./cmd/kubectl
  )
}

build_etcd() {
  local src=$CACHE/src/etcd-$ETCD_VERSION
  mkdir -p "$src"
  cat >"$src/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (
    cd "$src"
    if [ ! -f go.sum ]; then
      rm -f go.mod
      go mod init weir.local/etcd >/dev/null 2>&1
      go get go.etcd.io/etcd/server/v3@$ETCD_VERSION
      go mod tidy
    fi
    go build -p 2 -o "$BIN.tmp/etcd" .
  )
}

cmd_build() {
  if [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kubectl" ] && [ -x "$BIN/etcd" ]; then
    echo "$BIN"
    return
  fi
  command -v go >/dev/null || { log "go is not installed"; exit 1; }
  mkdir -p "$CACHE"
  exec 9>"$CACHE/build.lock"
  flock 9   # two test processes building at once would race on the output folder
  if [ ! -x "$BIN/kube-apiserver" ]; then
    local start=$SECONDS
    rm -rf "$BIN.tmp" && mkdir -p "$BIN.tmp"
    export GOFLAGS=-mod=mod
    build_etcd
    build_kube
    mv "$BIN.tmp" "$BIN"
    log "built $KUBE_VERSION and etcd $ETCD_VERSION in $((SECONDS - start)) s"
  fi
  echo "$BIN"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

b64() { base64 -w0 <"$1"; }

make_certs() {
  local d=$1
  ( cd "$d"
    # serving CA and server certificate for 127.0.0.1
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=weir-test-ca \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile server.ext -out server.crt 2>/dev/null
    # client CA and an admin client certificate (groups come from O=)
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=weir-test-client-ca \
      -keyout client-ca.key -out client-ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=weir-cert-admin" \
      -keyout admin.key -out admin.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in admin.csr -CA client-ca.crt -CAkey client-ca.key -CAcreateserial -days 2 \
      -extfile client.ext -out admin.crt 2>/dev/null
    # service account signing keys
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
}

write_kubeconfig() {  # file server user-block [cluster-block]
  local file=$1 server=$2 user=$3 cluster=$4
  cat >"$file" <<KC
apiVersion: v1
kind: Config
current-context: test
clusters:
- name: test
  cluster:
    server: $server
$cluster
contexts:
- name: test
  context:
    cluster: test
    user: test
    namespace: default
users:
- name: test
  user:
$user
KC
}

wait_ready() {  # url token seconds dir: 0 ready, 1 not in time, 2 a process exited
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    if curl -fsk -H "Authorization: Bearer $2" "$1/readyz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$(cat "$4/apiserver.pid")" 2>/dev/null && kill -0 "$(cat "$4/etcd.pid")" 2>/dev/null || return 2
    sleep 0.1
  done
  return 1
}

cmd_up() {
  local d=$1
  [ -n "$d" ] || { log "up needs a DIR"; exit 2; }
  local bin; bin=$(cmd_build)
  mkdir -p "$d" && d=$(cd "$d" && pwd)
  make_certs "$d"
  local admin_token nobody_token
  admin_token=$(openssl rand -hex 16)
  nobody_token=$(openssl rand -hex 16)
  printf '%s,admin,admin,system:masters\n%s,nobody,nobody\n' "$admin_token" "$nobody_token" >"$d/tokens.csv"
  printf '%s\n' "$admin_token" >"$d/admin.token"
  # A port found free can be taken by another test before the server binds it: then the server
  # exits ("address already in use") and the start is tried again with other ports.
  local attempt etcd_port etcd_peer port rc
  for attempt in 1 2 3 4 5; do
    rm -rf "$d/etcd"
    etcd_port=$(free_port); etcd_peer=$(free_port); port=$(free_port)
    "$bin/etcd" --data-dir "$d/etcd" --name weir-test \
      --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
      --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
      --initial-cluster "weir-test=http://127.0.0.1:$etcd_peer" \
      --listen-metrics-urls "" --log-level error >"$d/etcd.log" 2>&1 &
    echo $! >"$d/etcd.pid"
    "$bin/kube-apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" \
      --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$port" \
      --tls-cert-file="$d/server.crt" --tls-private-key-file="$d/server.key" \
      --client-ca-file="$d/client-ca.crt" --token-auth-file="$d/tokens.csv" \
      --authorization-mode=RBAC \
      --service-account-issuer=https://kubernetes.default.svc \
      --service-account-key-file="$d/sa.pub" --service-account-signing-key-file="$d/sa.key" \
      --service-cluster-ip-range=10.0.0.0/24 >"$d/apiserver.log" 2>&1 &
    echo $! >"$d/apiserver.pid"
    local server="https://127.0.0.1:$port"
    {
      echo "KUBE_SERVER=$server"
      echo "ETCD_PORT=$etcd_port"
      echo "KUBE_BIN=$bin"
    } >"$d/env"
    write_kubeconfig "$d/kubeconfig" "$server" "    token: $admin_token" \
      "    certificate-authority-data: $(b64 "$d/ca.crt")"
    write_kubeconfig "$d/kubeconfig-cert" "$server" \
      "    client-certificate: $d/admin.crt
    client-key: $d/admin.key" "    certificate-authority: $d/ca.crt"
    write_kubeconfig "$d/kubeconfig-nobody" "$server" "    token: $nobody_token" \
      "    certificate-authority-data: $(b64 "$d/ca.crt")"
    write_kubeconfig "$d/kubeconfig-insecure" "$server" "    token: $admin_token" \
      "    insecure-skip-tls-verify: true"
    rc=0
    wait_ready "$server" "$admin_token" 60 "$d" || rc=$?
    [ $rc -eq 0 ] && break
    if [ $rc -eq 2 ] && grep -q "address already in use" "$d/apiserver.log" "$d/etcd.log" && [ $attempt -lt 5 ]; then
      log "a port was taken meanwhile (attempt $attempt); starting again with other ports"
      cmd_down "$d"
      continue
    fi
    log "kube-apiserver not ready $([ $rc -eq 2 ] && echo "(a process exited)" || echo "after 60 s"); last lines of $d/apiserver.log and $d/etcd.log:"
    tail -n 20 "$d/apiserver.log" >&2
    tail -n 5 "$d/etcd.log" >&2
    cmd_down "$d"
    exit 1
  done
  echo "$server"
}

cmd_down() {
  local d=$1 f pid i
  for f in "$d/apiserver.pid" "$d/etcd.pid"; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

case "${1:-}" in
  build) cmd_build ;;
  up) cmd_up "${2:-}" ;;
  down) cmd_down "${2:-}" ;;
  *) echo "usage: $0 build|up DIR|down DIR" >&2; exit 2 ;;
esac
