#pragma once
// The running proxy: workers with their listeners, the control thread's signal handling
// (SIGTERM/SIGINT drain, SIGHUP reload), the shared state that sessions read, the metrics
// registry with the status page's history, and the admin HTTP server (/, /status.json, /metrics
// /healthz /readyz /backends /config, POST /reload).
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "admin/admin_server.hpp"
#include "admin/status_history.hpp"
#include "auth/user_refresher.hpp"
#include "health/monitor.hpp"
#include "metrics/metrics.hpp"
#include "net/worker_pool.hpp"
#include "session/session_metrics.hpp"
#include "session/shared_state.hpp"
#include "session/worker_context.hpp"
#include "weir/cli/command.hpp"

namespace weir::runtime {

class Proxy {
 public:
  Proxy(std::string config_path, std::shared_ptr<const config::Config> config);
  ~Proxy();

  // Binds the listeners, then starts the admin server when admin.enabled; false (with the reason
  // logged) when an address cannot be used.
  bool open();
  // Runs until SIGTERM/SIGINT and the drain that follows. Returns the process exit code.
  int run();

 private:
  struct WorkerTls;
  struct [[nodiscard]] ReloadResult {
    bool ok = false;
    std::string message;  // the errors (file:line: ...) on failure; what changed on success
  };

  void start_accepting();
  // Loads the configuration file again and applies it (SIGHUP and POST /reload); a rejected file
  // leaves the running configuration in place. Counted in weir_config_reloads_total{result}.
  ReloadResult reload();
  // Starts the admin HTTP server (admin.enabled); false when its address cannot be bound.
  bool start_admin(const config::Config& config);
  admin::Readiness readiness() const;
  std::string backends_view() const;
  std::string sessions_view() const;
  std::string status_view() const;
  void begin_drain();
  bool build_tls(const config::Config& config, std::string& error);
  // A new user directory from the refresher's thread: stored, then applied to every worker's pool.
  void publish_users(const std::shared_ptr<const auth::UserDirectory>& users);

  std::string config_path_;
  // Declared before everything that counts into it, so it outlives them.
  std::unique_ptr<metrics::Metrics> metrics_;
  bool metrics_enabled_ = true;  // metrics.enabled at start (a restart changes it)
  session::SharedState shared_;
  // The last 15 minutes for the status page, sampled from metrics_ once per second.
  admin::StatusHistory history_;
  std::atomic<std::uint64_t> config_generation_{1};  // +1 per reload that took effect
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  // One per worker; before workers_: a session freed with its worker's io_context still counts.
  std::vector<std::unique_ptr<session::SessionMetrics>> session_metrics_;
  net::WorkerPool workers_;
  std::vector<boost::asio::ip::tcp::acceptor> acceptors_;
  std::vector<std::unique_ptr<session::WorkerContext>> contexts_;
  std::vector<std::unique_ptr<backend::Pool>> pools_;
  std::unique_ptr<WorkerTls> tls_;
  std::unique_ptr<health::Monitor> monitor_;
  boost::asio::io_context control_;
  // SIGINT, SIGTERM, SIGHUP: caught from the construction on, before the listeners open (one that
  // arrives before run() waits for it is queued, not the default action that kills the process).
  boost::asio::signal_set signals_;
  std::mutex reload_mutex_;  // SIGHUP (control thread) and POST /reload (an admin handler thread)
  std::unique_ptr<admin::AdminServer> admin_;
  std::unique_ptr<auth::UserRefresher> users_;  // last: stops first
};

// `weir proxy --config FILE [--check]`: its table, and what it runs.
cli::Command proxy_command();
int proxy_main(const cli::Invocation& inv);

}  // namespace weir::runtime
