#!/usr/bin/env bash
# Smoke check of `weir deploy` on a real single-node cluster (cluster.sh): cluster up, images
# imported, `weir deploy --kubeconfig`, then waits for the database pods <name>-0..N-1 and the proxy
# pods to become Ready, and runs one query through the proxy's Service from a client pod.
#
#   smoke.sh WEIR-BINARY [DIR] [-- weir deploy options, e.g. --set replicas=2]
#
# DIR (default /tmp/weir-k8s-smoke) holds the cluster; the cluster is taken down at the end unless
# WEIR_SMOKE_KEEP=1. On failure everything useful is printed: pods, events, the logs of every
# container (init containers and the previous run included) and the describe of each pod that is
# not Ready. Timeout for the pods: WEIR_SMOKE_TIMEOUT seconds (default 600). WEIR_SMOKE_WORKAROUNDS
# (space separated, see below) patches around known product bugs after the deploy.
# Exit 0 when every pod is Ready and the query answered, 1 otherwise.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
weir=${1:?usage: smoke.sh WEIR-BINARY [DIR] [-- weir deploy options]}
shift
dir=/tmp/weir-k8s-smoke
if [ $# -gt 0 ] && [ "$1" != -- ]; then dir=$1; shift; fi
[ "${1:-}" = -- ] && shift
deploy_args=("$@")
weir=$(cd "$(dirname "$weir")" && pwd)/$(basename "$weir")
timeout=${WEIR_SMOKE_TIMEOUT:-600}

say() { echo "smoke: $*" >&2; }

finish() {
  local rc=$?
  if [ "${WEIR_SMOKE_KEEP:-0}" = 1 ]; then
    say "cluster kept running: $HERE/cluster.sh down $dir"
  else
    "$HERE/cluster.sh" down "$dir" >&2 || true
    "$HERE/cluster.sh" leftovers "$dir" >&2 || rc=1
  fi
  exit $rc
}

t0=$SECONDS
kubeconfig=$("$HERE/cluster.sh" up "$dir" | tail -n 1)
trap finish EXIT
say "cluster up in $((SECONDS - t0)) s"
t=$SECONDS
"$HERE/../images/images.sh" import "$dir" >&2
say "images ready in $((SECONDS - t)) s"
eval "$(grep '^KUBE_BIN=' "$dir/env")"
kc() { "$KUBE_BIN/kubectl" --kubeconfig "$kubeconfig" "$@"; }

# The objects weir deploy applies, for the names and counts.
objects=$("$weir" deploy --dry-run -o json "${deploy_args[@]}")
read -r name replicas proxy proxy_replicas < <(python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
sts = next(o for o in items if o["kind"] == "StatefulSet")
dep = next(o for o in items if o["kind"] == "Deployment")
print(sts["metadata"]["name"], sts["spec"]["replicas"], dep["metadata"]["name"], dep["spec"]["replicas"])
' <<<"$objects")
say "deploying StatefulSet $name ($replicas pods) and Deployment $proxy ($proxy_replicas pods)"

t=$SECONDS
deploy_rc=0
"$weir" deploy --kubeconfig "$kubeconfig" --wait=false "${deploy_args[@]}" >&2 || deploy_rc=$?
say "weir deploy exited $deploy_rc after $((SECONDS - t)) s"

# Workarounds of known product bugs, opt-in so that the plain run still shows them:
#   init-secrets  the `init` init container gets the Secret mounted (it is given the credential
#                 files' paths in its environment, and `weir pod init` fails to read them)
#   dns-discovery the proxy discovers the databases through DNS (with `discovery: kubernetes` it
#                 loads the users from, and reads the greeting of, 127.0.0.1:3306: itself)
for w in ${WEIR_SMOKE_WORKAROUNDS:-}; do
  case $w in
    init-secrets)
      kc patch statefulset "$name" --type=json -p '[{"op": "add", "path": "/spec/template/spec/initContainers/1/volumeMounts/-",
        "value": {"name": "secrets", "mountPath": "/etc/weir/secrets", "readOnly": true}}]' >&2
      kc delete pod "$name-0" --grace-period=0 --force --wait=false >/dev/null 2>&1 || true
      say "workaround $w applied"
      ;;
    dns-discovery)
      # The proxy's ConfigMap with `discovery: dns` instead of `kubernetes`, and a rollout that
      # fits a 2-CPU node (the default requests leave no room for the surge pod).
      kc get configmap "$proxy" -o 'jsonpath={.data.weir\.yaml}' | python3 -c '
