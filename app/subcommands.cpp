#include "subcommands.hpp"

#include <array>

#include "runtime/proxy.hpp"
#include "weir/k8s/deploy.hpp"
#include "weir/local/commands.hpp"
#include "weir/pod/pod_main.hpp"

namespace weir::app {

std::span<const Subcommand> subcommands() {
  // Filled as the subsystems land: proxy, up/scale/status/down, deploy/teardown, pod.
  static constexpr std::array kTable{
      Subcommand{"proxy", "run the proxy: writes to the primary, reads to caught-up replicas",
                 weir::runtime::proxy_main},
      Subcommand{"up", "run a primary and replicas on this machine, cloned and replicating",
                 weir::local::up_main},
      Subcommand{"status", "show the nodes of weir up: role, server-id, port, ready, lag",
                 weir::local::status_main},
      Subcommand{"scale", "add or remove nodes of weir up (new ones are cloned from their peer)",
                 weir::local::scale_main},
      Subcommand{"down", "stop everything weir up started; the data is kept", weir::local::down_main},
      Subcommand{"pod", "the steps that run inside a database pod (init, clone, sidecar, ...)",
                 weir::pod::pod_main},
      Subcommand{"deploy", "deploy to Kubernetes (--dry-run -o yaml|json prints the objects)",
                 weir::k8s::deploy_main},
  };
  return kTable;
}

}  // namespace weir::app
