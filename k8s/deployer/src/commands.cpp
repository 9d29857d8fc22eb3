// Command lines of the cluster operations. The values and connection flags are those of
// `weir deploy` (deploy_command_from), so `weir teardown -f values.yaml` deletes exactly what
// `weir deploy -f values.yaml` applied.
#include "weir/deployer/commands.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "weir/cli/help.hpp"
#include "weir/cli/numbers.hpp"
#include "weir/deployer/deploy_command.hpp"
#include "weir/deployer/deployer.hpp"
#include "weir/deployer/kube.hpp"
#include "weir/manifests/manifests.hpp"

namespace weir::deployer {
namespace {

void print_line(const std::string& line) {
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

Result<Client> connect(const DeployCommand& cmd) {
  auto config = resolve_cluster_config(cmd.kubeconfig, cmd.context);
  if (!config) return config.error();
  return Client::create(*config);
}

// The namespace `weir deploy` would use with the same words (-n, else "default"), so that scale,
// status and teardown find what deploy applied.
std::string namespace_of(const DeployCommand& cmd) { return cmd.settings.namespace_name; }

// `weir scale` and `weir status` also hold the options of `weir up`: they mean nothing for a cluster.
std::string local_only_option(const cli::Arguments& args) {
  for (const char* name : {"dir", "delete-data"}) {
    if (args.has(name)) return std::string("--") + name + " is for weir up on this machine, not for a cluster";
  }
  return {};
}

int deploy_main(const cli::Invocation& inv) {
  const DeployCommand cmd = deploy_command_from(inv.args);
  if (!cmd.error.empty()) return cli::usage_error(inv, cmd.error);
  const std::vector<Object> objects = manifests::build_objects(cmd.settings);
  if (cmd.dry_run) {
    // The cluster is not asked: a Secret that exists there keeps its values, and the values
    // generated here would be used only by a real deploy, so neither is shown.
    const auto shown = manifests::with_generated_secrets_hidden(objects);
    const std::string text = cmd.output == "json" ? manifests::to_json(shown) : manifests::to_yaml(shown);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  auto client = connect(cmd);
  if (!client) {
    std::fprintf(stderr, "weir deploy: %s\n", client.error().to_string().c_str());
    return 1;
  }
  print_line("applying " + std::to_string(objects.size()) + " objects to " + client->config().server + " (namespace " +
             cmd.settings.namespace_name + ", field manager weir)");
  const auto report = apply_objects(objects, *client, print_line, cmd.apply);
  print_line(report.summary());
  return report.ok() ? 0 : 1;
}

int teardown_main(const cli::Invocation& inv) {
  DeployCommand cmd = deploy_command_from(inv.args);
  if (!cmd.error.empty()) return cli::usage_error(inv, cmd.error);
  auto client = connect(cmd);
  if (!client) {
    std::fprintf(stderr, "weir teardown: %s\n", client.error().to_string().c_str());
    return 1;
  }
  cmd.settings.namespace_name = namespace_of(cmd);
  cmd.settings.service_monitor = true;  // delete it too when an earlier deploy made one
  const auto objects = manifests::build_objects(cmd.settings);
  const auto report = teardown_objects(objects, *client, print_line, inv.args.has("delete-pvcs"));
  if (report.error) {
    std::fprintf(stderr, "weir teardown: not everything was deleted; first failure: %s\n",
                 report.error->to_string().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

cli::Command deploy_command() {
  std::string keys;
  for (const auto& key : manifests::values_keys()) keys += (keys.empty() ? "" : " ") + key;
  cli::Command c;
  c.name = "deploy";
  c.summary = "deploy to Kubernetes (--dry-run -o yaml|json prints the objects)";
  c.description =
      "Builds the Kubernetes objects of a weir deployment (the same as the Helm chart charts/weir)\n"
      "and applies them with server-side apply, then waits for the pods; or prints them with --dry-run.";
  std::vector<cli::Option> options = cluster_options(false);
  options.emplace_back("dry-run", '\0', "", "print the objects instead of applying them");
  options.emplace_back("output", 'o', "yaml|json", "format of --dry-run (json is a v1 List)", "yaml");
  options.emplace_back("wait", '\0', "true|false", "wait for the pods to become ready", "true", false, true);
  options.emplace_back("no-wait", '\0', "", "apply only; do not wait for the pods (as --wait=false)");
  options.emplace_back("timeout", '\0', "N[s|m]", "how long to wait for the pods", "600s");
  c.option_groups = {{"options", std::move(options)}};
  c.notes = "values keys (-f, --set): " + keys;
  c.run = deploy_main;
  return c;
}

cli::Command teardown_command() {
  cli::Command c;
  c.name = "teardown";
  c.summary = "delete what weir deploy applied (--delete-pvcs: the database claims too)";
  c.description =
      "Deletes the objects weir deploy applied with the same values; the database claims are kept\n"
      "unless --delete-pvcs.";
  std::vector<cli::Option> options{{"delete-pvcs", '\0', "", "delete the database pods' claims (their data) too"}};
  for (auto& option : cluster_options(true)) options.push_back(std::move(option));
  c.option_groups = {{"options", std::move(options)}};
  c.run = teardown_main;
  return c;
}

cli::OptionGroup cluster_option_group() { return {"a cluster (any of these selects it)", cluster_options(true)}; }

bool wants_kubernetes(const cli::Arguments& args) {
  for (const auto& option : cluster_options(true)) {
    if (args.has(option.name)) return true;
  }
  return false;
}

int scale_main(const cli::Invocation& inv) {
  if (auto error = local_only_option(inv.args); !error.empty()) return cli::usage_error(inv, error);
  const auto replicas = cli::parse_int(inv.args.positional().front(), 0, 1000000);
  if (!replicas) return cli::usage_error(inv, "say how many database pods (0 or more)");
  const DeployCommand cmd = deploy_command_from(inv.args);
  if (!cmd.error.empty()) return cli::usage_error(inv, cmd.error);
  auto client = connect(cmd);
  if (!client) {
    std::fprintf(stderr, "weir scale: %s\n", client.error().to_string().c_str());
    return 1;
  }
  const auto ns = namespace_of(cmd);
  auto done = scale_statefulset(*client, ns, cmd.settings.name, *replicas);
  if (!done) {
    std::fprintf(stderr, "weir scale: %s\n", done.error().to_string().c_str());
    return 1;
  }
  std::printf("StatefulSet %s/%s scaled to %d (claims of removed pods are kept)\n", ns.c_str(),
              cmd.settings.name.c_str(), *replicas);
  return 0;
}

int status_main(const cli::Invocation& inv) {
  if (auto error = local_only_option(inv.args); !error.empty()) return cli::usage_error(inv, error);
  const DeployCommand cmd = deploy_command_from(inv.args);
  if (!cmd.error.empty()) return cli::usage_error(inv, cmd.error);
  auto client = connect(cmd);
  if (!client) {
    std::fprintf(stderr, "weir status: %s\n", client.error().to_string().c_str());
    return 1;
  }
  const auto ns = namespace_of(cmd);
  auto st = cluster_status(*client, ns, cmd.settings.name, cmd.settings.proxy_name);
  if (!st) {
    std::fprintf(stderr, "weir status: %s\n", st.error().to_string().c_str());
    return 1;
  }
  const auto text = format_status(*st);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return st->ready == st->desired ? 0 : 3;
}

}  // namespace weir::deployer
