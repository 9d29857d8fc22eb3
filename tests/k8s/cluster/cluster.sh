#!/usr/bin/env bash
# A real single-node Kubernetes cluster on this machine, where pods really run (containerd + runc).
#
#   cluster.sh build         build every component (pinned) into the cache dir; prints each build time
#   cluster.sh up DIR        start a fresh cluster with its state in DIR; waits for the node to be
#                            Ready and CoreDNS to answer; the last line on stdout is DIR/kubeconfig
#   cluster.sh down DIR      delete the pods, stop everything `up DIR` started, undo its mounts,
#                            links, iptables chains and CNI state
#   cluster.sh leftovers DIR list what a cluster left on the machine (processes, mounts, links,
#                            iptables chains, CNI state); exit 1 if anything is left
#   cluster.sh status DIR    the components' processes; the node and the pods of all namespaces
#                            when the API server runs, else the leftovers check
#
# Needs root and Debian's containerd, runc, containernetworking-plugins and iptables
# (scripts/setup.sh installs them), Go for the build, gcc and buildah for the pause image.
#
# Binaries: kube-apiserver, kubectl and etcd are the ones tests/k8s/apiserver/apiserver.sh builds
# (`apiserver.sh build`, same cache). kube-controller-manager, kube-scheduler, kube-proxy and
# kubelet come from a small Go module of the same kind (k8s.io/kubernetes required, each staging
# module replaced by its published release), CoreDNS from `go install`, all in
# $WEIR_K8S_CACHE/cluster-<versions>. The pause image (a static C program waiting in pause()) is
# committed with buildah as registry.k8s.io/pause:3.6, the sandbox image containerd 1.6 uses by
# default, and kept there as a docker-archive that `up` imports into containerd.
#
# Network: everything lives on the bridge cni0 with 10.244.0.1/24 (node IP, API server, DNS);
# pods get 10.244.0.2-254 from host-local IPAM; Services get 10.96.0.0/24 (kube-proxy, iptables
# mode). Nothing listens on the machine's own interfaces; etcd and the components' local ports
# are on 127.0.0.1. Only one cluster can run at a time (the bridge, the iptables chains and the
# CNI state are global).
#
# Storage: the default StorageClass `local` binds claims to 10 pre-made local PersistentVolumes
# in DIR/volumes (WEIR_K8S_LOCAL_PVS, WEIR_K8S_PV_SIZE=10Gi): the kubelet applies the pod's fsGroup to
# them, as CSI volumes of real clusters get it, so non-root database pods can write. The class
# `hostpath` (kube-controller-manager's hostpath provisioner, /tmp/hostpath_pv/<uuid>) is there
# too, but those directories are root's 0750 and fsGroup does not apply to them.
#
# Kernel settings the kubelet and the bridge plugin change (vm.overcommit_memory, kernel.panic,
# kernel.panic_on_oops, net.ipv4.ip_forward, ...) are saved by `up` and restored by `down`. The
# node-wide state belongs to one cluster at a time (/run/weir-k8s-cluster.owner names its DIR).
#
# After `up DIR`, DIR holds: kubeconfig (admin token, system:masters), kubeconfig-cert (admin
# client certificate), env (KUBE_BIN, CLUSTER_BIN, CONTAINERD_SOCK, ...), *.log of every component,
# *.pid, containerd's root/state, the kubelet's root (DIR/kubelet) and the volumes (DIR/volumes).
# Images go into containerd with `ctr -a $CONTAINERD_SOCK -n k8s.io images import` (see
# tests/k8s/images/images.sh import DIR).
set -euo pipefail

KUBE_VERSION=v1.35.4     # k8s.io/kubernetes; staging modules are v0.35.4
STAGING_VERSION=v0.35.4
ETCD_VERSION=v3.6.16     # must match apiserver.sh
COREDNS_VERSION=v1.12.4  # github.com/coredns/coredns
PAUSE_IMAGE=registry.k8s.io/pause:3.6
CACHE=${WEIR_K8S_CACHE:-$HOME/.cache/weir-k8s}
CBIN=$CACHE/cluster-$KUBE_VERSION-coredns-$COREDNS_VERSION
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
APISERVER_SH=$HERE/../apiserver/apiserver.sh

NODE_IP=10.244.0.1
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/24
BRIDGE=cni0
CNI_NET=weir-k8s
CNI_STATE=/var/lib/cni/networks/$CNI_NET
APISERVER_PORT=6443
NODE_NAME=weir-node
# The node-wide state (cni0, iptables chains, cgroups, CNI state, sysctls) belongs to one cluster at
# a time: the one whose DIR this file names. `down` of another DIR leaves that state alone.
OWNER_FILE=/run/weir-k8s-cluster.owner

