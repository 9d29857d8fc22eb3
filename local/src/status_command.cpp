// `weir status`: the table of nodes (role, server-id, port, pid, ready, lag), asked live from
// each server. Exit 0 when every running node is ready, 1 otherwise.
#include <cstdio>
#include <filesystem>
#include <set>

#include "weir/local/commands.hpp"
#include "weir/local/context.hpp"
#include "weir/local/node_status.hpp"
#include "weir/local/running.hpp"

namespace weir::local {
namespace {

// Nodes that are not running but whose data is kept (scaled down, like PVCs left behind).
std::vector<NodeStatus> kept_nodes(const Layout& layout, const State& state) {
  std::set<int> running;
  for (const auto& n : state.nodes) running.insert(n.ordinal);
  std::vector<NodeStatus> out;
  for (int n = 0; n < 100; ++n) {
    if (running.contains(n) || !std::filesystem::exists(layout.data_dir(n))) continue;
    NodeStatus s;
    s.ordinal = n;
    s.role = "-";
    s.detail = "stopped, data kept in " + layout.node_dir(n).string();
    out.push_back(s);
  }
  return out;
}

int status_main(const cli::Invocation& inv) {
  try {
    const Layout layout = layout_from_dir(inv.args.get_or("dir", ".weir"));
    const State state = load_state(layout.state_file()).value_or(State{});
    const auto credentials = read_secrets(layout);
    const bool running = supervisor_running(state);
    std::printf("weir up %s (%s)\n",
                running ? ("running, pid " + std::to_string(state.supervisor_pid)).c_str() : "not running",
                layout.root().c_str());
    std::vector<NodeStatus> rows;
    if (running && state.desired != state.replicas) {
      std::printf("scaling: %d of %d node(s) up\n", state.replicas, state.desired);
    }
    bool all_ready = running && !state.nodes.empty() && state.desired == state.replicas;
    for (const auto& n : state.nodes) {
      rows.push_back(query_node_status(n, credentials));
      all_ready = all_ready && rows.back().ready;
    }
    for (auto& kept : kept_nodes(layout, state)) rows.push_back(kept);
    std::fputs(format_status_table(rows).c_str(), stdout);
    if (!state.last_error.empty()) std::printf("last scale failed: %s\n", state.last_error.c_str());
    if (running && state.proxy_pid > 0)
      std::printf("proxy: 127.0.0.1:%d (pid %d)\n", state.proxy_port, state.proxy_pid);
    return all_ready ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weir status: %s\n", e.what());
    return 1;
  }
}

}  // namespace

cli::Command status_command() {
  cli::Command c;
  c.name = "status";
  c.summary = "show the nodes of weir up (or with --kubeconfig/--context/-n/--k8s: the cluster's pods)";
  c.description =
      "Prints NODE ROLE SERVER-ID PORT PID READY LAG for every node of weir up, asked live from each\n"
      "server, and the nodes whose data is kept. Exit 0 when every node is ready, 1 otherwise.\n"
      "With a cluster option, prints the database pods, their roles, readiness and replica lag\n"
      "(exit 0 when all are ready, 3 otherwise).";
  c.option_groups = {{"weir up (this machine)", {{"dir", '\0', "DIR", "the directory of weir up", ".weir"}}}};
  c.run = status_main;
  return c;
}

}  // namespace weir::local
