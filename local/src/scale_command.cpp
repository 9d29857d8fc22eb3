// `weir scale N [--delete-data]`: asks the running `weir up` to add nodes (each cloned from its
// previous peer) or remove the highest ones (their data kept unless --delete-data), and waits.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "weir/local/commands.hpp"
#include "weir/local/running.hpp"
#include "weir/pod/args.hpp"

namespace weir::local {

int scale_main(std::span<char*> args) {
  auto parsed = pod::parse_args({args.begin() + 1, args.end()}, {"dir", "timeout"}, {"delete-data"});
  const auto& a = parsed.args;
  const auto replicas = a.positional.size() == 1 ? pod::parse_int(a.positional.front(), 1, 99) : std::nullopt;
  const auto timeout_s = pod::parse_int(a.get_or("timeout", "900"), 1, 86400);
  if (!parsed.error.empty() || !replicas || !timeout_s) {
    std::fprintf(stderr, "weir scale: %s\nusage: weir scale N [--delete-data] [--dir DIR] [--timeout S]\n",
                 parsed.error.empty() ? "say how many nodes (1-99)" : parsed.error.c_str());
    return 2;
  }
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

}  // namespace weir::local
