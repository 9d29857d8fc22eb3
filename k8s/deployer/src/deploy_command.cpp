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

}  // namespace

DeployCommand parse_deploy_command(const std::vector<std::string>& words) {
  DeployCommand cmd;
  std::vector<std::string> values_files;
  std::vector<std::string> assignments;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    auto next = [&](std::string& out) {
      if (i + 1 >= words.size()) {
        cmd.error = word + " needs a value";
        return false;
      }
      out = words[++i];
      return true;
    };
    std::string value;
    if (word == "--help" || word == "-h") {
      cmd.help = true;
    } else if (word == "--dry-run") {
      cmd.dry_run = true;
    } else if (word == "--no-wait" || word == "--wait=false") {
      cmd.apply.wait = false;
    } else if (word == "--wait" || word == "--wait=true") {
      cmd.apply.wait = true;
    } else if (word == "--timeout") {
      if (!next(value)) return cmd;
      const int unit = !value.empty() && value.back() == 'm' ? 60 : 1;
      if (!value.empty() && (value.back() == 's' || value.back() == 'm')) value.pop_back();
      const bool digits = !value.empty() && value.size() < 7 && value.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || std::stoi(value) == 0) {
        cmd.error = "--timeout must be a positive number of seconds (30, 30s or 5m)";
        return cmd;
      }
      cmd.apply.timeout = std::chrono::seconds(std::stoi(value) * unit);
    } else if (word == "-f" || word == "--values") {
      if (!next(value)) return cmd;
      values_files.push_back(value);
    } else if (word == "--set") {
      if (!next(value)) return cmd;
      assignments.push_back(value);
    } else if (word == "-n" || word == "--namespace") {
      if (!next(cmd.settings.namespace_name)) return cmd;
    } else if (word == "-o" || word == "--output") {
      if (!next(cmd.output)) return cmd;
      if (cmd.output != "yaml" && cmd.output != "json") {
        cmd.error = "-o must be yaml or json, got '" + cmd.output + "'";
        return cmd;
      }
    } else if (word == "--kubeconfig") {
      if (!next(cmd.kubeconfig)) return cmd;
    } else if (word == "--context") {
      if (!next(cmd.context)) return cmd;
    } else {
      cmd.error = "unknown option '" + word + "'";
      return cmd;
    }
  }
  for (const auto& path : values_files) {
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
  for (const auto& assignment : assignments) {
    if (auto error = manifests::set_value(cmd.settings, assignment); !error.empty()) {
      cmd.error = error;
      return cmd;
    }
  }
  cmd.error = manifests::validate_settings(cmd.settings);
  return cmd;
}

std::string deploy_usage() {
  std::string keys;
  for (const auto& key : manifests::values_keys()) keys += " " + key;
  return "usage: weir deploy [options]\n\n"
         "Builds the Kubernetes objects of a weir deployment (the same as the Helm chart charts/weir)\n"
         "and applies them, or prints them with --dry-run.\n\n"
         "options:\n"
         "  -f, --values FILE        values in the chart's values.yaml format (repeatable)\n"
         "  --set KEY=VALUE          one value, after the files (repeatable)\n"
         "  -n, --namespace NS       (default: default)\n"
         "  --dry-run                print the objects instead of applying them\n"
         "  -o, --output yaml|json   format of --dry-run (default yaml; json is a v1 List)\n"
         "  --kubeconfig FILE, --context NAME\n"
         "  --wait=false, --no-wait  apply only; do not wait for the pods to become ready\n"
         "  --timeout N[s|m]         how long to wait for the pods (default 600s)\n\n"
         "keys:" + keys + "\n";
}

}  // namespace weir::deployer
