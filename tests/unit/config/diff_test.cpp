#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "weir/config/config.hpp"

namespace weir::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::kMinimal;

std::shared_ptr<const Config> load(const std::string& extra) {
  ConfigResult r = parse_config(kMinimal + extra, "weir.yaml");
  EXPECT_TRUE(r.ok()) << r.error_text();
  return r.config;
}

TEST(ConfigDiff, SameTextNoChange) {
  const ConfigDiff d = diff(*load(""), *load(""));
  EXPECT_TRUE(d.empty());
  EXPECT_THAT(d.restart_required, IsEmpty());
}

TEST(ConfigDiff, RoutingAppliesLive) {
  const ConfigDiff d = diff(*load(""), *load("routing: {max_replica_lag: 2s}\n"));
  EXPECT_THAT(d.changed_sections, ElementsAre("routing"));
  EXPECT_THAT(d.restart_required, IsEmpty());
}

TEST(ConfigDiff, ListenerChangeNeedsARestart) {
  const ConfigDiff d = diff(*load(""), *load("listen: {port: 3306, max_connections: 10}\nworkers: {count: 2}\n"));
  EXPECT_THAT(d.changed_sections, ElementsAre("listen", "workers"));
  EXPECT_THAT(d.restart_required, ElementsAre("listen.port", "workers.count"));
}

TEST(ConfigDiff, MaxConnectionsAloneAppliesLive) {
  const ConfigDiff d = diff(*load(""), *load("listen: {max_connections: 10}\n"));
  EXPECT_THAT(d.changed_sections, ElementsAre("listen"));
  EXPECT_THAT(d.restart_required, IsEmpty());
}

TEST(ConfigDiff, SecretChangeIsAChange) {
  const ConfigDiff d = diff(*load(""), *parse_config("monitor: {user: mon, password: \"new\"}\n"
                                                     "backends: {static: [{host: 127.0.0.1, role: primary}]}\n"
                                                     "users: [{name: app, password: \"\"}]\n",
                                                     "weir.yaml")
                                            .config);
  EXPECT_THAT(d.changed_sections, ElementsAre("load_users_from_backend", "monitor"));
}

TEST(WorkerCount, AutoIsTheNumberOfCores) {
  EXPECT_GE(worker_count(WorkersConfig{0, 1024}), 1U);
  EXPECT_EQ(worker_count(WorkersConfig{3, 1024}), 3U);
}

}  // namespace
}  // namespace weir::config
