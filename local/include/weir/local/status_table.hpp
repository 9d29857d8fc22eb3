#pragma once
// What `weir status` shows for each node, and the table it prints. Pure formatting.
#include <optional>
#include <string>
#include <vector>

namespace weir::local {

struct NodeStatus {
  int ordinal = 0;
  std::string role;  // "primary", "replica", or "-" when unknown
  std::optional<int> server_id;
  int port = 0;
  int pid = 0;  // 0: not running
  bool ready = false;
  std::string detail;               // why not ready, or "data kept" for a stopped node
  std::optional<long> lag_seconds;  // Seconds_Behind_Master; nullopt = NULL/unknown
};

// NODE ROLE SERVER-ID PORT PID READY LAG, columns padded to their widest cell; a not-ready
// node's reason follows on its row.
std::string format_status_table(const std::vector<NodeStatus>& nodes);

}  // namespace weir::local
