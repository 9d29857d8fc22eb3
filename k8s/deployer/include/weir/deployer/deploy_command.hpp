#pragma once
// The command line of `weir deploy` (also read by scale, status and teardown, which find the objects
// by the names the same values give): its option table and the settings a parsed line gives.
#include <string>
#include <vector>

#include "weir/cli/command.hpp"
#include "weir/deployer/deployer.hpp"
#include "weir/manifests/manifests.hpp"

namespace weir::deployer {

struct DeployCommand {
  manifests::DeploySettings settings;
  std::string kubeconfig;       // --kubeconfig (empty: $KUBECONFIG, ~/.kube/config, in-cluster)
  std::string context;          // --context (empty: the kubeconfig's current context)
  ApplyOptions apply;           // --no-wait or --wait=false clears wait; --timeout N[s|m] sets timeout
  bool dry_run = false;         // --dry-run: print the objects (not the API server's dry run, apply.dry_run)
  std::string output = "yaml";  // -o yaml|json (with --dry-run)
  std::string error;            // non-empty: what was wrong with the command line or the values
};

// The options that name a cluster and the objects in it: --k8s (with `with_k8s`), --kubeconfig,
// --context, -n/--namespace, -f/--values, --set.
std::vector<cli::Option> cluster_options(bool with_k8s);

// The settings of a parsed command line: --values FILE (repeatable, in order), --set key=value
// (repeatable, after the files, as Helm does), --namespace NS, --dry-run, --output yaml|json,
// --kubeconfig FILE, --context NAME, --no-wait / --wait[=true|false] (the last one wins),
// --timeout N[s|m]. Validates the resulting settings.
DeployCommand deploy_command_from(const cli::Arguments& args);

}  // namespace weir::deployer
