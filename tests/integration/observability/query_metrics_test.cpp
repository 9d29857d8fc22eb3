// Statements sent through weir to a real primary and replica show up in weir_queries_total by
// route, backend and command, in weir_query_duration_seconds and in weir_routing_decisions_total
// by reason, as the sessions count them through session::SessionMetrics.
#include <gtest/gtest.h>

#include "observability_support.hpp"

namespace weir::testing::observability_tests {
namespace {

using admin::testing::request;

TEST(QueryMetrics, StatementsThroughWeirAreCountedByRouteDurationAndReason) {
  MariadbServer primary(MariadbOptions::primary(100));
  prepare_primary(primary);
  MariadbServer replica(replica_options(101));
  replica.replicate_from(primary);
  ASSERT_TRUE(replica.wait_caught_up(primary));
  WeirOptions options = weir_for(primary);
  options.backends.push_back({"replica-1", "127.0.0.1", replica.port(), "replica"});
  options.monitor_yaml = "  check_interval: 100ms\n";
  options.admin_yaml = admin_yaml(kToken);
  WeirProcess weir(options);
  const auto admin_port = admin_port_of(weir);

  // Until the replica takes reads.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  bool replica_read = false;
  while (!replica_read && std::chrono::steady_clock::now() < deadline) {
    Mysql m = open_mysql(weir.port(), {});
    if (m) replica_read = scalar_of(m.get(), "SELECT @@server_id") == "101";
    if (!replica_read) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(replica_read) << weir.log();

  {
    Mysql m = open_mysql(weir.port(), ConnectOptions{}.db("app"));
    ASSERT_TRUE(m);
    ASSERT_EQ(mysql_query(m.get(), "CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, v INT)"), 0)
        << mysql_error(m.get());
    for (int i = 0; i < 10; ++i) {
      const std::string insert = "INSERT INTO t VALUES (" + std::to_string(i) + ", " + std::to_string(i * 2) + ")";
      ASSERT_EQ(mysql_query(m.get(), insert.c_str()), 0) << mysql_error(m.get());
    }
    for (int i = 0; i < 20; ++i) EXPECT_NE(scalar_of(m.get(), "SELECT COUNT(*) FROM t"), "") << i;
    ASSERT_EQ(mysql_query(m.get(), "BEGIN"), 0);
    EXPECT_EQ(scalar_of(m.get(), "SELECT v FROM t WHERE id = 3"), "6");
    ASSERT_EQ(mysql_query(m.get(), "COMMIT"), 0);
  }

  const auto r = request(admin_port, "GET", "/metrics", std::string(kToken));
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string& text = r.body;
  EXPECT_GT(sample_sum(text, "weir_queries_total", {"route=\"replica\""}).value_or(0), 0.0) << text;
  EXPECT_GT(sample_sum(text, "weir_queries_total", {"route=\"primary\""}).value_or(0), 0.0) << text;
  EXPECT_GT(sample_sum(text, "weir_queries_total", {"backend=\"replica-1\"", "command=\"query\""}).value_or(0), 0.0);
  EXPECT_GT(sample_sum(text, "weir_queries_total", {"backend=\"primary\"", "command=\"query\""}).value_or(0), 0.0);
  EXPECT_GT(sample_sum(text, "weir_query_duration_seconds_bucket", {"le=\"+Inf\""}).value_or(0), 0.0) << text;
  EXPECT_GT(sample_sum(text, "weir_query_duration_seconds_count", {"backend=\"replica-1\""}).value_or(0), 0.0);
  EXPECT_GT(sample_sum(text, "weir_query_duration_seconds_sum").value_or(0), 0.0);
  EXPECT_GT(sample_sum(text, "weir_routing_decisions_total", {"target=\"replica\"", "reason=\""}).value_or(0), 0.0)
      << text;
  EXPECT_GT(sample_sum(text, "weir_routing_decisions_total", {"target=\"primary\"", "reason=\""}).value_or(0), 0.0)
      << text;
  EXPECT_GT(sample_sum(text, "weir_client_received_bytes_total").value_or(0), 0.0);
  EXPECT_GT(sample_sum(text, "weir_client_sent_bytes_total").value_or(0), 0.0);
  if (HasFailure()) std::cerr << "weir log:\n" << weir.log();
}

}  // namespace
}  // namespace weir::testing::observability_tests
