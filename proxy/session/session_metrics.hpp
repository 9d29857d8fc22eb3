#pragma once
// The metrics of one worker's sessions: handles resolved once and cached, so that counting an
// event is an atomic add (a short scan of a small vector for the labelled ones). One object per
// worker, created by the runtime and reached through WorkerContext::metrics (present even when
// metrics.enabled is false); not thread-safe: only its worker's thread uses it.
//
//   worker_.metrics->query(link.name, /*replica=*/true, command, elapsed);
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/metrics.hpp"

namespace weir::session {

class SessionMetrics {
 public:
  explicit SessionMetrics(metrics::Metrics& metrics);
  SessionMetrics(const SessionMetrics&) = delete;
  SessionMetrics& operator=(const SessionMetrics&) = delete;

  // A client connection was accepted: weir_client_connections_accepted_total +1, weir_client_connections +1.
  // The runtime calls it in its accept callback: sessions do not.
  void client_connected();
  // That client connection is closed: weir_client_connections -1. Called by ~Session.
  void client_disconnected();
  // A client was refused before or during login: weir_client_connections_rejected_total{reason}
  // ("max_connections", "access_denied", "shutdown", "tls_required", ...).
  void client_rejected(std::string_view reason);
  // Bytes read from / written to a client socket: weir_client_{received,sent}_bytes_total.
  void bytes_from_client(std::size_t n);
  void bytes_to_client(std::size_t n);
  // One command relayed to `backend` (its topology/config name) and its response finished:
  // weir_queries_total{backend, route=replica|primary, command=command_label(command)} +1 and
  // weir_query_duration_seconds{backend} observes `elapsed` (first byte sent to last byte relayed).
  void query(std::string_view backend, bool replica, std::uint8_t command, std::chrono::steady_clock::duration elapsed);
  // Where a statement was sent and why: weir_routing_decisions_total{target, reason}
  // (target "primary"|"replica"; reason e.g. "read_only_statement", "in_transaction", "write").
  void routing_decision(std::string_view target, std::string_view reason);
  // pool.multiplexing, after a statement: weir_multiplexing_total{outcome="lent"|"kept", reason}.
  void multiplexing(std::string_view outcome, std::string_view reason);
  // How a MASTER_GTID_WAIT before a read on a replica ended: weir_gtid_wait_total{outcome}.
  void gtid_wait(metrics::GtidWaitOutcome outcome);
  // A replica refused a statement as a write: weir_replica_write_refusals_total{outcome}.
  void replica_write_refused(metrics::WriteRefusal outcome);
  // Something went wrong: weir_errors_total{kind} ("backend_connect", "backend_lost", "client_protocol", ...).
  void error(std::string_view kind);
  // A session now holds a connection to `backend` (new or taken from the pool) / no longer holds
  // it (closed, or returned to the pool): weir_backend_connections{backend, state="active"} +1 / -1.
  void backend_connection_opened(std::string_view backend);
  void backend_connection_closed(std::string_view backend);
  // The gauge weir_backend_connections{backend, state="idle"}, for the worker's pool to count the
  // connections it holds (backend::Pool::put). It lives as long as the registry.
  metrics::Gauge& pooled_connections(std::string_view backend);
  // A connection to `backend` waited `waited` for a pool.max_per_backend slot, and got one or not:
  // weir_pool_waits_total, weir_pool_wait_seconds and, without one, weir_pool_wait_timeouts_total.
  void pool_wait(std::string_view backend, std::chrono::steady_clock::duration waited, bool got_slot);

  metrics::Metrics& registry() { return *metrics_; }

 private:
  struct Backend {
    Backend(metrics::Metrics& metrics, std::string_view name);
    metrics::BackendMetrics queries;
    metrics::Gauge* active;
    metrics::Gauge* idle;
  };
  Backend& backend(std::string_view name);

  metrics::Metrics* metrics_;
  metrics::Gauge* open_;
  metrics::Counter* accepted_;
  metrics::Counter* received_;
  metrics::Counter* sent_;
  metrics::Counter* gtid_waits_[3];
  metrics::CounterCache rejected_;
  metrics::CounterCache routing_;
  metrics::CounterCache multiplexing_;
  metrics::CounterCache errors_;
  // A handful of backends: a linear scan beats hashing; the last one used is tried first.
  std::vector<std::unique_ptr<Backend>> backends_;
  Backend* last_ = nullptr;
};

}  // namespace weir::session
