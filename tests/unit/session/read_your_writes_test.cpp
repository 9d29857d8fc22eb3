#include <gtest/gtest.h>

#include "session/read_your_writes.hpp"
#include "session/session_command_history.hpp"

namespace weir::session {
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

protocol::Buffer packet(std::string_view sql) {
  std::string text = "\x03";
  text += sql;
  return protocol::Buffer(text.begin(), text.end());
}

TEST(SessionCommandHistory, AfterReturnsWhatAConnectionMissed) {
  SessionCommandHistory h;
  EXPECT_EQ(h.last(), 0U);
  EXPECT_TRUE(h.after(0).empty());
  ASSERT_TRUE(h.add(packet("SET NAMES utf8mb4")));
  ASSERT_TRUE(h.add(packet("USE db")));
  EXPECT_EQ(h.last(), 2U);
  EXPECT_EQ(h.after(0).size(), 2U);
  ASSERT_EQ(h.after(1).size(), 1U);
  EXPECT_EQ(h.after(1)[0], packet("USE db"));
  EXPECT_TRUE(h.after(2).empty());
}

TEST(SessionCommandHistory, ClearKeepsNumbersGrowing) {
  SessionCommandHistory h;
  h.add(packet("SET @a=1"));
  h.add(packet("SET @b=2"));
  h.clear();
  EXPECT_EQ(h.last(), 2U);
  h.add(packet("SET @c=3"));
  EXPECT_EQ(h.last(), 3U);
  ASSERT_EQ(h.after(0).size(), 1U);  // a connection from before the reset gets only the new one
  EXPECT_EQ(h.after(0)[0], packet("SET @c=3"));
  EXPECT_TRUE(h.after(3).empty());
}

TEST(SessionCommandHistory, FullStaysFullUntilCleared) {
  SessionCommandHistory h(2);
  EXPECT_TRUE(h.add(packet("SET @a=1")));
  EXPECT_TRUE(h.add(packet("SET @a=2")));
  EXPECT_FALSE(h.add(packet("SET @a=3")));
  EXPECT_TRUE(h.full());
  EXPECT_FALSE(h.add(packet("SET @a=4")));
  h.clear();
  EXPECT_FALSE(h.full());
  EXPECT_TRUE(h.add(packet("SET @a=5")));
}

}  // namespace
}  // namespace weir::session