import sys
text = sys.stdin.read()
head = text[:text.index("backends:")]
name = sys.argv[1]
print(head + "backends:\n  discovery: dns\n  dns:\n    primary: %s-0.%s:3306\n    replicas: %s\n    port: 3306" % (name, name, name))
' "$name" >"$dir/weir-dns.yaml"
      kc create configmap "$proxy" --from-file=weir.yaml="$dir/weir-dns.yaml" --dry-run=client -o yaml |
        kc apply --server-side --force-conflicts --field-manager=smoke -f - >&2
      kc patch deployment "$proxy" --type=merge \
        -p '{"spec": {"strategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}}}' >&2
      kc rollout restart deployment "$proxy" >&2
      say "workaround $w applied"
      ;;
    *) say "unknown workaround $w"; exit 2 ;;
  esac
done

ready_count() {  # label selector: number of Ready pods
  kc get pods -l "$1" -o 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null |
    grep -c '^True$' || true
}

ok=0
deadline=$((SECONDS + timeout))
last=""
while [ $SECONDS -lt $deadline ]; do
  db=$(ready_count "app.kubernetes.io/name=$name")
  px=$(ready_count "app.kubernetes.io/name=$proxy")
  now="database pods Ready $db/$replicas, proxy pods Ready $px/$proxy_replicas"
  [ "$now" != "$last" ] && say "$((SECONDS - t)) s: $now" && last=$now
  if [ "$db" -ge "$replicas" ] && [ "$px" -ge "$proxy_replicas" ]; then ok=1; break; fi
  sleep 5
done

query_ok=0
if [ $ok = 1 ] && ! kc rollout status deployment "$proxy" --timeout=180s >&2; then
  say "the proxy's rollout did not finish"
  ok=0
fi
if [ $ok = 1 ]; then
  say "all pods Ready $((SECONDS - t)) s after weir deploy"
  password=$(kc get secret "$name-credentials" -o 'jsonpath={.data.root-password}' | base64 -d)
  image=$(python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
sts = next(o for o in items if o["kind"] == "StatefulSet")
print(sts["spec"]["template"]["spec"]["containers"][0]["image"])' <<<"$objects")
  if kc run weir-smoke-client --rm -i --restart=Never --image="$image" --image-pull-policy=IfNotPresent \
      --env="MYSQL_PWD=$password" --command -- \
      mariadb -h "$proxy" -P 3306 -uroot -e 'SELECT @@hostname, @@read_only; CREATE DATABASE IF NOT EXISTS smoke' >&2; then
    query_ok=1
    say "query through Service $proxy answered"
  else
    say "query through Service $proxy failed"
  fi
fi

if [ $ok = 1 ] && [ $query_ok = 1 ]; then
  say "PASS ($((SECONDS - t0)) s in all)"
  exit 0
fi

say "FAIL: not every pod became Ready within $timeout s, or the query failed; the state:"
kc get pods,pvc,svc,endpointslices -o wide >&2 || true
kc get events --sort-by=.lastTimestamp >&2 || true
for pod in $(kc get pods -o 'jsonpath={.items[*].metadata.name}'); do
  ready=$(kc get pod "$pod" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')
  [ "$ready" = True ] && continue
  echo "===== describe pod $pod" >&2
  kc describe pod "$pod" >&2 || true
  for c in $(kc get pod "$pod" -o 'jsonpath={.spec.initContainers[*].name} {.spec.containers[*].name}'); do
    echo "===== logs $pod/$c" >&2
    kc logs "$pod" -c "$c" --tail=60 >&2 2>&1 || true
    if kc logs "$pod" -c "$c" --previous --tail=1 >/dev/null 2>&1; then
      echo "===== logs $pod/$c (previous run)" >&2
      kc logs "$pod" -c "$c" --previous --tail=60 >&2 || true
    fi
  done
done
exit 1
