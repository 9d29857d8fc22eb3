// The server as the last line of defence: weir's replica links run in a read-only session and
// without multi-statements, so a write the classifier lets through is refused by the replica
// (ERROR 1792) and runs on the primary instead; no client setting makes a replica link writable.
// WEIR_TEST_FORCE_REPLICA=1 lets a statement marked `weir:test_force_replica` skip the classifier.
#include <gtest/gtest.h>

#include <cstdlib>

#include "replicated_topology.hpp"

namespace weir::testing::routing_tests {
namespace {

constexpr const char* kForce = "/* weir:test_force_replica */ ";
// The link's read-only setting and server, without the words that keep a text off the replicas.
constexpr const char* kLinkState =
    "/* weir:test_force_replica */ SELECT (SELECT VARIABLE_VALUE FROM information_schema.SESSION_VARIABLES "
    "WHERE VARIABLE_NAME = CONCAT('TX_READ', '_ONLY')), @@server_id";

class ReadOnlyLinks : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ::setenv("WEIR_TEST_FORCE_REPLICA", "1", 1);
    TopologyOptions options;
    // SELECTs calling stored functions go to replicas: a function that writes is a write the
    // classifier cannot see, exactly what the read-only links are for.
    options.extra_yaml = "routing:\n  stored_functions: replica\n";
    topology_ = new ReplicatedTopology(options);
    ::unsetenv("WEIR_TEST_FORCE_REPLICA");
    auto& primary = topology_->primary;
    // Every server logs binary: the replicas' SQL threads must accept the function too.
    for (MariadbServer* server : {&primary, &topology_->replica1, &topology_->replica2}) {
      server->execute("SET GLOBAL log_bin_trust_function_creators = 1");
    }
    primary.execute("CREATE TABLE app.guarded (id INT PRIMARY KEY, server INT)");
    primary.execute(
        "CREATE FUNCTION app.remember(i INT) RETURNS INT BEGIN INSERT INTO app.guarded VALUES (i, @@server_id); "
        "RETURN i; END");
    if (!topology_->replica1.wait_caught_up(primary) || !topology_->replica2.wait_caught_up(primary)) {
      throw std::runtime_error("replicas did not catch up");
    }
  }
  static void TearDownTestSuite() {
    delete topology_;
    topology_ = nullptr;
  }
  static ReplicatedTopology& topology() { return *topology_; }
  static Mysql connect(bool multi_statements = true) {
    std::string error;
    ConnectOptions options = ConnectOptions{}.db("app");
    if (multi_statements) options.multi_statements();
    Mysql m = open_mysql(topology_->weir->port(), options, &error);
    if (!m) ADD_FAILURE() << "login through weir failed: " << error << "\n" << topology_->weir->log();
    return m;
  }
  // No replica has a GTID of its own: nothing was ever written on one.
  static void expect_replicas_clean() {
    EXPECT_EQ(ReplicatedTopology::own_gtids(topology().replica1), "");
    EXPECT_EQ(ReplicatedTopology::own_gtids(topology().replica2), "");
  }
  static std::size_t refusals_logged() {
    const std::string log = topology().weir->log();
    std::size_t count = 0;
    for (auto at = log.find("a replica refused a statement"); at != std::string::npos;
         at = log.find("a replica refused a statement", at + 1)) {
      ++count;
    }
    return count;
  }
  static ReplicatedTopology* topology_;
};
ReplicatedTopology* ReadOnlyLinks::topology_ = nullptr;

TEST_F(ReadOnlyLinks, ReplicaLinksAreReadOnlySessions) {
  Mysql m = connect();
  ASSERT_TRUE(m);
  const auto row = row_of(m.get(), kLinkState);
  ASSERT_EQ(row.size(), 2u);
  EXPECT_EQ(row[0], "ON");
  EXPECT_NE(row[1], "100") << "the hook should have sent the read to a replica";
  // The client's own session is not read-only: its writes run on the primary.
  ASSERT_EQ(run(m.get(), "INSERT INTO guarded VALUES (1, @@server_id)"), "");
  EXPECT_EQ(topology().primary.scalar("SELECT server FROM app.guarded WHERE id = 1"), "100");
}

