// The documented example must load and mean what its comments say.
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "weir/config/config.hpp"

namespace weir::config {
namespace {

using namespace std::chrono_literals;
using testing::ScopedEnv;

class ExampleConfig : public ::testing::Test {
 protected:
  ScopedEnv app_{"WEIR_APP_PASSWORD", "app-password-value"};
  ScopedEnv monitor_{"WEIR_MONITOR_PASSWORD", "monitor-password-value"};
};

TEST_F(ExampleConfig, LoadsWithoutErrorsOrWarnings) {
  const ConfigResult r = load_config_file(WEIR_EXAMPLE_CONFIG);
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front().to_string();
  EXPECT_EQ(r.config->origin, WEIR_EXAMPLE_CONFIG);
}

TEST_F(ExampleConfig, HoldsTheDocumentedValues) {
  const ConfigResult r = load_config_file(WEIR_EXAMPLE_CONFIG);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const Config& c = *r.config;

  EXPECT_EQ(c.listen.address, "127.0.0.1");
  EXPECT_EQ(c.listen.port, 6033);
  EXPECT_EQ(c.listen.backlog, 1024U);
  EXPECT_EQ(c.listen.max_connections, 4096U);
  EXPECT_EQ(c.workers.count, 0U);
  EXPECT_EQ(c.workers.buffer_size, 16U * 1024);

  EXPECT_TRUE(c.admin.enabled);
  EXPECT_EQ(c.admin.address, "127.0.0.1");
  EXPECT_EQ(c.admin.port, 9033);
  EXPECT_FALSE(c.admin.token.has_value());

  EXPECT_FALSE(c.tls.client.enabled);
  EXPECT_FALSE(c.tls.client.required);
  EXPECT_TRUE(c.tls.client.cert_file.empty());
  EXPECT_FALSE(c.tls.backend.enabled);
  EXPECT_EQ(c.tls.backend.verify, BackendTlsConfig::Verify::full);

  ASSERT_EQ(c.users.size(), 2U);
  EXPECT_EQ(c.users[0].name, "app");
  ASSERT_TRUE(c.users[0].password.has_value());
  EXPECT_EQ(c.users[0].password->value, "app-password-value");
  EXPECT_TRUE(c.users[0].password_hash.empty());
  EXPECT_EQ(c.users[1].name, "reporting");
  EXPECT_FALSE(c.users[1].password.has_value());
  EXPECT_EQ(c.users[1].password_hash, "*6D8E7CA2D13CBEBC74BE7EF3A2976000952DCE92");

  EXPECT_FALSE(c.load_users_from_backend.enabled);
  EXPECT_EQ(c.load_users_from_backend.user, "weir_monitor");  // the monitor's account by default
  EXPECT_EQ(c.load_users_from_backend.password.value, "monitor-password-value");
  EXPECT_EQ(c.load_users_from_backend.refresh_interval, 1min);

  EXPECT_EQ(c.monitor.user, "weir_monitor");
  EXPECT_EQ(c.monitor.password.value, "monitor-password-value");
  EXPECT_EQ(c.monitor.check_interval, 250ms);
  EXPECT_TRUE(c.monitor.heartbeat.enabled);
  EXPECT_EQ(c.monitor.heartbeat.schema, "weir");
  EXPECT_EQ(c.monitor.heartbeat.table, "heartbeat");
  EXPECT_EQ(c.monitor.heartbeat.interval, 100ms);

  EXPECT_EQ(c.backends.discovery, BackendsConfig::Discovery::static_list);
  const std::vector<StaticBackend> expected_backends{
      {"mysql-0", "127.0.0.1", 3306, Role::primary, 1},
      {"mysql-1", "127.0.0.1", 3307, Role::replica, 1},
      {"mysql-2", "127.0.0.1", 3308, Role::replica, 1},
  };
  EXPECT_EQ(c.backends.static_backends, expected_backends);

  EXPECT_EQ(c.routing.max_replica_lag, 1s);
  EXPECT_EQ(c.routing.readmit_lag, 800ms);
  EXPECT_EQ(c.routing.min_dwell, 2s);
  EXPECT_EQ(c.routing.when_no_replica, RoutingConfig::WhenNoReplica::primary);
  EXPECT_EQ(c.routing.consistency, RoutingConfig::Consistency::session);
  EXPECT_EQ(c.routing.causal_wait, 50ms);
  EXPECT_EQ(c.routing.stored_functions, RoutingConfig::StoredFunctions::primary);
  EXPECT_TRUE(c.routing.read_only_transactions_to_replica);

  EXPECT_EQ(c.timeouts.connect, 3s);
  EXPECT_EQ(c.timeouts.handshake, 10s);
  EXPECT_EQ(c.timeouts.client_idle, 8h);
  EXPECT_EQ(c.timeouts.client_read, 30s);
  EXPECT_EQ(c.timeouts.client_write, 60s);
  EXPECT_EQ(c.timeouts.backend_idle, 1h);
  EXPECT_EQ(c.timeouts.shutdown_grace, 25s);
  EXPECT_EQ(c.timeouts.query, 0s);
  EXPECT_EQ(c.timeouts.pool_wait, 5s);

  EXPECT_EQ(c.pool.max_idle_per_worker, 8U);
  EXPECT_EQ(c.pool.max_per_backend, 0U);  // auto
  EXPECT_EQ(c.pool.idle_timeout, 60s);
  EXPECT_TRUE(c.pool.reset_on_reuse);

  EXPECT_EQ(c.log.format, LogConfig::Format::logfmt);
  EXPECT_EQ(c.log.level, LogConfig::Level::info);
  EXPECT_EQ(c.log.slow_query, 0s);

  EXPECT_TRUE(c.metrics.enabled);
  const std::vector<Duration> buckets{100us, 250us, 500us, 1ms,   2500us, 5ms,    10ms, 25ms,
                                      50ms,  100ms, 250ms, 500ms, 1s,     2500ms, 5s};
  EXPECT_EQ(c.metrics.histogram_buckets, buckets);
}

// The example states the defaults: removing every optional key must give the same values.
TEST_F(ExampleConfig, CommentedDefaultsAreTheBuiltInDefaults) {
  const ConfigResult example = load_config_file(WEIR_EXAMPLE_CONFIG);
  ASSERT_TRUE(example.ok()) << example.error_text();
  const ConfigResult minimal = parse_config(R"(
users:
  - {name: app, password_env: WEIR_APP_PASSWORD}
  - {name: reporting, password_hash: "*6D8E7CA2D13CBEBC74BE7EF3A2976000952DCE92"}
monitor: {user: weir_monitor, password_env: WEIR_MONITOR_PASSWORD}
backends:
  static:
    - {name: mysql-0, host: 127.0.0.1, role: primary}
    - {name: mysql-1, host: 127.0.0.1, port: 3307}
    - {name: mysql-2, host: 127.0.0.1, port: 3308}
metrics:
  histogram_buckets: [100us, 250us, 500us, 1ms, 2.5ms, 5ms, 10ms, 25ms, 50ms, 100ms, 250ms, 500ms, 1s, 2.5s, 5s]
)",
                                            WEIR_EXAMPLE_CONFIG);
  ASSERT_TRUE(minimal.ok()) << minimal.error_text();
  EXPECT_EQ(*minimal.config, *example.config);
}

}  // namespace
}  // namespace weir::config
