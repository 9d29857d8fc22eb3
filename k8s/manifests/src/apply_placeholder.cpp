// PLACEHOLDER for weir::k8s::apply_objects: the Kubernetes API client replaces this file with the
// real server-side apply (delete this file when it provides the function).
#include <cstdio>

#include "weir/k8s/deploy.hpp"

namespace weir::k8s {

int apply_objects(const std::vector<Object>& /*objects*/, const DeploySettings& /*settings*/,
                  const ApplyOptions& /*options*/) {
  std::fprintf(stderr,
               "weir deploy: applying needs the Kubernetes API client (not built yet); "
               "use --dry-run -o yaml to print the objects\n");
  return 1;
}

}  // namespace weir::k8s
