#pragma once
// Numbers on command lines: whole decimal words only ("12a", "", "+1" are not numbers).
#include <optional>
#include <string_view>

namespace weir::cli {

// The value when `text` is a decimal integer in [min, max]; nullopt otherwise.
std::optional<int> parse_int(std::string_view text, int min, int max);

}  // namespace weir::cli
