#include "subcommands.hpp"

#include <cstdio>

#include "runtime/proxy.hpp"
#include "weir/cli/dispatch.hpp"
#include "weir/cli/help.hpp"
#include "weir/deployer/commands.hpp"
#include "weir/local/commands.hpp"
#include "weir/pod/pod_main.hpp"
#include "weir/version.hpp"

namespace weir::app {
namespace {

int print_version() {
  std::printf("weir %s\n", weir::kVersion);
  return 0;
}

// scale and status serve both `weir up` and a cluster: a cluster when a cluster option is given.
cli::Command on_machine_or_cluster(cli::Command local, int (*cluster_main)(const cli::Invocation&)) {
  local.option_groups.push_back(deployer::cluster_option_group());
  local.run = [cluster_main, local_main = local.run](const cli::Invocation& inv) {
    return deployer::wants_kubernetes(inv.args) ? cluster_main(inv) : local_main(inv);
  };
  return local;
}

cli::Command version_command() {
  cli::Command c;
  c.name = "version";
  c.summary = "print the version (also --version)";
  c.description = "Prints 'weir <version>'.";
  c.run = [](const cli::Invocation&) { return print_version(); };
  return c;
}

cli::Command make_root() {
  cli::Command root;
  root.name = "weir";
  root.version = weir::kVersion;
  root.summary = "a replication-aware MySQL/MariaDB proxy and the topology it fronts";
  root.description = std::string("weir ") + weir::kVersion +
                     ": a replication-aware MySQL/MariaDB proxy and the topology it fronts.\n"
                     "Applications connect to weir as to one server; writes go to the primary, reads to the\n"
                     "replicas that are healthy and caught up. weir also runs that topology (a primary and\n"
                     "replicas, each cloned from its previous peer) on this machine (weir up) or on\n"
                     "Kubernetes (weir deploy).";
  root.option_groups = {{"options", {{"version", '\0', "", "print the version and exit"}}}};
  root.subcommands = {
      runtime::proxy_command(),
      local::up_command(),
      on_machine_or_cluster(local::status_command(), deployer::status_main),
      on_machine_or_cluster(local::scale_command(), deployer::scale_main),
      local::down_command(),
      pod::pod_command(),
      deployer::deploy_command(),
      deployer::teardown_command(),
      cli::help_command(),
      version_command(),
      cli::completion_command(),
  };
  root.notes =
      "files: /etc/weir/weir.yaml (the configuration of the weir service, when installed from the\n"
      "Debian package); ./.weir (what weir up runs: data, logs, state, generated passwords).";
  root.run = [](const cli::Invocation& inv) {
    if (inv.args.has("version")) return print_version();
    return cli::usage_error(inv, "say which command");
  };
  return root;
}

}  // namespace

const cli::Command& root_command() {
  static const cli::Command root = make_root();
  return root;
}

}  // namespace weir::app
