#pragma once
// Internal: one function per top-level section. Each reads its keys from the root mapping,
// applies defaults and reports every problem to the root's Diagnostics.
#include "reader.hpp"

namespace weir::config::detail {

// The named child of a mapping; an absent one reads as an empty mapping placed at the parent.
inline Field section(MapReader& parent, std::string_view key) {
  if (auto field = parent.take(key)) return *field;
  return Field{YAML::Node(), parent.child_path(key), parent.mark()};
}

void parse_listen(MapReader& root, ListenConfig& out);
void parse_workers(MapReader& root, WorkersConfig& out);
void parse_admin(MapReader& root, AdminConfig& out, const ListenConfig& listen);
void parse_tls(MapReader& root, TlsConfig& out);
void parse_timeouts(MapReader& root, TimeoutsConfig& out);
void parse_pool(MapReader& root, PoolConfig& out);
void parse_log(MapReader& root, LogConfig& out);
void parse_metrics(MapReader& root, MetricsConfig& out);

void parse_users(MapReader& root, std::vector<User>& out);
void parse_monitor(MapReader& root, MonitorConfig& out);
// After parse_monitor: the account defaults to the monitor's.
void parse_load_users(MapReader& root, LoadUsersConfig& out, const MonitorConfig& monitor);
void parse_backends(MapReader& root, BackendsConfig& out);
void parse_routing(MapReader& root, RoutingConfig& out);

}  // namespace weir::config::detail
