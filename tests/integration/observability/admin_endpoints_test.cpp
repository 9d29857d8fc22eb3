// The admin endpoints of a running weir in front of a real primary and replica: token
// enforcement, /backends as JSON, /config without secrets, client connections counted, promtool
// on the real exposition, POST /reload and SIGHUP counted, a broken file rejected.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>

#include "observability_support.hpp"
#include "weir/testing/loopback_listener.hpp"

namespace weir::testing::observability_tests {
namespace {

using admin::testing::request;

class AdminOnWeir : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    primary_ = new MariadbServer(MariadbOptions::primary(100));
    prepare_primary(*primary_);
    replica_ = new MariadbServer(replica_options(101));
    replica_->replicate_from(*primary_);
    if (!replica_->wait_caught_up(*primary_)) throw std::runtime_error("the replica did not catch up");
    WeirOptions options = weir_for(*primary_);
    options.backends.push_back({"replica-1", "127.0.0.1", replica_->port(), "replica"});
    options.monitor_yaml = "  check_interval: 100ms\n";
    options.admin_yaml = admin_yaml(kToken);
    weir_ = new WeirProcess(options);
    admin_port_ = admin_port_of(*weir_);
  }
  static void TearDownTestSuite() {
    delete weir_;
    delete replica_;
    delete primary_;
    weir_ = nullptr;
    replica_ = nullptr;
    primary_ = nullptr;
  }
  void TearDown() override {
    if (HasFailure() && weir_ != nullptr) std::cerr << "weir log:\n" << weir_->log();
  }

  std::string metrics() {
    const auto r = request(admin_port_, "GET", "/metrics", kToken);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body;
  }

  static MariadbServer* primary_;
  static MariadbServer* replica_;
  static WeirProcess* weir_;
  static std::uint16_t admin_port_;
};

MariadbServer* AdminOnWeir::primary_ = nullptr;
MariadbServer* AdminOnWeir::replica_ = nullptr;
WeirProcess* AdminOnWeir::weir_ = nullptr;
std::uint16_t AdminOnWeir::admin_port_ = 0;

TEST_F(AdminOnWeir, HealthAndReadinessNeedNoTokenEverythingElseDoes) {
  EXPECT_EQ(request(admin_port_, "GET", "/healthz").status, 200);
  const auto ready = get_until(
      admin_port_, "/readyz", [](const HttpResponse& r) { return r.status == 200; }, std::nullopt);
  EXPECT_EQ(ready.status, 200) << ready.raw;
  for (const std::string target : {"/metrics", "/backends", "/config", "/", "/status.json"}) {
    const auto none = request(admin_port_, "GET", target);
    EXPECT_EQ(none.status, 401) << target << "\n" << none.raw;
    EXPECT_EQ(none.headers.count("www-authenticate"), 1U) << none.raw;
    EXPECT_EQ(request(admin_port_, "GET", target, std::string("wrong-token")).status, 401) << target;
    EXPECT_EQ(request(admin_port_, "GET", target, std::string(kToken)).status, 200) << target;
  }
  EXPECT_EQ(request(admin_port_, "POST", "/reload").status, 401);
  EXPECT_EQ(request(admin_port_, "POST", "/reload", std::string("wrong-token")).status, 401);
}

TEST_F(AdminOnWeir, BackendsListsThePrimaryAndTheReplicaAsJson) {
  const auto r = get_until(admin_port_, "/backends", [](const HttpResponse& h) {
    return h.status == 200 && h.body.find("\"usable_for_reads\": true") != std::string::npos;
  });
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  const auto json = nlohmann::json::parse(r.body);
  ASSERT_TRUE(json.is_array()) << r.body;
  ASSERT_EQ(json.size(), 2U) << r.body;
  for (const auto& b : json) {
    for (const char* key : {"name", "host", "port", "role", "reachable", "usable_for_reads", "reason", "lag_seconds",
                            "gtid", "outstanding", "transitions", "read_only"}) {
      EXPECT_TRUE(b.contains(key)) << key << " missing in " << b.dump();
    }
  }
  const auto& p = json[0]["role"] == "primary" ? json[0] : json[1];
  const auto& q = json[0]["role"] == "primary" ? json[1] : json[0];
  EXPECT_EQ(p["name"], "primary");
  EXPECT_EQ(p["port"], primary_->port());
  EXPECT_EQ(p["reachable"], true);
  EXPECT_EQ(p["read_only"], false);
  EXPECT_EQ(q["name"], "replica-1");
  EXPECT_EQ(q["role"], "replica");
  EXPECT_EQ(q["port"], replica_->port());
  EXPECT_EQ(q["reachable"], true);
  EXPECT_EQ(q["usable_for_reads"], true);
  EXPECT_EQ(q["read_only"], true);
  ASSERT_TRUE(q["lag_seconds"].is_number()) << q.dump();
  EXPECT_GE(q["lag_seconds"].get<double>(), 0.0);
  EXPECT_LT(q["lag_seconds"].get<double>(), 5.0);
  EXPECT_TRUE(q["outstanding"].is_number_integer());
}

