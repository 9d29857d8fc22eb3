#!/usr/bin/env bash
# The cluster comes up and goes down twice in a row, leaving nothing behind each time (processes,
# mounts, links, iptables chains, CNI state: `cluster.sh leftovers`).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d /tmp/weir-k8s-twice.XXXXXX)
trap '"$HERE/cluster.sh" down "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
for round in 1 2; do
  t=$SECONDS
  "$HERE/cluster.sh" up "$dir" >/dev/null
  echo "round $round: up in $((SECONDS - t)) s"
  t=$SECONDS
  "$HERE/cluster.sh" down "$dir"
  echo "round $round: down in $((SECONDS - t)) s"
  "$HERE/cluster.sh" leftovers "$dir" || { echo "round $round: the cluster left something behind"; exit 1; }
done
echo "up and down twice, nothing left behind"