TEST_F(ReadOnlyLinks, AWriteForcedOntoAReplicaIsRefusedThereAndRunsOnThePrimary) {
  Mysql m = connect();
  ASSERT_TRUE(m);
  const std::size_t before = refusals_logged();
  for (int id = 10; id < 20; ++id) {
    const std::string insert =
        std::string(kForce) + "INSERT INTO guarded VALUES (" + std::to_string(id) + ", @@server_id)";
    ASSERT_EQ(mysql_query(m.get(), insert.c_str()), 0) << mysql_error(m.get());
    EXPECT_EQ(mysql_affected_rows(m.get()), 1u);  // the primary's OK, as if it had gone there first
  }
  EXPECT_EQ(topology().primary.scalar("SELECT COUNT(*) FROM app.guarded WHERE id BETWEEN 10 AND 19 AND server = 100"),
            "10");
  EXPECT_EQ(refusals_logged() - before, 10u) << topology().weir->log();
  for (const char* other :
       {"UPDATE guarded SET server = server WHERE id = 10", "DELETE FROM guarded WHERE id = 19",
        "CREATE TABLE forced (a INT)", "DROP TABLE forced", "TRUNCATE TABLE forced_missing",
        "CREATE TEMPORARY TABLE forced_tmp (a INT)", "CREATE USER 'forced'@'%'", "DROP USER 'forced'@'%'"}) {
    const std::string answer = run(m.get(), std::string(kForce) + other);
    // Each ran on the primary (the TRUNCATE of a missing table fails there, as it would directly).
    if (std::string(other).rfind("TRUNCATE", 0) == 0) {
      EXPECT_EQ(answer.substr(0, 4), "1146") << other;
    } else {
      EXPECT_EQ(answer, "") << other;
    }
  }
  ASSERT_TRUE(topology().replica1.wait_caught_up(topology().primary));
  ASSERT_TRUE(topology().replica2.wait_caught_up(topology().primary));
  EXPECT_EQ(topology().replica1.scalar("SELECT COUNT(*) FROM app.guarded WHERE id BETWEEN 10 AND 19"), "9");
  expect_replicas_clean();
}

TEST_F(ReadOnlyLinks, AStoredFunctionThatWritesRunsOnThePrimary) {
  Mysql m = connect();
  ASSERT_TRUE(m);
  const std::size_t before = refusals_logged();
  // stored_functions: replica sends this read to a replica, which refuses the function's INSERT.
  EXPECT_EQ(scalar_of(m.get(), "SELECT remember(100)"), "100");
  EXPECT_EQ(topology().primary.scalar("SELECT server FROM app.guarded WHERE id = 100"), "100");
  EXPECT_EQ(refusals_logged() - before, 1u);
  expect_replicas_clean();
}

TEST_F(ReadOnlyLinks, NoClientSettingMakesAReplicaLinkWritable) {
  for (const char* lift : {"SET SESSION TRANSACTION READ WRITE", "SET tx_read_only = 0",
                           "SET @@session.tx_read_only = OFF", "SET autocommit = 1, tx_read_only = 0"}) {
    Mysql m = connect();
    ASSERT_TRUE(m);
    // A replica link exists before the setting and another may be opened after it.
    EXPECT_EQ(row_of(m.get(), kLinkState).at(0), "ON");
    ASSERT_EQ(run(m.get(), lift), "") << lift;
    // The client's session follows its setting where it writes (the primary) ...
    EXPECT_EQ(scalar_of(m.get(), "/* weir:primary */ SELECT @@tx_read_only"), "0") << lift;
    // ... and every replica link stays read-only, so its forced write still lands on the primary.
    for (int i = 0; i < 6; ++i) {
      const auto row = row_of(m.get(), kLinkState);
      ASSERT_EQ(row.size(), 2u);
      EXPECT_EQ(row[0], "ON") << lift << " on server " << row[1];
      EXPECT_NE(row[1], "100");
    }
    const int id = 200 + static_cast<int>(std::string(lift).size());
    ASSERT_EQ(
        run(m.get(), std::string(kForce) + "REPLACE INTO guarded VALUES (" + std::to_string(id) + ", @@server_id)"),
        "");
    EXPECT_EQ(topology().primary.scalar("SELECT server FROM app.guarded WHERE id = " + std::to_string(id)), "100");
  }
  // Statements that could lift it never go to a replica, whatever the classifier says.
  Mysql m = connect();
  ASSERT_TRUE(m);
  EXPECT_EQ(scalar_of(m.get(), std::string(kForce) + "SET STATEMENT tx_read_only = 0 FOR SELECT @@server_id"), "100");
  EXPECT_EQ(scalar_of(m.get(), "SELECT @@server_id FROM guarded WHERE 'read write' LIKE '%write' LIMIT 1"), "100");
  expect_replicas_clean();
}

