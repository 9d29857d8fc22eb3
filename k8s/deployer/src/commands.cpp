// Command lines of the cluster operations. The values and connection flags are those of
// `weir deploy` (parse_deploy_command), so `weir teardown -f values.yaml` deletes exactly what
// `weir deploy -f values.yaml` applied.
#include "weir/deployer/commands.hpp"

#include <cstdio>
#include <string>
#include <vector>

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

// The words after the subcommand, with the flags of this command taken out (`own` say which: a
// flag alone, or a positional argument) and the rest parsed as `weir deploy` would.
struct Parsed {
  DeployCommand cmd;
  std::vector<std::string> positional;
  bool delete_pvcs = false;
};

Parsed parse(std::span<char*> args, bool takes_positional) {
  Parsed p;
  std::vector<std::string> rest;
  const std::vector<std::string> words(args.begin() + (args.empty() ? 0 : 1), args.end());
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto& w = words[i];
    if (w == "--k8s") continue;
    if (w == "--delete-pvcs") {
      p.delete_pvcs = true;
    } else if (takes_positional && !w.empty() && w[0] != '-') {
      p.positional.push_back(w);
    } else {
      rest.push_back(w);
      // A flag's value is never taken for a positional argument.
      const bool has_value = w == "-f" || w == "--values" || w == "--set" || w == "-n" || w == "--namespace" ||
                             w == "--kubeconfig" || w == "--context" || w == "-o" || w == "--output" ||
                             w == "--timeout";
      if (has_value && i + 1 < words.size()) rest.push_back(words[++i]);
    }
  }
  p.cmd = parse_deploy_command(rest);
  return p;
}

Result<Client> connect(const DeployCommand& cmd) {
  auto config = resolve_cluster_config(cmd.kubeconfig, cmd.context);
  if (!config) return config.error();
  return Client::create(*config);
}

// The namespace `weir deploy` would use with the same words (-n, else "default"), so that scale,
// status and teardown find what deploy applied.
std::string namespace_of(const DeployCommand& cmd) { return cmd.settings.namespace_name; }

}  // namespace

int deploy_main(std::span<char*> args) {
  const std::vector<std::string> words(args.begin() + (args.empty() ? 0 : 1), args.end());
  const DeployCommand cmd = parse_deploy_command(words);
  if (cmd.help) {
    std::fputs(deploy_usage().c_str(), stdout);
    return 0;
  }
  if (!cmd.error.empty()) {
    std::fprintf(stderr, "weir deploy: %s\n", cmd.error.c_str());
    return 2;
  }
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
  print_line("applying " + std::to_string(objects.size()) + " objects to " + client->config().server +
             " (namespace " + cmd.settings.namespace_name + ", field manager weir)");
  const auto report = apply_objects(objects, *client, print_line, cmd.apply);
  print_line(report.summary());
  return report.ok() ? 0 : 1;
}

bool wants_kubernetes(std::span<char*> args) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string w = args[i];
    if (w == "--kubeconfig" || w == "--context" || w == "-n" || w == "--namespace" || w == "--k8s") return true;
  }
  return false;
}

int scale_main(std::span<char*> args) {
  auto p = parse(args, true);
  int replicas = -1;
  if (p.positional.size() == 1) {
    try {
      replicas = std::stoi(p.positional[0]);
    } catch (...) {
      replicas = -1;
    }
  }
  if (!p.cmd.error.empty() || replicas < 0) {
    std::fprintf(stderr, "weir scale: %s\nusage: weir scale N --kubeconfig FILE|--context NAME|-n NS|--k8s "
                         "[-f values.yaml] [--set name=mysql]\n",
                 p.cmd.error.empty() ? "say how many database pods (0 or more)" : p.cmd.error.c_str());
    return 2;
  }
  auto client = connect(p.cmd);
  if (!client) {
    std::fprintf(stderr, "weir scale: %s\n", client.error().to_string().c_str());
    return 1;
  }
  const auto ns = namespace_of(p.cmd);
  auto done = scale_statefulset(*client, ns, p.cmd.settings.name, replicas);
  if (!done) {
    std::fprintf(stderr, "weir scale: %s\n", done.error().to_string().c_str());
    return 1;
  }
  std::printf("StatefulSet %s/%s scaled to %d (claims of removed pods are kept)\n", ns.c_str(),
              p.cmd.settings.name.c_str(), replicas);
  return 0;
}

int status_main(std::span<char*> args) {
  auto p = parse(args, false);
  if (!p.cmd.error.empty()) {
    std::fprintf(stderr, "weir status: %s\n", p.cmd.error.c_str());
    return 2;
  }
  auto client = connect(p.cmd);
  if (!client) {
    std::fprintf(stderr, "weir status: %s\n", client.error().to_string().c_str());
    return 1;
  }
  const auto ns = namespace_of(p.cmd);
  auto st = cluster_status(*client, ns, p.cmd.settings.name, p.cmd.settings.proxy_name);
  if (!st) {
    std::fprintf(stderr, "weir status: %s\n", st.error().to_string().c_str());
    return 1;
  }
  const auto text = format_status(*st);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return st->ready == st->desired ? 0 : 3;
}

int teardown_main(std::span<char*> args) {
  auto p = parse(args, false);
  if (p.cmd.help || !p.cmd.error.empty()) {
    std::fprintf(stderr, "%s%susage: weir teardown [--delete-pvcs] [--kubeconfig FILE] [--context NAME] [-n NS] "
                         "[-f values.yaml] [--set key=value]\n"
                         "Deletes the objects weir deploy applied with the same values; the database claims are "
                         "kept unless --delete-pvcs.\n",
                 p.cmd.error.empty() ? "" : "weir teardown: ", p.cmd.error.empty() ? "" : (p.cmd.error + "\n").c_str());
    return p.cmd.help ? 0 : 2;
  }
  auto client = connect(p.cmd);
  if (!client) {
    std::fprintf(stderr, "weir teardown: %s\n", client.error().to_string().c_str());
    return 1;
  }
  p.cmd.settings.namespace_name = namespace_of(p.cmd);
  p.cmd.settings.service_monitor = true;  // delete it too when an earlier deploy made one
  const auto objects = manifests::build_objects(p.cmd.settings);
  const auto report = teardown_objects(objects, *client, print_line, p.delete_pvcs);
  if (!report.ok()) {
    std::fprintf(stderr, "weir teardown: not everything was deleted; first failure: %s\n",
                 report.error->to_string().c_str());
    return 1;
  }
  return 0;
}

}  // namespace weir::deployer
