#!/usr/bin/env bash
# Installs the client libraries of tests/drivers/ (the driver compatibility tests, ctest label
# `drivers`) at the versions pinned there, from the package registries. Idempotent: safe to run again.
#   Python: PyMySQL, mysqlclient, mysql-connector-python in a venv ($WEIR_DRIVERS_CACHE/venv)
#   Java:   MariaDB Connector/J and MySQL Connector/J, copied to $WEIR_DRIVERS_CACHE/java-lib
#   Go:     github.com/go-sql-driver/mysql into the Go module cache (go.sum is committed)
#   Node:   mysql2, installed from package-lock.json into $WEIR_DRIVERS_CACHE/node
set -euo pipefail
cd "$(dirname "$0")/.."
src=tests/drivers
cache=${WEIR_DRIVERS_CACHE:-$HOME/.cache/weir-drivers}
mkdir -p "$cache"

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
# Debian packages, only for the tools this machine lacks.
missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jdk-headless)
command -v javac >/dev/null 2>&1 || missing+=(default-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v go >/dev/null 2>&1 || missing+=(golang-go)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
for p in libmariadb-dev pkg-config; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "setup-drivers: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A stamp per language: the pinned files' checksum, so an unchanged pin is not installed again.
stamp_ok() { [ -f "$cache/$1.stamp" ] && [ "$(cat "$cache/$1.stamp")" = "$2" ]; }
sum_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

# Python
sum=$(sum_of "$src/python/requirements.txt")
if stamp_ok python "$sum" && [ -x "$cache/venv/bin/python" ]; then
  echo "setup-drivers: python drivers already installed"
else
  echo "setup-drivers: installing the python drivers"
  if [ ! -x "$cache/venv/bin/python" ]; then
    python3 -m venv "$cache/venv" || {
      $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
      python3 -m venv "$cache/venv"; }
  fi
  "$cache/venv/bin/python" -m pip install -q --disable-pip-version-check -r "$src/python/requirements.txt"
  echo "$sum" > "$cache/python.stamp"
fi

# Java
sum=$(sum_of "$src/java/pom.xml")
if stamp_ok java "$sum" && [ -d "$cache/java-lib" ]; then
  echo "setup-drivers: java drivers already installed"
else
  echo "setup-drivers: installing the java drivers"
  rm -rf "$cache/java-lib"
  mvn -q -B -Dstyle.color=never -f "$src/java/pom.xml" dependency:copy-dependencies -DoutputDirectory="$cache/java-lib"
  echo "$sum" > "$cache/java.stamp"
fi

# Go
sum=$(sum_of "$src/go/go.mod" "$src/go/go.sum")
if stamp_ok go "$sum"; then
  echo "setup-drivers: go driver already installed"
else
  echo "setup-drivers: installing the go driver"
  (cd "$src/go" && go mod download && go mod verify >/dev/null)
  echo "$sum" > "$cache/go.stamp"
fi

# Node
sum=$(sum_of "$src/node/package.json" "$src/node/package-lock.json")
if stamp_ok node "$sum" && [ -d "$cache/node/node_modules/mysql2" ]; then
  echo "setup-drivers: node driver already installed"
else
  echo "setup-drivers: installing the node driver"
  mkdir -p "$cache/node"
  cp "$src/node/package.json" "$src/node/package-lock.json" "$cache/node/"
  (cd "$cache/node" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$sum" > "$cache/node.stamp"
fi
echo "setup-drivers: done ($cache)"