TEST_F(AdminOnWeir, StatusJsonHasTheTopologyAndOneSamplePerSecondOfTraffic) {
  const auto page = request(admin_port_, "GET", "/", std::string(kToken));
  ASSERT_EQ(page.status, 200) << page.raw;
  EXPECT_EQ(page.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("status.json"), std::string::npos);
  {
    Mysql m = open_mysql(weir_->port(), {});
    ASSERT_TRUE(m);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(scalar_of(m.get(), "SELECT 1"), "1");
  }
  // Within a few seconds a sample shows the replica's statements.
  const auto r = get_until(admin_port_, "/status.json", [](const HttpResponse& h) {
    if (h.status != 200) return false;
    const auto j = nlohmann::json::parse(h.body);
    const auto& backends = j.at("history").at("backends");
    if (!backends.contains("replica-1")) return false;
    for (const auto& v : backends.at("replica-1").at("qps")) {
      if (v.is_number() && v.get<double>() > 0) return true;
    }
    return false;
  });
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  const auto json = nlohmann::json::parse(r.body);
  EXPECT_FALSE(json["version"].get<std::string>().empty());
  EXPECT_GE(json["config_generation"].get<int>(), 1);
  EXPECT_EQ(json["lag_method"], "heartbeat");
  ASSERT_EQ(json["backends"].size(), 2U) << r.body;
  EXPECT_EQ(json["history"]["t"].size(), json["history"]["clients"].size());
  EXPECT_LE(json["history"]["t"].size(), 900U);
  bool replica_route = false;
  for (const auto& [key, values] : json["history"]["routing"].items()) replica_route |= key.rfind("replica ", 0) == 0;
  EXPECT_TRUE(replica_route) << json["history"]["routing"].dump();
}

TEST_F(AdminOnWeir, ConfigIsTheRunningConfigurationWithoutSecrets) {
  const auto r = request(admin_port_, "GET", "/config", kToken);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_NE(r.body.find("replica-1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(std::to_string(replica_->port())), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<redacted>"), std::string::npos) << r.body;
  for (const char* secret : {kAppPassword, kOtherPassword, "weir-monitor-pw", kToken}) {
    EXPECT_EQ(r.body.find(secret), std::string::npos) << "secret " << secret << " in\n" << r.body;
  }
}

TEST_F(AdminOnWeir, MetricsCountClientConnectionsAndCarryTheBackendGauges) {
  const auto before = sample_sum(metrics(), "weir_client_connections_accepted_total").value_or(-1);
  ASSERT_GE(before, 0.0);
  {
    std::vector<Mysql> clients;
    for (int i = 0; i < 3; ++i) {
      std::string error;
      clients.push_back(open_mysql(weir_->port(), {}, &error));
      ASSERT_TRUE(clients.back()) << error;
      EXPECT_EQ(scalar_of(clients.back().get(), "SELECT 1"), "1");
    }
    const std::string text = metrics();
    EXPECT_EQ(sample_sum(text, "weir_client_connections_accepted_total"), before + 3) << text;
    EXPECT_EQ(sample_sum(text, "weir_client_connections"), 3.0) << text;
  }
  // Closed by the clients: the gauge goes back once the sessions are over.
  const auto after = get_until(admin_port_, "/metrics", [](const HttpResponse& r) {
    return sample_sum(r.body, "weir_client_connections") == 0.0;
  });
  EXPECT_EQ(sample_sum(after.body, "weir_client_connections"), 0.0) << after.body;

  EXPECT_EQ(sample_sum(after.body, "weir_backend_up", {"backend=\"primary\"", "role=\"primary\""}), 1.0) << after.body;
  EXPECT_EQ(sample_sum(after.body, "weir_backend_up", {"backend=\"replica-1\"", "role=\"replica\""}), 1.0);
  EXPECT_EQ(sample_sum(after.body, "weir_backend_read_only", {"backend=\"replica-1\""}), 1.0);
  EXPECT_EQ(sample_sum(after.body, "weir_backend_read_only", {"backend=\"primary\""}), 0.0);
  const auto lag =
      sample_sum(after.body, "weir_replication_lag_seconds", {"backend=\"replica-1\"", "method=\"heartbeat\""});
  ASSERT_TRUE(lag.has_value()) << after.body;
  EXPECT_GE(*lag, 0.0);
  EXPECT_LT(*lag, 5.0);
  EXPECT_FALSE(sample_sum(after.body, "weir_replication_lag_seconds", {"backend=\"primary\""}).has_value());
  EXPECT_EQ(sample_sum(after.body, "weir_build_info"), 1.0) << after.body;
  EXPECT_NE(after.body.find("weir_build_info{version=\""), std::string::npos);
}

