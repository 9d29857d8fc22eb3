// Routing when backends fail or fall behind: a stopped replica leaves the read pool and returns
// only caught up, a killed replica costs no failed query, a lagging replica never serves a read
// that must see the session's write, and a stopped primary leaves reads working.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <map>

#include "replicated_topology.hpp"
#include "weir/testing/sysbench.hpp"

namespace weir::testing::routing_tests {
namespace {

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(RoutingFailover, AReplicaWithItsSqlThreadStoppedLeavesAndReturnsCaughtUpWithoutFlapping) {
  ReplicatedTopology t;
  Mysql m = open_mysql(t.weir->port(), ConnectOptions{}.db("app"));
  ASSERT_TRUE(m);
  const std::size_t log_start = t.weir->log().size();
  t.replica1.execute("STOP SLAVE SQL_THREAD");
  const auto stopped_at = std::chrono::steady_clock::now();
  // Reads may still reach it until the monitor's next rounds; measure when the last one did.
  auto last_read_there = stopped_at;
  for (auto until = stopped_at + 2s; std::chrono::steady_clock::now() < until;) {
    if (row_of(m.get(), "SELECT @@server_id").at(0) == "101") last_read_there = std::chrono::steady_clock::now();
  }
  const auto drained_ms = std::chrono::duration_cast<std::chrono::milliseconds>(last_read_there - stopped_at).count();
  std::cout << "last read on the stopped replica " << drained_ms
            << " ms after STOP SLAVE SQL_THREAD (check_interval 100ms)\n";
  for (int i = 0; i < 100; ++i) EXPECT_NE(row_of(m.get(), "SELECT @@server_id").at(0), "101");

  // Writes it has not applied; when it returns, every read it serves must show them.
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(mysql_query(m.get(), ("INSERT INTO kv VALUES (" + std::to_string(1000 + i) + ", 1, 0)").c_str()), 0);
  }
  const std::string expected = t.primary.scalar("SELECT COUNT(*) FROM app.kv").value_or("?");
  t.replica1.execute("START SLAVE SQL_THREAD");
  bool back = false;
  for (auto until = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < until;) {
    const auto row = row_of(m.get(), "SELECT COUNT(*), @@server_id FROM kv");
    ASSERT_EQ(row.size(), 2U);
    if (row[1] == "101") {
      back = true;
      EXPECT_EQ(row[0], expected) << "the replica served a read before it caught up";
    }
    if (back) break;
  }
  EXPECT_TRUE(back) << t.weir->log();
  std::this_thread::sleep_for(1s);  // would any flapping show up in the log
  const std::string log = t.weir->log().substr(log_start);
  EXPECT_EQ(count_of(log, "msg=\"replica not usable\" backend=replica-1"), 1U) << log;
  EXPECT_EQ(count_of(log, "msg=\"replica usable\" backend=replica-1"), 1U) << log;
  EXPECT_EQ(count_of(log, "backend=replica-2"), 0U) << log;
}

TEST(RoutingFailover, KillingAReplicaUnderReadLoadFailsNoQuery) {
  ReplicatedTopology t;
  t.primary.execute("CREATE DATABASE sbtest");
  SysbenchOptions sysbench;
  sysbench.table_size = 5000;
  sysbench.threads = 8;
  sysbench.seconds = 8;
  sysbench.extra = {"--skip-trx=on"};

  const auto prepared = run_sysbench(sysbench, t.primary.port(), "prepare", t.primary.dir() + "/sysbench-prepare.out");
  ASSERT_EQ(prepared.status, 0) << prepared.output;
  ASSERT_TRUE(t.replica1.wait_caught_up(t.primary));
  ASSERT_TRUE(t.replica2.wait_caught_up(t.primary));
  std::thread killer([&] {
    std::this_thread::sleep_for(3s);
    ::kill(t.replica2.pid(), SIGKILL);
  });
  const auto run = run_sysbench(sysbench, t.weir->port(), "run", t.primary.dir() + "/sysbench-run.out");
  killer.join();
  const std::string& out = run.output;
  ASSERT_EQ(run.status, 0) << out << "\nweir log:\n" << t.weir->log();
  EXPECT_EQ(run.count("ignored errors"), 0) << out;
  EXPECT_EQ(run.count("reconnects"), 0) << out;
  ASSERT_TRUE(run.count("queries").has_value()) << out;
  std::cout << "sysbench oltp_read_only through weir with replica-2 killed after 3 s: " << *run.count("queries")
            << " queries, 0 failed\n";
  EXPECT_EQ(out.find("FATAL"), std::string::npos) << out;
}

// Reads right after writes while one replica applies everything a second late (MASTER_DELAY):
// with GTIDs from session tracking, and with only the primary's position to go by.
void read_your_writes_with_a_delayed_replica(bool track_last_gtid, int iterations) {
  TopologyOptions options;
  options.track_last_gtid = track_last_gtid;
  options.extra_yaml = "routing:\n  max_replica_lag: 10s\n  causal_wait: 2ms\n";
  ReplicatedTopology t(options);
  t.replica1.execute("STOP SLAVE");
  t.replica1.execute("CHANGE MASTER TO MASTER_DELAY = 1");
  t.replica1.execute("START SLAVE");
  Mysql m = open_mysql(t.weir->port(), ConnectOptions{}.db("app"));
  ASSERT_TRUE(m);
  ASSERT_EQ(mysql_query(m.get(), "CREATE TABLE ryw (k INT PRIMARY KEY, v INT)"), 0);
  int violations = 0;
  std::map<std::string, int> served;
  for (int i = 1; i <= iterations; ++i) {
    ASSERT_EQ(
        mysql_query(m.get(), ("INSERT INTO ryw VALUES (" + std::to_string(i) + ", " + std::to_string(i) + ")").c_str()),
        0)
        << mysql_error(m.get());
    const auto row = row_of(m.get(), "SELECT v, @@server_id FROM ryw WHERE k = " + std::to_string(i));
    if (row.size() != 2 || row[0] != std::to_string(i)) ++violations;
    if (row.size() == 2) ++served[row[1]];
  }
  std::cout << "read-your-writes (" << (track_last_gtid ? "last_gtid tracked" : "no GTID tracking") << ", replica-1 "
            << "1 s behind): " << iterations << " iterations, violations " << violations << ", served by primary "
            << served["100"] << ", replica-1 " << served["101"] << ", replica-2 " << served["102"] << "\n";
  EXPECT_EQ(violations, 0);
  EXPECT_EQ(served["101"], 0) << "the delayed replica cannot have any of these rows";
}

TEST(RoutingFailover, ReadYourWritesWithADelayedReplicaByGtid) { read_your_writes_with_a_delayed_replica(true, 10000); }

TEST(RoutingFailover, ReadYourWritesWithADelayedReplicaWithoutGtidTracking) {
  read_your_writes_with_a_delayed_replica(false, 2000);
}

TEST(RoutingFailover, WithThePrimaryStoppedWritesFailClearlyAndReadsGoOn) {
  ReplicatedTopology t;
  Mysql before = open_mysql(t.weir->port(), ConnectOptions{}.db("app"));
  ASSERT_TRUE(before);
  ASSERT_EQ(mysql_query(before.get(), "SET @kept = 5"), 0);
  ASSERT_EQ(mysql_query(before.get(), "INSERT INTO kv VALUES (1, 1, 0)"), 0);
  ASSERT_TRUE(t.replica1.wait_caught_up(t.primary));
  ASSERT_TRUE(t.replica2.wait_caught_up(t.primary));
  t.primary.stop();
  std::this_thread::sleep_for(500ms);

  // The session from before goes on: reads and its variables work, writes get a clear error.
  for (int i = 0; i < 20; ++i) {
    const auto row = row_of(before.get(), "SELECT v, @kept, @@server_id FROM kv WHERE k = 1");
    ASSERT_EQ(row.size(), 3U) << mysql_errno(before.get()) << " " << mysql_error(before.get()) << "\n" << t.weir->log();
    EXPECT_EQ(row[0], "1");
    EXPECT_EQ(row[1], "5");
    EXPECT_NE(row[2], "100");
  }
  EXPECT_NE(mysql_query(before.get(), "INSERT INTO kv VALUES (2, 2, 0)"), 0);
  const std::string write_error = mysql_error(before.get());
  EXPECT_NE(write_error.find("primary"), std::string::npos) << write_error;
  EXPECT_NE(write_error.find("cannot be reached"), std::string::npos) << write_error;
  // The session still works after the refused write.
  const auto after_refused = row_of(before.get(), "SELECT v FROM kv WHERE k = 1");
  ASSERT_EQ(after_refused.size(), 1U) << mysql_errno(before.get()) << " " << mysql_error(before.get()) << "\n"
                                      << t.weir->log();
  EXPECT_EQ(after_refused[0], "1");

  // New clients log in and read.
  std::string error;
  Mysql after = open_mysql(t.weir->port(), ConnectOptions{}.db("app"), &error);
  ASSERT_TRUE(after) << error << "\n" << t.weir->log();
  for (int i = 0; i < 20; ++i) {
    const auto row = row_of(after.get(), "SELECT v, @@server_id FROM kv WHERE k = 1");
    ASSERT_EQ(row.size(), 2U) << mysql_error(after.get());
    EXPECT_NE(row[1], "100");
  }
  EXPECT_NE(mysql_query(after.get(), "UPDATE kv SET v = 3"), 0);
  EXPECT_NE(std::string(mysql_error(after.get())).find("primary"), std::string::npos);
  EXPECT_EQ(mysql_query(after.get(), "SET NAMES utf8mb4"), 0) << mysql_error(after.get());
  EXPECT_EQ(row_of(after.get(), "SELECT @@character_set_client").at(0), "utf8mb4");
}

}  // namespace
}  // namespace weir::testing::routing_tests
