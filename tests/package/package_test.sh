#!/usr/bin/env bash
# Builds weir's Debian package (cmake --build BUILD --target package) and installs it into a clean
# Debian root (the debootstrap base of the image test, plus the package's dependencies and
# systemd, installed by apt in a test image), then, in a container without network:
#   dpkg -i; weir --version; the weir system user and the conffiles' modes; weir proxy --check
#   with /etc/weir/weir.yaml as the service's user; the man page and the bash completion;
#   systemd-analyze verify weir.service (systemd installed in that root); dpkg -r keeps the
#   (modified) conffiles, dpkg -P removes them.
# Usage: package_test.sh BUILD-DIR VERSION. Exit 77 (skipped) without buildah/podman/runc/debootstrap.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: package_test.sh BUILD-DIR VERSION}
version=${2:?usage: package_test.sh BUILD-DIR VERSION}
tag=localhost/weir-package-test:deps

for tool in buildah podman runc debootstrap dpkg-deb; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed (scripts/setup.sh installs it)"; exit 77; }
done

work=$(mktemp -d /tmp/weir-package-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
printf '[containers]\ndefault_ulimits = []\n' >"$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"
export BUILDAH_ISOLATION=chroot
fail() { echo "FAIL: $*"; exit 1; }

start=$(date +%s)
cmake --build "$build" --target package >"$work/package.log" 2>&1 || { tail -40 "$work/package.log"; fail "cpack"; }
deb=$build/packages/weir_${version}_amd64.deb
[ -f "$deb" ] || fail "no $deb after --target package: $(ls "$build/packages" 2>&1)"
echo "package built in $(( $(date +%s) - start )) s: $(basename "$deb"), $(stat -c %s "$deb") bytes"
dpkg-deb -I "$deb" | sed -n '/Package:/,$p'
dpkg-deb -c "$deb" | awk '{print $1, $6}'

# shellcheck source=../image/debian_base.sh
. "$repo/tests/image/debian_base.sh"
ensure_debian_base || fail "the Debian base image"

# The clean root with what the package depends on (first alternative, without versions), systemd
# (for systemd-analyze) and man-db (systemd-analyze verify checks Documentation=man:weir(1)).
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/ //g' | grep -v '^$' | sort -u | tr '\n' ' ')
mkdir "$work/context"
cat >"$work/context/Containerfile" <<CONTAINERFILE
FROM $debian_base
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    $deps systemd man-db >/dev/null && rm -rf /var/lib/apt/lists/*
CONTAINERFILE
start=$(date +%s)
buildah bud --pull=never --layers -t "$tag" "$work/context" >"$work/deps.log" 2>&1 || { tail -30 "$work/deps.log"; fail "test root"; }
echo "test root (base + $deps+ systemd man-db) ready in $(( $(date +%s) - start )) s"

cp "$deb" "$work/weir.deb"
cat >"$work/inside.sh" <<'INSIDE'
set -eu
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
dpkg -i /mnt/weir.deb || fail "dpkg -i"
ok "dpkg -i"
[ "$(weir --version)" = "weir $1" ] || fail "weir --version said '$(weir --version)'"
ok "weir --version: $(weir --version)"
getent passwd weir | grep -q ':/nonexistent:' || fail "no system user weir: $(getent passwd weir)"
ok "system user: $(getent passwd weir)"
[ "$(stat -c '%U:%G %a' /etc/weir/weir.yaml)" = "root:weir 640" ] || fail "weir.yaml: $(stat -c '%U:%G %a' /etc/weir/weir.yaml)"
[ "$(stat -c '%U:%G %a' /etc/weir/weir.env)" = "root:weir 640" ] || fail "weir.env: $(stat -c '%U:%G %a' /etc/weir/weir.env)"
ok "conffiles: $(cat /var/lib/dpkg/info/weir.conffiles | tr '\n' ' ')"
set -a; . /etc/weir/weir.env; set +a
runuser -u weir -- weir proxy --check --config /etc/weir/weir.yaml >/tmp/effective.yaml || fail "weir proxy --check as weir"
grep -q '^listen:' /tmp/effective.yaml || fail "weir proxy --check printed no configuration"
ok "weir proxy --check --config /etc/weir/weir.yaml (as user weir)"
zcat /usr/share/man/man1/weir.1.gz | grep -q '^\.SS "weir pod clone' || fail "man page"
bash -c '. /usr/share/bash-completion/completions/weir && complete -p weir' | grep -q _weir || fail "bash completion"
ok "man page and bash completion"
systemd-analyze verify /lib/systemd/system/weir.service || fail "systemd-analyze verify"
grep -qx 'ExecStart=/usr/bin/weir proxy --config /etc/weir/weir.yaml' /lib/systemd/system/weir.service || fail "ExecStart"
ok "systemd-analyze verify weir.service"
echo "# changed by the administrator" >>/etc/weir/weir.yaml
dpkg -r weir >/dev/null || fail "dpkg -r"
[ ! -e /usr/bin/weir ] || fail "dpkg -r left /usr/bin/weir"
tail -n 1 /etc/weir/weir.yaml | grep -q 'changed by the administrator' || fail "dpkg -r did not keep the changed weir.yaml"
dpkg -s weir | grep -q '^Status: deinstall ok config-files' || fail "status after dpkg -r: $(dpkg -s weir | grep Status)"
ok "dpkg -r: the binary is gone, the conffiles stay"
dpkg -P weir >/dev/null || fail "dpkg -P"
[ ! -e /etc/weir/weir.yaml ] && [ ! -e /etc/weir/weir.env ] || fail "dpkg -P left $(ls /etc/weir)"
[ ! -e /etc/weir ] || fail "dpkg -P left /etc/weir"
ok "dpkg -P: the conffiles are gone"
INSIDE
podman run --rm --pull=never --runtime runc --network none -v "$work:/mnt:ro" "$tag" \
  bash /mnt/inside.sh "$version" || fail "in the clean root"
echo "PASS"
