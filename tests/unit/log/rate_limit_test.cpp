#include <gtest/gtest.h>

#include "log/rate_limit.hpp"

namespace weir::log {
namespace {

using namespace std::chrono_literals;

TEST(RateLimit, LetsThroughPerSecondThenCountsWhatItHeldBack) {
  RateLimit limit(3);
  const auto t0 = std::chrono::steady_clock::time_point{} + 100s;
  std::uint64_t suppressed = 99;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limit.allow(t0 + 10ms * i, suppressed));
    EXPECT_EQ(suppressed, 0U);
  }
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limit.allow(t0 + 500ms, suppressed));
  // The next second: the first line says how many were held back.
  EXPECT_TRUE(limit.allow(t0 + 1s, suppressed));
  EXPECT_EQ(suppressed, 5U);
  EXPECT_TRUE(limit.allow(t0 + 1s, suppressed));
  EXPECT_EQ(suppressed, 0U);
}

}  // namespace
}  // namespace weir::log
