// `weir down`: stops everything by pid and keeps the data. The running `weir up` stops its own
// nodes in order; when it is gone (killed), its leftover processes are stopped from state.json.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "process/child.hpp"
#include "weir/local/commands.hpp"
#include "weir/local/running.hpp"

namespace weir::local {
namespace {

// Only pids that still run what we started: a reused pid is left alone.
int stop_leftovers(const State& state) {
  int stopped = 0;
  auto stop_if = [&](pid_t pid, const char* expect) {
    if (!process::pid_alive(pid) || process::pid_cmdline(pid).find(expect) == std::string::npos) return;
    process::stop_foreign(pid, std::chrono::seconds(60));
    ++stopped;
  };
  stop_if(state.proxy_pid, "weir");
  for (auto it = state.nodes.rbegin(); it != state.nodes.rend(); ++it) {
    stop_if(it->sidecar_pid, "weir");
    stop_if(it->server_pid, "mariadbd");
  }
  return stopped;
}

int down_main(const cli::Invocation& inv) {
  try {
    const Layout layout = layout_from_dir(inv.args.get_or("dir", ".weir"));
    auto state = load_state(layout.state_file()).value_or(State{});
    if (supervisor_running(state)) {
      const pid_t pid = state.supervisor_pid;
      kill(pid, SIGTERM);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
      while (process::pid_alive(pid) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (process::pid_alive(pid)) {
        std::fprintf(stderr, "weir down: weir up (pid %d) did not stop within 180 s\n", pid);
        return 1;
      }
      state = load_state(layout.state_file()).value_or(State{});
    }
    const int leftovers = stop_leftovers(state);
    if (leftovers > 0) std::printf("weir down: stopped %d leftover process(es) of an earlier run\n", leftovers);
    State stopped = state;
    stopped.supervisor_pid = 0;
    stopped.proxy_pid = 0;
    stopped.replicas = 0;
    stopped.desired = 0;
    stopped.nodes.clear();
    write_file_atomically(layout.state_file(), to_json(stopped));
    std::printf("weir down: stopped; data kept in %s\n", layout.root().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weir down: %s\n", e.what());
    return 1;
  }
}

}  // namespace

cli::Command down_command() {
  cli::Command c;
  c.name = "down";
  c.summary = "stop everything weir up started; the data is kept";
  c.description =
      "Stops the running weir up (which stops its nodes in order) or, when it is gone, the processes\n"
      "it left behind, by pid. The data stays in --dir; weir up reuses it.";
  c.option_groups = {{"options", {{"dir", '\0', "DIR", "the directory of weir up", ".weir"}}}};
  c.run = down_main;
  return c;
}

}  // namespace weir::local
