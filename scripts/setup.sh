#!/usr/bin/env bash
# Installs every Debian package weir needs to build, test and run. Idempotent: safe to run again.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config clang libclang-rt-14-dev libfuzzer-14-dev
  # libraries weir links against
  libboost1.81-dev libboost-system1.81-dev libssl-dev libyaml-cpp-dev prometheus-cpp-dev libmariadb-dev liburing-dev
  nlohmann-json3-dev
  # test and benchmark frameworks
  libgtest-dev libgmock-dev libbenchmark-dev
  # servers and clients the tests start for real
  mariadb-server mariadb-client mariadb-backup sysbench haproxy ncat procps iproute2
  # the Prometheus server and promtool that check and scrape weir's /metrics in the tests
  prometheus
  # the wire recorder of the protocol tests (tests/tools/wire_recorder.py); test certificates
  python3 openssl
  # the container image test (ctest -L image): buildah builds the Dockerfile, podman runs it
  buildah podman runc debootstrap
  # the Debian package (--target package: dpkg-shlibdeps finds its dependencies) and the command
  # line test that renders the generated man page (groff, man, col)
  dpkg-dev groff-base man-db bsdextrautils
  # the single-node Kubernetes cluster of tests/k8s/cluster (containerd runs the pods)
  containerd containernetworking-plugins iptables
  # the status page test (ctest -L browser): headless Chromium driven through chromedriver
  chromium chromium-driver
  # the charts of bench/macro/compare.py --plot
  python3-matplotlib
)

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
else
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian mariadb-server package starts a system server on install; weir's tests start their own
# servers on free ports and never use it, so it is stopped to leave CPU and ports to the tests.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mariadb 2>/dev/null; then
  $SUDO systemctl stop mariadb || true
fi
# The same for the prometheus package's system server: the tests start their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
  $SUDO systemctl stop prometheus || true
fi