TEST_F(AdminOnWeir, PromtoolAcceptsTheExposition) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) GTEST_SKIP() << "promtool not installed";
  // Some traffic first, so that the counters have samples.
  {
    Mysql m = open_mysql(weir_->port(), {});
    ASSERT_TRUE(m);
    EXPECT_EQ(scalar_of(m.get(), "SELECT 2"), "2");
  }
  const std::string& dir = weir_->dir();
  const std::string exposition = dir + "/metrics.txt";
  std::ofstream(exposition) << metrics();
  const std::string out = dir + "/promtool.out";
  std::filesystem::remove(out);
  const int status = run_program({"sh", "-c", "promtool check metrics < " + exposition}, out, 30s);
  std::ifstream in(out);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(status, 0) << text;
  EXPECT_EQ(text, "") << "promtool reported problems:\n" << text;
}

// POST /reload and SIGHUP take the same path: both counted, a broken file rejected with where it
// is broken, the running configuration kept, a new token taking effect.
class ReloadOnWeir : public ::testing::Test {
 protected:
  void SetUp() override {
    primary_ = std::make_unique<MariadbServer>(MariadbOptions::primary(100));
    prepare_primary(*primary_);
    options_ = weir_for(*primary_);
    options_.admin_yaml = admin_yaml(kToken);
    weir_ = std::make_unique<WeirProcess>(options_);
    port_ = admin_port_of(*weir_);
  }
  void TearDown() override {
    if (HasFailure() && weir_) std::cerr << "weir log:\n" << weir_->log();
  }
  double reloads(const std::string& result, const std::string& token = kToken) {
    const auto r = request(port_, "GET", "/metrics", token);
    EXPECT_EQ(r.status, 200) << r.raw;
    return sample_sum(r.body, "weir_config_reloads_total", {"result=\"" + result + "\""}).value_or(-1);
  }

  std::unique_ptr<MariadbServer> primary_;
  WeirOptions options_;
  std::unique_ptr<WeirProcess> weir_;
  std::uint16_t port_ = 0;
};

TEST_F(ReloadOnWeir, PostReloadAppliesTheFileAndIsCounted) {
  EXPECT_EQ(reloads("success"), 0.0);
  EXPECT_EQ(reloads("failure"), 0.0);
  // A changed routing setting, applied without a restart.
  WeirOptions changed = options_;
  changed.extra_yaml = "routing:\n  max_replica_lag: 3s\n";
  weir_->write_config(WeirProcess::render_config(changed));
  const auto r = request(port_, "POST", "/reload", std::string(kToken));
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_NE(r.body.find("routing"), std::string::npos) << r.body;
  EXPECT_EQ(reloads("success"), 1.0);
  const auto config = request(port_, "GET", "/config", std::string(kToken));
  EXPECT_NE(config.body.find("max_replica_lag: 3s"), std::string::npos) << config.body;

  // SIGHUP: the same path, the same counter.
  weir_->signal(SIGHUP);
  const auto counted = get_until(port_, "/metrics", [](const HttpResponse& h) {
    return sample_sum(h.body, "weir_config_reloads_total", {"result=\"success\""}) == 2.0;
  });
  EXPECT_EQ(sample_sum(counted.body, "weir_config_reloads_total", {"result=\"success\""}), 2.0) << counted.body;

  // Clients keep working.
  Mysql m = open_mysql(weir_->port(), {});
  ASSERT_TRUE(m);
  EXPECT_EQ(scalar_of(m.get(), "SELECT 3"), "3");
}

