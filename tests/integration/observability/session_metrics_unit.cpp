// session::SessionMetrics on its own: every method lands in the series its comment names, in the
// exposition weir serves.
#include <gtest/gtest.h>

#include "observability_support.hpp"
#include "session/session_metrics.hpp"

namespace weir::session {
namespace {

using testing::observability_tests::sample_sum;
using namespace std::chrono_literals;

TEST(SessionMetrics, EachMethodCountsInItsSeries) {
  metrics::Metrics registry;
  SessionMetrics m(registry);
  m.client_connected();
  m.client_connected();
  m.client_disconnected();
  m.client_rejected("max_connections");
  m.client_rejected("max_connections");
  m.client_rejected("access_denied");
  m.bytes_from_client(100);
  m.bytes_to_client(2500);
  m.query("db-1", /*replica=*/true, 0x03, 3ms);
  m.query("db-1", true, 0x03, 4ms);
  m.query("db-0", false, 0x03, 20ms);
  m.query("db-0", false, 0x17, 1ms);  // COM_STMT_EXECUTE
  m.routing_decision("replica", "read_only_statement");
  m.routing_decision("replica", "read_only_statement");
  m.routing_decision("primary", "in_transaction");
  m.gtid_wait(metrics::GtidWaitOutcome::applied);
  m.gtid_wait(metrics::GtidWaitOutcome::timeout);
  m.error("backend_lost");
  m.backend_connection_opened("db-1");
  m.backend_connection_opened("db-1");
  m.backend_connection_closed("db-1");
  m.backend_connection_opened("db-0");

  const std::string t = registry.render();
  EXPECT_EQ(sample_sum(t, "weir_client_connections"), 1.0) << t;
  EXPECT_EQ(sample_sum(t, "weir_client_connections_accepted_total"), 2.0);
  EXPECT_EQ(sample_sum(t, "weir_client_connections_rejected_total", {"reason=\"max_connections\""}), 2.0);
  EXPECT_EQ(sample_sum(t, "weir_client_connections_rejected_total", {"reason=\"access_denied\""}), 1.0);
  EXPECT_EQ(sample_sum(t, "weir_client_received_bytes_total"), 100.0);
  EXPECT_EQ(sample_sum(t, "weir_client_sent_bytes_total"), 2500.0);
  EXPECT_EQ(sample_sum(t, "weir_queries_total", {"backend=\"db-1\"", "route=\"replica\"", "command=\"query\""}), 2.0);
  EXPECT_EQ(sample_sum(t, "weir_queries_total", {"backend=\"db-0\"", "route=\"primary\"", "command=\"query\""}), 1.0);
  EXPECT_EQ(sample_sum(t, "weir_queries_total", {"route=\"primary\""}), 2.0);
  EXPECT_EQ(sample_sum(t, "weir_queries_total", {"command=\"stmt_execute\""}), 1.0) << t;
  EXPECT_EQ(sample_sum(t, "weir_query_duration_seconds_count", {"backend=\"db-1\""}), 2.0);
  EXPECT_EQ(sample_sum(t, "weir_query_duration_seconds_count", {"backend=\"db-0\""}), 2.0);
  EXPECT_NEAR(sample_sum(t, "weir_query_duration_seconds_sum", {"backend=\"db-1\""}).value_or(0), 0.007, 1e-9);
  EXPECT_EQ(sample_sum(t, "weir_query_duration_seconds_bucket", {"backend=\"db-1\"", "le=\"0.005\""}), 2.0);
  EXPECT_EQ(sample_sum(t, "weir_query_duration_seconds_bucket", {"backend=\"db-0\"", "le=\"0.005\""}), 1.0);
  EXPECT_EQ(sample_sum(t, "weir_routing_decisions_total", {"target=\"replica\"", "reason=\"read_only_statement\""}),
            2.0);
  EXPECT_EQ(sample_sum(t, "weir_routing_decisions_total", {"target=\"primary\"", "reason=\"in_transaction\""}), 1.0);
  EXPECT_EQ(sample_sum(t, "weir_gtid_wait_total", {"outcome=\"applied\""}), 1.0);
  EXPECT_EQ(sample_sum(t, "weir_gtid_wait_total", {"outcome=\"timeout\""}), 1.0);
  EXPECT_EQ(sample_sum(t, "weir_gtid_wait_total", {"outcome=\"error\""}), 0.0);
  EXPECT_EQ(sample_sum(t, "weir_errors_total", {"kind=\"backend_lost\""}), 1.0);
  EXPECT_EQ(sample_sum(t, "weir_backend_connections", {"backend=\"db-1\"", "state=\"active\""}), 1.0);
  EXPECT_EQ(sample_sum(t, "weir_backend_connections", {"backend=\"db-0\"", "state=\"active\""}), 1.0);
}

// Two workers' objects share one registry: their counts add up.
TEST(SessionMetrics, WorkersAddUpInOneRegistry) {
  metrics::Metrics registry;
  SessionMetrics first(registry);
  SessionMetrics second(registry);
  for (int i = 0; i < 5; ++i) first.query("db-1", true, 0x03, 1ms);
  for (int i = 0; i < 7; ++i) second.query("db-1", true, 0x03, 1ms);
  first.routing_decision("replica", "read_only_statement");
  second.routing_decision("replica", "read_only_statement");
  const std::string t = registry.render();
  EXPECT_EQ(sample_sum(t, "weir_queries_total", {"backend=\"db-1\""}), 12.0) << t;
  EXPECT_EQ(sample_sum(t, "weir_query_duration_seconds_count", {"backend=\"db-1\""}), 12.0);
  EXPECT_EQ(sample_sum(t, "weir_routing_decisions_total"), 2.0);
}

// The idle gauge a worker hands to its pool is the registry's one series per backend, whichever
// worker asks; a backend used at all shows both states (idle at 0 until something is pooled).
TEST(SessionMetrics, PooledConnectionsIsTheSharedIdleSeriesOfTheBackend) {
  metrics::Metrics registry;
  SessionMetrics first(registry);
  SessionMetrics second(registry);
  first.backend_connection_opened("db-0");
  std::string t = registry.render();
  EXPECT_EQ(sample_sum(t, "weir_backend_connections", {"backend=\"db-0\"", "state=\"idle\""}), 0.0) << t;
  EXPECT_EQ(&first.pooled_connections("db-0"), &second.pooled_connections("db-0"));
  EXPECT_NE(&first.pooled_connections("db-0"), &first.pooled_connections("db-1"));
  first.pooled_connections("db-0").inc();
  second.pooled_connections("db-0").inc();
  second.pooled_connections("db-1").inc();
  first.pooled_connections("db-0").dec();
  t = registry.render();
  EXPECT_EQ(sample_sum(t, "weir_backend_connections", {"backend=\"db-0\"", "state=\"idle\""}), 1.0) << t;
  EXPECT_EQ(sample_sum(t, "weir_backend_connections", {"backend=\"db-1\"", "state=\"idle\""}), 1.0) << t;
  EXPECT_EQ(sample_sum(t, "weir_backend_connections", {"backend=\"db-0\"", "state=\"active\""}), 1.0) << t;
}

}  // namespace
}  // namespace weir::session
