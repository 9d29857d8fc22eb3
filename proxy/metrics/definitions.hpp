#pragma once
// The one table of weir's metrics: name, type, help and label names. Everything else (the
// registry, the dashboard lint test, the documentation) reads this table.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace weir::metrics {

enum class Type : std::uint8_t { counter, gauge, histogram };
std::string_view to_string(Type type);

// Indexes kDefinitions; the order is the order of the exposition.
enum class Id : std::uint8_t {
  client_connections,
  client_connections_accepted,
  client_connections_rejected,
  client_received_bytes,
  client_sent_bytes,
  backend_connections,
  pool_waits,
  pool_wait_timeouts,
  pool_wait_seconds,
  queries,
  query_duration,
  routing_decisions,
  multiplexing,
  backend_up,
  backend_read_only,
  replication_lag,
  gtid_waits,
  replica_write_refusals,
  errors,
  config_reloads,
  build_info,
};

inline constexpr std::size_t kMaxLabels = 3;

struct Definition {
  Id id;
  std::string_view name;
  Type type;
  std::string_view help;
  std::array<std::string_view, kMaxLabels> labels;  // unused entries are empty

  constexpr std::size_t label_count() const {
    std::size_t n = 0;
    while (n < kMaxLabels && !labels[n].empty()) ++n;
    return n;
  }
};

inline constexpr std::array kDefinitions{
    Definition{Id::client_connections, "weir_client_connections", Type::gauge, "Client connections open now.", {}},
    Definition{Id::client_connections_accepted,
               "weir_client_connections_accepted_total",
               Type::counter,
               "Client connections accepted.",
               {}},
    Definition{Id::client_connections_rejected,
               "weir_client_connections_rejected_total",
               Type::counter,
               "Client connections refused, by reason.",
               {"reason"}},
    Definition{Id::client_received_bytes,
               "weir_client_received_bytes_total",
               Type::counter,
               "Bytes received from clients.",
               {}},
    Definition{Id::client_sent_bytes, "weir_client_sent_bytes_total", Type::counter, "Bytes sent to clients.", {}},
    Definition{Id::backend_connections,
               "weir_backend_connections",
               Type::gauge,
               "Connections to backends, by state (active: serving a session; idle: pooled).",
               {"backend", "state"}},
    Definition{Id::pool_waits,
               "weir_pool_waits_total",
               Type::counter,
               "Statements that waited for a backend connection because pool.max_per_backend were open.",
               {"backend"}},
    Definition{Id::pool_wait_timeouts,
               "weir_pool_wait_timeouts_total",
               Type::counter,
               "Statements that got no backend connection within timeouts.pool_wait (answered with an error).",
               {"backend"}},
    Definition{Id::pool_wait_seconds,
               "weir_pool_wait_seconds",
               Type::histogram,
               "How long statements waited for a backend connection (pool.max_per_backend reached).",
               {"backend"}},
    Definition{Id::queries,
               "weir_queries_total",
               Type::counter,
               "Commands relayed to a backend, by route and command.",
               {"backend", "route", "command"}},
    Definition{Id::query_duration,
               "weir_query_duration_seconds",
               Type::histogram,
               "Time from a command's first byte to the end of its response, per backend.",
               {"backend"}},
    Definition{Id::routing_decisions,
               "weir_routing_decisions_total",
               Type::counter,
               "Routing decisions, by target and reason.",
               {"target", "reason"}},
    Definition{Id::multiplexing,
               "weir_multiplexing_total",
               Type::counter,
               "With pool.multiplexing: statements after which the session lent its backend connections to the "
               "pool (outcome lent) or kept them (outcome kept, reason: what it still needs on them).",
               {"outcome", "reason"}},
    Definition{Id::backend_up,
               "weir_backend_up",
               Type::gauge,
               "1 when the last health check of the backend succeeded.",
               {"backend", "role"}},
    Definition{Id::backend_read_only,
               "weir_backend_read_only",
               Type::gauge,
               "1 when the backend has read_only set.",
               {"backend"}},
    Definition{Id::replication_lag,
               "weir_replication_lag_seconds",
               Type::gauge,
               "Replication lag of a replica, by measurement method.",
               {"backend", "method"}},
    Definition{Id::gtid_waits,
               "weir_gtid_wait_total",
               Type::counter,
               "Waits for a replica to apply a session's last write (MASTER_GTID_WAIT), by outcome.",
               {"outcome"}},
    Definition{Id::replica_write_refusals,
               "weir_replica_write_refusals_total",
               Type::counter,
               "Statements a replica refused as writes (ERROR 1792 on weir's read-only replica links), by "
               "outcome: retried_on_primary (nothing had reached the client) or reached_client.",
               {"outcome"}},
    Definition{Id::errors, "weir_errors_total", Type::counter, "Errors, by kind.", {"kind"}},
    Definition{Id::config_reloads,
               "weir_config_reloads_total",
               Type::counter,
               "Configuration reloads, by result.",
               {"result"}},
    Definition{Id::build_info, "weir_build_info", Type::gauge, "weir's version; the value is always 1.", {"version"}},
};

constexpr const Definition& definition(Id id) { return kDefinitions[static_cast<std::size_t>(id)]; }

namespace detail {
constexpr bool ids_match_positions() {
  for (std::size_t i = 0; i < kDefinitions.size(); ++i) {
    if (static_cast<std::size_t>(kDefinitions[i].id) != i) return false;
  }
  return true;
}
}  // namespace detail
static_assert(detail::ids_match_positions(), "kDefinitions must list the Ids in enum order");
static_assert(kDefinitions.size() == static_cast<std::size_t>(Id::build_info) + 1, "an Id has no definition");

}  // namespace weir::metrics
