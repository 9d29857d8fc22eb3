#include "process/child.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

extern char** environ;

namespace weir::process {
namespace {

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Tells the parent why exec did not happen, then ends the child.
[[noreturn]] void fail_in_child(int error_pipe) {
  const int err = errno;
  [[maybe_unused]] const auto written = ::write(error_pipe, &err, sizeof err);
  ::_exit(127);
}

// Runs in the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(const std::vector<char*>& argv, const std::vector<char*>& envp,
                             const SpawnOptions& options, pid_t parent, int error_pipe) {
  if (options.die_with_parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
  }
  if (options.own_process_group) ::setpgid(0, 0);
  if (options.stdin_fd >= 0) ::dup2(options.stdin_fd, 0);
  if (options.stdout_fd >= 0) ::dup2(options.stdout_fd, 1);
  if (options.stderr_fd >= 0) ::dup2(options.stderr_fd, 2);
  if (!options.working_dir.empty() && ::chdir(options.working_dir.c_str()) != 0) fail_in_child(error_pipe);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (const int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execvpe(argv[0], argv.data(), envp.data());
  fail_in_child(error_pipe);
}

}  // namespace

Child Child::spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) throw std::runtime_error("spawn: empty command line");
  // Everything the child needs is prepared before fork.
  std::vector<char*> cargv;
  cargv.reserve(argv.size() + 1);
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  for (const auto& e : options.extra_env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  // Closed on exec: the parent reads either nothing (exec happened) or the child's errno.
  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("spawn: pipe: " + std::string(std::strerror(errno)));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(error_pipe[0]);
    ::close(error_pipe[1]);
    throw std::runtime_error("spawn: fork: " + std::string(std::strerror(err)));
  }
  if (pid == 0) exec_child(cargv, envp, options, parent, error_pipe[1]);
  ::close(error_pipe[1]);
  int child_errno = 0;
  ssize_t got;
  do {
    got = ::read(error_pipe[0], &child_errno, sizeof child_errno);
  } while (got < 0 && errno == EINTR);
  ::close(error_pipe[0]);
  Child child(pid);
  if (got == static_cast<ssize_t>(sizeof child_errno)) {
    child.wait();
    const std::string what =
        options.working_dir.empty() || child_errno != ENOENT
            ? std::string(std::strerror(child_errno))
            : std::string(std::strerror(child_errno)) + " (or working directory " + options.working_dir + ")";
    throw std::runtime_error("cannot run '" + argv[0] + "': " + what);
  }
  return child;
}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_code_(std::exchange(other.exit_code_, std::nullopt)) {}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    terminate();
    pid_ = std::exchange(other.pid_, -1);
    exit_code_ = std::exchange(other.exit_code_, std::nullopt);
  }
  return *this;
}

Child::~Child() { terminate(); }

bool Child::reap(int flags) {
  if (pid_ <= 0 || exit_code_) return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, flags);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    exit_code_ = decode_status(status);
    return true;
  }
  if (r < 0) {  // not our child any more (ECHILD): nothing to wait for
    exit_code_ = -1;
    return true;
  }
  return false;
}

bool Child::running() { return pid_ > 0 && !reap(WNOHANG); }

std::optional<int> Child::wait_for(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

int Child::wait() {
  reap(0);
  return exit_code_.value_or(-1);
}

int Child::terminate(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  if (running()) {
    ::kill(pid_, SIGTERM);
    if (!wait_for(grace)) {
      ::kill(pid_, SIGKILL);
      reap(0);
    }
  }
  return exit_code_.value_or(-1);
}

pid_t Child::release() {
  exit_code_.reset();
  return std::exchange(pid_, -1);
}

int run(const std::vector<std::string>& argv, const SpawnOptions& options) {
  return Child::spawn(argv, options).wait();
}

bool pid_alive(pid_t pid) {
  if (pid <= 0) return false;
  // A zombie still answers kill(0); /proc shows its state as Z.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close_paren = line.rfind(')');
  return close_paren != std::string::npos && close_paren + 2 < line.size() && line[close_paren + 2] != 'Z';
}

std::string pid_cmdline(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && text.back() == '\0') text.pop_back();
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return text;
}

namespace {

// Reaps `pid` if it happens to be our child, so that it does not linger as a zombie.
void reap_if_ours(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, WNOHANG);
}

}  // namespace

bool stop_foreign(pid_t pid, std::chrono::milliseconds grace) {
  if (!pid_alive(pid)) return true;
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    reap_if_ours(pid);
    if (!pid_alive(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  reap_if_ours(pid);
  return !pid_alive(pid);
}

std::string self_executable() {
  char buf[4096];
  const auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw std::runtime_error("cannot find the weir executable via /proc/self/exe");
  return std::string(buf, static_cast<std::size_t>(n));
}

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  path += ":/usr/local/sbin:/usr/sbin:/sbin";
  std::istringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    std::string candidate = dir;
    candidate.append("/").append(name);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

}  // namespace weir::process
