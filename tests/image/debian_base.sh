# Sourced by the container tests and tools: the Debian base image, made once from Debian's
# packages with debootstrap (no registry is reachable) and kept in the local storage under the
# name the Dockerfile uses. Logs to stderr; returns 1 when debootstrap fails.
debian_base=docker.io/library/debian:bookworm-slim

ensure_debian_base() {
  buildah inspect --type image "$debian_base" >/dev/null 2>&1 && return 0
  local mirror dir start=$SECONDS c
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  dir=$(mktemp -d /tmp/weir-debian-base.XXXXXX)
  if ! debootstrap --variant=minbase bookworm "$dir/rootfs" "$mirror" >"$dir/debootstrap.log" 2>&1; then
    tail -20 "$dir/debootstrap.log" >&2
    rm -rf "$dir"
    echo "debootstrap of the Debian base failed" >&2
    return 1
  fi
  c=$(buildah from scratch)
  buildah add "$c" "$dir/rootfs" / >/dev/null
  buildah commit --quiet "$c" "$debian_base" >/dev/null
  buildah rm "$c" >/dev/null
  rm -rf "$dir"
  echo "base image $debian_base made in $((SECONDS - start)) s" >&2
}
