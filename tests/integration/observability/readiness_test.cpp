// /readyz of a running weir follows its primary: 503 while the primary cannot be reached (before
// it ever was, and after it stops), 200 while it answers, 503 while weir drains. /healthz stays 200.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "observability_support.hpp"

namespace weir::testing::observability_tests {
namespace {

using admin::testing::request;

TEST(Readiness, NotReadyWhileThePrimaryWasNeverReachable) {
  WeirOptions options;
  options.users = {{kApp, kAppPassword}};
  options.backends.push_back({"primary", "127.0.0.1", free_loopback_port(), "primary"});
  options.monitor_yaml = "  check_interval: 100ms\n";
  options.extra_yaml = "timeouts:\n  connect: 300ms\n";
  options.admin_yaml = admin_yaml("");
  WeirProcess weir(options);
  const auto port = admin_port_of(weir);

  EXPECT_EQ(request(port, "GET", "/healthz").status, 200);
  auto r = request(port, "GET", "/readyz");
  EXPECT_EQ(r.status, 503) << r.raw;
  EXPECT_NE(r.body.find("not ready"), std::string::npos) << r.body;
  // Once a round has looked at it, the reason names the primary.
  r = get_until(
      port, "/readyz", [](const HttpResponse& h) { return h.body.find("primary") != std::string::npos; }, std::nullopt);
  EXPECT_EQ(r.status, 503) << r.raw;
  EXPECT_NE(r.body.find("primary primary is unreachable"), std::string::npos) << r.body;

  // No token configured: /backends is open and shows the primary as unreachable, same schema.
  const auto backends = request(port, "GET", "/backends");
  ASSERT_EQ(backends.status, 200) << backends.raw;
  const auto json = nlohmann::json::parse(backends.body);
  ASSERT_TRUE(json.is_array() && json.size() == 1U) << backends.body;
  EXPECT_EQ(json[0]["name"], "primary");
  EXPECT_EQ(json[0]["reachable"], false);
  EXPECT_FALSE(json[0]["reason"].get<std::string>().empty()) << backends.body;
  if (HasFailure()) std::cerr << weir.log();
}

TEST(Readiness, ReadyWhileThePrimaryAnswersNotAfterItStops) {
  MariadbServer primary(MariadbOptions::primary(100));
  prepare_primary(primary);
  WeirOptions options = weir_for(primary);
  options.monitor_yaml = "  check_interval: 100ms\n";
  options.extra_yaml = "timeouts:\n  connect: 300ms\n";
  options.admin_yaml = admin_yaml(kToken);
  WeirProcess weir(options);
  const auto port = admin_port_of(weir);

  auto r = get_until(
      port, "/readyz", [](const HttpResponse& h) { return h.status == 200; }, std::nullopt);
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body, "ready\n");

  primary.stop();
  r = get_until(
      port, "/readyz", [](const HttpResponse& h) { return h.status != 200; }, std::nullopt);
  EXPECT_EQ(r.status, 503) << r.raw;
  EXPECT_NE(r.body.find("primary primary is unreachable"), std::string::npos) << r.body;
  EXPECT_EQ(request(port, "GET", "/healthz").status, 200);
  // The gauge says the same.
  const auto metrics = request(port, "GET", "/metrics", std::string(kToken));
  EXPECT_EQ(sample_sum(metrics.body, "weir_backend_up", {"backend=\"primary\""}), 0.0) << metrics.body;
  if (HasFailure()) std::cerr << weir.log();
}

TEST(Readiness, NotReadyWhileDraining) {
  MariadbServer primary(MariadbOptions::primary(100));
  prepare_primary(primary);
  WeirOptions options = weir_for(primary);
  options.monitor_yaml = "  check_interval: 100ms\n";
  options.admin_yaml = admin_yaml("");
  options.extra_yaml = "timeouts:\n  shutdown_grace: 20s\n";
  WeirProcess weir(options);
  const auto port = admin_port_of(weir);
  auto r = get_until(
      port, "/readyz", [](const HttpResponse& h) { return h.status == 200; }, std::nullopt);
  ASSERT_EQ(r.status, 200) << r.raw;

  // A running statement keeps weir draining (not stopped) for a while.
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_TRUE(m);
  std::string slept;
  std::thread running([&] { slept = scalar_of(m.get(), "SELECT SLEEP(4)"); });
  std::this_thread::sleep_for(500ms);
  weir.signal(SIGTERM);
  r = get_until(
      port, "/readyz", [](const HttpResponse& h) { return h.status != 200; }, std::nullopt, 3s);
  EXPECT_EQ(r.status, 503) << r.raw;
  EXPECT_NE(r.body.find("draining"), std::string::npos) << r.body;
  running.join();
  EXPECT_EQ(slept, "0");
  EXPECT_EQ(weir.wait_exit(30s), 0);
  if (HasFailure()) std::cerr << weir.log();
}

}  // namespace
}  // namespace weir::testing::observability_tests
