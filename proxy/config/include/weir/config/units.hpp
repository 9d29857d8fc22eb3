#pragma once
// Durations and sizes as written in the configuration. Parsing is strict: a unit is required
// (only a bare 0 may go without), no signs, spaces or exponents.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "weir/config/config.hpp"

namespace weir::config {

// "250ms", "2s", "1m", "1.5s", "1h", "100us", "0". A value finer than a microsecond is refused.
std::optional<Duration> parse_duration(std::string_view text);
// "64KiB", "16MiB", "1GiB", "512B", "0" (binary units only: "64KB" is refused as ambiguous).
std::optional<std::uint64_t> parse_size(std::string_view text);

// The largest unit that represents the value exactly: 1500ms -> "1500ms", 60s -> "1m", 0 -> "0s".
std::string format_duration(Duration value);
// 16384 -> "16KiB", 1000 -> "1000B".
std::string format_size(std::uint64_t bytes);

// What the parsers accept, for error messages.
inline constexpr std::string_view kDurationUnitsHint = "us, ms, s, m or h (e.g. 250ms, 1.5s)";
inline constexpr std::string_view kSizeUnitsHint = "B, KiB, MiB or GiB (e.g. 64KiB)";

}  // namespace weir::config
