#!/usr/bin/env bash
# The Kubernetes tutorial "Run a Replicated Stateful Application", steps S1-S12, for real on the
# single-node cluster of tests/k8s/cluster, installed one of two ways:
#
#   walkthrough.sh deploy WEIR-BINARY [DIR]    with `weir deploy`, `weir scale`, `weir teardown`
#   walkthrough.sh helm   WEIR-BINARY [DIR]    with `helm install charts/weir`, `helm test`,
#                                              `kubectl scale`, `helm uninstall`
#
# DIR (default /tmp/weir-k8s-walk): the cluster's state. With WEIR_K8S_CLUSTER=DIR set, a cluster
# already running there is used and left running; otherwise one is brought up in DIR and taken
# down at the end (WEIR_WALK_KEEP=1 keeps it). Images: tests/k8s/images/images.sh import.
# Each step prints what it checked and how long it took; the figures are gathered at the end.
# On a failure: the pods, the events, the logs of every pod that is not Ready (init containers and
# previous runs included) and weir's /backends of each proxy pod. Exit 0 only if every step passed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
mode=${1:?usage: walkthrough.sh deploy|helm WEIR-BINARY [DIR]}
weir=${2:?usage: walkthrough.sh deploy|helm WEIR-BINARY [DIR]}
weir=$(cd "$(dirname "$weir")" && pwd)/$(basename "$weir")
dir=${WEIR_K8S_CLUSTER:-${3:-/tmp/weir-k8s-walk}}
case $mode in deploy | helm) ;; *) echo "mode must be deploy or helm" >&2; exit 2 ;; esac
ns=walk-$mode
name=mysql   # the StatefulSet, as the tutorial names it
proxy=weir
pod_timeout=${WEIR_WALK_POD_TIMEOUT:-600}
values=$HERE/small-node.yaml   # requests that fit five database pods on one node of 2 cores

t_start=$SECONDS
figures=()
say() { echo "walkthrough[$mode]: $*" >&2; }
figure() { figures+=("$1"); say "figure: $1"; }

