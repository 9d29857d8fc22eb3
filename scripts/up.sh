#!/usr/bin/env bash
# Sets up this machine, builds weir (release) and runs `weir up`: a primary and replicas on
# loopback with the proxy in front. Arguments are passed to `weir up`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/weir-ccache}
cmake --preset release >/dev/null
cmake --build --preset release --target weir
weir=build/release/app/weir
if "$weir" help | grep -q '^  up '; then
  exec "$weir" up "$@"
fi
echo
echo "weir is built at $weir. 'weir up' (the local topology) is not part of this build yet;"
echo "this is what the binary offers now:"
echo
"$weir" help
