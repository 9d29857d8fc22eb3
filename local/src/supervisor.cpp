#include "weir/local/supervisor.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "process/child.hpp"
#include "weir/local/node_status.hpp"
#include "weir/local/proxy_launcher.hpp"
#include "weir/local/status_table.hpp"
#include "weir/pod/stop_signal.hpp"

namespace weir::local {
namespace {

volatile std::sig_atomic_t g_scale_requested = 0;
void on_hup(int /*sig*/) { g_scale_requested = 1; }

}  // namespace

void install_scale_signal() {
  struct sigaction sa {};
  sa.sa_handler = on_hup;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGHUP, &sa, nullptr);
}

Supervisor::~Supervisor() { stop_all(); }

std::vector<NodeState> Supervisor::node_states() const {
  std::vector<NodeState> out;
  out.reserve(nodes_.size());
  for (const auto& n : nodes_) out.push_back(n->state());
  return out;
}

void Supervisor::save_state() {
  state_.supervisor_pid = getpid();
  state_.proxy_pid = proxy_.pid() > 0 ? proxy_.pid() : 0;
  state_.base_port = ctx_.options.base_port;
  state_.proxy_port = ctx_.options.proxy_port;
  state_.replicas = static_cast<int>(nodes_.size());
  state_.nodes = node_states();
  write_file_atomically(ctx_.layout.state_file(), to_json(state_));
}

void Supervisor::scale_to(int replicas, bool delete_data) {
  state_.desired = replicas;
  save_state();
  while (static_cast<int>(nodes_.size()) > replicas) {
    const int n = nodes_.back()->ordinal();
    nodes_.back()->stop();
    nodes_.pop_back();
    say(n, "stopped; its data is kept in " + ctx_.layout.node_dir(n).string());
    save_state();
  }
  if (delete_data) {
    for (int n = replicas; std::filesystem::exists(ctx_.layout.node_dir(n)); ++n) {
      std::filesystem::remove_all(ctx_.layout.node_dir(n));
      say(n, "data deleted");
    }
  }
  while (static_cast<int>(nodes_.size()) < replicas && !pod::stop_requested()) {
    auto node = std::make_unique<Node>(ctx_, static_cast<int>(nodes_.size()));
    node->bring_up();
    nodes_.push_back(std::move(node));
    save_state();
  }
  if (proxy_.pid() > 0) reconfigure_proxy(ctx_, proxy_.pid(), node_states());
}

