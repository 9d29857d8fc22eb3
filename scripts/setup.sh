#!/usr/bin/env bash
# Installs the Debian packages weir needs. Idempotent: safe to run again.
#   bash scripts/setup.sh            everything to build weir, run it and run every test
#   bash scripts/setup.sh --for up   only what building weir and running `weir up` need (scripts/up.sh)
set -euo pipefail

# Building weir and running `weir up`: the compiler, the libraries weir links against, and the
# servers the local topology runs.
run_packages=(
  g++ cmake ninja-build ccache pkg-config
  # patch: the io_uring build's corrections of Boost 1.81 (cmake/io_uring.cmake)
  patch
  libboost1.81-dev libboost-system1.81-dev libssl-dev libyaml-cpp-dev prometheus-cpp-dev libmariadb-dev liburing-dev
  nlohmann-json3-dev
  mariadb-server mariadb-client mariadb-backup procps
  # `man weir`
  man-db
)
packages=(
  "${run_packages[@]}"
  # the fuzz build (clang + libFuzzer)
  clang libclang-rt-14-dev libfuzzer-14-dev
  # the tree's format and static checks (scripts/format.sh, scripts/tidy.py)
  clang-format-15 clang-tidy-15
  # test and benchmark frameworks
  libgtest-dev libgmock-dev libbenchmark-dev
  # servers and clients the tests start for real
  sysbench haproxy ncat iproute2
  # the Prometheus server and promtool that check and scrape weir's /metrics in the tests
  prometheus
  # the wire recorder of the protocol tests (tests/tools/wire_recorder.py); test certificates
  python3 openssl
  # the container image test (ctest -L image): buildah builds the Dockerfile, podman runs it
  buildah podman runc debootstrap
  # the Debian package (--target package: dpkg-shlibdeps finds its dependencies) and the command
  # line test that renders the generated man page (groff, man, col)
  dpkg-dev groff-base bsdextrautils
  # the single-node Kubernetes cluster of tests/k8s/cluster (containerd runs the pods)
  containerd containernetworking-plugins iptables
  # the status page test (ctest -L browser): headless Chromium driven through chromedriver
  chromium chromium-driver
  # the charts of bench/macro/compare.py --plot; system calls (strace) and instructions per
  # statement (valgrind's callgrind: bench/macro/instructions.py)
  python3-matplotlib strace valgrind
)

case "${1:-}" in
  "") ;;
  --for)
    [ "${2:-}" = up ] || { echo "setup: --for takes 'up' (got '${2:-}')" >&2; exit 2; }
    packages=("${run_packages[@]}") ;;
  *) echo "usage: bash scripts/setup.sh [--for up]" >&2; exit 2 ;;
esac

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