log() { echo "cluster.sh: $*" >&2; }
# shellcheck source=../kube_module.sh
source "$HERE/../kube_module.sh"

# ---------------------------------------------------------------------------------------- build

build_components() {  # into $CBIN.tmp
  local src=$CACHE/src/cluster-$KUBE_VERSION
  local app main
  for main in kube-controller-manager:'os.Exit(cli.Run(app.NewControllerManagerCommand()))' \
              kube-scheduler:'os.Exit(cli.Run(app.NewSchedulerCommand()))' \
              kube-proxy:'os.Exit(cli.Run(app.NewProxyCommand()))' \
              kubelet:'os.Exit(cli.Run(app.NewKubeletCommand(context.Background())))'; do
    app=${main%%:*}
    mkdir -p "$src/cmd/$app"
    {
      echo 'package main'
      echo
      echo 'import ('
      [ "$app" = kubelet ] && echo '	"context"'
      echo '	"os"'
      echo
      echo '	"k8s.io/component-base/cli"'
      echo "	\"k8s.io/kubernetes/cmd/$app/app\""
      echo ')'
      echo
      echo "func main() { ${main#*:} }"
    } >"$src/cmd/$app/main.go"
  done
  (
    cd "$src"
    kube_module_init weir.local/kube-cluster
    local ld; ld=$(kube_ldflags)
    local t
    for app in kube-controller-manager kube-scheduler kube-proxy kubelet; do
      t=$SECONDS
      go build -p 2 -ldflags "$ld" -o "$CBIN.tmp/$app" "./cmd/$app"
      log "built $app in $((SECONDS - t)) s"
    done
  )
}

build_coredns() {
  local t=$SECONDS
  GOBIN=$CBIN.tmp go install -p 2 "github.com/coredns/coredns@$COREDNS_VERSION"
  log "built coredns in $((SECONDS - t)) s"
}

build_pause() {  # a static pause binary, committed with buildah, saved as a docker-archive
  local t=$SECONDS work=$CBIN.tmp/pause-build
  mkdir -p "$work"
  cat >"$work/pause.c" <<'C'
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void quit(int sig) { (void)sig; _exit(0); }
static void reap(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {}
}

int main(void) {
  signal(SIGINT, quit);
  signal(SIGTERM, quit);
  signal(SIGCHLD, reap);
  for (;;) pause();
}
C
  gcc -O2 -static -o "$work/pause" "$work/pause.c"
  local c
  c=$(buildah from scratch)
  buildah copy "$c" "$work/pause" /pause >/dev/null
  buildah config --entrypoint '["/pause"]' --user 65535:65535 "$c"
  buildah commit --quiet "$c" "$PAUSE_IMAGE" >/dev/null
  buildah rm "$c" >/dev/null
  rm -f "$CBIN.tmp/pause.tar"
  buildah push --quiet "$PAUSE_IMAGE" "docker-archive:$CBIN.tmp/pause.tar:$PAUSE_IMAGE" >/dev/null
  rm -rf "$work"
  log "built $PAUSE_IMAGE in $((SECONDS - t)) s"
}

cluster_built() {
  local f
  for f in kube-controller-manager kube-scheduler kube-proxy kubelet coredns pause.tar; do
    [ -e "$CBIN/$f" ] || return 1
  done
}

cmd_build() {
  local kbin t
  t=$SECONDS
  kbin=$("$APISERVER_SH" build)  # etcd, kube-apiserver, kubectl (its own lock and cache)
  log "etcd, kube-apiserver, kubectl ready in $((SECONDS - t)) s ($kbin)"
  if ! cluster_built; then
    command -v go >/dev/null || { log "go is not installed"; exit 1; }
    command -v buildah >/dev/null || { log "buildah is not installed (scripts/setup.sh)"; exit 1; }
    mkdir -p "$CACHE"
    exec 9>"$CACHE/cluster-build.lock"
    flock 9   # two runs building at once would race on the output folder
    if ! cluster_built; then
      t=$SECONDS
      rm -rf "$CBIN.tmp" && mkdir -p "$CBIN.tmp"
      export GOFLAGS=-mod=mod
      build_pause
      build_components
      build_coredns
      mv "$CBIN.tmp" "$CBIN"
      log "built the cluster's components in $((SECONDS - t)) s"
    fi
    exec 9>&-
  fi
  echo "KUBE_BIN=$kbin"
  echo "CLUSTER_BIN=$CBIN"
}


