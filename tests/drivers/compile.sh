#!/usr/bin/env bash
# Compiles the Java and Go driver suites into BIN_DIR, once: again only when a source is newer.
#   compile.sh BIN_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
cache=${WEIR_DRIVERS_CACHE:-$HOME/.cache/weir-drivers}
mkdir -p "$bin"
[ -d "$cache/java-lib" ] || { echo "compile.sh: $cache/java-lib is missing; run scripts/setup-drivers.sh" >&2; exit 2; }

java_src="$here/java/src/main/java/weir/drivers/Suite.java"
class="$bin/java-classes/weir/drivers/Suite.class"
if [ ! -f "$class" ] || [ "$java_src" -nt "$class" ] || [ "$here/java/pom.xml" -nt "$class" ]; then
  echo "compile.sh: javac Suite.java"
  rm -rf "$bin/java-classes"
  javac -encoding UTF-8 -Xlint:all -Werror -cp "$cache/java-lib/*" -d "$bin/java-classes" "$java_src"
fi

go_bin="$bin/go-drivers"
if [ ! -x "$go_bin" ] || [ "$here/go/main.go" -nt "$go_bin" ] || [ "$here/go/go.sum" -nt "$go_bin" ]; then
  echo "compile.sh: go build"
  (cd "$here/go" && GOFLAGS=-mod=readonly go vet . && GOFLAGS=-mod=readonly go build -o "$go_bin" .)
fi
echo "compile.sh: up to date in $bin"
