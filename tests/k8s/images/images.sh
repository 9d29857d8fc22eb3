#!/usr/bin/env bash
# The container images the tests' Kubernetes cluster (tests/k8s/cluster/cluster.sh) runs weir with.
#
#   images.sh build            build both images (skipped when their inputs did not change); prints
#                              the archives, one per line
#   images.sh import TARGET    build if needed, then import both into a cluster's containerd;
#                              TARGET is the cluster's DIR (cluster.sh up DIR), its kubeconfig in
#                              that DIR, or a containerd socket
#
# Images, under the names weir's chart and `weir deploy` use by default:
#   weir:latest   (docker.io/library/weir:latest)    the project's Dockerfile, unmodified
#   mariadb:11.4  (docker.io/library/mariadb:11.4)   mariadb.Containerfile: Debian bookworm's
#                 mariadb-server, mariadb-backup and mariadb-client (10.11) with a minimal
#                 equivalent of the official image's entrypoint (mariadb-entrypoint.sh)
#
# No registry is reachable: both build on a local debian:bookworm-slim made with debootstrap (the
# recipe of tests/image/image_test.sh). buildah keeps layers (--layers); each image is also kept as
# a docker-archive in $WEIR_K8S_CACHE/images named after a hash of its inputs (for weir: every file
# of the build context that .dockerignore lets through), so an unchanged image is not rebuilt.
# The weir image compiles weir (about 7 minutes on 2 cores); WEIR_K8S_IMAGES_REUSE=1 takes the
# last weir archive built even when the sources changed since.
# Pods use them with imagePullPolicy IfNotPresent (the default of the chart) or Never.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
CACHE=${WEIR_K8S_CACHE:-$HOME/.cache/weir-k8s}
IMAGES=$CACHE/images
BASE=docker.io/library/debian:bookworm-slim
WEIR_IMAGE=docker.io/library/weir:latest
MARIADB_IMAGE=docker.io/library/mariadb:11.4

log() { echo "images.sh: $*" >&2; }

export BUILDAH_ISOLATION=chroot

# shellcheck source=../../image/debian_base.sh
. "$REPO/tests/image/debian_base.sh"
ensure_base() { ensure_debian_base || exit 1; }

weir_inputs_hash() {  # the files of the build context (.dockerignore: top-level folders and *.swp)
  (
    cd "$REPO"
    git ls-files -z --cached --others --exclude-standard |
      grep -zvE '^(\.git|build|\.tools|\.weir|tests|bench|charts|dashboards)(/|$)|\.swp$' |
      sort -z | xargs -0 sha256sum 2>/dev/null
  ) | sha256sum | cut -c1-16
}

mariadb_inputs_hash() {
  cat "$HERE/mariadb.Containerfile" "$HERE/mariadb-entrypoint.sh" | sha256sum | cut -c1-16
}

build_one() {  # name image containerfile context hash
  local name=$1 image=$2 file=$3 context=$4 hash=$5
  local archive=$IMAGES/$name-$hash.tar
  if [ -f "$archive" ]; then
    log "$image is up to date ($archive)"
    echo "$archive"
    return
  fi
  local older
  older=$(ls -t "$IMAGES/$name"-*.tar 2>/dev/null | head -n 1 || true)
  if [ "$name" = weir ] && [ "${WEIR_K8S_IMAGES_REUSE:-0}" = 1 ] && [ -n "$older" ]; then
    log "$image: inputs changed, but WEIR_K8S_IMAGES_REUSE=1: using $older"
    echo "$older"
    return
  fi
  ensure_base
  local t=$SECONDS
  buildah bud --pull=never --layers -t "$image" -f "$file" "$context" >"$IMAGES/$name.build.log" 2>&1 ||
    { tail -40 "$IMAGES/$name.build.log" >&2; log "building $image failed (log: $IMAGES/$name.build.log)"; exit 1; }
  local built=$((SECONDS - t))
  rm -f "$archive.tmp" "$IMAGES/$name"-*.tar
  buildah push --quiet "$image" "docker-archive:$archive.tmp:$image" >/dev/null
  mv "$archive.tmp" "$archive"
  log "built $image in $built s, saved in $((SECONDS - t - built)) s ($(du -m "$archive" | cut -f1) MB)"
  echo "$archive"
}

cmd_build() {
  for tool in buildah debootstrap git; do
    command -v "$tool" >/dev/null || { log "$tool is not installed (scripts/setup.sh)"; exit 1; }
  done
  mkdir -p "$IMAGES"
  exec 8>"$IMAGES/build.lock"
  flock 8
  build_one weir "$WEIR_IMAGE" "$REPO/Dockerfile" "$REPO" "$(weir_inputs_hash)"
  build_one mariadb "$MARIADB_IMAGE" "$HERE/mariadb.Containerfile" "$HERE" "$(mariadb_inputs_hash)"
}

cmd_import() {
  local target=${1:-} sock
  [ -n "$target" ] || { log "import needs a cluster DIR, its kubeconfig or a containerd socket"; exit 2; }
  if [ -S "$target" ]; then
    sock=$target
  else
    [ -f "$target" ] && target=$(dirname "$target")
    [ -f "$target/env" ] || { log "$target is not a cluster DIR (no env file)"; exit 1; }
    sock=$(sed -n 's/^CONTAINERD_SOCK=//p' "$target/env")
  fi
  [ -S "$sock" ] || { log "no containerd socket at $sock"; exit 1; }
  local archives archive t
  archives=$(cmd_build)
  for archive in $archives; do
    t=$SECONDS
    ctr -a "$sock" -n k8s.io images import "$archive" >/dev/null
    log "imported $(basename "$archive") in $((SECONDS - t)) s"
  done
  ctr -a "$sock" -n k8s.io images ls -q | grep -E '(weir|mariadb):' >&2 || true
}

case "${1:-}" in
  build) cmd_build ;;
  import) cmd_import "${2:-}" ;;
  *) echo "usage: $0 build | import CLUSTER-DIR|KUBECONFIG|CONTAINERD-SOCKET" >&2; exit 2 ;;
esac
