#include "weir/local/status_table.hpp"

#include <algorithm>
#include <array>

namespace weir::local {
namespace {

constexpr std::size_t kColumns = 7;
using Cells = std::array<std::string, kColumns>;

Cells cells_for(const NodeStatus& n) {
  std::string lag = "-";
  if (n.role == "replica") lag = n.lag_seconds ? std::to_string(*n.lag_seconds) + "s" : "unknown";
  return {"node-" + std::to_string(n.ordinal),
          n.role,
          n.server_id ? std::to_string(*n.server_id) : "-",
          n.port > 0 ? std::to_string(n.port) : "-",
          n.pid > 0 ? std::to_string(n.pid) : "-",
          n.ready ? "yes" : "no",
          lag};
}

}  // namespace

std::string format_status_table(const std::vector<NodeStatus>& nodes) {
  std::vector<Cells> rows{{"NODE", "ROLE", "SERVER-ID", "PORT", "PID", "READY", "LAG"}};
  for (const auto& n : nodes) rows.push_back(cells_for(n));
  std::array<std::size_t, kColumns> width{};
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < kColumns; ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t c = 0; c < kColumns; ++c) {
      line += rows[r][c];
      if (c + 1 < kColumns) line += std::string(width[c] - rows[r][c].size() + 2, ' ');
    }
    if (r > 0 && !nodes[r - 1].detail.empty()) line += "  (" + nodes[r - 1].detail + ")";
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace weir::local
