#include "subcommands.hpp"

#include <array>

#include "runtime/proxy.hpp"
#include "weir/deployer/commands.hpp"
#include "weir/local/commands.hpp"
#include "weir/pod/pod_main.hpp"

namespace weir::app {
namespace {

// scale and status serve both `weir up` and a cluster: a cluster when a Kubernetes flag is given.
int scale_main(std::span<char*> args) {
  return weir::deployer::wants_kubernetes(args) ? weir::deployer::scale_main(args) : weir::local::scale_main(args);
}
int status_main(std::span<char*> args) {
  return weir::deployer::wants_kubernetes(args) ? weir::deployer::status_main(args) : weir::local::status_main(args);
}

}  // namespace

std::span<const Subcommand> subcommands() {
  // Filled as the subsystems land: proxy, up/scale/status/down, deploy/teardown, pod.
  static constexpr std::array kTable{
      Subcommand{"proxy", "run the proxy: writes to the primary, reads to caught-up replicas",
                 weir::runtime::proxy_main},
      Subcommand{"up", "run a primary and replicas on this machine, cloned and replicating",
                 weir::local::up_main},
      Subcommand{"status", "show the nodes of weir up (or with --kubeconfig/--context/-n/--k8s: the cluster's pods)",
                 status_main},
      Subcommand{"scale", "add or remove nodes of weir up (or with --kubeconfig/--context/-n/--k8s: the StatefulSet)",
                 scale_main},
      Subcommand{"down", "stop everything weir up started; the data is kept", weir::local::down_main},
      Subcommand{"pod", "the steps that run inside a database pod (init, clone, sidecar, ...)",
                 weir::pod::pod_main},
      Subcommand{"deploy", "deploy to Kubernetes (--dry-run -o yaml|json prints the objects)",
                 weir::deployer::deploy_main},
      Subcommand{"teardown", "delete what weir deploy applied (--delete-pvcs: the database claims too)",
                 weir::deployer::teardown_main},
  };
  return kTable;
}

}  // namespace weir::app
