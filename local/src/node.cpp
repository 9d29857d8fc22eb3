#include "weir/local/node.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "process/child.hpp"
#include "weir/local/node_config.hpp"
#include "weir/local/port_plan.hpp"
#include "weir/pod/command_line.hpp"
#include "weir/pod/net.hpp"
#include "weir/pod/private_file.hpp"
#include "weir/pod/steps.hpp"
#include "weir/pod/stop_signal.hpp"

namespace weir::local {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

pod::Fd open_log(const fs::path& path) {
  pod::Fd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!fd) throw std::runtime_error("cannot open " + path.string());
  return fd;
}

std::string elapsed(Clock::time_point start) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(Clock::now() - start).count());
  return buf;
}

// Removes a file when the scope ends, however it ends.
class RemovedOnExit {
 public:
  explicit RemovedOnExit(fs::path path) : path_(std::move(path)) {}
  ~RemovedOnExit() {
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
  RemovedOnExit(const RemovedOnExit&) = delete;
  RemovedOnExit& operator=(const RemovedOnExit&) = delete;

 private:
  fs::path path_;
};

}  // namespace

Node::Node(const Context& ctx, int ordinal)
    : ctx_(ctx), ordinal_(ordinal), ports_(ports_for(ctx.options.base_port, ordinal)) {}

pod::PodOptions Node::pod_options() const {
  pod::PodOptions o;
  o.flavour = pod::Flavour::mariadb;
  o.ordinal = ordinal_;
  o.conf_dir = ctx_.layout.conf_dir(ordinal_).string();
  o.data_dir = ctx_.layout.data_dir(ordinal_).string();
  o.port = ports_.server;
  o.backup_bind = "127.0.0.1";
  o.backup_port = ports_.backup;
  if (ordinal_ > 0) {
    o.peer_host = "127.0.0.1";
    o.peer_port = ports_for(ctx_.options.base_port, ordinal_ - 1).backup;
  }
  o.primary_host = "127.0.0.1";
  o.primary_port = ports_for(ctx_.options.base_port, 0).server;
  o.defaults_file = ctx_.layout.option_file(ordinal_).string();
  o.clone_timeout_s = ctx_.options.clone_timeout_s;
  o.credentials = ctx_.credentials;
  return o;
}

// Again for each node as it comes up: `weir scale` adds nodes whose ports weir up never checked.
void Node::check_ports() const {
  const std::string node = "node-" + std::to_string(ordinal_);
  check_ports_free(
      {{ports_.server, node + " server", "--base-port"}, {ports_.backup, node + " backup server", "--base-port"}});
}

void Node::initialize_primary_data() {
  const auto start = Clock::now();
  std::vector<std::string> cmd{ctx_.install_db, "--defaults-file=" + ctx_.layout.option_file(ordinal_).string(),
                               "--auth-root-authentication-method=normal", "--skip-test-db"};
  if (ctx_.as_root) cmd.emplace_back("--user=root");
  pod::Fd log = open_log(ctx_.layout.server_log(ordinal_));
  process::SpawnOptions to_log;
  to_log.stdout_fd = log.get();
  to_log.stderr_fd = log.get();
  if (const int rc = process::run(cmd, to_log); rc != 0) {
    fs::remove_all(ctx_.layout.data_dir(ordinal_));
    throw std::runtime_error("node-0: '" + pod::join_command(cmd) + "' failed (exit " + std::to_string(rc) +
                             "); the end of " + ctx_.layout.server_log(ordinal_).string() + ":\n" +
                             file_tail(ctx_.layout.server_log(ordinal_), 12));
  }
  // Every password of the topology: private, and removed by bring_up whatever happens next.
  pod::write_private_file(
      ctx_.layout.bootstrap_file(ordinal_).string(),
      render_bootstrap_sql(ctx_.credentials, {ctx_.monitor_password, ctx_.app_password}, ctx_.hostname));
  say(ordinal_, "initialised an empty data dir in " + elapsed(start));
}

void Node::clone_from_peer() {
  const auto start = Clock::now();
  const bool tty = isatty(1) != 0;
  auto last_print = Clock::now();
  say(ordinal_, "cloning from node-" + std::to_string(ordinal_ - 1) +
                    " (127.0.0.1:" + std::to_string(pod_options().peer_port) + ")");
  auto o = pod_options();
  pod::Fd log = open_log(ctx_.layout.node_dir(ordinal_) / "clone.log");
  o.tool_log_fd = log.get();
  pod::run_clone(o, [&](std::uint64_t bytes) {
    if (!tty || Clock::now() - last_print < std::chrono::milliseconds(200)) return;
    last_print = Clock::now();
    std::printf("\r[node-%d] received %s ", ordinal_, pod::human_bytes(bytes).c_str());
    std::fflush(stdout);
  });
  if (tty) std::printf("\r");
  say(ordinal_, "cloned and prepared in " + elapsed(start));
}

void Node::prepare_data(bool& first_boot) {
  fs::create_directories(ctx_.layout.data_dir(ordinal_));
  fs::create_directories(ctx_.layout.tmp_dir(ordinal_));
  write_file_atomically(ctx_.layout.option_file(ordinal_), render_option_file(ctx_.layout, ordinal_, ports_));
  pod::run_init(pod_options());
  first_boot = false;
  if (pod::has_data(ctx_.layout.data_dir(ordinal_).string())) {
    say(ordinal_, "data present: keeping it (no clone)");
  } else if (ordinal_ == 0) {
    initialize_primary_data();
    first_boot = true;
  } else {
    clone_from_peer();
  }
}

