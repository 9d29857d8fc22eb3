#include "weir/config/units.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace weir::config {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

struct DurationCase {
  const char* text;
  std::optional<Duration> expected;
};

TEST(Units, DurationTable) {
  const DurationCase cases[] = {
      {"250ms", milliseconds(250)},
      {"2s", seconds(2)},
      {"1m", minutes(1)},
      {"1h", hours(1)},
      {"1.5s", milliseconds(1500)},
      {"0.25s", milliseconds(250)},
      {"100us", microseconds(100)},
      {"2.5ms", microseconds(2500)},
      {"0", Duration::zero()},
      {"0s", Duration::zero()},
      {"0ms", Duration::zero()},
      {"8h", hours(8)},
      {"999999999h", hours(999999999)},
      {"2562047788h", hours(2562047788)},
      {"1.000001s", microseconds(1000001)},
      // refused
      {"250", std::nullopt},  // a bare number needs a unit
      {"1", std::nullopt},
      {"", std::nullopt},
      {"s", std::nullopt},
      {"ms", std::nullopt},
      {"1.s", std::nullopt},
      {".5s", std::nullopt},
      {"-1s", std::nullopt},
      {"+1s", std::nullopt},
      {"1 s", std::nullopt},
      {" 1s", std::nullopt},
      {"1s ", std::nullopt},
      {"1S", std::nullopt},
      {"1sec", std::nullopt},
      {"1d", std::nullopt},
      {"1ns", std::nullopt},
      {"1m30s", std::nullopt},
      {"1e3ms", std::nullopt},
      {"1.5us", std::nullopt},  // finer than a microsecond
      {"0.0000001s", std::nullopt},
      {"2562047789h", std::nullopt},  // above 2^63 microseconds
      {"9999999999999999999us", std::nullopt},
      {"9223372036854us", microseconds(9223372036854)},
      {"1.0000000001s", std::nullopt},
      {"0x10s", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(parse_duration(c.text), c.expected) << "input: \"" << c.text << "\"";
  }
}

struct SizeCase {
  const char* text;
  std::optional<std::uint64_t> expected;
};

TEST(Units, SizeTable) {
  const SizeCase cases[] = {
      {"64KiB", 64 * 1024},
      {"16MiB", 16 * 1024 * 1024},
      {"1GiB", 1024ULL * 1024 * 1024},
      {"512B", 512},
      {"0", 0},
      {"0B", 0},
      {"1048576GiB", 1ULL << 50},
      // refused
      {"64", std::nullopt},
      {"64KB", std::nullopt},  // decimal or binary? refused as ambiguous
      {"64kb", std::nullopt},
      {"64K", std::nullopt},
      {"64kib", std::nullopt},
      {"1.5MiB", std::nullopt},
      {"-1KiB", std::nullopt},
      {"KiB", std::nullopt},
      {"", std::nullopt},
      {"1048577GiB", std::nullopt},  // above 1 PiB
      {"1 KiB", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(parse_size(c.text), c.expected) << "input: \"" << c.text << "\"";
  }
}

TEST(Units, FormatDurationUsesTheLargestExactUnit) {
  EXPECT_EQ(format_duration(Duration::zero()), "0s");
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(format_duration(seconds(60)), "1m");
  EXPECT_EQ(format_duration(seconds(90)), "90s");
  EXPECT_EQ(format_duration(hours(8)), "8h");
  EXPECT_EQ(format_duration(microseconds(2500)), "2500us");
}

TEST(Units, FormatSize) {
  EXPECT_EQ(format_size(0), "0B");
  EXPECT_EQ(format_size(16384), "16KiB");
  EXPECT_EQ(format_size(1000), "1000B");
  EXPECT_EQ(format_size(16 * 1024 * 1024), "16MiB");
  EXPECT_EQ(format_size(3ULL << 30), "3GiB");
}

TEST(Units, FormattedValuesParseBack) {
  for (const auto d : {microseconds(1), microseconds(999), microseconds(1500000), microseconds(3600000000),
                       microseconds(7200000001)}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
  for (const std::uint64_t s : {1ULL, 1023ULL, 1024ULL, 1536ULL, 1ULL << 30}) {
    EXPECT_EQ(parse_size(format_size(s)), s) << format_size(s);
  }
}

}  // namespace
}  // namespace weir::config
