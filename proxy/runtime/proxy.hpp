#pragma once
// The running proxy: workers with their listeners, the control thread's signal handling
// (SIGTERM/SIGINT drain, SIGHUP reload) and the shared state that sessions read.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "auth/user_refresher.hpp"
#include "health/monitor.hpp"
#include "net/worker_pool.hpp"
#include "session/shared_state.hpp"
#include "session/worker_context.hpp"

namespace weir::runtime {

class Proxy {
 public:
  Proxy(std::string config_path, std::shared_ptr<const config::Config> config);
  ~Proxy();

  // Binds the listeners; false (with the reason logged) when the address cannot be used.
  bool open();
  // Runs until SIGTERM/SIGINT and the drain that follows. Returns the process exit code.
  int run();

 private:
  struct WorkerTls;
  void start_accepting();
  void reload();
  void begin_drain();
  bool build_tls(const config::Config& config, std::string& error);

  std::string config_path_;
  session::SharedState shared_;
  net::WorkerPool workers_;
  std::vector<boost::asio::ip::tcp::acceptor> acceptors_;
  std::vector<std::unique_ptr<session::WorkerContext>> contexts_;
  std::vector<std::unique_ptr<backend::Pool>> pools_;
  std::unique_ptr<WorkerTls> tls_;
  std::unique_ptr<health::Monitor> monitor_;
  boost::asio::io_context control_;
  std::unique_ptr<auth::UserRefresher> users_;  // last: stops first
};

// `weir proxy --config FILE [--check]`
int proxy_main(std::span<char*> args);  // args[0] is "proxy"

}  // namespace weir::runtime
