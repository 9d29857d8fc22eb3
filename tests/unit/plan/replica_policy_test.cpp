// The replica usability state machine, as sequences of checks. Each step is one check at a time
// (ms since start) with what the check saw, and what the decision must be after it.
// Policy in every sequence unless said otherwise: max_replica_lag 1000ms, readmit_lag 800ms,
// min_dwell 2000ms.
#include "plan/replica_policy.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace weir::plan {
namespace {

using std::chrono::milliseconds;

constexpr int kUnknown = -1;

struct Step {
  int at_ms;
  // "ok", "down" (unreachable), "io" (io thread stopped), "sql", "both", "fail" (report); a leading
  // "p" means the primary is down in that round ("pio": primary down, io thread stopped).
  const char* seen;
  int lag_ms;  // kUnknown = no lag
  bool usable;
  const char* reason;
  int transitions;
  bool changed;
};

struct Sequence {
  const char* name;
  std::vector<Step> steps;
};

void PrintTo(const Sequence& s, std::ostream* os) { *os << s.name; }

ReplicaPolicy test_policy() { return ReplicaPolicy{milliseconds(1000), milliseconds(800), milliseconds(2000)}; }

void run(const Sequence& sequence, const ReplicaPolicy& policy) {
  ReplicaUsability state;
  EXPECT_FALSE(state.usable());
  EXPECT_EQ(state.reason(), "not checked yet");
  const auto start = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  for (const auto& step : sequence.steps) {
    SCOPED_TRACE(std::string(sequence.name) + " at " + std::to_string(step.at_ms) + "ms " + step.seen + " lag " +
                 std::to_string(step.lag_ms));
    const auto now = start + milliseconds(step.at_ms);
    const std::string seen = step.seen;
    bool changed = false;
    if (seen == "fail") {
      changed = state.report_failure(now);
    } else {
      ReplicaObservation o;
      o.primary_down = seen.size() > 1 && seen[0] == 'p';
      const std::string thread = o.primary_down ? seen.substr(1) : seen;
      o.reachable = seen != "down";
      o.io_thread_running = o.reachable && thread != "io" && thread != "both";
      o.sql_thread_running = o.reachable && thread != "sql" && thread != "both";
      if (step.lag_ms != kUnknown) o.lag = milliseconds(step.lag_ms);
      o.now = now;
      changed = state.observe(o, policy);
    }
    EXPECT_EQ(state.usable(), step.usable);
    EXPECT_EQ(state.reason(), step.reason);
    EXPECT_EQ(state.transitions(), static_cast<std::uint64_t>(step.transitions));
    EXPECT_EQ(changed, step.changed);
  }
}

class ReplicaPolicyTable : public ::testing::TestWithParam<Sequence> {};

TEST_P(ReplicaPolicyTable, Sequence) { run(GetParam(), test_policy()); }

const Sequence kSequences[] = {
    {"primary down: io thread stopped and lag unknown keep a replica serving",
     {{0, "ok", 10, true, "", 0, true},
      {100, "pio", kUnknown, true, "", 0, false},
      {200, "pio", kUnknown, true, "", 0, false},
      {300, "io", kUnknown, false, "io thread stopped", 1, true}}},
    {"primary down: a stopped sql thread still takes it out",
     {{0, "ok", 10, true, "", 0, true}, {100, "psql", kUnknown, false, "sql thread stopped", 1, true}}},
    {"primary down from the start: admitted on its sql thread", {{0, "pio", kUnknown, true, "", 0, true}}},
    {"first good check admits at once, uncounted",
     {{0, "ok", 10, true, "", 0, true}, {100, "ok", 20, true, "", 0, false}}},
    {"first check within max but above readmit admits", {{0, "ok", 900, true, "", 0, true}}},
    {"first check exactly at max admits", {{0, "ok", 1000, true, "", 0, true}}},
    {"first check above max stays out, uncounted",
     {{0, "ok", 1001, false, "lag 1001ms above 1000ms", 0, false}, {100, "ok", 999, true, "", 0, true}}},
    {"down from the start, then up: admitted without dwell",
     {{0, "down", kUnknown, false, "unreachable", 0, false},
      {100, "down", kUnknown, false, "unreachable", 0, false},
      {200, "ok", 5, true, "", 0, true}}},
    {"each fault's reason",
     {{0, "down", kUnknown, false, "unreachable", 0, false},
      {100, "sql", 5, false, "sql thread stopped", 0, false},
      {200, "io", 5, false, "io thread stopped", 0, false},
      {300, "both", kUnknown, false, "io and sql threads stopped", 0, false},
      {400, "ok", kUnknown, false, "lag unknown", 0, false},
      {500, "ok", 1200, false, "lag 1200ms above 1000ms", 0, false},
      {600, "ok", 0, true, "", 0, true}}},
    {"unreachable goes out at once, even right after admission",
     {{0, "ok", 0, true, "", 0, true}, {1, "down", kUnknown, false, "unreachable", 1, true}}},
    {"sql thread stopped goes out at once; back after dwell",
     {{0, "ok", 0, true, "", 0, true},
      {100, "sql", kUnknown, false, "sql thread stopped", 1, true},
      {200, "ok", 0, false, "sql thread stopped, waiting min_dwell 2000ms", 1, false},
      {2099, "ok", 0, false, "sql thread stopped, waiting min_dwell 2000ms", 1, false},
      {2100, "ok", 0, true, "", 2, true},
      {2200, "ok", 0, true, "", 2, false}}},
    {"io thread stopped, lag still known: out anyway",
     {{0, "ok", 0, true, "", 0, true}, {100, "io", 50, false, "io thread stopped", 1, true}}},
    {"lag unknown goes out", {{0, "ok", 0, true, "", 0, true}, {100, "ok", kUnknown, false, "lag unknown", 1, true}}},
    {"lag above max goes out at once; readmitted only at readmit_lag after dwell",
     {{0, "ok", 100, true, "", 0, true},
      {100, "ok", 1200, false, "lag 1200ms above 1000ms", 1, true},
      {2200, "ok", 900, false, "lag 900ms above readmit_lag 800ms", 1, false},
      {2300, "ok", 801, false, "lag 801ms above readmit_lag 800ms", 1, false},
      {2400, "ok", 800, true, "", 2, true}}},
    {"lag exactly max stays in", {{0, "ok", 1000, true, "", 0, true}, {100, "ok", 1000, true, "", 0, false}}},
    {"below readmit_lag before the dwell: waits for the dwell",
     {{0, "ok", 0, true, "", 0, true},
      {1000, "ok", 5000, false, "lag 5000ms above 1000ms", 1, true},
      {1100, "ok", 0, false, "lag 5000ms above 1000ms, waiting min_dwell 2000ms", 1, false},
      {2999, "ok", 0, false, "lag 5000ms above 1000ms, waiting min_dwell 2000ms", 1, false},
      {3000, "ok", 0, true, "", 2, true}}},
    {"the dwell counts from going out, not from the last bad check",
     {{0, "ok", 0, true, "", 0, true},
      {100, "down", kUnknown, false, "unreachable", 1, true},
      {2000, "down", kUnknown, false, "unreachable", 1, false},
      {2100, "ok", 0, true, "", 2, true}}},
    {"lag hovering around max_replica_lag: out once, stays out",
     {{0, "ok", 990, true, "", 0, true},
      {100, "ok", 1010, false, "lag 1010ms above 1000ms", 1, true},
      {200, "ok", 990, false, "lag 990ms above readmit_lag 800ms", 1, false},
      {300, "ok", 1010, false, "lag 1010ms above 1000ms", 1, false},
      {2500, "ok", 995, false, "lag 995ms above readmit_lag 800ms", 1, false},
      {2600, "ok", 1005, false, "lag 1005ms above 1000ms", 1, false},
      {5000, "ok", 999, false, "lag 999ms above readmit_lag 800ms", 1, false},
      {9000, "ok", 1001, false, "lag 1001ms above 1000ms", 1, false}}},
    {"lag hovering around readmit_lag while out: back once, stays in",
     {{0, "ok", 0, true, "", 0, true},
      {100, "ok", 1500, false, "lag 1500ms above 1000ms", 1, true},
      {200, "ok", 790, false, "lag 1500ms above 1000ms, waiting min_dwell 2000ms", 1, false},
      {300, "ok", 810, false, "lag 810ms above readmit_lag 800ms", 1, false},
      {2100, "ok", 790, true, "", 2, true},
      {2200, "ok", 810, true, "", 2, false},
      {2300, "ok", 790, true, "", 2, false},
      {2400, "ok", 810, true, "", 2, false},
      {9000, "ok", 999, true, "", 2, false}}},
    {"a failure report takes it out; the dwell restarts",
     {{0, "ok", 0, true, "", 0, true},
      {50, "fail", kUnknown, false, "failed a connection or query", 1, true},
      {100, "ok", 0, false, "failed a connection or query, waiting min_dwell 2000ms", 1, false},
      {2050, "ok", 0, true, "", 2, true}}},
    {"a failure report while out restarts the dwell without a transition",
     {{0, "ok", 0, true, "", 0, true},
      {100, "sql", kUnknown, false, "sql thread stopped", 1, true},
      {1500, "fail", kUnknown, false, "failed a connection or query", 1, false},
      {2100, "ok", 0, false, "failed a connection or query, waiting min_dwell 2000ms", 1, false},
      {3500, "ok", 0, true, "", 2, true}}},
    {"a failure report before admission does not count",
     {{0, "fail", kUnknown, false, "failed a connection or query", 0, false}, {100, "ok", 0, true, "", 0, true}}},
    {"a fault while waiting replaces the reason",
     {{0, "ok", 0, true, "", 0, true},
      {100, "sql", kUnknown, false, "sql thread stopped", 1, true},
      {200, "ok", 0, false, "sql thread stopped, waiting min_dwell 2000ms", 1, false},
      {300, "down", kUnknown, false, "unreachable", 1, false},
      {2100, "ok", 0, true, "", 2, true}}},
    {"out and back twice: four transitions",
     {{0, "ok", 0, true, "", 0, true},
      {100, "down", kUnknown, false, "unreachable", 1, true},
      {2100, "ok", 0, true, "", 2, true},
      {2200, "ok", 2000, false, "lag 2000ms above 1000ms", 3, true},
      {4200, "ok", 10, true, "", 4, true}}},
};

INSTANTIATE_TEST_SUITE_P(Table, ReplicaPolicyTable, ::testing::ValuesIn(kSequences));

// Lag alternating across both thresholds at every check: readmission is never more frequent
// than once per min_dwell, whatever the check rate.
TEST(ReplicaPolicy, AlternatingLagChangesAtMostOncePerDwell) {
  const auto policy = test_policy();
  ReplicaUsability state;
  const auto start = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  std::vector<int> readmissions_ms;
  for (int i = 0; i < 1000; ++i) {  // 100 s at 100 ms
    ReplicaObservation o;
    o.reachable = o.io_thread_running = o.sql_thread_running = true;
    o.lag = milliseconds(i % 2 == 0 ? 100 : 1500);
    o.now = start + milliseconds(100 * i);
    const bool was_usable = state.usable();
    if (state.observe(o, policy) && state.usable() && i > 0) readmissions_ms.push_back(100 * i);
    EXPECT_TRUE(!state.usable() || !was_usable || i % 2 == 0);
  }
  ASSERT_GE(readmissions_ms.size(), 2U);
  for (std::size_t k = 1; k < readmissions_ms.size(); ++k) {
    EXPECT_GE(readmissions_ms[k] - readmissions_ms[k - 1], 2000);
  }
  // 100 s / 2 s dwell: at most 50 readmissions, each after one exclusion.
  EXPECT_LE(state.transitions(), 2U * 50U + 1U);
  EXPECT_EQ(state.transitions(), 2U * readmissions_ms.size() + (state.usable() ? 0U : 1U));
}

TEST(ReplicaPolicy, OneMicrosecondAboveMaxIsOut) {
  ReplicaUsability state;
  ReplicaObservation o;
  o.reachable = o.io_thread_running = o.sql_thread_running = true;
  o.lag = milliseconds(1000);
  EXPECT_TRUE(state.observe(o, test_policy()));
  o.lag = milliseconds(1000) + std::chrono::microseconds(1);
  EXPECT_TRUE(state.observe(o, test_policy()));
  EXPECT_FALSE(state.usable());
  EXPECT_EQ(state.reason(), "lag 1000.001ms above 1000ms");
}

TEST(ReplicaPolicy, FromRoutingConfig) {
  config::RoutingConfig routing;
  routing.max_replica_lag = milliseconds(300);
  routing.readmit_lag = milliseconds(200);
  routing.min_dwell = milliseconds(50);
  const auto policy = ReplicaPolicy::from(routing);
  EXPECT_EQ(policy.max_replica_lag, milliseconds(300));
  EXPECT_EQ(policy.readmit_lag, milliseconds(200));
  EXPECT_EQ(policy.min_dwell, milliseconds(50));
}

TEST(ReplicaPolicy, ZeroDwellReadmitsAtTheNextGoodCheck) {
  ReplicaUsability state;
  const ReplicaPolicy policy{milliseconds(1000), milliseconds(800), milliseconds(0)};
  const auto t0 = std::chrono::steady_clock::time_point{};
  ReplicaObservation o;
  o.reachable = o.io_thread_running = o.sql_thread_running = true;
  o.lag = milliseconds(0);
  o.now = t0;
  EXPECT_TRUE(state.observe(o, policy));
  o.reachable = false;
  EXPECT_TRUE(state.observe(o, policy));
  o.reachable = true;
  EXPECT_TRUE(state.observe(o, policy));
  EXPECT_TRUE(state.usable());
  EXPECT_EQ(state.transitions(), 2U);
}

struct MillisCase {
  long long micros;
  const char* text;
};

TEST(FormatMillis, Table) {
  const MillisCase cases[] = {
      {0, "0ms"},     {1000, "1ms"},    {1200000, "1200ms"},   {1500, "1.5ms"},   {1, "0.001ms"},
      {10, "0.01ms"}, {999, "0.999ms"}, {1000100, "1000.1ms"}, {-2500, "-2.5ms"}, {86400000000LL, "86400000ms"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(format_millis(std::chrono::microseconds(c.micros)), c.text) << c.micros;
  }
}

}  // namespace
}  // namespace weir::plan
