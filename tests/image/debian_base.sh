# Sourced by the container tests: the Debian base image, made once from Debian's packages with
# debootstrap (no registry is reachable) and kept in the local storage under the name the
# Dockerfile uses. Needs $work (a scratch directory) and fail().
debian_base=docker.io/library/debian:bookworm-slim

ensure_debian_base() {
  buildah inspect --type image "$debian_base" >/dev/null 2>&1 && return 0
  local mirror start c
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  start=$(date +%s)
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  c=$(buildah from scratch)
  buildah add "$c" "$work/rootfs" / >/dev/null
  buildah commit --quiet "$c" "$debian_base" >/dev/null
  buildah rm "$c" >/dev/null
  rm -rf "$work/rootfs"
  echo "base image $debian_base made in $(( $(date +%s) - start )) s"
}
