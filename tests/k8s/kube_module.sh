# Sourced by tests/k8s/apiserver/apiserver.sh and tests/k8s/cluster/cluster.sh: how a module of our
# own builds components of k8s.io/kubernetes. `go install` of them is refused (its go.mod points
# the k8s.io/* staging modules at local paths), so the module requires k8s.io/kubernetes and
# replaces each staging module with the matching published release.
# Needs KUBE_VERSION, STAGING_VERSION and log() from the sourcing script.

# In the current directory (the module's source, its main packages written): go.mod and go.sum
# made once; a go.sum present means done.
kube_module_init() {  # module-name
  [ -f go.sum ] && return 0
  rm -f go.mod
  go mod init "$1" >/dev/null 2>&1
  go mod edit -require=k8s.io/kubernetes@$KUBE_VERSION
  local gomod m
  gomod=$(go mod download -json k8s.io/kubernetes@$KUBE_VERSION | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -f "$gomod" ] || { log "no go.mod for k8s.io/kubernetes@$KUBE_VERSION"; exit 1; }
  for m in $(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod"); do
    go mod edit "-replace=$m=$m@$STAGING_VERSION"
  done
  go mod tidy
}

# -ldflags that set the version (kubectl refuses a server whose version it cannot parse).
kube_ldflags() {
  echo "-X k8s.io/component-base/version.gitVersion=$KUBE_VERSION" \
    "-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=35" \
    "-X k8s.io/client-go/pkg/version.gitVersion=$KUBE_VERSION"
}
