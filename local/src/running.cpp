#include "weir/local/running.hpp"

#include <filesystem>
#include <stdexcept>

#include "process/child.hpp"

namespace weir::local {

Layout layout_from_dir(const std::string& dir) {
  const std::filesystem::path path(dir);
  if (!std::filesystem::exists(path / "state.json")) {
    throw std::runtime_error("no topology in " + path.string() + " (no state.json); start one with weir up");
  }
  return Layout(std::filesystem::canonical(path));
}

bool supervisor_running(const State& state) {
  return process::pid_alive(state.supervisor_pid) &&
         process::pid_cmdline(state.supervisor_pid).find("weir") != std::string::npos;
}

}  // namespace weir::local
