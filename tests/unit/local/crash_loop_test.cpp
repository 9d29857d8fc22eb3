// The give-up rule of `weir up`'s supervisor, with a clock the test moves.
#include "weir/local/crash_loop.hpp"

#include <gtest/gtest.h>

namespace weir::local {
namespace {

using namespace std::chrono_literals;
using Clock = CrashLoop::Clock;

TEST(CrashLoop, GivesUpAtTheFifthFailureWithinTheWindow) {
  CrashLoop loop(5, 60s);
  const auto t0 = Clock::time_point{} + 1000s;
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(loop.record_failure(t0 + i * 2s)) << i;
  EXPECT_EQ(loop.recent_failures(t0 + 8s), 4);
  EXPECT_TRUE(loop.record_failure(t0 + 8s));
}

TEST(CrashLoop, FailuresOlderThanTheWindowAreForgotten) {
  CrashLoop loop(5, 60s);
  const auto t0 = Clock::time_point{} + 1000s;
  // One failure every 20 s: never more than 3 in a minute, restarted for ever.
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(loop.record_failure(t0 + i * 20s)) << i;
  EXPECT_EQ(loop.recent_failures(t0 + 380s), 3);
  EXPECT_EQ(loop.recent_failures(t0 + 1000s), 0);
}

TEST(CrashLoop, ABurstAfterAQuietSpellCountsOnItsOwn) {
  CrashLoop loop(3, 10s);
  const auto t0 = Clock::time_point{} + 1000s;
  EXPECT_FALSE(loop.record_failure(t0));
  EXPECT_FALSE(loop.record_failure(t0 + 1s));
  EXPECT_FALSE(loop.record_failure(t0 + 30s));
  EXPECT_FALSE(loop.record_failure(t0 + 31s));
  EXPECT_TRUE(loop.record_failure(t0 + 32s));
}

TEST(CrashLoop, DefaultsAreFiveFailuresInAMinute) {
  const CrashLoop loop;
  EXPECT_EQ(loop.max_failures(), 5);
  EXPECT_EQ(loop.window(), std::chrono::seconds(60));
}

}  // namespace
}  // namespace weir::local
