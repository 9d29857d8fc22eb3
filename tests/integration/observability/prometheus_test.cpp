// A real Prometheus scrapes a real weir (bearer token from a file) in front of a replicating
// primary and replica and answers for weir's replication lag, backend and build-info series.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "observability_support.hpp"

namespace weir::testing::observability_tests {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The value of the first sample of an instant-vector answer.
std::optional<double> first_value(const std::string& answer) {
  static const std::regex value_re(R"re("value":\[[0-9.e+]+,"([^"]+)"\])re");
  std::smatch m;
  if (!std::regex_search(answer, m, value_re)) return std::nullopt;
  return std::stod(m[1]);
}

TEST(PrometheusOnWeir, ScrapesReplicationLagBackendsAndBuildInfo) {
  if (std::system("command -v prometheus >/dev/null 2>&1") != 0) GTEST_SKIP() << "prometheus not installed";
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

  const fs::path dir = weir.dir();
  fs::create_directories(dir / "prometheus-data");
  std::ofstream(dir / "token") << kToken;
  std::ofstream(dir / "prometheus.yml")
      << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
      << "scrape_configs:\n  - job_name: weir\n    scrape_interval: 1s\n    scrape_timeout: 1s\n"
      << "    authorization:\n      type: Bearer\n      credentials_file: " << (dir / "token").string() << "\n"
      << "    static_configs:\n      - targets: ['127.0.0.1:" << admin_port << "']\n";
  const auto prometheus_port = free_loopback_port();
  Process prometheus = Process::spawn(
      {{"prometheus", "--config.file=" + (dir / "prometheus.yml").string(),
        "--storage.tsdb.path=" + (dir / "prometheus-data").string(),
        "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port), "--log.level=warn"},
       "",
       (dir / "prometheus.log").string(),
       "",
       dir.string()});

  auto query = [&](const std::string& promql) {
    const auto out = dir / "query.json";
    fs::remove(out);
    run_program({"curl", "-sS", "--max-time", "5", "-G", "--data-urlencode", "query=" + promql,
                 "http://127.0.0.1:" + std::to_string(prometheus_port) + "/api/v1/query"},
                out.string(), std::chrono::seconds(10));
    return read_text(out);
  };
  auto query_until = [&](const std::string& promql) {
    const auto until = std::chrono::steady_clock::now() + 60s;
    std::string answer;
    while (std::chrono::steady_clock::now() < until && prometheus.running()) {
      answer = query(promql);
      if (first_value(answer)) return answer;
      std::this_thread::sleep_for(500ms);
    }
    return answer;
  };

  // Some traffic through weir meanwhile, so the client counters move as well.
  for (int i = 0; i < 5; ++i) {
    Mysql m = open_mysql(weir.port(), {});
    ASSERT_TRUE(m);
    EXPECT_EQ(scalar_of(m.get(), "SELECT 1"), "1");
  }

  auto answer = query_until(R"(weir_replication_lag_seconds{backend="replica-1",method="heartbeat"})");
  auto lag = first_value(answer);
  ASSERT_TRUE(lag.has_value()) << answer << "\nprometheus log:\n" << file_tail((dir / "prometheus.log").string(), 30);
  EXPECT_GE(*lag, 0.0) << answer;
  EXPECT_LT(*lag, 5.0) << answer;

  answer = query_until("weir_build_info");
  EXPECT_EQ(first_value(answer), 1.0) << answer;
  EXPECT_NE(answer.find("\"version\":\""), std::string::npos) << answer;

  answer = query(R"(up{job="weir"})");
  EXPECT_EQ(first_value(answer), 1.0) << answer;
  answer = query(R"(weir_backend_up{backend="primary",role="primary"})");
  EXPECT_EQ(first_value(answer), 1.0) << answer;
  answer = query(R"(weir_backend_up{backend="replica-1",role="replica"})");
  EXPECT_EQ(first_value(answer), 1.0) << answer;
  answer = query_until(R"(weir_client_connections_accepted_total >= 5)");
  EXPECT_GE(first_value(answer).value_or(0), 5.0) << answer;

  prometheus.terminate(std::chrono::seconds(20));
  if (HasFailure()) std::cerr << "weir log:\n" << weir.log();
}

}  // namespace
}  // namespace weir::testing::observability_tests
