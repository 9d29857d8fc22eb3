#include <gtest/gtest.h>

#include "plan/read_your_writes.hpp"

namespace weir::plan {
namespace {

using Clock = std::chrono::steady_clock;
using Consistency = config::RoutingConfig::Consistency;

health::Topology with_primary(const char* gtid, Clock::time_point checked_at, bool reachable = true) {
  health::Topology t;
  health::BackendStatus primary;
  primary.role = config::Role::primary;
  primary.reachable = reachable;
  primary.gtid = *health::GtidPosition::parse(gtid);
  primary.checked_at = checked_at;
  t.backends.push_back(primary);
  return t;
}

TEST(ReadYourWrites, NothingWrittenNeedsNothing) {
  ReadYourWrites ryw;
  const auto r = ryw.requirement(with_primary("0-1-5", Clock::now()));
  EXPECT_FALSE(r.primary_only);
  EXPECT_FALSE(r.after.has_value());
}

TEST(ReadYourWrites, TrackedGtidsAccumulatePerDomain) {
  ReadYourWrites ryw;
  const auto now = Clock::now();
  ryw.on_primary_statement(true, "0-1-7", true, now);
  ryw.on_primary_statement(true, "1-1-3", true, now);
  ryw.on_primary_statement(true, "0-1-9", true, now);
  const auto r = ryw.requirement(with_primary("0-1-5", now));
  ASSERT_TRUE(r.after.has_value());
  EXPECT_EQ(r.after->to_string(), "0-1-9,1-1-3");
  EXPECT_FALSE(r.primary_only);
}

TEST(ReadYourWrites, WithTrackingAStatementWithoutGtidWroteNothing) {
  ReadYourWrites ryw;
  ryw.on_primary_statement(true, std::nullopt, true, Clock::now());
  EXPECT_FALSE(ryw.requirement(with_primary("0-1-5", Clock::now())).primary_only);
}

TEST(ReadYourWrites, UntrackedWriteWaitsForAPrimaryReadAfterIt) {
  ReadYourWrites ryw;
  const auto t0 = Clock::now();
  ryw.on_primary_statement(true, std::nullopt, false, t0);
  // The monitor read the primary before the write was acknowledged: not enough.
  EXPECT_TRUE(ryw.requirement(with_primary("0-1-5", t0 - std::chrono::milliseconds(1))).primary_only);
  EXPECT_TRUE(ryw.requirement(with_primary("0-1-5", t0)).primary_only);
  // An unreachable primary's position proves nothing.
  EXPECT_TRUE(ryw.requirement(with_primary("0-1-6", t0 + std::chrono::milliseconds(5), false)).primary_only);
  // Read after it: that position contains the write.
  const auto r = ryw.requirement(with_primary("0-1-6", t0 + std::chrono::milliseconds(5)));
  EXPECT_FALSE(r.primary_only);
  ASSERT_TRUE(r.after.has_value());
  EXPECT_EQ(r.after->to_string(), "0-1-6");
  // Stays required afterwards.
  EXPECT_EQ(ryw.requirement(with_primary("0-1-9", t0 + std::chrono::seconds(5))).after->to_string(), "0-1-6");
}

TEST(ReadYourWrites, UntrackedReadsDoNotCount) {
  ReadYourWrites ryw;
  ryw.on_primary_statement(false, std::nullopt, false, Clock::now());
  EXPECT_FALSE(ryw.requirement(with_primary("0-1-5", Clock::now() - std::chrono::seconds(1))).primary_only);
}

TEST(ReadYourWrites, EventualNeverRequires) {
  ReadYourWrites ryw(Consistency::eventual);
  ryw.on_primary_statement(true, "0-1-7", true, Clock::now());
  ryw.on_primary_statement(true, std::nullopt, false, Clock::now());
  const auto r = ryw.requirement(with_primary("0-1-5", Clock::now()));
  EXPECT_FALSE(r.primary_only);
  EXPECT_FALSE(r.after.has_value());
}

TEST(ReadYourWrites, StrongSendsEveryReadAfterAWriteToThePrimary) {
  ReadYourWrites ryw(Consistency::strong);
  EXPECT_FALSE(ryw.requirement(with_primary("0-1-5", Clock::now())).primary_only);
  ryw.on_primary_statement(true, "0-1-7", true, Clock::now());
  EXPECT_TRUE(ryw.requirement(with_primary("0-1-9", Clock::now() + std::chrono::hours(1))).primary_only);
}

TEST(ReadYourWrites, MalformedGtidFallsBackToThePosition) {
  ReadYourWrites ryw;
  const auto t0 = Clock::now();
  ryw.on_primary_statement(true, "garbage", false, t0);
  EXPECT_TRUE(ryw.requirement(with_primary("0-1-5", t0)).primary_only);
}

}  // namespace
}  // namespace weir::plan
