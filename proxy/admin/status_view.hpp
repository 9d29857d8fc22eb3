#pragma once
// /status.json: what the status page shows, in one answer: the build, the configuration
// generation, the client and backend connections now, the backends as /backends has them, and
// the last 15 minutes (StatusHistory::json).
#include <cstdint>
#include <string>
#include <string_view>

#include "metrics/metrics.hpp"

namespace weir::admin {

struct StatusFacts {
  std::string version;
  std::uint64_t config_generation = 1;  // 1 at start, +1 per reload that took effect
  double uptime_seconds = 0;
  std::string lag_method = "heartbeat";  // how replica lag is measured (see backend_samples)
};

// {"version", "config_generation", "uptime_seconds", "lag_method", "clients",
//  "backend_connections": {"<name>": {"active": n, "idle": n}}, "backends": <backends_json>,
//  "history": <history_json>}
std::string status_json(const StatusFacts& facts, const metrics::Metrics& metrics, std::string_view backends_json,
                        std::string_view history_json);

}  // namespace weir::admin
