// Routing through weir with a real primary and two replicas: reads spread over the replicas,
// writes and everything stateful on the primary, session state replayed, read-your-writes.
#include <gtest/gtest.h>

#include <map>

#include "replicated_topology.hpp"
#include "weir/testing/sysbench.hpp"

namespace weir::testing::routing_tests {
namespace {

class Routing : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { topology_ = new ReplicatedTopology(); }
  static void TearDownTestSuite() {
    delete topology_;
    topology_ = nullptr;
  }
  static ReplicatedTopology& topology() { return *topology_; }
  static Mysql connect() {
    std::string error;
    Mysql m = open_mysql(topology_->weir->port(), ConnectOptions{}.db("app").multi_statements(), &error);
    if (!m) ADD_FAILURE() << "login through weir failed: " << error << "\n" << topology_->weir->log();
    return m;
  }
  static ReplicatedTopology* topology_;
};
ReplicatedTopology* Routing::topology_ = nullptr;

TEST_F(Routing, ReadsSpreadOverBothReplicasAndNeverReachThePrimary) {
  std::map<std::string, int> served;
  for (int c = 0; c < 4; ++c) {
    Mysql m = connect();
    ASSERT_TRUE(m);
    for (int i = 0; i < 50; ++i) ++served[scalar_of(m.get(), "SELECT @@server_id")];
  }
  EXPECT_GT(served["101"], 20);
  EXPECT_GT(served["102"], 20);
  EXPECT_EQ(served["100"], 0);
  EXPECT_EQ(served["101"] + served["102"], 200);
}

TEST_F(Routing, WritesAndStatefulReadsGoToThePrimary) {
  Mysql m = connect();
  ASSERT_TRUE(m);
  ASSERT_EQ(run(m.get(), "INSERT INTO kv VALUES (1, 1, @@server_id)"), "");
  EXPECT_EQ(topology().primary.scalar("SELECT written_by FROM app.kv WHERE k = 1"), "100");
  EXPECT_EQ(row_of(m.get(), "SELECT k, @@server_id FROM kv WHERE k = 1 FOR UPDATE").at(1), "100");
  EXPECT_EQ(row_of(m.get(), "SELECT k, @@server_id FROM kv WHERE k = 1 LOCK IN SHARE MODE").at(1), "100");
  EXPECT_EQ(scalar_of(m.get(), "SELECT GET_LOCK('weir-test', 0) + @@server_id"), "101");  // 1 + 100
  EXPECT_EQ(scalar_of(m.get(), "SELECT RELEASE_LOCK('weir-test') + @@server_id"), "101");
  EXPECT_EQ(scalar_of(m.get(), "SELECT LAST_INSERT_ID() + @@server_id"), "100");
  EXPECT_EQ(scalar_of(m.get(), "/* weir:primary */ SELECT @@server_id"), "100");

  // A transaction stays on the primary from its start to its end, reads included.
  ASSERT_EQ(run(m.get(), "BEGIN"), "");
  EXPECT_EQ(scalar_of(m.get(), "SELECT @@server_id"), "100");
  ASSERT_EQ(run(m.get(), "UPDATE kv SET v = 2 WHERE k = 1"), "");
  EXPECT_EQ(scalar_of(m.get(), "SELECT @@server_id"), "100");
  ASSERT_EQ(run(m.get(), "COMMIT"), "");
  ASSERT_EQ(run(m.get(), "START TRANSACTION READ ONLY"), "");
  EXPECT_EQ(scalar_of(m.get(), "SELECT @@server_id"), "100");
  ASSERT_EQ(run(m.get(), "ROLLBACK"), "");

  // autocommit off: every statement opens a transaction.
  ASSERT_EQ(run(m.get(), "SET autocommit = 0"), "");
  EXPECT_EQ(scalar_of(m.get(), "SELECT @@server_id"), "100");
  ASSERT_EQ(run(m.get(), "COMMIT"), "");
  ASSERT_EQ(run(m.get(), "SET autocommit = 1"), "");
  bool replica = false;
  for (int i = 0; i < 10 && !replica; ++i) replica = scalar_of(m.get(), "SELECT @@server_id") != "100";
  EXPECT_TRUE(replica) << "reads should leave the primary once autocommit is back on";
}

TEST_F(Routing, TemporaryTablesKeepTheirStatementsOnThePrimary) {
  Mysql m = connect();
  ASSERT_TRUE(m);
  ASSERT_EQ(run(m.get(), "CREATE TEMPORARY TABLE scratch (a INT)"), "");
  ASSERT_EQ(run(m.get(), "INSERT INTO scratch VALUES (7)"), "");
  for (int i = 0; i < 10; ++i) {
    const auto row = row_of(m.get(), "SELECT a, @@server_id FROM scratch");
    ASSERT_EQ(row.size(), 2U) << mysql_error(m.get());
    EXPECT_EQ(row[0], "7");
    EXPECT_EQ(row[1], "100");
  }
  ASSERT_EQ(run(m.get(), "DROP TEMPORARY TABLE scratch"), "");
}

TEST_F(Routing, SessionStateIsReplayedOnTheReplicas) {
  Mysql m = connect();
  ASSERT_TRUE(m);
  ASSERT_EQ(run(m.get(), "SET @answer = 42"), "");
  ASSERT_EQ(run(m.get(), "SET NAMES latin1"), "");
  ASSERT_EQ(run(m.get(), "SET SESSION sql_mode = 'ANSI_QUOTES'"), "");
  ASSERT_EQ(run(m.get(), "USE mysql"), "");
  std::set<std::string> servers;
  for (int i = 0; i < 30; ++i) {
    const auto row = row_of(m.get(), "SELECT @answer, @@character_set_client, @@sql_mode, DATABASE(), @@server_id");
    ASSERT_EQ(row.size(), 5U) << mysql_error(m.get());
    EXPECT_EQ(row[0], "42");
    EXPECT_EQ(row[1], "latin1");
    EXPECT_EQ(row[2], "ANSI_QUOTES");
    EXPECT_EQ(row[3], "mysql");
    servers.insert(row[4]);
  }
  EXPECT_TRUE(servers.count("101") || servers.count("102"));
  EXPECT_EQ(servers.count("100"), 0U);
  // A later change reaches replica connections opened before it.
  ASSERT_EQ(run(m.get(), "SET @answer = 43"), "");
  ASSERT_EQ(run(m.get(), "USE app"), "");
  for (int i = 0; i < 10; ++i) {
    const auto row = row_of(m.get(), "SELECT @answer, DATABASE(), @@server_id");
    ASSERT_EQ(row.size(), 3U);
    EXPECT_EQ(row[0], "43");
    EXPECT_EQ(row[1], "app");
  }
  // A value computed on the primary cannot be replayed: reads of user variables stay there.
  ASSERT_EQ(run(m.get(), "SELECT @picked := @@server_id"), "");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(row_of(m.get(), "SELECT @picked, @@server_id").at(1), "100");
}

TEST_F(Routing, ReadYourWritesHoldsForTenThousandWrites) {
  Mysql m = connect();
  ASSERT_TRUE(m);
  ASSERT_EQ(run(m.get(), "CREATE TABLE ryw (k INT PRIMARY KEY, v INT)"), "");
  int violations = 0;
  std::map<std::string, int> served;
  for (int i = 1; i <= 10000; ++i) {
    ASSERT_EQ(run(m.get(), "INSERT INTO ryw VALUES (" + std::to_string(i) + ", " + std::to_string(i) + ")"), "");
    const auto row = row_of(m.get(), "SELECT v, @@server_id FROM ryw WHERE k = " + std::to_string(i));
    if (row.size() != 2 || row[0] != std::to_string(i)) ++violations;
    if (row.size() == 2) ++served[row[1]];
  }
  EXPECT_EQ(violations, 0);
  std::cout << "read-your-writes: 10000 iterations, violations " << violations << ", served by primary "
            << served["100"] << ", replica-1 " << served["101"] << ", replica-2 " << served["102"] << "\n";
  EXPECT_GT(served["101"] + served["102"], 0) << "no read after a write ever went to a replica";
}

TEST_F(Routing, NoClientWriteReachesAReplica) {
  {
    Mysql m = connect();
    ASSERT_TRUE(m);
    ASSERT_EQ(run(m.get(), "CREATE TABLE IF NOT EXISTS mixed (id INT AUTO_INCREMENT PRIMARY KEY, v INT)"), "");
    for (int i = 0; i < 200; ++i) {
      ASSERT_EQ(run(m.get(), "INSERT INTO mixed (v) VALUES (" + std::to_string(i) + ")"), "");
      run(m.get(), "SELECT COUNT(*) FROM mixed");
      ASSERT_EQ(run(m.get(), "UPDATE mixed SET v = v + 1 WHERE id = LAST_INSERT_ID()"), "");
      run(m.get(), "SELECT v FROM mixed WHERE id = 1; SELECT 1");
      ASSERT_EQ(run(m.get(), "INSERT INTO mixed (v) SELECT MAX(v) FROM mixed"), "");
      ASSERT_EQ(run(m.get(), "DELETE FROM mixed WHERE id = LAST_INSERT_ID()"), "");
      ASSERT_EQ(run(m.get(), "REPLACE INTO mixed VALUES (1, " + std::to_string(i) + ")"), "");
    }
  }
  // sysbench's read-write mix, with and without explicit transactions, as plain statements (without
  // transactions its DELETE and INSERT of one row race between threads: 1062 is the workload's own).
  topology().primary.execute("CREATE DATABASE IF NOT EXISTS sbtest");
  SysbenchOptions sysbench;
  sysbench.workload = "oltp_read_write";
  sysbench.extra = {"--mysql-ignore-errors=1213,1062"};
  const std::string logs = topology().weir->dir() + "/sysbench-";

  const auto prepared = run_sysbench(sysbench, topology().primary.port(), "prepare", logs + "prepare.out");
  ASSERT_EQ(prepared.status, 0) << prepared.output;
  for (const std::string extra : {"--skip-trx=off", "--skip-trx=on"}) {
    SysbenchOptions run_options = sysbench;
    run_options.extra.push_back(extra);
    const auto run = run_sysbench(run_options, topology().weir->port(), "run", logs + "run.out");
    EXPECT_EQ(run.status, 0) << run.output << "\nweir log:\n" << topology().weir->log();
    EXPECT_EQ(run.output.find("FATAL"), std::string::npos) << run.output;
  }
  EXPECT_EQ(ReplicatedTopology::own_gtids(topology().replica1), "");
  EXPECT_EQ(ReplicatedTopology::own_gtids(topology().replica2), "");
  // The classifier let no write through: no replica link had to refuse one (ERROR 1792).
  const std::string log = topology().weir->log();
  EXPECT_EQ(log.find("a replica refused a statement"), std::string::npos) << log;
}

}  // namespace
}  // namespace weir::testing::routing_tests