void Supervisor::reap_and_restart() {
  int status = 0;
  for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (pid == proxy_.pid()) {
      proxy_.release();  // reaped just now
      if (failed("proxy", ctx_.layout.proxy_log())) return;
      say("proxy (pid " + std::to_string(pid) + ") exited with status " + std::to_string(code) + "; see " +
          ctx_.layout.proxy_log().string() + "; restarting it in 1 s");
      proxy_restart_at_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
    for (auto& n : nodes_) {
      if (!n->owns(pid)) continue;
      const bool server = n->state().server_pid == pid;
      n->on_exit(pid);
      say(n->ordinal(), std::string(server ? "server" : "sidecar") + " (pid " + std::to_string(pid) +
                            ") exited with status " + std::to_string(code));
      const int ordinal = n->ordinal();
      if (failed("node-" + std::to_string(ordinal) + (server ? " server" : " sidecar"),
                 server ? ctx_.layout.server_log(ordinal) : ctx_.layout.sidecar_log(ordinal))) {
        return;
      }
    }
  }
  for (auto& n : nodes_) {
    if (pod::stop_requested()) return;
    try {
      if (n->server_down()) n->restart_server();
      if (n->sidecar_down()) n->restart_sidecar_when_due();
    } catch (const std::exception& e) {
      const int ordinal = n->ordinal();
      const bool server = n->server_down();
      if (failed("node-" + std::to_string(ordinal) + (server ? " server" : " sidecar"),
                 server ? ctx_.layout.server_log(ordinal) : ctx_.layout.sidecar_log(ordinal))) {
        return;
      }
      say(ordinal, std::string("restart failed: ") + e.what() + "; trying again");
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    save_state();
  }
}

bool Supervisor::failed(const std::string& component, const std::filesystem::path& log) {
  auto& loop = crash_loops_[component];
  if (!loop.record_failure(std::chrono::steady_clock::now())) return false;
  const auto window = std::chrono::duration_cast<std::chrono::seconds>(loop.window()).count();
  gave_up_ = "the " + component + " failed " + std::to_string(loop.max_failures()) + " times within " +
             std::to_string(window) + " s; giving up. The end of " + log.string() + ":\n" + file_tail(log, 10);
  return true;
}

int Supervisor::give_up() {
  std::fprintf(stderr, "weir up: %s\nweir up: stopping everything\n", gave_up_.c_str());
  stop_all();
  State stopped;
  stopped.base_port = ctx_.options.base_port;
  stopped.proxy_port = ctx_.options.proxy_port;
  stopped.last_error = gave_up_;
  write_file_atomically(ctx_.layout.state_file(), to_json(stopped));
  return 1;
}

void Supervisor::restart_proxy_when_due() {
  if (!proxy_wanted_ || proxy_.pid() > 0 || std::chrono::steady_clock::now() < proxy_restart_at_) return;
  try {
    proxy_ = start_proxy(ctx_, node_states());
    say("proxy restarted (pid " + std::to_string(proxy_.pid()) + ")");
  } catch (const std::exception& e) {
    if (failed("proxy", ctx_.layout.proxy_log())) return;
    say(std::string("proxy restart failed: ") + e.what());
    proxy_restart_at_ = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  }
  save_state();
}

void Supervisor::handle_scale_request() {
  g_scale_requested = 0;
  std::string error;
  auto text = read_file(ctx_.layout.scale_request_file());
  auto request = text ? scale_request_from_json(*text, error) : std::nullopt;
  if (!request) return;
  say("scaling to " + std::to_string(request->replicas) + " node(s)" +
      (request->delete_data ? ", deleting the data of removed nodes" : ""));
  state_.last_error.clear();
  try {
    scale_to(request->replicas, request->delete_data);
  } catch (const std::exception& e) {
    state_.last_error = e.what();
    say(std::string("scale failed: ") + e.what());
  }
  state_.handled_request = request->id;
  save_state();
  print_summary();
}

void Supervisor::stop_all() {
  proxy_.terminate(std::chrono::seconds(30));
  proxy_ = {};
  while (!nodes_.empty()) {
    nodes_.back()->stop();
    nodes_.pop_back();
  }
}

void Supervisor::print_endpoints() const {
  std::string replicas;
  for (const auto& n : nodes_) {
    if (n->ordinal() == 0) continue;
    replicas += (replicas.empty() ? "" : ", ") + std::string("127.0.0.1:") + std::to_string(n->state().port);
  }
  say("writes: the primary, 127.0.0.1:" + std::to_string(ports_for(ctx_.options.base_port, 0).server) +
      (replicas.empty() ? "" : "; reads: the replicas, " + replicas));
  if (proxy_.pid() > 0) {
    say("proxy (pid " + std::to_string(proxy_.pid()) + "), for both: mariadb -h 127.0.0.1 -P " +
        std::to_string(ctx_.options.proxy_port) + " -u app -p\"$(cat " + ctx_.layout.secret("app").string() + ")\"");
  } else {
    say("this build has no proxy: connect to the servers above");
  }
}

void Supervisor::print_summary() const {
  std::vector<NodeStatus> rows;
  rows.reserve(nodes_.size());
  for (const auto& n : nodes_) rows.push_back(query_node_status(n->state(), ctx_.credentials));
  say("\n" + format_status_table(rows));
}

int Supervisor::run() {
  save_state();
  try {
    scale_to(ctx_.options.replicas, false);
    if (pod::stop_requested()) throw std::runtime_error("stopped by a signal");
    proxy_ = start_proxy(ctx_, node_states());
    proxy_wanted_ = proxy_.pid() > 0;
  } catch (const std::exception& e) {
    const bool interrupted = pod::stop_requested();
    if (interrupted) {
      std::fprintf(stderr, "weir up: interrupted before every node was up; stopping what was started\n");
    } else {
      std::fprintf(stderr, "weir up: %s\nweir up: stopping what was started\n", e.what());
    }
    stop_all();
    write_file_atomically(ctx_.layout.state_file(), to_json(State{}));
    return interrupted ? 130 : 1;
  }
  save_state();
  print_summary();
  print_endpoints();
  say("root password: " + ctx_.layout.secret("root").string() +
      "; Ctrl+C or `weir down` stops everything, data stays in " + ctx_.layout.root().string());
  while (!pod::stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    reap_and_restart();
    if (gave_up_.empty()) restart_proxy_when_due();
    if (!gave_up_.empty()) return give_up();
    if (g_scale_requested) handle_scale_request();
  }
  say("stopping (data kept in " + ctx_.layout.root().string() + ")");
  stop_all();
  State stopped = state_;
  stopped.supervisor_pid = 0;
  stopped.proxy_pid = 0;
  stopped.replicas = 0;
  stopped.desired = 0;
  stopped.nodes.clear();
  write_file_atomically(ctx_.layout.state_file(), to_json(stopped));
  say("stopped");
  return 0;
}

}  // namespace weir::local