TEST_F(ReloadOnWeir, ABrokenFileIsRejectedWithItsLineAndTheOldConfigurationStays) {
  const std::string before = request(port_, "GET", "/config", std::string(kToken)).body;
  ASSERT_NE(before.find("max_replica_lag"), std::string::npos) << before;
  // Line 3 of the file: an unterminated flow sequence.
  weir_->write_config("listen:\n  address: 127.0.0.1\n  port: [1, 2\n");
  auto r = request(port_, "POST", "/reload", std::string(kToken));
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_NE(r.body.find("weir.yaml:"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("running configuration is kept"), std::string::npos) << r.body;
  // A valid YAML with a wrong value: the key path and line are named.
  WeirOptions wrong = options_;
  wrong.extra_yaml = "routing:\n  max_replica_lag: soon\n";
  const std::string wrong_yaml = WeirProcess::render_config(wrong);
  weir_->write_config(wrong_yaml);
  r = request(port_, "POST", "/reload", std::string(kToken));
  EXPECT_EQ(r.status, 400) << r.raw;
  int line = 1;
  for (std::size_t i = 0; i < wrong_yaml.find("max_replica_lag"); ++i) line += wrong_yaml[i] == '\n' ? 1 : 0;
  EXPECT_NE(r.body.find("weir.yaml:" + std::to_string(line) + ":"), std::string::npos) << "line " << line << "\n"
                                                                                       << r.body;
  EXPECT_NE(r.body.find("routing.max_replica_lag"), std::string::npos) << r.body;

  EXPECT_EQ(reloads("failure"), 2.0);
  EXPECT_EQ(reloads("success"), 0.0);
  EXPECT_EQ(request(port_, "GET", "/config", std::string(kToken)).body, before);
  Mysql m = open_mysql(weir_->port(), {});
  ASSERT_TRUE(m);
  EXPECT_EQ(scalar_of(m.get(), "SELECT 4"), "4");
}

TEST_F(ReloadOnWeir, ProbesAreAnsweredWhileAReloadWaitsForItsBackendChecks) {
  // The new file adds a replica that never answers: the reload waits for its check (bounded by
  // timeouts.connect and half of monitor.check_interval) before it reports the configuration in
  // effect.
  const LoopbackListener silent;  // the kernel takes its connections; nobody answers them
  WeirOptions changed = options_;
  changed.backends.push_back({"silent", "127.0.0.1", silent.port(), "replica"});
  changed.extra_yaml = "timeouts:\n  connect: 3s\n";
  changed.monitor_yaml = "  check_interval: 6s\n";  // a check step may last half of it: the 3 s
  weir_->write_config(WeirProcess::render_config(changed));
  auto reload = std::async(std::launch::async, [&] { return request(port_, "POST", "/reload", std::string(kToken)); });
  // Give the reload request a moment to reach weir (ordering only; nothing below measures time).
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(reload.wait_for(0s), std::future_status::timeout) << "the reload did not wait for the silent backend";
  const auto health = request(port_, "GET", "/healthz");
  const auto ready = request(port_, "GET", "/readyz");
  const bool reload_still_waiting = reload.wait_for(0s) == std::future_status::timeout;
  EXPECT_EQ(health.status, 200) << health.raw;
  EXPECT_NE(ready.status, 0) << ready.raw;  // answered (ready or not, as the monitor says)
  EXPECT_TRUE(reload_still_waiting) << "the probes were answered only after the reload";
  const auto r = reload.get();
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_NE(r.body.find("backends"), std::string::npos) << r.body;
}

TEST_F(ReloadOnWeir, ANewTokenTakesEffectAtTheReload) {
  WeirOptions changed = options_;
  changed.admin_yaml = admin_yaml("second-token");
  weir_->write_config(WeirProcess::render_config(changed));
  // admin.port 0 in both files: only the token differs.
  const auto r = request(port_, "POST", "/reload", std::string(kToken));
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(request(port_, "GET", "/metrics", std::string(kToken)).status, 401);
  EXPECT_EQ(request(port_, "GET", "/metrics", std::string("second-token")).status, 200);
  EXPECT_EQ(reloads("success", "second-token"), 1.0);
}

// An admin address that cannot be bound stops weir with the address named, rather than running
// without the endpoints its operators expect.
TEST(AdminStart, AnAdminPortInUseStopsWeirWithTheAddress) {
  MariadbServer primary(MariadbOptions::primary(100));
  prepare_primary(primary);
  WeirOptions options = weir_for(primary);
  // The server's own port: taken.
  options.admin_yaml =
      "admin:\n  enabled: true\n  address: 127.0.0.1\n  port: " + std::to_string(primary.port()) + "\n";
  WeirProcess weir(options);
  EXPECT_EQ(weir.wait_exit(20s), 1) << weir.log();
  EXPECT_NE(weir.log().find("cannot start the admin server"), std::string::npos) << weir.log();
  EXPECT_NE(weir.log().find("127.0.0.1:" + std::to_string(primary.port())), std::string::npos) << weir.log();
}

}  // namespace
}  // namespace weir::testing::observability_tests