void Node::start_server(bool first_boot) {
  const auto cmd = server_command(ctx_.server_binary, ctx_.layout, ordinal_, first_boot, ctx_.as_root);
  pod::Fd log = open_log(ctx_.layout.server_log(ordinal_));
  process::SpawnOptions options;
  options.stdout_fd = log.get();
  options.stderr_fd = log.get();
  options.own_process_group = true;  // Ctrl+C reaches weir, which stops servers in order
  server_ = process::Child::spawn(cmd, options);
}

void Node::wait_ready(bool require_replication, std::chrono::seconds timeout) {
  auto o = pod_options();
  o.require_replication = require_replication;
  const auto deadline = Clock::now() + timeout;
  std::optional<std::string> problem;
  while (Clock::now() < deadline && !pod::stop_requested()) {
    if (!server_down() && !server_.running()) {
      const int status = server_.exit_code().value_or(-1);
      server_ = {};
      throw std::runtime_error("node-" + std::to_string(ordinal_) + ": the server exited (status " +
                               std::to_string(status) + ") while starting; the end of " +
                               ctx_.layout.server_log(ordinal_).string() + ":\n" +
                               file_tail(ctx_.layout.server_log(ordinal_), 8));
    }
    problem = pod::probe(o, pod::ProbeKind::readiness);
    if (!problem) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (pod::stop_requested()) throw std::runtime_error("stopped");
  throw std::runtime_error("node-" + std::to_string(ordinal_) + ": not ready after " + std::to_string(timeout.count()) +
                           " s: " + problem.value_or("?"));
}

void Node::start_sidecar() {
  const auto o = pod_options();
  std::vector<std::string> cmd{ctx_.self,
                               "pod",
                               "sidecar",
                               "--flavour",
                               "mariadb",
                               "--ordinal",
                               std::to_string(ordinal_),
                               "--conf-dir",
                               o.conf_dir,
                               "--data-dir",
                               o.data_dir,
                               "--port",
                               std::to_string(o.port),
                               "--backup-bind",
                               o.backup_bind,
                               "--backup-port",
                               std::to_string(o.backup_port),
                               "--primary-host",
                               o.primary_host,
                               "--primary-port",
                               std::to_string(o.primary_port),
                               "--defaults-file",
                               o.defaults_file,
                               "--root-password-file",
                               ctx_.layout.secret("root").string(),
                               "--repl-password-file",
                               ctx_.layout.secret("repl").string()};
  pod::Fd log = open_log(ctx_.layout.sidecar_log(ordinal_));
  process::SpawnOptions options;
  options.stdout_fd = log.get();
  options.stderr_fd = log.get();
  options.own_process_group = true;
  sidecar_ = process::Child::spawn(cmd, options);
  sidecar_started_ = Clock::now();
}

void Node::wait_backup_port(std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string error;
  while (Clock::now() < deadline && !pod::stop_requested()) {
    if (!sidecar_.running()) {
      sidecar_ = {};
      throw std::runtime_error("node-" + std::to_string(ordinal_) + ": the sidecar exited; the end of " +
                               ctx_.layout.sidecar_log(ordinal_).string() + ":\n" +
                               file_tail(ctx_.layout.sidecar_log(ordinal_), 6));
    }
    // Listening means the sidecar finished its replication setup (it serves backups after it).
    if (!pod::port_is_free("127.0.0.1", ports_.backup)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("node-" + std::to_string(ordinal_) + ": the sidecar did not start serving backups on port " +
                           std::to_string(ports_.backup));
}

void Node::bring_up() {
  const auto start = Clock::now();
  // The first start's SQL holds every password: gone once the server ran it, and on any failure.
  const RemovedOnExit bootstrap_sql(ctx_.layout.bootstrap_file(ordinal_));
  try {
    check_ports();
    bool first_boot = false;
    prepare_data(first_boot);
    start_server(first_boot);
    wait_ready(false, std::chrono::seconds(ctx_.options.ready_timeout_s));
    say(ordinal_, "server " + std::to_string(server_.pid()) + " answers on 127.0.0.1:" + std::to_string(ports_.server));
    start_sidecar();
    wait_backup_port(std::chrono::seconds(ctx_.options.ready_timeout_s));
    if (ordinal_ > 0) wait_ready(true, std::chrono::seconds(ctx_.options.ready_timeout_s));
  } catch (...) {
    stop();
    throw;
  }
  say(ordinal_, std::string(ordinal_ == 0 ? "primary" : "replica, replicating from node-0,") + " ready in " +
                    elapsed(start) + " (server-id " + std::to_string(100 + ordinal_) + ", port " +
                    std::to_string(ports_.server) + ")");
}

void Node::restart_server() {
  ++restarts_;
  start_server(false);
  wait_ready(false, std::chrono::seconds(ctx_.options.ready_timeout_s));
  say(ordinal_, "server restarted with its data (pid " + std::to_string(server_.pid()) + ")");
}

void Node::restart_sidecar_when_due() {
  if (Clock::now() - sidecar_started_ < std::chrono::seconds(5)) return;
  start_sidecar();
  say(ordinal_, "sidecar restarted (pid " + std::to_string(sidecar_.pid()) + ")");
}

void Node::stop() {
  sidecar_.terminate(std::chrono::seconds(5));
  sidecar_ = {};
  server_.terminate(std::chrono::seconds(60));
  server_ = {};
}

void Node::on_exit(pid_t pid) {
  // Reaped by the supervisor already: the handles only let go of the pid.
  if (pid == server_.pid()) server_.release();
  if (pid == sidecar_.pid()) sidecar_.release();
}

NodeState Node::state() const {
  const auto pid_or_zero = [](const process::Child& child) { return child.pid() > 0 ? child.pid() : 0; };
  return {ordinal_, ports_.server, ports_.backup, pid_or_zero(server_), pid_or_zero(sidecar_), restarts_};
}

}  // namespace weir::local
