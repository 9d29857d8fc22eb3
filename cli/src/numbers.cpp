#include "weir/cli/numbers.hpp"

#include <charconv>
#include <system_error>

namespace weir::cli {

std::optional<int> parse_int(std::string_view text, int min, int max) {
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value < min || value > max) return std::nullopt;
  return value;
}

}  // namespace weir::cli
