#pragma once
// A topology for plan tests: a primary at 0-1-20 (backend 0) and replicas as described.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "health/topology.hpp"

namespace weir::plan {

struct Replica {
  bool usable = true;
  std::string gtid = "0-1-10";
  std::int64_t outstanding = 0;
  std::uint32_t weight = 1;
  bool reachable = true;
  bool sql_running = true;
  std::optional<int> lag_ms = 5;
};

inline health::Topology topology(const std::vector<Replica>& replicas) {
  health::Topology t;
  health::BackendStatus primary;
  primary.name = "primary";
  primary.role = config::Role::primary;
  primary.reachable = true;
  primary.gtid = *health::GtidPosition::parse("0-1-20");
  t.backends.push_back(primary);
  int n = 0;
  for (const auto& r : replicas) {
    health::BackendStatus b;
    b.name = "replica-" + std::to_string(++n);
    b.role = config::Role::replica;
    b.usable_for_reads = r.usable;
    b.reachable = r.reachable;
    b.sql_thread_running = r.sql_running;
    if (r.lag_ms) b.lag = std::chrono::milliseconds(*r.lag_ms);
    b.gtid = *health::GtidPosition::parse(r.gtid);
    b.weight = r.weight;
    b.load->outstanding = r.outstanding;
    t.backends.push_back(std::move(b));
  }
  return t;
}

}  // namespace weir::plan
