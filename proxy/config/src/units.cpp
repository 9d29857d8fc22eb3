#include "weir/config/units.hpp"

#include <array>
#include <cstddef>
#include <limits>
#include <utility>

namespace weir::config {
namespace {

// Reads up to `max_digits` decimal digits; returns how many were read (0 = none or too many).
std::size_t read_digits(std::string_view text, std::size_t max_digits, std::int64_t& value) {
  std::size_t n = 0;
  value = 0;
  while (n < text.size() && text[n] >= '0' && text[n] <= '9') {
    if (n == max_digits) return 0;
    value = value * 10 + (text[n] - '0');
    ++n;
  }
  return n;
}

struct Unit {
  std::string_view name;
  std::int64_t scale;
};

constexpr std::array<Unit, 5> kDurationUnits{{
    {"h", 3'600'000'000},
    {"m", 60'000'000},
    {"s", 1'000'000},
    {"ms", 1'000},
    {"us", 1},
}};

constexpr std::array<Unit, 4> kSizeUnits{{
    {"GiB", std::int64_t{1} << 30},
    {"MiB", std::int64_t{1} << 20},
    {"KiB", std::int64_t{1} << 10},
    {"B", 1},
}};

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text == "0") return Duration::zero();
  // 18 digits fit an int64_t; at most 9 after the point keep fraction * scale below 2^63.
  std::int64_t whole = 0;
  const std::size_t whole_digits = read_digits(text, 18, whole);
  if (whole_digits == 0) return std::nullopt;
  std::string_view rest = text.substr(whole_digits);
  std::int64_t fraction = 0;
  std::int64_t fraction_scale = 1;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    const std::size_t fraction_digits = read_digits(rest, 9, fraction);
    if (fraction_digits == 0) return std::nullopt;
    for (std::size_t i = 0; i < fraction_digits; ++i) fraction_scale *= 10;
    rest.remove_prefix(fraction_digits);
  }
  for (const Unit& unit : kDurationUnits) {
    if (rest != unit.name) continue;
    const std::int64_t fraction_us = fraction * unit.scale;
    if (fraction_us % fraction_scale != 0) return std::nullopt;  // finer than a microsecond
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    if (whole > (kMax - fraction_us / fraction_scale) / unit.scale) return std::nullopt;
    return Duration(whole * unit.scale + fraction_us / fraction_scale);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  if (text == "0") return 0;
  std::int64_t count = 0;
  const std::size_t digits = read_digits(text, 12, count);
  if (digits == 0) return std::nullopt;
  const std::string_view rest = text.substr(digits);
  for (const Unit& unit : kSizeUnits) {
    if (rest != unit.name) continue;
    // 12 digits of GiB would overflow: refuse anything above 1 PiB.
    if (count > (std::int64_t{1} << 50) / unit.scale) return std::nullopt;
    return static_cast<std::uint64_t>(count * unit.scale);
  }
  return std::nullopt;
}

std::string format_duration(Duration value) {
  const std::int64_t us = value.count();
  if (us == 0) return "0s";
  for (const Unit& unit : kDurationUnits) {
    if (us % unit.scale == 0) return std::to_string(us / unit.scale) + std::string(unit.name);
  }
  return std::to_string(us) + "us";  // unreachable: the last unit divides everything
}

std::string format_size(std::uint64_t bytes) {
  if (bytes == 0) return "0B";
  for (const Unit& unit : kSizeUnits) {
    const auto scale = static_cast<std::uint64_t>(unit.scale);
    if (bytes % scale == 0) return std::to_string(bytes / scale) + std::string(unit.name);
  }
  return std::to_string(bytes) + "B";
}

}  // namespace weir::config
