#!/usr/bin/env bash
# Starts one driver suite with the runtime and libraries scripts/setup-drivers.sh installed.
#   suite.sh BIN_DIR python|java|go|node [DRIVER] [--only S1,S2] [--skip S1,S2] CONNECTION_ARGS...
# BIN_DIR holds what compile.sh built (the Java classes and the Go program).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$1; lang=$2; shift 2
cache=${WEIR_DRIVERS_CACHE:-$HOME/.cache/weir-drivers}
need() { [ -e "$1" ] || { echo "suite.sh: $1 is missing; run scripts/setup-drivers.sh (and the drivers_compile test)" >&2; exit 2; }; }
case "$lang" in
  python) need "$cache/venv/bin/python"; exec "$cache/venv/bin/python" "$here/python/suite.py" "$@" ;;
  java) need "$bin/java-classes/weir/drivers/Suite.class"; need "$cache/java-lib"
        exec java -cp "$bin/java-classes:$cache/java-lib/*" weir.drivers.Suite "$@" ;;
  go) need "$bin/go-drivers"; exec "$bin/go-drivers" "$@" ;;
  node) need "$cache/node/node_modules/mysql2"
        NODE_PATH="$cache/node/node_modules" exec node "$here/node/suite.js" "$@" ;;
  *) echo "suite.sh: unknown language $lang" >&2; exit 2 ;;
esac
