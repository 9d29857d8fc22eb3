#pragma once
// Child processes with plain POSIX: spawn with chosen stdin/stdout/stderr, wait, stop by pid.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace weir::pod {

struct SpawnOptions {
  int stdin_fd = -1;   // -1: inherit
  int stdout_fd = -1;
  int stderr_fd = -1;
  bool own_process_group = false;  // keep the terminal's Ctrl+C away from the child
  std::vector<std::string> extra_env;  // "NAME=value" added to the environment
};

// Starts argv[0] (searched in PATH). Throws std::runtime_error when it cannot be executed
// (e.g. "cannot run 'mbstream': No such file or directory").
pid_t spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

// Blocks until the child ends: its exit status, or 128 + signal number.
int wait_exit(pid_t pid);
// The exit status if the child has ended, without blocking.
std::optional<int> try_wait(pid_t pid);
// spawn + wait_exit.
int run(const std::vector<std::string>& argv, const SpawnOptions& options = {});

// SIGTERM, then SIGKILL after `grace`; reaps the child when it is ours. Returns its status.
int stop_child(pid_t pid, std::chrono::milliseconds grace);

// For pids that are not our children (from a state file): alive, and its command line.
bool pid_alive(pid_t pid);
std::string pid_cmdline(pid_t pid);  // arguments joined by spaces; empty when gone
// Sends SIGTERM, waits up to `grace` for the pid to vanish, then SIGKILL. True when it is gone.
bool stop_foreign(pid_t pid, std::chrono::milliseconds grace);

// Joins a command line for logs and error messages.
std::string join_command(const std::vector<std::string>& argv);
// The running executable (/proc/self/exe), to start `weir pod ...` children.
std::string self_executable();
// Searches PATH and the sbin directories; empty when not found.
std::string find_program(const std::string& name);

}  // namespace weir::pod
