// choose_replica as a table: topology + requirement + policy -> outcome.
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "plan/replica_choice.hpp"
#include "test_topology.hpp"

namespace weir::plan {
namespace {

using Outcome = ReplicaChoice::Outcome;
using WhenNoReplica = config::RoutingConfig::WhenNoReplica;

struct Case {
  const char* name;
  std::vector<Replica> replicas;
  ReadRequirement requirement;
  WhenNoReplica when = WhenNoReplica::primary;
  bool may_wait = true;
  std::vector<std::size_t> excluded;
  Outcome outcome;
  std::size_t index = 0;  // checked for replica / replica_wait
  std::string_view why = {};
};

ReadRequirement after(const char* position) { return {false, health::GtidPosition::parse(position)}; }

const Case kCases[] = {
    {"one usable replica", {{}}, {}, WhenNoReplica::primary, true, {}, Outcome::replica, 1},
    {"no replicas at all", {}, {}, WhenNoReplica::primary, true, {}, Outcome::primary, 0, kNoUsableReplica},
    {"no usable replica, policy primary",
     {{.usable = false}},
     {},
     WhenNoReplica::primary,
     true,
     {},
     Outcome::primary,
     0,
     kNoUsableReplica},
    {"no usable replica, policy error",
     {{.usable = false}},
     {},
     WhenNoReplica::error,
     true,
     {},
     Outcome::error,
     0,
     kNoUsableReplica},
    {"least lagged takes a lagging replica",
     {{.usable = false, .lag_ms = 3000}, {.usable = false, .lag_ms = 1500}},
     {},
     WhenNoReplica::least_lagged,
     true,
     {},
     Outcome::replica,
     2},
    {"least lagged never takes a stopped one",
     {{.usable = false, .sql_running = false, .lag_ms = 1}},
     {},
     WhenNoReplica::least_lagged,
     true,
     {},
     Outcome::primary,
     0,
     kNoUsableReplica},
    {"least lagged never takes unknown lag",
     {{.usable = false, .lag_ms = std::nullopt}},
     {},
     WhenNoReplica::least_lagged,
     true,
     {},
     Outcome::primary,
     0,
     kNoUsableReplica},
    {"least lagged never serves a session that wrote",
     {{.usable = false, .lag_ms = 3000}},
     after("0-1-15"),
     WhenNoReplica::least_lagged,
     true,
     {},
     Outcome::primary,
     0,
     kNoUsableReplica},
    {"least outstanding wins",
     {{.outstanding = 3}, {.outstanding = 1}, {.outstanding = 2}},
     {},
     WhenNoReplica::primary,
     true,
     {},
     Outcome::replica,
     2},
    {"weight halves the load",
     {{.outstanding = 1, .weight = 1}, {.outstanding = 2, .weight = 4}},
     {},
     WhenNoReplica::primary,
     true,
     {},
     Outcome::replica,
     2},
    {"weight zero never reads",
     {{.weight = 0}},
     {},
     WhenNoReplica::primary,
     true,
     {},
     Outcome::primary,
     0,
     kNoUsableReplica},
    {"writes pending: primary only",
     {{}},
     {true, std::nullopt},
     WhenNoReplica::primary,
     true,
     {},
     Outcome::primary,
     0,
     kWritesSeen},
    {"caught-up replica preferred over a busier check",
     {{.gtid = "0-1-9"}, {.gtid = "0-1-12", .outstanding = 5}},
     after("0-1-12"),
     WhenNoReplica::primary,
     true,
     {},
     Outcome::replica,
     2},
    {"none caught up: wait on the least loaded",
     {{.gtid = "0-1-9", .outstanding = 2}, {.gtid = "0-1-8"}},
     after("0-1-12"),
     WhenNoReplica::primary,
     true,
     {},
     Outcome::replica_wait,
     2},
    {"none caught up and no wait allowed",
     {{.gtid = "0-1-9"}},
     after("0-1-12"),
     WhenNoReplica::primary,
     false,
     {},
     Outcome::primary,
     0,
     kNoCaughtUpReplica},
    {"another domain must be covered too",
     {{.gtid = "0-1-30"}, {.gtid = "0-1-30,1-2-5"}},
     after("0-1-12,1-2-5"),
     WhenNoReplica::primary,
     true,
     {},
     Outcome::replica,
     2},
    {"excluded replica is skipped",
     {{}, {.outstanding = 9}},
     {},
     WhenNoReplica::primary,
     true,
     {1},
     Outcome::replica,
     2},
    {"all excluded", {{}, {}}, {}, WhenNoReplica::primary, true, {1, 2}, Outcome::primary, 0, kNoUsableReplica},
    {"all excluded, policy error", {{}}, {}, WhenNoReplica::error, true, {1}, Outcome::error, 0, kNoUsableReplica},
};

class ChooseReplica : public ::testing::TestWithParam<Case> {};

TEST_P(ChooseReplica, Table) {
  const Case& c = GetParam();
  const auto t = topology(c.replicas);
  ChoiceOptions options;
  options.when_no_replica = c.when;
  options.may_wait = c.may_wait;
  options.excluded = c.excluded;
  const auto choice = choose_replica(t, c.requirement, options);
  EXPECT_EQ(choice.outcome, c.outcome) << c.name;
  if (c.outcome == Outcome::replica || c.outcome == Outcome::replica_wait) {
    EXPECT_EQ(choice.index, c.index) << c.name;
  } else {
    EXPECT_EQ(choice.why, c.why) << c.name;
  }
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name;
  for (const char* p = info.param.name; *p != '\0'; ++p)
    name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Table, ChooseReplica, ::testing::ValuesIn(kCases), case_name);

TEST(ChooseReplica, TiesAreSpreadOverEqualReplicas) {
  const auto t = topology({{}, {}, {}});
  std::set<std::size_t> chosen;
  for (std::uint32_t random = 0; random < 30; ++random) {
    ChoiceOptions options;
    options.random = random;
    chosen.insert(choose_replica(t, {}, options).index);
  }
  EXPECT_EQ(chosen, (std::set<std::size_t>{1, 2, 3}));
}

}  // namespace
}  // namespace weir::plan
