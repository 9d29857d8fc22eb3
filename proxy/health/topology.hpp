#pragma once
// What the health monitor knows about the backends, as one immutable snapshot. The monitor thread
// publishes a new Topology after every round of checks; workers read the latest one per routing
// decision and never see it change under them.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "health/gtid.hpp"
#include "weir/config/config.hpp"

namespace weir::health {

// Statements in flight on one backend, over all workers: the input of "least outstanding
// requests". One object per backend for the life of the process; successive snapshots share it.
struct BackendLoad {
  std::atomic<std::int64_t> outstanding{0};
};

struct BackendStatus {
  std::string name;  // stable: config name, or host:port
  std::string host;
  std::uint16_t port = 3306;
  config::Role role = config::Role::replica;
  std::uint32_t weight = 1;

  bool reachable = false;  // the last check connected and answered
  // Replicas: reads may go here (reachable, replicating, lag known and within policy, after
  // hysteresis). Always false for the primary (the primary takes reads by other rules).
  bool usable_for_reads = false;
  std::string reason;  // why it is not usable, for logs and /backends ("sql thread stopped", ...)
  bool read_only = false;
  bool io_thread_running = false;
  bool sql_thread_running = false;
  // Replication lag from the heartbeat (milliseconds precision); nullopt = unknown, never 0.
  std::optional<std::chrono::microseconds> lag;
  // Replica: gtid_slave_pos (what it has applied). Primary: gtid_binlog_pos.
  GtidPosition gtid;
  // @@global.max_allowed_packet as the last check read it; 0 = unknown.
  std::uint64_t max_allowed_packet = 0;
  // @@global.max_connections as the last check read it; 0 = unknown.
  std::uint64_t max_connections = 0;
  // When the query that read `gtid` and `lag` was SENT: a write acknowledged to a client before
  // this instant is included in `gtid` (sessions without last_gtid tracking rely on that).
  std::chrono::steady_clock::time_point checked_at{};
  std::uint64_t transitions = 0;  // usable <-> not usable changes since start
  std::shared_ptr<BackendLoad> load = std::make_shared<BackendLoad>();
};

struct Topology {
  std::uint64_t version = 0;  // grows with every snapshot
  std::vector<BackendStatus> backends;
  // The primary's session state tracking includes last_gtid (global
  // session_track_system_variables), so sessions learn the GTID of each write from its OK packet.
  bool primary_tracks_last_gtid = false;

  const BackendStatus* primary() const {
    for (const auto& b : backends) {
      if (b.role == config::Role::primary) return &b;
    }
    return nullptr;
  }
};

// Workers tell the monitor about a backend that just failed a connection or a query; the monitor
// takes it out of the next snapshot at once and checks it again. Thread-safe.
class FailureReports {
 public:
  void report(const std::string& backend_name);
  // The names reported since the last call.
  std::vector<std::string> take();

 private:
  std::atomic<bool> pending_{false};
  std::mutex mutex_;
  std::vector<std::string> names_;
};

}  // namespace weir::health
