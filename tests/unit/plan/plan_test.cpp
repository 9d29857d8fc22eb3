// plan() as a table: the classifier's facts + the session's routing state + the topology + the
// policy -> target, replica, GTID wait and reason. No sockets, no clocks.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "plan/plan.hpp"
#include "test_topology.hpp"

namespace weir::plan {
namespace {

using WhenNoReplica = config::RoutingConfig::WhenNoReplica;

// Two replicas at the primary's position, usable unless `usable` says otherwise.
health::Topology two_replicas(std::vector<bool> usable = {}) {
  std::vector<Replica> replicas(2, Replica{.gtid = "0-1-20"});
  for (std::size_t i = 0; i < usable.size(); ++i) replicas[i].usable = usable[i];
  return topology(replicas);
}

StatementFacts read(std::string_view text = "SELECT 1") {
  return StatementFacts{route::Target::replica, "read_only_statement", false, text, true, std::nullopt};
}
StatementFacts to(route::Target target, std::string_view reason, bool follows_previous = false) {
  return StatementFacts{target, reason, follows_previous, "", true, std::nullopt};
}

struct Case {
  const char* name;
  StatementFacts statement;
  std::function<void(SessionRoutingState&)> state;  // empty: a fresh session
  bool no_topology = false;
  std::vector<bool> usable = {};
  Policy policy = {};
  std::vector<std::size_t> excluded = {};
  Target target;
  std::string_view reason;
  std::size_t replica = 0;  // checked for Target::replica
  std::optional<std::string> gtid_wait = std::nullopt;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class PlanTable : public ::testing::TestWithParam<Case> {};

TEST_P(PlanTable, Decides) {
  const Case& c = GetParam();
  SessionRoutingState state;
  if (c.state) c.state(state);
  const health::Topology t = two_replicas(c.usable);
  const Plan p = plan(c.statement, state, c.no_topology ? nullptr : &t, c.policy, c.excluded, 0);
  EXPECT_EQ(to_string(p.target), to_string(c.target));
  EXPECT_EQ(p.reason, c.reason);
  if (c.target == Target::replica) {
    EXPECT_TRUE(c.excluded.empty() || std::find(c.excluded.begin(), c.excluded.end(), p.replica) == c.excluded.end());
    if (c.replica != 0) {
      EXPECT_EQ(p.replica, c.replica);
    }
    ASSERT_EQ(p.gtid_wait.has_value(), c.gtid_wait.has_value());
    if (c.gtid_wait) {
      EXPECT_EQ(p.gtid_wait->to_string(), *c.gtid_wait);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Plans, PlanTable,
    ::testing::Values(
        Case{"a plain read goes to a replica", read(), {}, false, {}, {}, {}, Target::replica, "read_only_statement"},
        Case{"a write goes to the primary",
             to(route::Target::primary, "write_statement"),
             {},
             false,
             {},
             {},
             {},
             Target::primary,
             "write_statement"},
        Case{"a session command goes to every link",
             to(route::Target::all_session_connections, "session_command"),
             {},
             false,
             {},
             {},
             {},
             Target::all_connections,
             "session_command"},
        Case{"a pinned session keeps its reads on the primary",
             read(),
             [](SessionRoutingState& s) { s.pinned_to_primary = true; },
             false,
             {},
             {},
             {},
             Target::primary,
             kPinned},
        Case{"a cursor or long data stays on the primary",
             StatementFacts{route::Target::replica, "read_only_statement", false, "SELECT 1", false, std::nullopt},
             {},
             false,
             {},
             {},
             {},
             Target::primary,
             kNotOnReplica},
        Case{"before the first topology, the primary", read(), {}, true, {}, {}, {}, Target::primary, kNoTopology},
        Case{"a text that could lift read-only never goes to a replica",
             read("SELECT 'read write'"),
             {},
             false,
             {},
             {},
             {},
             Target::primary,
             kReplicaGuard},
        Case{"SHOW WARNINGS after a read on a replica follows it there",
             to(route::Target::primary, "previous_statement_state", true),
             [](SessionRoutingState& s) { s.previous_on_replica = true; },
             false,
             {},
             {},
             {},
             Target::previous_link,
             "previous_statement_state"},
        Case{"SHOW WARNINGS after a statement on the primary stays there",
             to(route::Target::primary, "previous_statement_state", true),
             {},
             false,
             {},
             {},
             {},
             Target::primary,
             "previous_statement_state"},
        Case{"no usable replica: the primary by default",
             read(),
             {},
             false,
             {false, false},
             {},
             {},
             Target::primary,
             "no_usable_replica"},
        Case{"no usable replica and when_no_replica error: refuse",
             read(),
             {},
             false,
             {false, false},
             Policy{WhenNoReplica::error, true},
             {},
             Target::refuse,
             "no_usable_replica"},
        Case{"a failed replica is not planned again",
             read(),
             {},
             false,
             {},
             {},
             {1},
             Target::replica,
             "read_only_statement",
             2},
        Case{"every replica failed: the primary",
             read(),
             {},
             false,
             {},
             {},
             {1, 2},
             Target::primary,
             "no_usable_replica"},
        Case{"after a write the replica must have it: wait for it",
             read(),
             [](SessionRoutingState& s) { s.read_your_writes.on_primary_statement(true, "0-1-21", true, {}); },
             false,
             {},
             {},
             {},
             Target::replica,
             "read_only_statement",
             0,
             "0-1-21"},
        Case{"after a write, without waits allowed: the primary",
             read(),
             [](SessionRoutingState& s) { s.read_your_writes.on_primary_statement(true, "0-1-21", true, {}); },
             false,
             {},
             Policy{WhenNoReplica::primary, false},
             {},
             Target::primary,
             "no_caught_up_replica"}));

TEST(Plan, TheReplicaGuardsAnswerGivenWithTheFactsIsTakenInsteadOfReadingTheText) {
  // A prepared statement's answer is read once at prepare: plan() trusts it either way.
  const health::Topology t = two_replicas();
  StatementFacts guarded = read("SELECT 1");
  guarded.may_lift_read_only = true;
  SessionRoutingState state;
  EXPECT_EQ(plan(guarded, state, &t, Policy{}).reason, kReplicaGuard);
  StatementFacts cleared = read("SELECT 'read write'");
  cleared.may_lift_read_only = false;
  EXPECT_EQ(plan(cleared, state, &t, Policy{}).target, Target::replica);
  StatementFacts unknown = read("SELECT 'read write'");
  EXPECT_EQ(plan(unknown, state, &t, Policy{}).reason, kReplicaGuard);
}

TEST(Plan, AnyReplicaForASessionCommandWithoutPrimary) {
  const health::Topology t = topology({Replica{.gtid = "0-1-20"}});
  EXPECT_EQ(plan_any_replica(&t, Policy{}, "SET NAMES utf8mb4").target, Target::replica);
  EXPECT_EQ(plan_any_replica(&t, Policy{}, "SET SESSION TRANSACTION READ WRITE").reason, kReplicaGuard);
  EXPECT_EQ(plan_any_replica(nullptr, Policy{}, "").reason, kNoTopology);
  // "error" is for reads the client sent; without a primary the caller reports the primary.
  const health::Topology none = topology({Replica{.usable = false, .gtid = "0-1-20"}});
  EXPECT_EQ(plan_any_replica(&none, Policy{WhenNoReplica::error, true}, "SET @a = 1").target, Target::primary);
}

TEST(Plan, FactsOfAClassification) {
  route::Classification verdict;
  verdict.target = route::Target::replica;
  verdict.reason = route::Reason::read_only_statement;
  verdict.effects.follows_previous_statement = true;
  const StatementFacts facts = facts_of(verdict, "SELECT 1");
  EXPECT_EQ(facts.reason, route::to_string(route::Reason::read_only_statement));
  EXPECT_TRUE(facts.follows_previous_statement);
  EXPECT_EQ(facts.text, "SELECT 1");
  EXPECT_TRUE(facts.replica_allowed);
}

}  // namespace
}  // namespace weir::plan
