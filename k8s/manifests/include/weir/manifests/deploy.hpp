#pragma once
// `weir deploy`: builds the objects from values and flags; prints them (--dry-run) or applies them
// through apply_objects().
#include <span>
#include <string>
#include <vector>

#include "weir/manifests/manifests.hpp"

namespace weir::manifests {

// What `weir deploy` passes on to the applier besides the objects.
struct ApplyOptions {
  std::string kubeconfig;  // --kubeconfig (empty: $KUBECONFIG, ~/.kube/config, in-cluster)
  std::string context;     // --context (empty: the kubeconfig's current context)
  bool wait = true;        // --no-wait or --wait=false clears it: do not wait for the pods to become ready
  int timeout_seconds = 600;  // --timeout N[s|m]: how long to wait for the pods
};

struct DeployCommand {
  DeploySettings settings;
  ApplyOptions apply;
  bool dry_run = false;
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

int deploy_main(std::span<char*> args);  // args[0] is "deploy"

// Applies the objects to the cluster (server-side apply, create-only objects created only when
// missing) and returns the process exit status. Defined by the Kubernetes API client
// (k8s/deployer, library weir_deployer).
int apply_objects(const std::vector<Object>& objects, const DeploySettings& settings, const ApplyOptions& options);

}  // namespace weir::manifests
