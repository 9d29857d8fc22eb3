#include "weir/sqlclient/result.hpp"

namespace weir::sqlclient {

bool Result::has_column(std::string_view name) const {
  for (const auto& column : columns) {
    if (column == name) return true;
  }
  return false;
}

std::optional<std::string> Result::value(std::size_t row, std::string_view name) const {
  if (row >= rows.size()) return std::nullopt;
  for (std::size_t i = 0; i < columns.size() && i < rows[row].size(); ++i) {
    if (columns[i] == name) return rows[row][i];
  }
  return std::nullopt;
}

std::optional<std::string> Result::scalar() const {
  if (rows.empty() || rows.front().empty()) return std::nullopt;
  return rows.front().front();
}

}  // namespace weir::sqlclient