own_cluster=0
prom_pid=""
finish() {
  local rc=$?
  [ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null || true
  if [ $rc -ne 0 ] && declare -F diagnose >/dev/null; then diagnose || true; fi
  if [ "$own_cluster" = 1 ] && [ "${WEIR_WALK_KEEP:-0}" != 1 ]; then
    "$REPO/tests/k8s/cluster/cluster.sh" down "$dir" >&2 || true
  elif [ $rc -eq 0 ]; then
    kc delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
  fi
  say "$([ $rc -eq 0 ] && echo PASS || echo FAIL) after $((SECONDS - t_start)) s"
  for f in "${figures[@]}"; do echo "figure[$mode]: $f"; done
  exit $rc
}
trap finish EXIT

fail() { say "FAILED: $*"; exit 1; }

# ------------------------------------------------------------------------------- cluster, images
if [ -n "${WEIR_K8S_CLUSTER:-}" ]; then
  kubeconfig=$dir/kubeconfig
  [ -f "$kubeconfig" ] || fail "WEIR_K8S_CLUSTER=$dir has no kubeconfig"
else
  t=$SECONDS
  own_cluster=1
  # Volumes: up to 5 claims for each of the two walk-throughs, kept (Retain) after teardown.
  kubeconfig=$(WEIR_K8S_LOCAL_PVS=${WEIR_K8S_LOCAL_PVS:-16} "$REPO/tests/k8s/cluster/cluster.sh" up "$dir" | tail -n 1)
  figure "cluster up: $((SECONDS - t)) s"
fi
eval "$(grep '^KUBE_BIN=' "$dir/env")"
kc() { "$KUBE_BIN/kubectl" --kubeconfig "$kubeconfig" -n "$ns" "$@"; }
t=$SECONDS
"$REPO/tests/k8s/images/images.sh" import "$dir" >&2
figure "images built/imported: $((SECONDS - t)) s"

diagnose() {
  say "state of namespace $ns:"
  kc get pods,pvc,svc,endpointslices -o wide >&2 || true
  kc get events --sort-by=.lastTimestamp 2>/dev/null | tail -n 40 >&2 || true
  local pod c
  for pod in $(kc get pods -o 'jsonpath={.items[*].metadata.name}' 2>/dev/null); do
    [ "$(kc get pod "$pod" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" = True ] && continue
    echo "===== describe pod $pod" >&2
    kc describe pod "$pod" 2>&1 | tail -n 40 >&2 || true
    for c in $(kc get pod "$pod" -o 'jsonpath={.spec.initContainers[*].name} {.spec.containers[*].name}'); do
      echo "===== logs $pod/$c" >&2
      kc logs "$pod" -c "$c" --tail=40 >&2 2>&1 || true
      kc logs "$pod" -c "$c" --previous --tail=40 >/dev/null 2>&1 &&
        { echo "===== logs $pod/$c (previous run)" >&2; kc logs "$pod" -c "$c" --previous --tail=40 >&2 || true; }
    done
  done
  for pod in $(kc get pods -l "app.kubernetes.io/name=$proxy" -o 'jsonpath={.items[*].metadata.name}' 2>/dev/null); do
    echo "===== /backends of $pod" >&2
    backends_of "$pod" >&2 || true
    echo >&2
    echo "===== logs $pod" >&2
    kc logs "$pod" --tail=40 >&2 || true
  done
}

# ------------------------------------------------------------------------------------ helpers
ready() { [ "$(kc get pod "$1" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; }
wait_until() {  # seconds description command...
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "$what: not within $limit s"
    sleep 1
  done
}
# SQL as root inside a database pod (the root password is the container's own variable).
sql() {  # pod statement
  kc exec "$1" -c mysql -- sh -c 'mariadb -uroot -p"$MARIADB_ROOT_PASSWORD" -N -B -e "$0"' "$2"
}
# SQL through the proxy's Service from the client pod; a fresh connection each time.
via_weir() {  # statement
  kc exec walk-client -- sh -c 'mariadb -h '"$proxy"' -uroot -p"$ROOT_PASSWORD" -N -B -e "$0"' "$1"
}
backends_of() {  # proxy pod -> weir's /backends JSON, asked inside the pod with the mounted admin token
  kc exec "$1" -c weir -- bash -c 'exec 3<>/dev/tcp/127.0.0.1/9033
    printf "GET /backends HTTP/1.0\r\nHost: weir\r\nAuthorization: Bearer %s\r\n\r\n" "$(cat /etc/weir/admin/token)" >&3
    cat <&3' | sed '1,/^\r$/d'
}
proxy_pods() { kc get pods -l "app.kubernetes.io/name=$proxy" -o 'jsonpath={.items[*].metadata.name}'; }
# "mysql-0:primary mysql-1:replica:usable ..." as every proxy pod sees it, one line per pod.
pools() {
  local pod
  for pod in $(proxy_pods); do
    backends_of "$pod" | python3 -c '
import json, sys
out = []
for b in json.load(sys.stdin):
    s = b["name"] + ":" + b["role"]
    if b["role"] == "replica":
        s += ":usable" if b.get("usable_for_reads") else ":unusable"
    out.append(s)
print(" ".join(out))'
  done
}
all_pools_are() {  # expected line
  local got
  got=$(pools 2>/dev/null) || return 1
  [ -n "$got" ] && [ "$(sort -u <<<"$got")" = "$1" ]
}
server_ids_of_reads() {  # n -> the distinct @@server_id of n reads through weir, space separated
  local i
  for i in $(seq "$1"); do via_weir "SELECT @@server_id"; done | sort -u | tr '\n' ' ' | sed 's/ $//'
}
ready_time() {  # pod -> the Ready condition's lastTransitionTime, in epoch seconds
  date -d "$(kc get pod "$1" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].lastTransitionTime}')" +%s
}
created_time() { date -d "$(kc get pod "$1" -o 'jsonpath={.metadata.creationTimestamp}')" +%s; }
init_seconds() {  # pod init-container -> how long it ran
  local started finished
  started=$(kc get pod "$1" -o "jsonpath={.status.initContainerStatuses[?(@.name==\"$2\")].state.terminated.startedAt}")
  finished=$(kc get pod "$1" -o "jsonpath={.status.initContainerStatuses[?(@.name==\"$2\")].state.terminated.finishedAt}")
  echo $(($(date -d "$finished" +%s) - $(date -d "$started" +%s)))
}

# ------------------------------------------------------------------------------------- S1-S3
say "S1-S3: install ($mode) in namespace $ns"
"$KUBE_BIN/kubectl" --kubeconfig "$kubeconfig" create namespace "$ns" >/dev/null
t=$SECONDS
if [ "$mode" = deploy ]; then
  "$weir" deploy -f "$values" --kubeconfig "$kubeconfig" -n "$ns" --timeout "${pod_timeout}s" >&2 || fail "weir deploy"
else
  helm=$REPO/.tools/helm
  [ -x "$helm" ] || fail "helm is not installed (scripts/setup-k8s-tools.sh)"
  "$helm" install weir "$REPO/charts/weir" -f "$values" --kubeconfig "$kubeconfig" -n "$ns" --wait \
    --timeout "${pod_timeout}s" >&2 || fail "helm install"
fi
for i in 0 1 2; do wait_until "$pod_timeout" "$name-$i Ready" ready "$name-$i"; done
figure "S1-S3 install until $name-0..2 Ready: $((SECONDS - t)) s"
for kind_name in configmap/$name service/$name service/$name-read statefulset/$name; do
  kc get "$kind_name" >/dev/null || fail "$kind_name missing"
done
[ "$(kc get service "$name" -o 'jsonpath={.spec.clusterIP}')" = None ] || fail "service $name is not headless"
# Ordered start: each pod was created only after the previous one was Ready.
for i in 1 2; do
  [ "$(created_time "$name-$i")" -ge "$(ready_time "$name-$((i - 1))")" ] ||
    fail "$name-$i was created before $name-$((i - 1)) was Ready"
done
for i in 0 1 2; do
  id=$(sql "$name-$i" "SELECT @@server_id")
  [ "$id" = $((100 + i)) ] || fail "$name-$i has server_id $id, not $((100 + i))"
  ro=$(sql "$name-$i" "SELECT @@read_only")
  [ "$ro" = "$([ $i = 0 ] && echo 0 || echo 1)" ] || fail "$name-$i has read_only=$ro"
done
say "S1-S3 ok: objects, ordered start, server_id 100+ordinal, read_only on replicas"

# ------------------------------------------------------------------------------------- S4-S5
for i in 1 2; do
  kc logs "$name-$i" -c clone | grep -q "$name-$((i - 1))" || fail "$name-$i's clone log does not name $name-$((i - 1))"
  figure "S4 clone of $name-$i from $name-$((i - 1)): $(init_seconds "$name-$i" clone) s"
  status=$(kc exec "$name-$i" -c mysql -- sh -c 'mariadb -uroot -p"$MARIADB_ROOT_PASSWORD" -e "SHOW SLAVE STATUS\G"')
  grep -q "Master_Host: $name-0.$name" <<<"$status" || fail "$name-$i does not replicate from $name-0.$name: $status"
done
sql "$name-0" "CREATE DATABASE IF NOT EXISTS walk; CREATE TABLE IF NOT EXISTS walk.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(32), server INT)"
sql "$name-0" "INSERT INTO walk.t (v) VALUES ('hello'), ('world')"
for i in 1 2; do
  has_rows() { [ "$(sql "$name-$1" "SELECT COUNT(*) FROM walk.t")" = 2 ]; }
  wait_until 60 "rows of the primary on $name-$i" has_rows "$i"
done
say "S4-S5 ok: replicas cloned from their previous peer, replicating from $name-0.$name, rows arrive"

# ------------------------------------------------------------------------------------------- S7
password=$(kc get secret "$name-credentials" -o 'jsonpath={.data.root-password}' | base64 -d)
image=$(kc get statefulset "$name" -o 'jsonpath={.spec.template.spec.containers[0].image}')
kc run walk-client --image="$image" --image-pull-policy=IfNotPresent --restart=Never \
  --env="ROOT_PASSWORD=$password" --command -- sleep 3600 >/dev/null
wait_until 120 "client pod Ready" ready walk-client
wait_until 120 "both proxy pods see the primary and two usable replicas" \
  all_pools_are "$name-0:primary $name-1:replica:usable $name-2:replica:usable"
via_weir "INSERT INTO walk.t (v, server) VALUES ('through weir', @@server_id)"
[ "$(sql "$name-0" "SELECT server FROM walk.t WHERE v = 'through weir'")" = 100 ] || fail "a write through weir did not run on $name-0"
ids=$(server_ids_of_reads 40)
[ "$ids" = "101 102" ] || fail "40 reads through weir came from server_id {$ids}, not {101 102}"
# Read-your-writes: in one session, each read sees the write just before it.
ryw=$(kc exec walk-client -- sh -c '
  { for i in $(seq 100); do echo "INSERT INTO walk.t (v) VALUES (\"ryw\"); SELECT COUNT(*) FROM walk.t WHERE v = \"ryw\";"; done; } |
  mariadb -h '"$proxy"' -uroot -p"$ROOT_PASSWORD" -N -B')
expected=$(seq 100)
[ "$ryw" = "$expected" ] || fail "read-your-writes: one session saw counts $(tr '\n' ' ' <<<"$ryw" | head -c 400)"
say "S7 ok: writes on $name-0, reads spread over 101 and 102, 100/100 read-your-writes through Service $proxy"

# ------------------------------------------------------------------------------------- S6, S8
for probe in livenessProbe readinessProbe; do
  cmd=$(kc get statefulset "$name" -o "jsonpath={.spec.template.spec.containers[0].$probe.exec.command}")
  grep -q '"pod","probe"' <<<"$cmd" || fail "$probe is not weir pod probe: $cmd"
done
t=$SECONDS
sql "$name-2" "STOP SLAVE"
not_ready() { ! ready "$1"; }
wait_until 60 "$name-2 unready after STOP SLAVE" not_ready "$name-2"
figure "S6 $name-2 unready after STOP SLAVE: $((SECONDS - t)) s"
wait_until 60 "$name-2 out of weir's read pool" all_pools_are "$name-0:primary $name-1:replica:usable"
figure "S8 $name-2 out of both proxies' pools after STOP SLAVE: $((SECONDS - t)) s"
ids=$(server_ids_of_reads 20)
[ "$ids" = 101 ] || fail "with $name-2 unready, reads came from {$ids}"
t=$SECONDS
sql "$name-2" "START SLAVE"
wait_until 60 "$name-2 Ready again" ready "$name-2"
wait_until 60 "$name-2 back in weir's read pool" \
  all_pools_are "$name-0:primary $name-1:replica:usable $name-2:replica:usable"
figure "S8 $name-2 back in both pools after START SLAVE: $((SECONDS - t)) s"
ids=$(server_ids_of_reads 40)
[ "$ids" = "101 102" ] || fail "after START SLAVE, reads came from {$ids}"
say "S6, S8 ok: probes are weir pod probe; a stopped replica leaves weir's pool and comes back"

# ------------------------------------------------------------------------------------------- S9
# A reader in the client pod, one connection per read, while mysql-2 is deleted.
kc exec walk-client -- sh -c 'rm -f /tmp/reads; end=$(( $(date +%s) + 600 ));
  while [ ! -f /tmp/stop ] && [ $(date +%s) -lt $end ]; do
    if mariadb -h '"$proxy"' -uroot -p"$ROOT_PASSWORD" -N -B -e "SELECT COUNT(*) FROM walk.t" >/dev/null 2>>/tmp/errors; then
      echo ok >>/tmp/reads; else echo FAIL >>/tmp/reads; fi
    sleep 0.1
  done' </dev/null &
reader=$!
sleep 3
t=$SECONDS
old_uid=$(kc get pod "$name-2" -o 'jsonpath={.metadata.uid}')
kc delete pod "$name-2" --wait=false >/dev/null
replaced() { [ "$(kc get pod "$name-2" -o 'jsonpath={.metadata.uid}' 2>/dev/null)" != "$old_uid" ]; }
wait_until 120 "$name-2 replaced" replaced
wait_until "$pod_timeout" "$name-2 Ready after the delete" ready "$name-2"
figure "S9 $name-2 Ready again after kubectl delete pod: $((SECONDS - t)) s"
wait_until 60 "$name-2 back in weir's pool" all_pools_are "$name-0:primary $name-1:replica:usable $name-2:replica:usable"
sleep 3
kc exec walk-client -- touch /tmp/stop
wait "$reader" || true
reads=$(kc exec walk-client -- cat /tmp/reads)
oks=$(grep -c '^ok$' <<<"$reads" || true)
fails=$(grep -c '^FAIL$' <<<"$reads" || true)
figure "S9 reads through weir during the pod delete: $oks ok, $fails failed"
[ "$fails" = 0 ] || fail "S9: $fails of $((oks + fails)) reads failed: $(kc exec walk-client -- tail -n 5 /tmp/errors)"
[ "$oks" -gt 0 ] || fail "S9: no read ran"
primary_count=$(sql "$name-0" "SELECT COUNT(*) FROM walk.t")
has_all() { [ "$(sql "$name-2" "SELECT COUNT(*) FROM walk.t")" = "$primary_count" ]; }
wait_until 60 "$name-2 holding every row after its restart" has_all
say "S9 ok: $name-2 came back with its data, 0 of $oks reads failed (a drain of the only node is not possible on one node)"

# ------------------------------------------------------------------------------------------ S10
kc exec walk-client -- sh -c 'rm -f /tmp/stop-writer; n=0;
  while [ ! -f /tmp/stop-writer ]; do
    mariadb -h '"$proxy"' -uroot -p"$ROOT_PASSWORD" -e "INSERT INTO walk.t (v) VALUES (\"during scale\")" && n=$((n+1));
    sleep 0.05
  done; echo $n >/tmp/written' </dev/null &
writer=$!
t=$SECONDS
if [ "$mode" = deploy ]; then
  "$weir" scale 5 -f "$values" --kubeconfig "$kubeconfig" -n "$ns" >&2 || fail "weir scale 5"
else
  kc scale statefulset "$name" --replicas=5 >/dev/null
fi
for i in 3 4; do wait_until "$pod_timeout" "$name-$i Ready" ready "$name-$i"; done
figure "S10 scale 3 -> 5 until $name-3 and $name-4 Ready: $((SECONDS - t)) s"
for i in 3 4; do figure "S10 clone of $name-$i: $(init_seconds "$name-$i" clone) s"; done
wait_until 120 "weir routes to the new replicas" all_pools_are \
  "$name-0:primary $name-1:replica:usable $name-2:replica:usable $name-3:replica:usable $name-4:replica:usable"
figure "S10 scale 3 -> 5 until both proxies use $name-3 and $name-4: $((SECONDS - t)) s"
kc exec walk-client -- touch /tmp/stop-writer
wait "$writer" || true
written=$(kc exec walk-client -- cat /tmp/written)
[ "$written" -gt 0 ] || fail "the writer wrote nothing during the scale"
checksum() { sql "$1" "CHECKSUM TABLE walk.t" | awk '{print $2}'; }
primary_sum=$(checksum "$name-0")
for i in 1 2 3 4; do
  same_sum() { [ "$(checksum "$name-$1")" = "$primary_sum" ]; }
  wait_until 60 "$name-$i's checksum equal to the primary's" same_sum "$i"
done
ids=$(server_ids_of_reads 80)
[ "$ids" = "101 102 103 104" ] || fail "after the scale, 80 reads came from {$ids}"
say "S10 ok: $name-3 and $name-4 cloned while $written rows were written, checksums equal, reads reach them"

# ------------------------------------------------------------------------------------------ S11
if [ "$mode" = deploy ]; then
  "$weir" scale 3 -f "$values" --kubeconfig "$kubeconfig" -n "$ns" >&2 || fail "weir scale 3"
else
  kc scale statefulset "$name" --replicas=3 >/dev/null
fi
pod_gone() { ! kc get pod "$1" >/dev/null 2>&1; }
for i in 3 4; do wait_until 120 "$name-$i gone" pod_gone "$name-$i"; done
wait_until 60 "weir's pool back to three" all_pools_are "$name-0:primary $name-1:replica:usable $name-2:replica:usable"
for i in 3 4; do kc get pvc "data-$name-$i" >/dev/null || fail "PVC data-$name-$i was not kept"; done
say "S11 ok: scaled to 3, PVCs of $name-3 and $name-4 kept"

# --------------------------------------------------------------------------------- Prometheus
# Debian's prometheus is built without Kubernetes service discovery: the server from its Go module
# (github.com/prometheus/prometheus tags 3.x releases as v0.3xx), built once into the cache.
prometheus_binary() {
  local version=v0.316.0
  local out=${WEIR_K8S_CACHE:-$HOME/.cache/weir-k8s}/prometheus-$version
  mkdir -p "$out"
  (
    flock 9
    if [ ! -x "$out/prometheus" ]; then
      local t=$SECONDS
      GOBIN=$out go install "github.com/prometheus/prometheus/cmd/prometheus@$version" >&2
      say "built Prometheus $version from its Go module in $((SECONDS - t)) s"
    fi
  ) 9>"$out.lock"
  echo "$out/prometheus"
}
if prometheus=$(prometheus_binary) && [ -x "$prometheus" ]; then
  work=$dir/walk-prometheus-$mode
  rm -rf "$work"; mkdir -p "$work/data"
  sed -n 's/^ *token: //p' "$kubeconfig" | head -n 1 >"$work/token"
  server=$(sed -n 's/^ *server: //p' "$kubeconfig" | head -n 1)
  # The proxies' admin token (generated Secret <proxy>-admin-token): /metrics needs it.
  kc get secret "$proxy-admin-token" -o 'jsonpath={.data.token}' | base64 -d >"$work/admin-token"
  cat >"$work/prometheus.yml" <<EOF
global: {scrape_interval: 2s}
scrape_configs:
  - job_name: weir-pods
    authorization: {credentials_file: $work/admin-token}
    kubernetes_sd_configs:
      - role: pod
        api_server: $server
        namespaces: {names: [$ns]}
        authorization: {credentials_file: $work/token}
        tls_config: {ca_file: $dir/pki/ca.crt}
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape], regex: "true", action: keep}
      - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path], regex: "(.+)", target_label: __metrics_path__}
      - {source_labels: [__meta_kubernetes_pod_ip, __meta_kubernetes_pod_annotation_prometheus_io_port], regex: "(.+);(.+)", replacement: "\$1:\$2", target_label: __address__}
      - {source_labels: [__meta_kubernetes_pod_name], target_label: pod}
