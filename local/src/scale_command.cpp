// `weir scale N [--delete-data]`: asks the running `weir up` to add nodes (each cloned from its
// previous peer) or remove the highest ones (their data kept unless --delete-data), and waits.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "weir/cli/help.hpp"
#include "weir/cli/numbers.hpp"
#include "weir/local/commands.hpp"
#include "weir/local/running.hpp"

namespace weir::local {
namespace {

int scale_main(const cli::Invocation& inv) {
  const auto& a = inv.args;
  const auto replicas = cli::parse_int(a.positional().front(), 1, 99);
  if (!replicas) return cli::usage_error(inv, "say how many nodes (1-99), got '" + a.positional().front() + "'");
  const auto timeout_s = cli::parse_int(a.get_or("timeout", "900"), 1, 86400);
  if (!timeout_s) return cli::usage_error(inv, "--timeout must be a number of seconds (1-86400)");
  try {
    const Layout layout = layout_from_dir(a.get_or("dir", ".weir"));
    auto state = load_state(layout.state_file()).value_or(State{});
    if (!supervisor_running(state)) {
      std::fprintf(stderr, "weir scale: weir up is not running for %s; start it with weir up\n", layout.root().c_str());
      return 1;
    }
    const ScaleRequest request{static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()),
                               *replicas, a.has("delete-data")};
    write_file_atomically(layout.scale_request_file(), to_json(request));
    kill(state.supervisor_pid, SIGHUP);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      state = load_state(layout.state_file()).value_or(State{});
      if (state.handled_request == request.id) {
        if (!state.last_error.empty()) {
          std::fprintf(stderr, "weir scale: %s\n", state.last_error.c_str());
          return 1;
        }
        std::printf("weir scale: %d node(s) running\n", state.replicas);
        return 0;
      }
      if (!supervisor_running(state)) {
        std::fprintf(stderr, "weir scale: weir up stopped before finishing\n");
        return 1;
      }
    }
    std::fprintf(stderr, "weir scale: not finished after %d s; see the output of weir up\n", *timeout_s);
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weir scale: %s\n", e.what());
    return 1;
  }
}

}  // namespace

cli::Command scale_command() {
  cli::Command c;
  c.name = "scale";
  c.summary = "add or remove nodes of weir up (or with --kubeconfig/--context/-n/--k8s: the StatefulSet)";
  c.description =
      "Asks the running weir up to add nodes (each cloned from its previous peer, then replicating)\n"
      "or to stop the highest ones (their data is kept unless --delete-data), and waits for it.\n"
      "With a cluster option, scales the database StatefulSet of weir deploy instead (0 or more pods;\n"
      "the claims of removed pods are kept).";
  c.positionals = {{"N", "how many nodes (or database pods), the primary included"}};
  c.option_groups = {{"weir up (this machine)",
                      {{"dir", '\0', "DIR", "the directory of weir up", ".weir"},
                       {"delete-data", '\0', "", "delete the data of the nodes that stop"},
                       {"timeout", '\0', "S", "how long to wait for weir up to finish, in seconds", "900"}}}};
  c.run = scale_main;
  return c;
}

}  // namespace weir::local
