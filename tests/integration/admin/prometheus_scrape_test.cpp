// A real Prometheus server scrapes the admin server's /metrics every second: the exposition is
// scrapeable, the bearer token works with Prometheus's own client, histogram_quantile over
// weir's buckets gives the expected answer, and every query of the dashboard runs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "admin/admin_server.hpp"
#include "metrics/metrics.hpp"
#include "weir/testing/files.hpp"
#include "weir/testing/mariadb_server.hpp"
#include "weir/testing/process.hpp"
#include "weir/testing/temp_dir.hpp"

namespace weir::admin {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

const std::string kSource = WEIR_SOURCE_DIR;

using weir::testing::read_file;

class PrometheusScrape : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v prometheus >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "prometheus not installed (scripts/setup.sh installs it)";
    }
    fs::create_directories(dir_ / "data");
  }

  void TearDown() override {
    prometheus_.terminate(std::chrono::seconds(20));
    if (HasFailure())
      std::cerr << "prometheus log:\n" << weir::testing::file_tail((dir_ / "prometheus.log").string(), 40);
  }

  void start_prometheus(std::uint16_t target_port, const std::string& token) {
    std::ofstream(dir_ / "token") << token;
    std::ofstream(dir_ / "prometheus.yml")
        << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "scrape_configs:\n  - job_name: weir\n    scrape_interval: 1s\n    scrape_timeout: 1s\n"
        << "    authorization:\n      type: Bearer\n      credentials_file: " << (dir_ / "token").string() << "\n"
        << "    static_configs:\n      - targets: ['127.0.0.1:" << target_port << "']\n";
    port_ = weir::testing::free_loopback_port();
    prometheus_ =
        weir::testing::Process::spawn({{"prometheus", "--config.file=" + (dir_ / "prometheus.yml").string(),
                                        "--storage.tsdb.path=" + (dir_ / "data").string(),
                                        "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"},
                                       "",
                                       (dir_ / "prometheus.log").string(),
                                       "",
                                       dir_.path()});
  }

  // GET /api/v1/query?query=... through curl; the JSON answer ("" when Prometheus did not answer).
  std::string query(const std::string& promql) {
    const auto out = dir_ / "query.json";
    fs::remove(out);  // run_program appends
    weir::testing::run_program({"curl", "-sS", "--max-time", "5", "-G", "--data-urlencode", "query=" + promql,
                                "http://127.0.0.1:" + std::to_string(port_) + "/api/v1/query"},
                               out.string(), std::chrono::seconds(10));
    return read_file(out);
  }

  // Queries until `accept(answer)` or the deadline; returns the last answer.
  template <class Accept>
  std::string query_until(const std::string& promql, Accept accept,
                          std::chrono::seconds deadline = std::chrono::seconds(60)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    std::string answer;
    while (std::chrono::steady_clock::now() < until) {
      if (!prometheus_.running()) return "prometheus exited: " + answer;
      answer = query(promql);
      if (accept(answer)) return answer;
      std::this_thread::sleep_for(milliseconds(500));
    }
    return answer;
  }

  weir::testing::TempDir dir_{"weir-prometheus-"};
  std::uint16_t port_ = 0;
  weir::testing::Process prometheus_;
};

// The value of the first sample of an instant-vector answer.
std::optional<double> first_value(const std::string& answer) {
  static const std::regex value_re(R"re("value":\[[0-9.e+]+,"([^"]+)"\])re");
  std::smatch m;
  if (!std::regex_search(answer, m, value_re)) return std::nullopt;
  return std::stod(m[1]);
}

TEST_F(PrometheusScrape, ScrapesTheExpositionAndComputesQuantiles) {
  metrics::Metrics metrics;
  metrics.set_build_info("scrape-check");
  metrics::BackendMetrics db(metrics, "db-0");
  for (int i = 0; i < 20; ++i) db.query(metrics::Route::primary, 0x03, milliseconds(3));
  metrics.update_backends(
      {{"db-0", "primary", true, false, std::nullopt, std::nullopt}, {"db-1", "replica", true, true, 0.2, 0.0}});
  metrics.routing_decisions("replica", "read_only_statement").inc();
  metrics.errors("odd \"kind\" \\ with\nnewline").inc(7);

  AdminHandlers handlers;
  handlers.metrics = [&metrics] { return metrics.render(); };
  config::AdminConfig admin;
  admin.port = 0;
  admin.token = config::Secret{"scrape-token", config::Secret::Source::inline_value, ""};
  AdminServer server(admin, handlers);
  ASSERT_EQ(server.start(), std::nullopt);
  start_prometheus(server.port(), "scrape-token");

  auto answer =
      query_until("weir_build_info", [](const std::string& a) { return a.find("scrape-check") != std::string::npos; });
  ASSERT_NE(answer.find(R"("version":"scrape-check")"), std::string::npos) << answer;
  EXPECT_EQ(first_value(answer), 1.0) << answer;

  answer = query(R"(up{job="weir"})");
  EXPECT_EQ(first_value(answer), 1.0) << answer;

  // 20 observations of 3 ms: the median lies in the (2.5 ms, 5 ms] bucket.
  const std::string median = R"(histogram_quantile(0.5, weir_query_duration_seconds_bucket{backend="db-0"}))";
  answer = query(median);
  auto value = first_value(answer);
  ASSERT_TRUE(value.has_value()) << answer;
  EXPECT_GT(*value, 0.0025) << answer;
  EXPECT_LE(*value, 0.005) << answer;

  // More, slower observations through the same handle: a later scrape moves the median.
  for (int i = 0; i < 100; ++i) db.query(metrics::Route::primary, 0x03, milliseconds(200));
  answer = query_until(median, [](const std::string& a) {
    const auto v = first_value(a);
    return v && *v > 0.1;
  });
  value = first_value(answer);
  ASSERT_TRUE(value.has_value()) << answer;
  EXPECT_GT(*value, 0.1) << answer;
  EXPECT_LE(*value, 0.25) << answer;

  answer = query(R"(weir_queries_total{backend="db-0",route="primary",command="query"})");
  EXPECT_EQ(first_value(answer), 120.0) << answer;
  answer = query(R"(weir_replication_lag_seconds{backend="db-1",method="heartbeat"})");
  EXPECT_EQ(first_value(answer), 0.2) << answer;
  // An escaped label value arrives as written: Prometheus matches it unescaped.
  answer = query(R"(weir_errors_total{kind="odd \"kind\" \\ with\nnewline"})");
  EXPECT_EQ(first_value(answer), 7.0) << answer;

  // Every query of the Grafana dashboard runs (Grafana's variables replaced by their "All").
  const auto exprs_path = dir_ / "exprs.txt";
  fs::remove(exprs_path);
  const int status = weir::testing::run_program(
      {"python3", "-c",
       "import json, sys\n"
       "d = json.load(open(sys.argv[1]))\n"
       "for p in d['panels']:\n"
       "    for t in p.get('targets', []):\n"
       "        e = t['expr'].replace('$__rate_interval', '1m').replace('$instance', '.*').replace('$backend', '.*')\n"
       "        print(e)\n",
       kSource + "/dashboards/weir.json"},
      exprs_path.string());
  ASSERT_EQ(status, 0) << read_file(exprs_path);
  std::istringstream exprs(read_file(exprs_path));
  std::string expr;
  int count = 0;
  while (std::getline(exprs, expr)) {
    ++count;
    answer = query(expr);
    EXPECT_NE(answer.find(R"("status":"success")"), std::string::npos) << expr << "\n" << answer;
  }
  EXPECT_GT(count, 10);
  server.stop();
}

}  // namespace
}  // namespace weir::admin