# ------------------------------------------------------------------------------------------- up

# Kernel settings the kubelet, kube-proxy or the bridge plugin change; saved by `up`, restored by
# `down` (the kubelet sets the first six unless protectKernelDefaults, which would refuse to start).
SYSCTLS=(vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops
         kernel/keys/root_maxkeys kernel/keys/root_maxbytes net/ipv4/ip_forward
         net/ipv4/conf/all/route_localnet)

b64() { base64 -w0 <"$1"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

sign_cert() {  # name subject extensions-file: key and certificate signed by DIR/pki/ca
  local pki=$1 name=$2 subject=$3 ext=$4
  openssl req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$pki/$name.key" -out "$pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
    -extfile "$ext" -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr"
}

make_pki() {  # one CA for serving and client certificates
  local pki=$1
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=weir-k8s-ca \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  printf 'subjectAltName=IP:%s,IP:10.96.0.1,IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n' \
    "$NODE_IP" >"$pki/server.ext"
  printf 'extendedKeyUsage=clientAuth\n' >"$pki/client.ext"
  sign_cert "$pki" apiserver /CN=kube-apiserver "$pki/server.ext"
  sign_cert "$pki" admin "/O=system:masters/CN=weir-k8s-admin" "$pki/client.ext"
  sign_cert "$pki" controller-manager /CN=system:kube-controller-manager "$pki/client.ext"
  sign_cert "$pki" scheduler /CN=system:kube-scheduler "$pki/client.ext"
  sign_cert "$pki" kube-proxy /CN=system:kube-proxy "$pki/client.ext"
  sign_cert "$pki" kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "$pki/client.ext"
  sign_cert "$pki" apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$pki/client.ext"
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
}

write_kubeconfig() {  # file user-block
  cat >"$1" <<KC
apiVersion: v1
kind: Config
current-context: weir-k8s
clusters:
- name: weir-k8s
  cluster:
    server: https://$NODE_IP:$APISERVER_PORT
    certificate-authority-data: $(b64 "$D/pki/ca.crt")
contexts:
- name: weir-k8s
  context:
    cluster: weir-k8s
    user: user
    namespace: default
users:
- name: user
  user:
$2
KC
}

cert_kubeconfig() {  # file cert-name
  write_kubeconfig "$1" "    client-certificate-data: $(b64 "$D/pki/$2.crt")
    client-key-data: $(b64 "$D/pki/$2.key")"
}

start() {  # name command...: started in its own session, output to DIR/name.log, pid to DIR/name.pid
  local name=$1; shift
  setsid "$@" </dev/null >"$D/$name.log" 2>&1 &
  echo $! >"$D/$name.pid"
  STARTED+=("$name")
}

component_failed() {  # name what: say which one and why, show its log, stop what was started
  log "$1 did not come up: $2; last lines of $D/$1.log:"
  tail -n 25 "$D/$1.log" >&2 || true
  log "stopping what was started"
  cmd_down "$D" >&2 || true
  exit 1
}

wait_for() {  # name seconds command...: retried every 0.2 s while the process lives
  local name=$1 seconds=$2 i pid
  shift 2
  pid=$(cat "$D/$name.pid")
  for ((i = 0; i < seconds * 5; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    kill -0 "$pid" 2>/dev/null || component_failed "$name" "the process exited"
    sleep 0.2
  done
  component_failed "$name" "not ready after $seconds s"
}

kc() { "$KUBE_BIN/kubectl" --kubeconfig "$D/kubeconfig" "$@"; }

dns_query() {  # name server: exit 0 when the server answers with an A record
  python3 - "$1" "$2" <<'PY'
import random, socket, struct, sys
name, server = sys.argv[1], sys.argv[2]
qid = random.randrange(65536)
q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
s.sendto(q, (server, 53))
r = s.recv(512)
rid, flags, qd, an = struct.unpack(">HHHH", r[:8])
sys.exit(0 if rid == qid and flags & 0xF == 0 and an > 0 else 1)
PY
}

write_configs() {
  local etcd_port=$1
  mkdir -p "$D/cni/net.d" "$D/containerd"
  cat >"$D/cni/net.d/10-weir-k8s.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "$CNI_NET",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
JSON
  cat >"$D/containerd/config.toml" <<TOML
version = 2
root = "$D/containerd/root"
state = "$D/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
                    "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$D/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        Root = "$D/containerd/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$D/cni/net.d"
TOML
  cat >"$D/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
failCgroupV1: false
cgroupDriver: cgroupfs
failSwapOn: false
clusterDNS: [$NODE_IP]
clusterDomain: cluster.local
resolvConf: ""
enforceNodeAllocatable: []
# No eviction thresholds, and no image garbage collection: the kubelet counts the whole disk (here
# often over 85 % used by others) and would delete the imported images, the pause image first
# (containerd 1.6 does not report it as pinned), and nothing can pull them back.
evictionHard: {}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
podLogsDir: $D/pod-logs
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $D/pki/ca.crt}
authorization:
  mode: AlwaysAllow
tlsCertFile: $D/pki/kubelet-serving.crt
tlsPrivateKeyFile: $D/pki/kubelet-serving.key
YAML
  cat >"$D/Corefile" <<CORE
.:53 {
    bind $NODE_IP
    errors
    ready 127.0.0.1:8181
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $D/kubeconfig-coredns weir-k8s
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
}
CORE
  : "$etcd_port"
}

storage_objects() {  # default StorageClass "local": PVs in DIR/volumes (fsGroup applies to them)
  cat <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: hostpath
provisioner: kubernetes.io/host-path
reclaimPolicy: Delete
YAML
  local i
  for ((i = 0; i < ${WEIR_K8S_LOCAL_PVS:-10}; i++)); do
    mkdir -p "$D/volumes/pv-$i"
    cat <<YAML
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: local-pv-$i
spec:
  capacity: {storage: ${WEIR_K8S_PV_SIZE:-10Gi}}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local
  local: {path: $D/volumes/pv-$i}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [$NODE_NAME]}
YAML
  done
}

cmd_up() {
  [ -n "${1:-}" ] || { log "up needs a DIR"; exit 2; }
  [ "$(id -u)" -eq 0 ] || { log "up needs root"; exit 1; }
  local t0=$SECONDS bins
  bins=$(cmd_build)
  eval "$bins"  # KUBE_BIN, CLUSTER_BIN
  mkdir -p "$1" && D=$(cd "$1" && pwd)
  CONTAINERD_SOCK=$D/containerd/containerd.sock
  [ ${#CONTAINERD_SOCK} -lt 100 ] || { log "DIR is too long for a unix socket path: $CONTAINERD_SOCK"; exit 1; }
  if [ -f "$OWNER_FILE" ]; then
    log "the cluster of $(cat "$OWNER_FILE") is up (or was not taken down: $0 down $(cat "$OWNER_FILE"))"
    exit 1
  fi
  if ip link show "$BRIDGE" >/dev/null 2>&1; then
    log "$BRIDGE exists: another cluster is up (or was not taken down); run: $0 down DIR"
    exit 1
  fi
  local f
  for f in "$D"/*.pid; do
    [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && { log "$D is in use ($f is running); run: $0 down $D"; exit 1; }
  done
  # A fresh cluster: nothing from an earlier run in DIR.
  if grep -q " $D/" /proc/self/mountinfo; then log "mounts left under $D; run: $0 down $D"; exit 1; fi
  rm -rf "$D/etcd" "$D/containerd" "$D/kubelet" "$D/volumes" "$D/pod-logs" "$D/pki" "$D/cni" "$D"/*.log "$D"/*.pid
  STARTED=()
  : >"$D/started"

  local s
  : >"$D/sysctl.orig"
  for s in "${SYSCTLS[@]}"; do echo "$s=$(cat "/proc/sys/$s")" >>"$D/sysctl.orig"; done

  make_pki "$D/pki"
  # The kubelet's serving certificate, for the API server's logs/exec/port-forward.
  printf 'subjectAltName=IP:%s,DNS:%s\nextendedKeyUsage=serverAuth\n' "$NODE_IP" "$NODE_NAME" >"$D/pki/kubelet-serving.ext"
  sign_cert "$D/pki" kubelet-serving "/CN=$NODE_NAME" "$D/pki/kubelet-serving.ext"
  local token
  token=$(openssl rand -hex 16)
  printf '%s,admin,admin,system:masters\n' "$token" >"$D/pki/tokens.csv"
  write_kubeconfig "$D/kubeconfig" "    token: $token"
  cert_kubeconfig "$D/kubeconfig-cert" admin
  cert_kubeconfig "$D/kubeconfig-coredns" admin
  cert_kubeconfig "$D/kubeconfig-controller-manager" controller-manager
  cert_kubeconfig "$D/kubeconfig-scheduler" scheduler
  cert_kubeconfig "$D/kubeconfig-kube-proxy" kube-proxy
  cert_kubeconfig "$D/kubeconfig-kubelet" kubelet

  local etcd_port etcd_peer
  etcd_port=$(free_port); etcd_peer=$(free_port)
  write_configs "$etcd_port"
  {
    echo "KUBE_BIN=$KUBE_BIN"
    echo "CLUSTER_BIN=$CLUSTER_BIN"
    echo "CONTAINERD_SOCK=$CONTAINERD_SOCK"
    echo "KUBE_SERVER=https://$NODE_IP:$APISERVER_PORT"
    echo "ETCD_PORT=$etcd_port"
    echo "NODE_NAME=$NODE_NAME"
  } >"$D/env"

  (set -o noclobber; echo "$D" >"$OWNER_FILE") 2>/dev/null ||
    { log "the cluster of $(cat "$OWNER_FILE" 2>/dev/null) is starting"; exit 1; }
  # The bridge first: node IP, API server and DNS live on it.
  ip link add "$BRIDGE" type bridge
  ip addr add "$NODE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up

  local t=$SECONDS
  start containerd containerd --config "$D/containerd/config.toml"
  wait_for containerd 30 ctr -a "$CONTAINERD_SOCK" version
  ctr -a "$CONTAINERD_SOCK" -n k8s.io images import "$CLUSTER_BIN/pause.tar" >/dev/null ||
    component_failed containerd "importing $PAUSE_IMAGE failed"
  log "containerd ready ($((SECONDS - t)) s), $PAUSE_IMAGE imported"

  t=$SECONDS
  start etcd "$KUBE_BIN/etcd" --data-dir "$D/etcd" --name weir-k8s \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "weir-k8s=http://127.0.0.1:$etcd_peer" --listen-metrics-urls "" --log-level warn
  wait_for etcd 30 curl -fs "http://127.0.0.1:$etcd_port/health"

  start kube-apiserver "$KUBE_BIN/kube-apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port="$APISERVER_PORT" \
    --tls-cert-file="$D/pki/apiserver.crt" --tls-private-key-file="$D/pki/apiserver.key" \
    --client-ca-file="$D/pki/ca.crt" --token-auth-file="$D/pki/tokens.csv" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --allow-privileged=true \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$D/pki/sa.pub" --service-account-signing-key-file="$D/pki/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --kubelet-client-certificate="$D/pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$D/pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$D/pki/ca.crt" \
    --kubelet-preferred-address-types=InternalIP
  wait_for kube-apiserver 90 curl -fs --cacert "$D/pki/ca.crt" -H "Authorization: Bearer $token" \
    "https://$NODE_IP:$APISERVER_PORT/readyz"
  log "etcd and kube-apiserver ready ($((SECONDS - t)) s)"

  t=$SECONDS
  start kube-controller-manager "$CLUSTER_BIN/kube-controller-manager" \
    --kubeconfig="$D/kubeconfig-controller-manager" \
    --authentication-kubeconfig="$D/kubeconfig-controller-manager" \
    --authorization-kubeconfig="$D/kubeconfig-controller-manager" \
    --bind-address=127.0.0.1 --secure-port=10257 --leader-elect=false \
    --service-account-private-key-file="$D/pki/sa.key" --root-ca-file="$D/pki/ca.crt" \
    --use-service-account-credentials=true --service-cluster-ip-range="$SERVICE_CIDR" \
    --cluster-signing-cert-file="$D/pki/ca.crt" --cluster-signing-key-file="$D/pki/ca.key" \
    --enable-hostpath-provisioner --cluster-name=weir-k8s
  start kube-scheduler "$CLUSTER_BIN/kube-scheduler" --kubeconfig="$D/kubeconfig-scheduler" \
    --authentication-kubeconfig="$D/kubeconfig-scheduler" --authorization-kubeconfig="$D/kubeconfig-scheduler" \
    --bind-address=127.0.0.1 --secure-port=10259 --leader-elect=false
  wait_for kube-controller-manager 60 curl -fsk https://127.0.0.1:10257/healthz
  wait_for kube-scheduler 60 curl -fsk https://127.0.0.1:10259/healthz
  storage_objects | kc apply -f - >"$D/storage.log" 2>&1 || component_failed storage "kubectl apply of the StorageClasses and PVs failed (DIR/storage.log)"
  log "kube-controller-manager and kube-scheduler ready ($((SECONDS - t)) s)"

  t=$SECONDS
  mkdir -p "$D/kubelet" "$D/pod-logs"
  start kubelet "$CLUSTER_BIN/kubelet" --config="$D/kubelet.yaml" --kubeconfig="$D/kubeconfig-kubelet" \
    --root-dir="$D/kubelet" --cert-dir="$D/kubelet/pki" --hostname-override="$NODE_NAME" --node-ip="$NODE_IP"
  start kube-proxy "$CLUSTER_BIN/kube-proxy" --kubeconfig="$D/kubeconfig-kube-proxy" \
    --hostname-override="$NODE_NAME" --proxy-mode=iptables --cluster-cidr="$POD_CIDR" \
    --bind-address=127.0.0.1 --healthz-bind-address=127.0.0.1:10256 --metrics-bind-address=127.0.0.1:10249 \
    --nodeport-addresses="$NODE_IP/32" --iptables-localhost-nodeports=false \
    --conntrack-max-per-core=0 --conntrack-tcp-timeout-established=0s --conntrack-tcp-timeout-close-wait=0s
  start coredns "$CLUSTER_BIN/coredns" -conf "$D/Corefile"
  wait_for kubelet 90 curl -fs http://127.0.0.1:10248/healthz
  wait_for kube-proxy 60 curl -fs http://127.0.0.1:10256/livez
  wait_for kubelet 120 node_ready
  log "node $NODE_NAME Ready ($((SECONDS - t)) s after the kubelet started)"
  wait_for coredns 60 dns_query kubernetes.default.svc.cluster.local "$NODE_IP"
  wait_for kube-controller-manager 60 kc get serviceaccount default -n default
  log "CoreDNS answers on $NODE_IP:53; cluster up in $((SECONDS - t0)) s"
  echo "$D/kubeconfig"
}

node_ready() {
  [ "$(kc get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

# ----------------------------------------------------------------------------------------- down

stop_pid() {  # pidfile [seconds]: SIGTERM, up to 10 s (or the seconds given), then SIGKILL
  local f=$1 wait=${2:-10} pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < wait * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null && log "$(basename "$f" .pid) did not stop on SIGTERM within $wait s: killed"
    [ "$i" -lt 20 ] || log "$(basename "$f" .pid) took $((i / 10)) s to stop"
  fi
  rm -f "$f"
}

alive() { [ -f "$D/$1.pid" ] && kill -0 "$(cat "$D/$1.pid")" 2>/dev/null; }

shim_pids() {  # the containerd shims of this cluster
  local p
  for p in $(pgrep -f containerd-shim-runc-v2 || true); do
    tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "-address $CONTAINERD_SOCK " && echo "$p"
  done
  return 0
}

kube_chains() {  # family table: KUBE-* and CNI-* chains present
  "$1-save" -t "$2" 2>/dev/null | sed -n 's/^:\(\(KUBE\|CNI\)-[^ ]*\) .*/\1/p'
}

remove_iptables() {  # jumps to KUBE-*/CNI-* chains from the built-in chains, then those chains
  local fam table chains rule c
  for fam in iptables ip6tables; do
    command -v "$fam" >/dev/null || continue
    for table in filter nat mangle raw; do
      chains=$(kube_chains "$fam" "$table")
      [ -n "$chains" ] || continue
      { "$fam-save" -t "$table" | grep -E '^-A [A-Z]+ .*-j (KUBE|CNI)-' | grep -vE '^-A (KUBE|CNI)-' || true; } |
        while read -r rule; do
          eval "$fam -t $table ${rule/-A/-D}" 2>/dev/null || true
        done
      for c in $chains; do "$fam" -t "$table" -F "$c" 2>/dev/null || true; done
      for c in $chains; do "$fam" -t "$table" -X "$c" 2>/dev/null || true; done
    done
  done
}

unmount_under() {  # every mount point below $1, deepest first
  local m
  awk -v p="$1/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}

cmd_down() {
  [ -n "${1:-}" ] || { log "down needs a DIR"; exit 2; }
  [ -d "$1" ] || { log "no such DIR: $1"; exit 1; }
  D=$(cd "$1" && pwd)
  CONTAINERD_SOCK=$D/containerd/containerd.sock
  KUBE_BIN= CLUSTER_BIN=
  [ -f "$D/env" ] && eval "$(grep -E '^(KUBE_BIN|CLUSTER_BIN)=' "$D/env")"
  # Pods first, through the API, so that the kubelet stops them and unmounts their volumes.
  local t=$SECONDS
  if alive kube-apiserver && alive kubelet && [ -n "${KUBE_BIN:-}" ]; then
    kc delete deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs --all -A --wait=false >/dev/null 2>&1 || true
    kc delete pods --all -A --grace-period=3 --timeout=90s >/dev/null 2>&1 || log "some pods did not go within 90 s"
    log "pods deleted in $((SECONDS - t)) s"
    # PVs of the hostpath provisioner live in /tmp/hostpath_pv; remember them for below.
    kc get pv -o 'jsonpath={range .items[*]}{.spec.hostPath.path}{"\n"}{end}' 2>/dev/null | grep '^/tmp/hostpath_pv/' >>"$D/hostpath-pvs" || true
  fi
  local name
  # SIGTERM to all the components at once, then wait for each (the API server drains its
  # watches for up to a minute on SIGTERM; nothing here needs that: 2 s).
  for name in coredns kubelet kube-scheduler kube-controller-manager kube-proxy kube-apiserver; do
    [ -f "$D/$name.pid" ] && kill "$(cat "$D/$name.pid")" 2>/dev/null || true
  done
  for name in coredns kubelet kube-scheduler kube-controller-manager kube-proxy; do
    stop_pid "$D/$name.pid"
  done
  stop_pid "$D/kube-apiserver.pid" 2
  stop_pid "$D/etcd.pid"
  local owner=""
  [ -f "$OWNER_FILE" ] && owner=$(cat "$OWNER_FILE")
  # Whatever containers remain (a pod the kubelet did not stop): kill their tasks, then containerd.
  if alive containerd; then
    local ns id
    for ns in $(ctr -a "$CONTAINERD_SOCK" namespaces ls -q 2>/dev/null); do
      for id in $(ctr -a "$CONTAINERD_SOCK" -n "$ns" tasks ls -q 2>/dev/null); do
        ctr -a "$CONTAINERD_SOCK" -n "$ns" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
      done
      sleep 0.5
      for id in $(ctr -a "$CONTAINERD_SOCK" -n "$ns" tasks ls -q 2>/dev/null); do
        ctr -a "$CONTAINERD_SOCK" -n "$ns" tasks delete -f "$id" >/dev/null 2>&1 || true
      done
    done
  fi
  stop_pid "$D/containerd.pid"
  local p
  for p in $(shim_pids); do kill -9 "$p" 2>/dev/null || true; done
  if [ -n "$owner" ] && [ "$owner" != "$D" ]; then
    unmount_under "$D"
    log "down: $D stopped; the node-wide state belongs to the cluster of $owner and is left alone"
    return 0
  fi
  # Processes still in the pods' cgroups (a shim killed before its container).
  local procs
  for procs in /sys/fs/cgroup/*/kubepods; do
    [ -d "$procs" ] || continue
    find "$procs" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u | while read -r p; do kill -9 "$p" 2>/dev/null || true; done
  done
  # kube-proxy's rules, then the kubelet's chains and jumps.
  if [ -x "${CLUSTER_BIN:-/nonexistent}/kube-proxy" ]; then
    "$CLUSTER_BIN/kube-proxy" --cleanup >"$D/kube-proxy-cleanup.log" 2>&1 || true
  fi
  remove_iptables
  # Mounts: the kubelet's volumes, containerd's rootfs and shm, the pods' network namespaces.
  sleep 0.5
  unmount_under "$D"
  local n
  for n in /run/netns/cni-*; do
    [ -e "$n" ] || continue
    umount "$n" 2>/dev/null || umount -l "$n" 2>/dev/null || true
    rm -f "$n"
  done
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link del "$BRIDGE"
  rm -rf "$CNI_STATE" /var/lib/cni/results/"$CNI_NET"-*
  # The cgroups the kubelet made (cgroupfs driver), deepest first.
  for procs in /sys/fs/cgroup/*/kubepods; do
    [ -d "$procs" ] && find "$procs" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  # Kernel settings back as they were before `up`.
  if [ -f "$D/sysctl.orig" ]; then
    local line
    while IFS= read -r line; do echo "${line#*=}" >"/proc/sys/${line%%=*}" 2>/dev/null || true; done <"$D/sysctl.orig"
  fi
  # The kubelet's links in /var/log/containers point into DIR/pod-logs.
  for n in /var/log/containers/*; do
    [ -L "$n" ] && case $(readlink "$n") in "$D"/*) rm -f "$n" ;; esac
  done
  if [ -f "$D/hostpath-pvs" ]; then
    while IFS= read -r n; do rm -rf -- "$n"; done <"$D/hostpath-pvs"
    rm -f "$D/hostpath-pvs"
  fi
  rmdir /tmp/hostpath_pv 2>/dev/null || true
  rm -f "$OWNER_FILE"
  # Large state goes; logs stay for a look afterwards.
  if ! grep -q " $D/" /proc/self/mountinfo; then
    rm -rf "$D/containerd" "$D/kubelet" "$D/etcd" "$D/volumes"
  fi
  log "down: $D ($((SECONDS - t)) s)"
}

# ------------------------------------------------------------------------------------ leftovers

cmd_leftovers() {
  [ -n "${1:-}" ] || { log "leftovers needs a DIR"; exit 2; }
  D=$(cd "$1" && pwd)
  CONTAINERD_SOCK=$D/containerd/containerd.sock
  local found=() f p
  for f in "$D"/*.pid; do
    [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && found+=("process $(basename "$f" .pid) pid $(cat "$f")")
  done
  for p in $(shim_pids); do found+=("containerd shim pid $p"); done
  for p in $(pgrep -f -- "$D/" || true); do
    case $(cat "/proc/$p/comm" 2>/dev/null) in bash | sh | timeout | sudo | setsid | "") continue ;; esac
    found+=("process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-120)")
  done
  for f in /sys/fs/cgroup/*/kubepods; do [ -d "$f" ] && found+=("cgroup $f"); done
  while read -r m; do found+=("mount $m"); done < <(awk -v p="$D/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo)
  for f in /run/netns/cni-*; do [ -e "$f" ] && found+=("network namespace $f"); done
  ip link show "$BRIDGE" >/dev/null 2>&1 && found+=("link $BRIDGE")
  local fam table c
  for fam in iptables ip6tables; do
    command -v "$fam" >/dev/null || continue
    for table in filter nat mangle raw; do
      for c in $(kube_chains "$fam" "$table"); do found+=("$fam -t $table chain $c"); done
      while read -r c; do [ -n "$c" ] && found+=("$fam -t $table rule: $c"); done < <("$fam-save" -t "$table" 2>/dev/null | grep -E '^-A .*(KUBE|CNI)-' || true)
    done
  done
  if command -v nft >/dev/null; then
    while read -r c; do [ -n "$c" ] && found+=("nft $c"); done < <(nft list tables 2>/dev/null | grep -E 'kube-proxy' || true)
  fi
  [ -e "$CNI_STATE" ] && found+=("CNI IPAM state $CNI_STATE")
  [ -f "$OWNER_FILE" ] && found+=("$OWNER_FILE names the cluster of $(cat "$OWNER_FILE")")
  for f in /var/lib/cni/results/"$CNI_NET"-*; do [ -e "$f" ] && found+=("CNI result $f"); done
  for f in /var/log/containers/*; do
    [ -L "$f" ] && case $(readlink "$f") in "$D"/*) found+=("log link $f") ;; esac
  done
  [ -d /tmp/hostpath_pv ] && [ -n "$(ls -A /tmp/hostpath_pv 2>/dev/null)" ] && found+=("hostpath volumes in /tmp/hostpath_pv")
  if [ -f "$D/sysctl.orig" ]; then
    local line now
    while IFS= read -r line; do
      now=$(cat "/proc/sys/${line%%=*}")
      [ "$now" = "${line#*=}" ] || found+=("sysctl ${line%%=*} is $now, was ${line#*=}")
    done <"$D/sysctl.orig"
  fi
  if [ ${#found[@]} -eq 0 ]; then
    echo "leftovers: none"
    return 0
  fi
  printf 'leftover: %s\n' "${found[@]}"
  return 1
}

cmd_status() {
  [ -n "${1:-}" ] || { log "status needs a DIR"; exit 2; }
  D=$(cd "$1" && pwd)
  local f name
  for f in "$D"/*.pid; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .pid)
    if kill -0 "$(cat "$f")" 2>/dev/null; then echo "$name: running (pid $(cat "$f"))"; else echo "$name: not running"; fi
  done
  if [ -f "$D/env" ] && alive kube-apiserver; then
    eval "$(grep '^KUBE_BIN=' "$D/env")"
    kc get nodes -o wide || true
    kc get pods -A -o wide || true
    return 0
  fi
  cmd_leftovers "$D"
}

case "${1:-}" in
  build) cmd_build ;;
  up) cmd_up "${2:-}" ;;
  down) cmd_down "${2:-}" ;;
  leftovers) cmd_leftovers "${2:-}" ;;
  status) cmd_status "${2:-}" ;;
  *) echo "usage: $0 build|up DIR|down DIR|leftovers DIR|status DIR" >&2; exit 2 ;;
esac
