#pragma once
// The pod's steps, as functions: `weir pod <step>` calls them, and so does `weir up` per node.
// They throw std::runtime_error with a message that says what failed and where.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "weir/pod/coordinates.hpp"
#include "weir/pod/pod_options.hpp"
#include "weir/sqlclient/connection.hpp"

namespace weir::pod {

// init: server-id.cnf and the role's file into conf_dir.
void run_init(const PodOptions& o);

// clone: false when skipped (ordinal 0, or data already there). `progress` sees received bytes.
using ProgressFn = std::function<void(std::uint64_t bytes)>;
bool run_clone(const PodOptions& o, const ProgressFn& progress = {});
// True when data_dir holds a server's data (its `mysql` system schema).
bool has_data(const std::string& data_dir);

// serve-backup: serves one client at a time until stop_requested().
void run_serve_backup(const PodOptions& o);

// sidecar: replication once (ordinal > 0) or the replication account (ordinal 0), then serve.
void run_sidecar(const PodOptions& o);
// The coordinates left in data_dir by a clone, and the file they came from.
struct FoundCoordinates {
  Coordinates at;
  std::string file;
};
std::optional<FoundCoordinates> find_coordinates(const std::string& data_dir);

// probe: nullopt when healthy, else the reason.
enum class ProbeKind { liveness, readiness };
[[nodiscard]] std::optional<std::string> probe(const PodOptions& o, ProbeKind kind);

// Connection parameters for the local server as root.
sqlclient::ConnectOptions local_root(const PodOptions& o);
// Retries until the server accepts root, `timeout` passes or a stop is requested.
std::optional<sqlclient::Connection> wait_for_server(const sqlclient::ConnectOptions& params,
                                                     std::chrono::seconds timeout, std::string_view who);

}  // namespace weir::pod
