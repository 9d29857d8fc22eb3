// Valid settings other than the example's: each is read into the expected value.
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "weir/config/config.hpp"

namespace weir::config {
namespace {

using namespace std::chrono_literals;
using testing::kMinimal;
using testing::TempDir;

std::shared_ptr<const Config> load(const std::string& yaml) {
  ConfigResult r = parse_config(yaml, "weir.yaml");
  EXPECT_TRUE(r.ok()) << r.error_text();
  return r.config;
}

TEST(Accepted, Defaults) {
  const auto c = load(kMinimal);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->listen.address, "127.0.0.1");
  EXPECT_EQ(c->listen.port, 6033);
  EXPECT_EQ(c->admin.port, 9033);
  EXPECT_EQ(c->monitor.check_interval, 250ms);
  EXPECT_EQ(c->routing.readmit_lag, 800ms);
  EXPECT_EQ(c->backends.static_backends[0].name, "127.0.0.1:3306");
  EXPECT_EQ(c->backends.static_backends[0].port, 3306);
  EXPECT_TRUE(c->metrics.histogram_buckets.empty());
}

TEST(Accepted, WorkerCount) {
  EXPECT_EQ(load(kMinimal + "workers: {count: auto}\n")->workers.count, 0U);
  EXPECT_EQ(load(kMinimal + "workers: {count: 4}\n")->workers.count, 4U);
  EXPECT_EQ(load(kMinimal + "workers: {count: 0}\n")->workers.count, 0U);
}

TEST(Accepted, Ipv6Listener) {
  const auto c = load(kMinimal + "listen: {address: \"::\", port: 3306}\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->listen.address, "::");
}

TEST(Accepted, HysteresisFollowsMaxLagAsAPercentage) {
  EXPECT_EQ(load(kMinimal + "routing: {max_replica_lag: 2s}\n")->routing.readmit_lag, 1600ms);
  EXPECT_EQ(load(kMinimal + "routing: {max_replica_lag: 2s, lag_hysteresis: 50%}\n")->routing.readmit_lag, 1s);
  EXPECT_EQ(load(kMinimal + "routing: {max_replica_lag: 2s, lag_hysteresis: 1500ms}\n")->routing.readmit_lag, 1500ms);
}

TEST(Accepted, DnsDiscovery) {
  const std::string base = "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\n";
  auto c = load(base + "backends: {discovery: dns, dns: {primary: mysql-0.mysql, replicas: mysql}}\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->backends.discovery, BackendsConfig::Discovery::dns);
  EXPECT_EQ(c->backends.dns.primary_host, "mysql-0.mysql");
  EXPECT_EQ(c->backends.dns.primary_port, 3306);
  EXPECT_EQ(c->backends.dns.replicas, "mysql");
  EXPECT_EQ(c->backends.dns.replica_port, 3306);
  EXPECT_EQ(c->backends.dns.refresh_interval, 5s);
  EXPECT_TRUE(c->backends.static_backends.empty());

  c = load(base +
           "backends:\n  discovery: dns\n  dns:\n    primary: 10.0.0.5:3307\n"
           "    replicas: _mysql._tcp.mysql.default.svc.cluster.local\n    port: 3310\n"
           "    refresh_interval: 500ms\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->backends.dns.primary_host, "10.0.0.5");
  EXPECT_EQ(c->backends.dns.primary_port, 3307);
  EXPECT_EQ(c->backends.dns.replicas, "_mysql._tcp.mysql.default.svc.cluster.local");
  EXPECT_EQ(c->backends.dns.replica_port, 3310);
  EXPECT_EQ(c->backends.dns.refresh_interval, 500ms);
}

TEST(Accepted, KubernetesDiscovery) {
  const std::string base = "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\n";
  auto c = load(base + "backends: {discovery: kubernetes}\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->backends.discovery, BackendsConfig::Discovery::kubernetes);
  EXPECT_EQ(c->backends.kubernetes, KubernetesDiscovery{});
  EXPECT_EQ(c->backends.kubernetes.service, "mysql");
  EXPECT_EQ(c->backends.kubernetes.port_name, "mysql");
  EXPECT_EQ(c->backends.kubernetes.primary_ordinal, 0u);

  c = load(base +
           "backends:\n  discovery: kubernetes\n  kubernetes:\n    service: db\n    namespace: prod\n"
           "    port_name: sql\n    port: 3307\n    primary_ordinal: 1\n    kubeconfig: /k/config\n"
           "    context: ctx\n");
  ASSERT_NE(c, nullptr);
  const auto& k = c->backends.kubernetes;
  EXPECT_EQ(k.service, "db");
  EXPECT_EQ(k.namespace_name, "prod");
  EXPECT_EQ(k.port_name, "sql");
  EXPECT_EQ(k.port, 3307);
  EXPECT_EQ(k.primary_ordinal, 1u);
  EXPECT_EQ(k.kubeconfig, "/k/config");
  EXPECT_EQ(k.context, "ctx");
}

TEST(Accepted, LoadUsersWithItsOwnAccount) {
  const auto c = load(
      "monitor: {user: m, password: \"\"}\nbackends: {static: [{host: db, role: primary}]}\n"
      "load_users_from_backend: {enabled: true, user: loader, password: \"lp\", refresh_interval: 30s}\n");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->load_users_from_backend.enabled);
  EXPECT_EQ(c->load_users_from_backend.user, "loader");
  EXPECT_EQ(c->load_users_from_backend.password.value, "lp");
  EXPECT_EQ(c->load_users_from_backend.refresh_interval, 30s);
  EXPECT_TRUE(c->users.empty());
}

TEST(Accepted, TlsWithReadableFiles) {
  TempDir dir;
  const std::string cert = dir.write("c.pem", "cert");
  const std::string key = dir.write("k.pem", "key");
  const std::string ca = dir.write("ca.pem", "ca");
  const auto c = load(kMinimal + "tls:\n  client: {enabled: true, cert_file: " + cert + ", key_file: " + key +
                      ", required: true}\n  backend: {enabled: true, ca_file: " + ca + ", verify: ca}\n");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->tls.client.enabled);
  EXPECT_TRUE(c->tls.client.required);
  EXPECT_EQ(c->tls.client.cert_file, cert);
  EXPECT_EQ(c->tls.client.key_file, key);
  EXPECT_TRUE(c->tls.client.ca_file.empty());
  EXPECT_TRUE(c->tls.backend.enabled);
  EXPECT_EQ(c->tls.backend.ca_file, ca);
  EXPECT_EQ(c->tls.backend.verify, BackendTlsConfig::Verify::ca);
}

TEST(Accepted, DisabledTlsDoesNotCheckFiles) {
  const auto c = load(kMinimal + "tls: {client: {cert_file: /nonexistent.pem, key_file: /nonexistent.key}}\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->tls.client.cert_file, "/nonexistent.pem");
}

TEST(Accepted, EmptySectionsTakeDefaults) {
  const auto c = load(kMinimal + "listen:\nrouting: {}\ntls:\n  client:\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->listen.port, 6033);
}

TEST(Accepted, EnumsAndTimeouts) {
  const auto c = load(kMinimal +
                      "routing: {when_no_replica: error, consistency: eventual, stored_functions: replica,"
                      " read_only_transactions_to_replica: false, causal_wait: 0}\n"
                      "timeouts: {query: 30s, client_idle: 0, shutdown_grace: 1m, pool_wait: 250ms}\n"
                      "log: {format: json, level: warn, slow_query: 1.5s}\n"
                      "pool: {max_idle_per_worker: 0, reset_on_reuse: false, max_per_backend: 20,"
                      " prepared_statements_per_connection: 16}\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->routing.when_no_replica, RoutingConfig::WhenNoReplica::error);
  EXPECT_EQ(c->routing.consistency, RoutingConfig::Consistency::eventual);
  EXPECT_EQ(c->routing.stored_functions, RoutingConfig::StoredFunctions::replica);
  EXPECT_FALSE(c->routing.read_only_transactions_to_replica);
  EXPECT_EQ(c->routing.causal_wait, 0s);
  EXPECT_EQ(c->timeouts.query, 30s);
  EXPECT_EQ(c->timeouts.client_idle, 0s);
  EXPECT_EQ(c->timeouts.shutdown_grace, 60s);
  EXPECT_EQ(c->log.format, LogConfig::Format::json);
  EXPECT_EQ(c->log.level, LogConfig::Level::warn);
  EXPECT_EQ(c->log.slow_query, 1500ms);
  EXPECT_EQ(c->pool.max_idle_per_worker, 0U);
  EXPECT_EQ(c->pool.max_per_backend, 20U);
  EXPECT_EQ(c->timeouts.pool_wait, 250ms);
  EXPECT_FALSE(c->pool.reset_on_reuse);
  EXPECT_EQ(c->pool.prepared_statements_per_connection, 16U);
  EXPECT_EQ(to_string(c->log.level), "warn");
  EXPECT_EQ(to_string(c->routing.when_no_replica), "error");
}

TEST(Accepted, MultiplexingPerUserOverridesTheDefault) {
  const auto c = load(kMinimal +
                      "pool:\n  multiplexing: true\n  multiplexing_by_user:\n"
                      "    - {user: reporting, multiplexing: false}\n    - {user: batch, multiplexing: true}\n");
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->pool.multiplexing_by_user.size(), 2U);
  EXPECT_FALSE(c->pool.multiplexing_for("reporting"));
  EXPECT_TRUE(c->pool.multiplexing_for("batch"));
  EXPECT_TRUE(c->pool.multiplexing_for("app"));
  const auto off = load(kMinimal + "pool: {multiplexing_by_user: [{user: app, multiplexing: true}]}\n");
  ASSERT_NE(off, nullptr);
  EXPECT_TRUE(off->pool.multiplexing_for("app"));
  EXPECT_FALSE(off->pool.multiplexing_for("other"));
}

TEST(Accepted, ResultIsSharedAndImmutable) {
  const ConfigResult r = parse_config(kMinimal, "weir.yaml");
  ASSERT_TRUE(r.ok());
  std::shared_ptr<const Config> held = r.config;  // what a worker keeps across a reload
  static_assert(std::is_const_v<std::remove_reference_t<decltype(*held)>>);
  EXPECT_EQ(held.use_count(), 2);
}

}  // namespace
}  // namespace weir::config