TEST_F(ReadOnlyLinks, ResetAndChangeUserKeepReplicaLinksReadOnly) {
  Mysql m = connect();
  ASSERT_TRUE(m);
  ASSERT_EQ(run(m.get(), "SET SESSION TRANSACTION READ WRITE"), "");
  ASSERT_EQ(mysql_reset_connection(m.get()), 0) << mysql_error(m.get());
  EXPECT_EQ(row_of(m.get(), kLinkState).at(0), "ON");
  ASSERT_EQ(mysql_change_user(m.get(), kApp, kAppPassword, "app"), 0) << mysql_error(m.get());
  EXPECT_EQ(row_of(m.get(), kLinkState).at(0), "ON");
  EXPECT_EQ(scalar_of(m.get(), "/* weir:primary */ SELECT @@tx_read_only"), "0");
}

TEST_F(ReadOnlyLinks, AReplicaLinkRunsOneStatementPerQuery) {
  Mysql m = connect();
  ASSERT_TRUE(m);
  // Multi-statements go to the primary, even when every statement is a read.
  EXPECT_EQ(scalar_of(m.get(), "SELECT @@server_id; SELECT 2"), "100");
  // Forced onto a replica link, a second statement is a syntax error there: nothing runs.
  const std::string answer =
      run(m.get(), std::string(kForce) + "SELECT 1; INSERT INTO guarded VALUES (300, @@server_id)");
  EXPECT_EQ(answer.substr(0, 4), "1064") << answer;
  EXPECT_EQ(topology().primary.scalar("SELECT COUNT(*) FROM app.guarded WHERE id = 300"), "0");
  // COM_SET_OPTION (multi-statements off and on again) is not replayed onto replica links.
  ASSERT_EQ(mysql_set_server_option(m.get(), MYSQL_OPTION_MULTI_STATEMENTS_OFF), 0);
  ASSERT_EQ(mysql_set_server_option(m.get(), MYSQL_OPTION_MULTI_STATEMENTS_ON), 0);
  const std::string again =
      run(m.get(), std::string(kForce) + "SELECT 1; INSERT INTO guarded VALUES (301, @@server_id)");
  EXPECT_EQ(again.substr(0, 4), "1064") << again;
  EXPECT_EQ(scalar_of(m.get(), "SELECT 7; SELECT 8"), "7");  // the client's own multi-statements still work
  expect_replicas_clean();
}

TEST_F(ReadOnlyLinks, AfterSetNamesTheClassifierLexesWithTheServersCharacterSet) {
  Mysql m = connect(false);
  ASSERT_TRUE(m);
  // In gbk, 0xbf 0x5c is one character: the string ends at the second quote and `-- '` is a
  // comment. Read byte by byte, the backslash escapes that quote. Ambiguous: the primary.
  const std::string ambiguous = "SELECT @@server_id, '\xbf\\' -- '";
  ASSERT_EQ(run(m.get(), "SET NAMES gbk"), "");
  for (int i = 0; i < 10; ++i) EXPECT_EQ(scalar_of(m.get(), ambiguous), "100");
  // Back to utf8mb4: plain reads leave the primary again.
  ASSERT_EQ(run(m.get(), "SET NAMES utf8mb4"), "");
  bool replica = false;
  for (int i = 0; i < 20 && !replica; ++i) replica = scalar_of(m.get(), "SELECT @@server_id") != "100";
  EXPECT_TRUE(replica);
}

TEST_F(ReadOnlyLinks, FromItsFirstStatementASessionLexesBackslashesAsTheServerDoes) {
  // With NO_BACKSLASH_ESCAPES the string is 'a\' and FOR UPDATE is code (a locking read: the
  // primary); read with backslash escapes, FOR UPDATE would be inside the string (a plain read).
  const std::string locking = "SELECT @@server_id, 'a\\' FOR UPDATE -- '";
  auto servers = {&topology().primary, &topology().replica1, &topology().replica2};
  const std::string original = topology().primary.scalar("SELECT @@GLOBAL.sql_mode").value_or("");
  for (MariadbServer* server : servers)
    server->execute("SET GLOBAL sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
  {
    Mysql m = connect(false);
    ASSERT_TRUE(m);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(scalar_of(m.get(), locking), "100") << "statement " << i;
    ASSERT_EQ(mysql_reset_connection(m.get()), 0);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(scalar_of(m.get(), locking), "100") << "after a reset, statement " << i;
  }
  for (MariadbServer* server : servers) server->execute("SET GLOBAL sql_mode = '" + original + "'");
}

}  // namespace
}  // namespace weir::testing::routing_tests
