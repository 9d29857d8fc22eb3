#!/usr/bin/env bash
# Installs the Kubernetes tools weir's chart tests need into <repo>/.tools (idempotent: a tool
# already there at the pinned version is kept). Helm is a Go module, built with the machine's Go
# from the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="$PWD/.tools"
mkdir -p "$tools"

HELM_VERSION=v3.22.0
# `go install` leaves helm's own version string at its minor ("v3.22"): a stamp file records the
# exact version that was built.
if [ -x "$tools/helm" ] && [ "$(cat "$tools/helm.version" 2>/dev/null)" = "$HELM_VERSION" ]; then
  echo "setup-k8s-tools: helm $HELM_VERSION already in $tools"
else
  command -v go >/dev/null 2>&1 || PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null 2>&1 || { echo "setup-k8s-tools: go is needed to build helm" >&2; exit 1; }
  echo "setup-k8s-tools: building helm $HELM_VERSION into $tools"
  GOBIN="$tools" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "$HELM_VERSION" >"$tools/helm.version"
fi
