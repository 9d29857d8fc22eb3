#pragma once
// The command line of `weir deploy` (also read by scale, status and teardown, which find the objects
// by the names the same values give).
#include <string>
#include <vector>

#include "weir/deployer/deployer.hpp"
#include "weir/manifests/manifests.hpp"

namespace weir::deployer {

struct DeployCommand {
  manifests::DeploySettings settings;
  std::string kubeconfig;  // --kubeconfig (empty: $KUBECONFIG, ~/.kube/config, in-cluster)
  std::string context;     // --context (empty: the kubeconfig's current context)
  ApplyOptions apply;      // --no-wait or --wait=false clears wait; --timeout N[s|m] sets timeout
  bool dry_run = false;    // --dry-run: print the objects (not the API server's dry run, apply.dry_run)
  std::string output = "yaml";  // -o yaml|json (with --dry-run)
  bool help = false;
  std::string error;  // non-empty: what was wrong with the command line or the values
};

// Parses the words after `weir deploy`: --values FILE (repeatable, in order), --set key=value
// (repeatable, after the files, as Helm does), --namespace/-n NS, --dry-run, -o/--output yaml|json,
// --kubeconfig FILE, --context NAME, --no-wait / --wait=true|false, --timeout N[s|m]. Validates the
// resulting settings.
DeployCommand parse_deploy_command(const std::vector<std::string>& words);

std::string deploy_usage();

}  // namespace weir::deployer
