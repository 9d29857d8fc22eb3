#include "session/session_metrics.hpp"

namespace weir::session {

SessionMetrics::Backend::Backend(metrics::Metrics& metrics, std::string_view name)
    : queries(metrics, std::string(name)),
      active(&metrics.backend_connections(name, "active")),
      idle(&metrics.backend_connections(name, "idle")) {}

SessionMetrics::SessionMetrics(metrics::Metrics& metrics)
    : metrics_(&metrics),
      open_(&metrics.client_connections()),
      accepted_(&metrics.client_connections_accepted()),
      received_(&metrics.client_received_bytes()),
      sent_(&metrics.client_sent_bytes()),
      gtid_waits_{&metrics.gtid_waits(metrics::GtidWaitOutcome::applied),
                  &metrics.gtid_waits(metrics::GtidWaitOutcome::timeout),
                  &metrics.gtid_waits(metrics::GtidWaitOutcome::error)},
      rejected_(metrics, metrics::Id::client_connections_rejected),
      routing_(metrics, metrics::Id::routing_decisions),
      multiplexing_(metrics, metrics::Id::multiplexing),
      errors_(metrics, metrics::Id::errors) {}

void SessionMetrics::client_connected() {
  accepted_->inc();
  open_->inc();
}

void SessionMetrics::client_disconnected() { open_->dec(); }

void SessionMetrics::client_rejected(std::string_view reason) { rejected_.get({reason}).inc(); }

void SessionMetrics::bytes_from_client(std::size_t n) { received_->inc(n); }

void SessionMetrics::bytes_to_client(std::size_t n) { sent_->inc(n); }

void SessionMetrics::query(std::string_view backend_name, bool replica, std::uint8_t command,
                           std::chrono::steady_clock::duration elapsed) {
  backend(backend_name)
      .queries.query(replica ? metrics::Route::replica : metrics::Route::primary, command,
                     std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed));
}

void SessionMetrics::routing_decision(std::string_view target, std::string_view reason) {
  routing_.get({target, reason}).inc();
}

void SessionMetrics::multiplexing(std::string_view outcome, std::string_view reason) {
  multiplexing_.get({outcome, reason}).inc();
}

void SessionMetrics::gtid_wait(metrics::GtidWaitOutcome outcome) {
  const auto index = static_cast<std::size_t>(outcome);
  if (index < 3) gtid_waits_[index]->inc();
}

void SessionMetrics::replica_write_refused(metrics::WriteRefusal outcome) {
  metrics_->replica_write_refusals(outcome).inc();
}

void SessionMetrics::error(std::string_view kind) { errors_.get({kind}).inc(); }

void SessionMetrics::pool_wait(std::string_view backend_name, std::chrono::steady_clock::duration waited,
                               bool got_slot) {
  // Rare (only at the cap): the registry's own lookups are good enough.
  metrics_->counter(metrics::Id::pool_waits, {backend_name}).inc();
  metrics_->histogram(metrics::Id::pool_wait_seconds, {backend_name}).observe(waited);
  if (!got_slot) metrics_->counter(metrics::Id::pool_wait_timeouts, {backend_name}).inc();
}

void SessionMetrics::backend_connection_opened(std::string_view backend_name) { backend(backend_name).active->inc(); }

void SessionMetrics::backend_connection_closed(std::string_view backend_name) { backend(backend_name).active->dec(); }

metrics::Gauge& SessionMetrics::pooled_connections(std::string_view backend_name) {
  return *backend(backend_name).idle;
}

SessionMetrics::Backend& SessionMetrics::backend(std::string_view name) {
  if (last_ != nullptr && last_->queries.backend() == name) return *last_;
  for (const auto& b : backends_) {
    if (b->queries.backend() == name) {
      last_ = b.get();
      return *last_;
    }
  }
  backends_.push_back(std::make_unique<Backend>(*metrics_, name));
  last_ = backends_.back().get();
  return *last_;
}

}  // namespace weir::session
