#!/usr/bin/env bash
# Builds weir's image from the unmodified Dockerfile with buildah and runs it with podman
# (recipe: no Docker engine, no registry; a local Debian base tagged debian:bookworm-slim):
#   1. `weir --version` (and `weir deploy --dry-run`) in the image,
#   2. `weir pod init` in the image, writing into a mounted directory,
#   3. the StatefulSet's install-weir step (cp -R /opt/weir/bin /opt/weir/lib into a volume), then the copied bundle
#      run inside the bare Debian base, which has none of weir's libraries (as in a database image).
# Prints the build time. Exit 77 (skipped) when buildah/podman/runc/debootstrap are missing.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
tag=localhost/weir:image-test

for tool in buildah podman runc debootstrap; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed (scripts/setup.sh installs it)"; exit 77; }
done

work=$(mktemp -d /tmp/weir-image-test.XXXXXX)
cleanup() {
  podman rm -f "weir-image-test-$$" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
printf '[containers]\ndefault_ulimits = []\n' >"$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"
export BUILDAH_ISOLATION=chroot
# No network: nothing here needs one (and no CNI setup is assumed).
run() { podman run --rm --pull=never --runtime runc --network none "$@"; }
fail() { echo "FAIL: $*"; exit 1; }

# shellcheck source=debian_base.sh
. "$repo/tests/image/debian_base.sh"
ensure_debian_base || fail "the Debian base image"

start=$(date +%s)
buildah bud --pull=never --layers -t "$tag" -f "$repo/Dockerfile" "$repo" >"$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log"; fail "buildah bud"; }
echo "image built in $(( $(date +%s) - start )) s ($(podman image inspect "$tag" --format '{{.Size}}') bytes)"

# 1. weir --version through the entrypoint, as the unprivileged user.
version=$(run "$tag" --version)
echo "weir --version: $version"
[[ "$version" =~ ^weir\ [0-9]+\.[0-9]+\.[0-9]+ ]] || fail "unexpected version output '$version'"
[ "$(run --entrypoint id "$tag" -u)" = "10001" ] || fail "the image does not run as uid 10001"

# weir deploy --dry-run in the image renders the objects (a v1 List with the StatefulSet).
run "$tag" deploy --dry-run -o json >"$work/objects.json"
grep -q '"kind": "StatefulSet"' "$work/objects.json" || fail "weir deploy --dry-run -o json: $(head -c 400 "$work/objects.json")"

# 2. weir pod init for ordinal 1 of StatefulSet mysql, into a mounted conf dir.
mkdir -m 0777 "$work/conf"
run -v "$work/conf:/mnt/conf.d" --hostname mysql-1 "$tag" pod init --flavour mariadb --conf-dir /mnt/conf.d
grep -qx 'server-id=101' "$work/conf/server-id.cnf" || fail "server-id.cnf: $(cat "$work/conf/server-id.cnf" 2>&1)"
grep -qx 'read-only=1' "$work/conf/replica.cnf" || fail "replica.cnf: $(cat "$work/conf/replica.cnf" 2>&1)"
[ ! -e "$work/conf/primary.cnf" ] || fail "primary.cnf written for a replica"
echo "weir pod init: $(tr '\n' ' ' <"$work/conf/server-id.cnf")+ replica.cnf"

# 3. The bundle copied out as the StatefulSet's install-weir container does, then run elsewhere.
mkdir -m 0777 "$work/bundle"
run -v "$work/bundle:/mnt/weir" --entrypoint cp "$tag" -R /opt/weir/bin /opt/weir/lib /mnt/weir/
[ -x "$work/bundle/bin/weir" ] || fail "install-weir copied no binary"
elsewhere=$(run -v "$work/bundle:/opt/weir:ro" --entrypoint /opt/weir/bin/weir "$debian_base" --version)
[ "$elsewhere" = "$version" ] || fail "the copied bundle in the bare base image said '$elsewhere'"
mkdir -m 0777 "$work/conf0"
run -v "$work/bundle:/opt/weir:ro" -v "$work/conf0:/mnt/conf.d" --entrypoint /opt/weir/bin/weir "$debian_base" \
  pod init --ordinal 0 --flavour mysql --conf-dir /mnt/conf.d
grep -q '^gtid-mode=ON' "$work/conf0/primary.cnf" || fail "primary.cnf (mysql) from the copied bundle"
echo "install-weir bundle runs in the bare base image: $elsewhere"
echo "PASS"
