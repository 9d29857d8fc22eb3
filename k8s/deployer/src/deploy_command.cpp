// `weir deploy`'s command line: flags, then the values files, then the --set assignments.
#include "weir/deployer/deploy_command.hpp"

#include <chrono>
#include <fstream>
#include <sstream>

namespace weir::deployer {
namespace {

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

// --no-wait, --wait, --wait=true|false: the last one given wins.
std::string read_wait(const cli::Arguments& args, DeployCommand& cmd) {
  for (const auto& [name, value] : args.given()) {
    if (name == "no-wait") {
      cmd.apply.wait = false;
    } else if (name == "wait") {
      if (value != "" && value != "true" && value != "false")
        return "--wait must be true or false, got '" + value + "'";
      cmd.apply.wait = value != "false";
    }
  }
  return {};
}

std::string read_timeout(const std::string& text, DeployCommand& cmd) {
  std::string value = text;
  const int unit = !value.empty() && value.back() == 'm' ? 60 : 1;
  if (!value.empty() && (value.back() == 's' || value.back() == 'm')) value.pop_back();
  const bool digits = !value.empty() && value.size() < 7 && value.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoi(value) == 0) return "--timeout must be a positive number of seconds (30, 30s or 5m)";
  cmd.apply.timeout = std::chrono::seconds(std::stoi(value) * unit);
  return {};
}

}  // namespace

std::vector<cli::Option> cluster_options(bool with_k8s) {
  std::vector<cli::Option> options;
  if (with_k8s) {
    options.emplace_back("k8s", '\0', "",
                         "the default kubeconfig ($KUBECONFIG, ~/.kube/config) or the pod's service account");
  }
  options.emplace_back("kubeconfig", '\0', "FILE", "the cluster's kubeconfig",
                       "$KUBECONFIG, ~/.kube/config, in-cluster");
  options.emplace_back("context", '\0', "NAME", "a context of the kubeconfig", "its current context");
  options.emplace_back("namespace", 'n', "NS", "the namespace", "default");
  options.emplace_back("values", 'f', "FILE", "values in the chart's values.yaml format", "", true);
  options.emplace_back("set", '\0', "KEY=VALUE", "one value, after the files", "", true);
  return options;
}

DeployCommand deploy_command_from(const cli::Arguments& args) {
  DeployCommand cmd;
  cmd.dry_run = args.has("dry-run");
  cmd.output = args.get_or("output", "yaml");
  if (cmd.output != "yaml" && cmd.output != "json") {
    cmd.error = "-o must be yaml or json, got '" + cmd.output + "'";
    return cmd;
  }
  cmd.kubeconfig = args.get_or("kubeconfig", "");
  cmd.context = args.get_or("context", "");
  if (auto ns = args.get("namespace")) cmd.settings.namespace_name = *ns;
  if (cmd.error = read_wait(args, cmd); !cmd.error.empty()) return cmd;
  if (auto timeout = args.get("timeout")) {
    if (cmd.error = read_timeout(*timeout, cmd); !cmd.error.empty()) return cmd;
  }
  for (const auto& path : args.all("values")) {
    std::string text;
    if (!read_file(path, text)) {
      cmd.error = "cannot read values file " + path;
      return cmd;
    }
    if (auto error = manifests::apply_values_yaml(cmd.settings, text, path); !error.empty()) {
      cmd.error = error;
      return cmd;
    }
  }
  for (const auto& assignment : args.all("set")) {
    if (auto error = manifests::set_value(cmd.settings, assignment); !error.empty()) {
      cmd.error = error;
      return cmd;
    }
  }
  cmd.error = manifests::validate_settings(cmd.settings);
  return cmd;
}

}  // namespace weir::deployer
