#pragma once
// A result set read whole (weir's own queries return a few rows).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weir::sqlclient {

struct Result {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // NULL = nullopt

  bool has_column(std::string_view name) const;
  // The value of column `name` in row `row`; nullopt when NULL, absent, or no such row.
  std::optional<std::string> value(std::size_t row, std::string_view name) const;
  // The value of column `name` in the first row.
  std::optional<std::string> first(std::string_view name) const { return value(0, name); }
  // The first column of the first row.
  std::optional<std::string> scalar() const;
};

}  // namespace weir::sqlclient