EOF
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn >"$work/log" 2>&1 &
  prom_pid=$!
  series_per_pod() {
    curl -sS -G --data-urlencode 'query=count by (pod) (weir_build_info)' "http://127.0.0.1:$port/api/v1/query" |
      python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["result"]))' 2>/dev/null
  }
  proxy_count=$(wc -w <<<"$(proxy_pods)")
  every_proxy_scraped() { [ "$(series_per_pod)" = "$proxy_count" ]; }
  wait_until 90 "Prometheus (kubernetes_sd) scraping weir_ series from each of the $proxy_count proxy pods" every_proxy_scraped
  say "Prometheus ok: weir_build_info from each of the $proxy_count proxy pods, found through the API server"
  kill "$prom_pid"; wait "$prom_pid" 2>/dev/null || true; prom_pid=""
else
  fail "could not build Prometheus from its Go module"
fi

# ------------------------------------------------------------------------------------- helm test
if [ "$mode" = helm ]; then
  "$helm" test weir --kubeconfig "$kubeconfig" -n "$ns" --timeout 300s >&2 || fail "helm test"
  say "helm test ok"
fi

# ------------------------------------------------------------------------------------------ S12
kc delete pod walk-client --wait=false >/dev/null
if [ "$mode" = deploy ]; then
  "$weir" teardown --delete-pvcs -f "$values" --kubeconfig "$kubeconfig" -n "$ns" >&2 || fail "weir teardown --delete-pvcs"
else
  "$helm" uninstall weir --kubeconfig "$kubeconfig" -n "$ns" --wait >&2 || fail "helm uninstall"
  for i in 3 4; do kc get pvc "data-$name-$i" >/dev/null || fail "helm uninstall removed PVC data-$name-$i"; done
  "$weir" teardown --delete-pvcs -f "$values" --kubeconfig "$kubeconfig" -n "$ns" >&2 || fail "weir teardown --delete-pvcs after helm uninstall"
fi
leftover() {
  kc get all,configmaps,secrets,pvc,serviceaccounts,roles,rolebindings,poddisruptionbudgets -o name 2>/dev/null |
    grep -v -e '^configmap/kube-root-ca.crt$' -e '^serviceaccount/default$' -e '^pod/walk-client$' || true
}
nothing_left() { [ -z "$(leftover)" ]; }
wait_until 180 "nothing of weir's left in $ns (left: $(leftover | tr '\n' ' '))" nothing_left
say "S12 ok: nothing of weir's left in namespace $ns"
