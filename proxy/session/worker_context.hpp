#pragma once
// What the sessions of one worker share: the proxy-wide state and the worker's TLS contexts.
// Lives on that worker; sessions hold a reference for their whole life.
#include <boost/asio/ssl/context.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "backend/pool.hpp"
#include "net/deadline_list.hpp"
#include "session/session_metrics.hpp"
#include "session/shared_state.hpp"

namespace weir::session {

struct WorkerContext {
  SharedState& shared;
  boost::asio::ssl::context* client_tls = nullptr;   // null: TLS not offered to clients
  boost::asio::ssl::context* backend_tls = nullptr;  // null: plain TCP to backends
  bool verify_backend_host = false;
  backend::Pool* pool = nullptr;           // this worker's idle backend connections
  SessionMetrics* metrics = nullptr;       // this worker's metric handles; never null once the runtime made it
  net::DeadlineList* deadlines = nullptr;  // this worker's; never null once the runtime made it
  // Asks the other workers to close one idle pooled connection to host:port each (they own their
  // pools), freeing pool.max_per_backend slots for a connection that waits for one. May be empty.
  std::function<void(const std::string& host, std::uint16_t port)> reclaim_idle_elsewhere = {};
  // The configuration and topology as this worker last saw them (see SnapshotView): what the
  // per-statement path reads, without a lock.
  SnapshotView<config::Config> config{shared.config};
  SnapshotView<health::Topology> topology{shared.topology};
};

}  // namespace weir::session
