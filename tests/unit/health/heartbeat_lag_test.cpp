// Heartbeat lag: written timestamps, the one a replica shows, and the lag at a given time.
#include "health/heartbeat_lag.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace weir::health {
namespace {

using std::chrono::microseconds;

WallMicros at(long long us) { return WallMicros{microseconds(us)}; }

struct LagCase {
  const char* name;
  std::size_t capacity;
  std::vector<long long> written;  // microseconds, in the order written
  long long applied;               // what the replica's row shows
  long long now;
  std::optional<long long> lag;  // nullopt = unknown
};

void PrintTo(const LagCase& c, std::ostream* os) { *os << c.name; }

class HeartbeatLagTable : public ::testing::TestWithParam<LagCase> {};

TEST_P(HeartbeatLagTable, Lag) {
  const auto& c = GetParam();
  HeartbeatLag lag(c.capacity);
  for (const auto w : c.written) lag.record(at(w));
  const auto result = lag.lag(at(c.applied), at(c.now));
  ASSERT_EQ(result.has_value(), c.lag.has_value());
  if (c.lag) {
    EXPECT_EQ(result->count(), *c.lag);
  }
}

const LagCase kCases[] = {
    {"nothing written: unknown", 8, {}, 1000, 5000, std::nullopt},
    {"newest applied: 0", 8, {1000, 2000, 3000}, 3000, 3500, 0},
    {"newest applied long ago is still 0 (nothing newer was written)", 8, {1000}, 1000, 900000, 0},
    {"one behind: since the first missing write", 8, {1000, 2000, 3000}, 2000, 3500, 500},
    {"two behind", 8, {1000, 2000, 3000}, 1000, 3500, 1500},
    {"oldest kept applied", 8, {1000, 2000, 3000}, 1000, 2500, 500},
    {"older than every kept write: now - T", 3, {1000, 2000, 3000, 4000}, 1500, 5000, 3500},
    {"evicted write applied: now - T", 3, {1000, 2000, 3000, 4000}, 1000, 5000, 4000},
    {"older than the first write ever (a previous process's row)", 8, {100000}, 5, 100100, 100095},
    {"between two writes (not one of ours): the next one", 8, {1000, 2000, 3000}, 2500, 3500, 500},
    {"newer than the newest: 0", 8, {1000, 2000}, 2500, 3000, 0},
    {"now before the missing write (clock skew): 0, never negative", 8, {1000, 2000}, 1000, 1500, 0},
    {"now before T, T older than the ring: 0", 2, {1000, 2000, 3000}, 500, 400, 0},
    {"capacity 1 keeps the newest", 1, {1000, 2000}, 2000, 9000, 0},
    {"capacity 1, one behind: now - T", 1, {1000, 2000}, 1000, 9000, 8000},
    {"clock stepped back: record starts over", 8, {5000, 6000, 3000, 4000}, 3000, 4500, 500},
    {"clock stepped back, old row from before the step", 8, {5000, 6000, 3000, 4000}, 6000, 4500, 0},
    {"a repeated timestamp starts over", 8, {1000, 2000, 2000}, 1000, 2500, 1500},
};

INSTANTIATE_TEST_SUITE_P(Table, HeartbeatLagTable, ::testing::ValuesIn(kCases));

TEST(HeartbeatLag, RingStaysBounded) {
  HeartbeatLag lag(16);
  for (long long i = 1; i <= 1000; ++i) lag.record(at(i * 100));
  EXPECT_EQ(lag.size(), 16U);
  EXPECT_EQ(lag.capacity(), 16U);
  ASSERT_TRUE(lag.newest());
  EXPECT_EQ(*lag.newest(), at(100000));
  // The oldest kept is 98500; 98500 applied -> behind since 98600.
  EXPECT_EQ(lag.lag(at(98500), at(100050))->count(), 1450);
  EXPECT_EQ(lag.lag(at(98400), at(100050))->count(), 1650);
}

TEST(HeartbeatLag, ZeroCapacityMeansOne) {
  HeartbeatLag lag(0);
  lag.record(at(10));
  lag.record(at(20));
  EXPECT_EQ(lag.size(), 1U);
  EXPECT_FALSE(HeartbeatLag(4).newest().has_value());
}

// A replica applying the heartbeat with a fixed delay shows that delay as its lag, at every
// moment between two writes (within one write interval).
TEST(HeartbeatLag, SteadyDelayIsMeasured) {
  HeartbeatLag lag(64);
  const long long interval = 100000;  // 100 ms
  const long long delay = 350000;     // the replica applies each write 350 ms late
  for (long long t = interval; t <= 10 * 1000000; t += interval) {
    lag.record(at(t));
    // At time t + 50 ms the replica shows the newest write made before t + 50 ms - delay.
    const long long now = t + 50000;
    const long long applied = ((now - delay) / interval) * interval;
    if (applied < interval) continue;
    const auto measured = lag.lag(at(applied), at(now));
    ASSERT_TRUE(measured);
    EXPECT_GE(measured->count(), delay - interval);
    EXPECT_LE(measured->count(), delay);
  }
}

}  // namespace
}  // namespace weir::health

namespace weir::health {
namespace {

TEST(HeartbeatLag, WithoutRowBehindSinceTheFirstWrite) {
  HeartbeatLag lag(3);
  EXPECT_FALSE(lag.lag_without_row(at(100)).has_value());
  lag.record(at(1000));
  lag.record(at(2000));
  EXPECT_EQ(lag.lag_without_row(at(2500))->count(), 1500);
  EXPECT_EQ(lag.lag_without_row(at(500))->count(), 0);
  lag.record(at(3000));
  EXPECT_EQ(lag.lag_without_row(at(3500))->count(), 2500);
  lag.record(at(4000));  // the first write is dropped: unknown from now on
  EXPECT_FALSE(lag.lag_without_row(at(4500)).has_value());
}

TEST(HeartbeatLag, WithoutRowUnknownAfterAClockStep) {
  HeartbeatLag lag(8);
  lag.record(at(5000));
  lag.record(at(4000));
  EXPECT_FALSE(lag.lag_without_row(at(4500)).has_value());
}

}  // namespace
}  // namespace weir::health
