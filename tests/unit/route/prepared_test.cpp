#include "weir/route/classify.hpp"
#include "weir/route/prepared_statements.hpp"
#include "weir/route/replica_guard.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace weir::route {
namespace {

struct PrepareCase {
  const char* name;
  const char* sql;
  bool replica_safe;
  bool reads_user_variables;
  bool session_command;
};

void PrintTo(const PrepareCase& c, std::ostream* os) { *os << c.sql; }

class PrepareTable : public ::testing::TestWithParam<PrepareCase> {};

TEST_P(PrepareTable, RoutedAtPrepareTime) {
  const auto& c = GetParam();
  // Prepared inside a transaction: that says nothing about later executions.
  SessionView session;
  session.in_transaction = true;
  const PreparedRouting r = classify_prepare(c.sql, {}, session);
  EXPECT_EQ(r.replica_safe, c.replica_safe);
  EXPECT_EQ(r.reads_user_variables, c.reads_user_variables);
  EXPECT_EQ(r.session_command, c.session_command);
}

const PrepareCase kPrepareCases[] = {
    {"SelectWithPlaceholder", "SELECT a FROM t WHERE id = ?", true, false, false},
    {"SelectUserVariable", "SELECT a FROM t WHERE id = @v", true, true, false},
    {"ForUpdate", "SELECT a FROM t WHERE id = ? FOR UPDATE", false, false, false},
    {"Insert", "INSERT INTO t VALUES (?, ?)", false, false, false},
    {"StoredFunction", "SELECT f(?)", false, false, false},
    {"LastInsertId", "SELECT LAST_INSERT_ID()", false, false, false},
    {"Set", "SET @v = ?", false, false, true},
    {"SetNames", "SET NAMES utf8mb4", false, false, true},
    {"Call", "CALL p(?)", false, false, false},
    {"Unterminated", "SELECT '?", false, false, false},
};

INSTANTIATE_TEST_SUITE_P(Prepare, PrepareTable, ::testing::ValuesIn(kPrepareCases),
                         [](const ::testing::TestParamInfo<PrepareCase>& p) { return std::string(p.param.name); });

TEST(RoutePrepare, TheReplicaGuardIsReadOnceFromTheText) {
  EXPECT_FALSE(classify_prepare("SELECT * FROM t WHERE id = ?", {}, {}).may_lift_read_only);
  EXPECT_TRUE(classify_prepare("SELECT * FROM t WHERE c = 'read write'", {}, {}).may_lift_read_only);
  EXPECT_TRUE(classify_prepare("SET SESSION TRANSACTION READ WRITE", {}, {}).may_lift_read_only);
  EXPECT_EQ(classify_prepare("SELECT ? FROM t", {}, {}).may_lift_read_only, may_lift_read_only("SELECT ? FROM t"));
  EXPECT_TRUE(PreparedRouting{}.may_lift_read_only);  // unknown: never on a replica
}

TEST(RouteExecute, ReplicaSafeStatementFollowsSessionState) {
  const PreparedRouting read = classify_prepare("SELECT * FROM t WHERE id = ?", {}, {});
  SessionView idle;
  EXPECT_EQ(route_execute(read, idle).target, Target::replica);
  SessionView in_trx;
  in_trx.in_transaction = true;
  EXPECT_EQ(route_execute(read, in_trx).target, Target::primary);
  EXPECT_EQ(route_execute(read, in_trx).reason, Reason::in_transaction);
  SessionView autocommit_off;
  autocommit_off.autocommit = false;
  EXPECT_EQ(route_execute(read, autocommit_off).reason, Reason::autocommit_off);
  SessionView locked;
  locked.tables_locked = true;
  EXPECT_EQ(route_execute(read, locked).reason, Reason::locked_tables);
}

TEST(RouteExecute, UserVariableReadFollowsDivergence) {
  const PreparedRouting read = classify_prepare("SELECT @v", {}, {});
  EXPECT_EQ(route_execute(read, {}).target, Target::replica);
  SessionView diverged;
  diverged.user_variables_diverged = true;
  EXPECT_EQ(route_execute(read, diverged).target, Target::primary);
  EXPECT_EQ(route_execute(read, diverged).reason, Reason::user_variable_read);
}

TEST(RouteExecute, TemporaryTableAtPrepareTimeKeepsPrimary) {
  const std::vector<TableName> temp{{"", "t"}};
  SessionView session;
  session.temp_tables = temp;
  const PreparedRouting r = classify_prepare("SELECT * FROM t", {}, session);
  EXPECT_FALSE(r.replica_safe);
  EXPECT_EQ(route_execute(r, {}).reason, Reason::temporary_table);
}

TEST(RouteExecute, PreparedCallSetsUserVariablesOnThePrimary) {
  const PreparedRouting call = classify_prepare("CALL p(?, @out)", {}, {});
  EXPECT_TRUE(call.sets_user_variables);
  const Classification c = route_execute(call, {});
  EXPECT_EQ(c.reason, Reason::stored_procedure);
  EXPECT_TRUE(c.effects.user_variables_diverged);
  EXPECT_FALSE(route_execute(classify_prepare("INSERT INTO t VALUES (?)", {}, {}), {}).effects.user_variables_diverged);
}

TEST(RouteExecute, PreparedSessionCommandPinsTheSession) {
  const PreparedRouting set = classify_prepare("SET @v = ?", {}, {});
  const Classification c = route_execute(set, {});
  EXPECT_EQ(c.target, Target::primary);
  EXPECT_TRUE(c.effects.pin_session_to_primary);
}

TEST(PreparedStatements, ClientIdsMapToPerConnectionIds) {
  PreparedStatements ps;
  const auto a = ps.add("SELECT ?", classify_prepare("SELECT ?", {}, {}));
  const auto b = ps.add("INSERT INTO t VALUES (?)", classify_prepare("INSERT INTO t VALUES (?)", {}, {}));
  EXPECT_NE(a, 0u);
  EXPECT_NE(a, b);
  ASSERT_NE(ps.find(a), nullptr);
  EXPECT_TRUE(ps.find(a)->routing.replica_safe);
  EXPECT_FALSE(ps.find(b)->routing.replica_safe);

  constexpr BackendConnectionId kPrimary = 10;
  constexpr BackendConnectionId kReplica = 20;
  EXPECT_TRUE(ps.bind(a, kPrimary, 7));
  EXPECT_TRUE(ps.bind(a, kReplica, 3));
  EXPECT_TRUE(ps.bind(b, kPrimary, 8));
  EXPECT_FALSE(ps.bind(999, kPrimary, 1));
  EXPECT_EQ(ps.backend_id(a, kPrimary), 7u);
  EXPECT_EQ(ps.backend_id(a, kReplica), 3u);
  EXPECT_EQ(ps.backend_id(b, kReplica), std::nullopt);

  ps.forget_backend(kReplica);  // the replica connection closed: prepare again on next use
  EXPECT_EQ(ps.backend_id(a, kReplica), std::nullopt);
  EXPECT_EQ(ps.backend_id(a, kPrimary), 7u);
  EXPECT_TRUE(ps.bind(a, kReplica, 4));
  EXPECT_EQ(ps.backend_id(a, kReplica), 4u);

  const auto to_close = ps.close(a);
  ASSERT_EQ(to_close.size(), 2u);
  EXPECT_EQ(to_close[0], (std::pair<BackendConnectionId, std::uint32_t>{kPrimary, 7}));
  EXPECT_EQ(to_close[1], (std::pair<BackendConnectionId, std::uint32_t>{kReplica, 4}));
  EXPECT_EQ(ps.find(a), nullptr);
  EXPECT_TRUE(ps.close(a).empty());
  EXPECT_EQ(ps.size(), 1u);
  ps.clear();
  EXPECT_EQ(ps.size(), 0u);
}

TEST(PreparedStatements, RebindReplacesTheId) {
  PreparedStatements ps;
  const auto a = ps.add("SELECT 1", {});
  ps.bind(a, 1, 5);
  ps.bind(a, 1, 6);
  EXPECT_EQ(ps.backend_id(a, 1), 6u);
  EXPECT_EQ(ps.find(a)->backend_ids.size(), 1u);
}

}  // namespace
}  // namespace weir::route
