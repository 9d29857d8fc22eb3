#pragma once
// A child process owned by its handle: started with fork/exec, waited for, and stopped (SIGTERM,
// then SIGKILL after a grace period) by pid when the handle goes away, so no path leaves it
// running or unreaped. Plus the calls on pids weir did not start itself (from a state file).
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace weir::process {

struct SpawnOptions {
  int stdin_fd = -1;  // -1: inherit
  int stdout_fd = -1;
  int stderr_fd = -1;
  std::string working_dir;             // empty: inherit
  bool own_process_group = false;      // keep the terminal's Ctrl+C away from the child
  bool die_with_parent = false;        // SIGKILL when the parent dies (PR_SET_PDEATHSIG)
  std::vector<std::string> extra_env;  // "NAME=value" added to the environment
};

// Exit statuses: the exit code, 128 + the signal number when killed by a signal, -1 when unknown
// (the pid was not, or is no longer, a child of this process).
class Child {
 public:
  // Starts argv[0] (searched in PATH when it has no '/'). Throws std::runtime_error when it cannot
  // be started, e.g. "cannot run 'mbstream': No such file or directory".
  [[nodiscard]] static Child spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

  Child() = default;
  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;  // stops the child it held
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();  // terminate(kStopGrace)

  static constexpr std::chrono::seconds kStopGrace{30};

  pid_t pid() const { return pid_; }  // -1 when empty
  // True while the child has not exited (reaps it when it has).
  bool running();
  // Its exit status once reaped.
  std::optional<int> exit_code() const { return exit_code_; }
  // Waits up to `timeout`: the exit status, or nullopt while it still runs.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);
  // Blocks until the child ends: its exit status.
  int wait();
  // SIGTERM, up to `grace` to exit, then SIGKILL; always reaps. The exit status. Idempotent.
  int terminate(std::chrono::milliseconds grace = kStopGrace);
  // Gives the pid up without stopping it: the caller now answers for it.
  pid_t release();

 private:
  explicit Child(pid_t pid) : pid_(pid) {}
  bool reap(int flags);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// spawn + wait.
[[nodiscard]] int run(const std::vector<std::string>& argv, const SpawnOptions& options = {});

// For pids that are not our children (from a state file): alive (a zombie is not), and its command
// line (arguments joined by spaces; empty when gone).
bool pid_alive(pid_t pid);
std::string pid_cmdline(pid_t pid);
// SIGTERM, up to `grace` for the pid to vanish, then SIGKILL. True when it is gone.
bool stop_foreign(pid_t pid, std::chrono::milliseconds grace);

// The running executable (/proc/self/exe).
std::string self_executable();
// Searches PATH and the sbin directories; empty when not found.
std::string find_program(const std::string& name);

}  // namespace weir::process
