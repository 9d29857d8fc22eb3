#!/usr/bin/env bash
# Sets up this machine (only the packages building and running weir need), builds weir (the `up`
# preset: release, no tests), installs it (as root in /usr/local, else in
# ~/.local: the binary, the man page, the bash completion, share/weir) and runs `weir up`: a
# primary and replicas on loopback with the proxy in front. Arguments are passed to `weir up`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --for up
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/weir-ccache}
cmake --preset up >/dev/null
cmake --build --preset up --target weir weir_docs
if [ "$(id -u)" -eq 0 ]; then prefix=/usr/local; else prefix=$HOME/.local; fi
cmake --install build/up --prefix "$prefix" >/dev/null
echo
echo "weir $("$prefix/bin/weir" version | cut -d' ' -f2) is installed in $prefix/bin (man weir; weir help)."
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "$prefix/bin is not on your PATH; for weir status, weir scale and weir down in a new shell, run:"
     echo "  export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
echo "In another shell, from $PWD: weir status, weir scale 5, weir down."
echo
exec "$prefix/bin/weir" up "$@"
