// The redacted rendering for /config and the logs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "weir/config/config.hpp"

namespace weir::config {
namespace {

using ::testing::HasSubstr;
using testing::ScopedEnv;
using testing::TempDir;

// Every kind of secret, each with a distinct value that must not leak.
class Rendering : public ::testing::Test {
 protected:
  void SetUp() override {
    token_file_ = dir_.write("token", "token-from-file-123\n");
    monitor_file_ = dir_.write("monitor", "monitor-from-file-456\n");
  }
  std::string yaml() const {
    return "admin: {token_file: " + token_file_ +
           "}\n"
           "users:\n"
           "  - {name: alice, password: inline-password-789}\n"
           "  - {name: bob, password_env: WEIR_TEST_BOB}\n"
           "  - {name: carol, password_hash: \"*6D8E7CA2D13CBEBC74BE7EF3A2976000952DCE92\"}\n"
           "monitor: {user: mon, password_file: " +
           monitor_file_ +
           "}\n"
           "load_users_from_backend: {enabled: true, user: loader, password: loader-inline-000}\n"
           "backends: {static: [{host: db0, role: primary}, {host: db1, weight: 3}]}\n"
           "routing: {lag_hysteresis: 70%}\n";
  }
  TempDir dir_;
  ScopedEnv bob_{"WEIR_TEST_BOB", "bob-from-env-abc"};
  std::string token_file_;
  std::string monitor_file_;
};

TEST_F(Rendering, NeverContainsASecret) {
  const ConfigResult r = parse_config(yaml(), "weir.yaml");
  ASSERT_TRUE(r.ok()) << r.error_text();
  const std::string text = render_redacted(*r.config);
  for (const char* secret : {"token-from-file-123", "monitor-from-file-456", "inline-password-789", "bob-from-env-abc",
                             "loader-inline-000", "6D8E7CA2D13CBEBC74BE7EF3A2976000952DCE92"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked in:\n" << text;
  }
  std::size_t redacted = 0;
  for (auto at = text.find("\"<redacted>\""); at != std::string::npos; at = text.find("\"<redacted>\"", at + 1)) {
    ++redacted;
  }
  EXPECT_EQ(redacted, 6U) << text;  // token, 3 users, load_users, monitor
}

TEST_F(Rendering, ShowsWhereSecretsComeFromAndTheEffectiveValues) {
  const ConfigResult r = parse_config(yaml(), "weir.yaml");
  ASSERT_TRUE(r.ok()) << r.error_text();
  const std::string text = render_redacted(*r.config);
  EXPECT_THAT(text, HasSubstr("token: \"<redacted>\"  # from file " + token_file_));
  EXPECT_THAT(text, HasSubstr("password: \"<redacted>\"  # from environment variable WEIR_TEST_BOB"));
  EXPECT_THAT(text, HasSubstr("password_hash: \"<redacted>\""));
  EXPECT_THAT(text, HasSubstr("lag_hysteresis: 700ms"));
  EXPECT_THAT(text, HasSubstr("count: auto"));
  EXPECT_THAT(text, HasSubstr("buffer_size: 16KiB"));
  EXPECT_THAT(text, HasSubstr("name: db1:3306"));
  EXPECT_THAT(text, HasSubstr("client_idle: 8h"));
  EXPECT_THAT(text, HasSubstr("client_read: 30s"));
  EXPECT_THAT(text, HasSubstr("client_write: 1m"));
}

// With the secrets replaced, the rendering is itself a configuration meaning the same thing.
TEST(RenderingRoundTrip, ParsesBackToTheSameConfig) {
  ScopedEnv env("WEIR_TEST_MON", "m");
  const ConfigResult first = parse_config(
      "listen: {address: \"::\", port: 3306}\nworkers: {count: 3, buffer_size: 1MiB}\n"
      "tls: {backend: {verify: ca}}\nusers: [{name: a, password_env: WEIR_TEST_MON}]\n"
      "monitor: {user: mon, password_env: WEIR_TEST_MON, heartbeat: {table: s.t, interval: 1.5s}}\n"
      "backends: {discovery: dns, dns: {primary: \"[::1]:3307\", replicas: _mysql._tcp.mysql, refresh_interval: 2s}}\n"
      "routing: {max_replica_lag: 2s, lag_hysteresis: 1500ms, consistency: strong, when_no_replica: least_lagged}\n"
      "timeouts: {query: 30s}\nlog: {format: json, level: debug, slow_query: 200ms}\n"
      "metrics: {histogram_buckets: [1ms, 10ms]}\n",
      "weir.yaml");
  ASSERT_TRUE(first.ok()) << first.error_text();
  const std::string text = render_redacted(*first.config);
  const ConfigResult second = parse_config(text, "weir.yaml");
  ASSERT_TRUE(second.ok()) << second.error_text() << text;

  Config expected = *first.config;
  const Secret redacted{"<redacted>", Secret::Source::inline_value, ""};
  expected.users[0].password = redacted;
  expected.monitor.password = redacted;
  expected.load_users_from_backend.password = redacted;
  EXPECT_EQ(*second.config, expected) << text;
  EXPECT_EQ(second.config->backends.dns.primary_host, "::1");
  EXPECT_EQ(second.config->backends.dns.primary_port, 3307);
}

// The backends section of `yaml` rendered and parsed again is the same.
void expect_backends_round_trip(const std::string& backends) {
  const ConfigResult first =
      parse_config("users: [{name: a, password: \"\"}]\nmonitor: {user: m, password: \"\"}\n" + backends, "weir.yaml");
  ASSERT_TRUE(first.ok()) << first.error_text();
  const std::string text = render_redacted(*first.config);
  const ConfigResult second = parse_config(text, "weir.yaml");
  ASSERT_TRUE(second.ok()) << second.error_text() << text;
  EXPECT_EQ(second.config->backends, first.config->backends) << text;
}

TEST(RenderingRoundTrip, KubernetesDiscoveryParsesBackToTheSame) {
  expect_backends_round_trip(
      "backends: {discovery: kubernetes, kubernetes: {service: db, port: 3307, primary_ordinal: 2}}\n");
  expect_backends_round_trip(
      "backends: {discovery: kubernetes, kubernetes: {service: db, namespace: prod, port_name: sql, kubeconfig: /k, "
      "context: c}}\n");
}

}  // namespace
}  // namespace weir::config
