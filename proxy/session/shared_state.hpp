#pragma once
// What every worker reads and the control thread replaces: immutable snapshots (a reload or a user refresh swaps the
// pointer; sessions keep the snapshot they started a decision with), plus the registry of live sessions for KILL and
// draining.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "auth/user_directory.hpp"
#include "backend/connection_slots.hpp"
#include "backend/endpoints.hpp"
#include "health/topology.hpp"
#include "session/client_login.hpp"
#include "session/session_registry.hpp"
#include "session/snapshot.hpp"
#include "weir/config/config.hpp"

namespace weir::session {

struct SharedState {
  Snapshot<config::Config> config;
  Snapshot<auth::UserDirectory> users;
  Snapshot<ServerIdentity> identity;
  // The monitor's latest view of the backends; null until its first round (sessions then use
  // the primary of the configuration only).
  Snapshot<health::Topology> topology;
  health::FailureReports backend_failures;
  std::atomic<bool> draining{false};
  // Client connections open now over all workers (each Session from its construction to its
  // destruction), against listen.max_connections.
  std::atomic<std::uint32_t> client_connections{0};
  // The connections weir holds open to each backend, against pool.max_per_backend.
  backend::ConnectionLimits connection_limits{config::PoolConfig{}.max_per_backend};
  SessionRegistry sessions;
};

// The primary to connect to now: the monitor's (discovered and checked), else the configured one;
// nullopt while discovery (kubernetes) has not found it yet.
inline std::optional<backend::Endpoint> primary_endpoint(const health::Topology* topology,
                                                         const config::Config* config) {
  if (topology != nullptr) {
    if (const auto* status = topology->primary()) return backend::Endpoint{status->name, status->host, status->port};
  }
  return config != nullptr ? backend::configured_primary(*config) : std::nullopt;
}
inline std::optional<backend::Endpoint> current_primary(const SharedState& shared) {
  return primary_endpoint(shared.topology.load().get(), shared.config.load().get());
}

}  // namespace weir::session
