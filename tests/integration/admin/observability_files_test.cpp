// The files shipped for operators: examples/prometheus.yml passes promtool, and every metric the
// Grafana dashboard uses exists in weir's metric table.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "metrics/definitions.hpp"
#include "weir/testing/files.hpp"
#include "weir/testing/process.hpp"
#include "weir/testing/temp_dir.hpp"

namespace weir::admin {
namespace {

const std::string kSource = WEIR_SOURCE_DIR;

using weir::testing::read_file;

std::string temp_file(const std::string& name) {
  static const weir::testing::TempDir dir("weir-obs-");
  return (dir / name).string();
}

// The weir_ names in `text` that are not metrics of the table (histograms also as _bucket,
// _sum and _count).
std::set<std::string> unknown_metric_names(const std::string& text) {
  std::set<std::string> known;
  for (const auto& def : metrics::kDefinitions) {
    known.emplace(def.name);
    if (def.type == metrics::Type::histogram) {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) known.insert(std::string(def.name) + suffix);
    }
  }
  std::set<std::string> unknown;
  static const std::regex name_re("weir_[a-zA-Z0-9_]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), name_re); it != std::sregex_iterator(); ++it) {
    if (!known.count(it->str())) unknown.insert(it->str());
  }
  return unknown;
}

TEST(PrometheusExample, PassesPromtoolCheckConfig) {
  const std::string out = temp_file("promtool-config.out");
  const int status =
      weir::testing::run_program({"promtool", "check", "config", kSource + "/examples/prometheus.yml"}, out);
  const std::string output = read_file(out);
  std::filesystem::remove(out);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("SUCCESS"), std::string::npos) << output;
}

TEST(PrometheusExample, PromtoolRejectsABrokenConfig) {
  // The check above can fail.
  const std::string config = temp_file("broken.yml");
  std::ofstream(config) << "scrape_configs:\n  - job_name: weir\n    scrape_interval: often\n";
  const std::string out = temp_file("promtool-broken.out");
  const int status = weir::testing::run_program({"promtool", "check", "config", config}, out);
  std::filesystem::remove(config);
  std::filesystem::remove(out);
  EXPECT_NE(status, 0);
}

TEST(Dashboard, IsJsonAndUsesOnlyWeirsMetrics) {
  const std::string path = kSource + "/dashboards/weir.json";
  const std::string out = temp_file("dashboard.out");
  // Valid JSON, with panels whose queries all name a weir metric.
  const int status =
      weir::testing::run_program({"python3", "-c",
                                  "import json, sys\n"
                                  "d = json.load(open(sys.argv[1]))\n"
                                  "exprs = [t['expr'] for p in d['panels'] for t in p.get('targets', [])]\n"
                                  "assert exprs, 'no queries'\n"
                                  "bad = [e for e in exprs if 'weir_' not in e]\n"
                                  "assert not bad, bad\n"
                                  "print(len(exprs))\n",
                                  path},
                                 out);
  const std::string output = read_file(out);
  std::filesystem::remove(out);
  ASSERT_EQ(status, 0) << output;

  const std::string text = read_file(path);
  EXPECT_EQ(unknown_metric_names(text), std::set<std::string>{});
  // The dashboard shows what operators ask about first.
  for (const char* needed :
       {"weir_queries_total", "weir_query_duration_seconds_bucket", "weir_replication_lag_seconds",
        "weir_routing_decisions_total", "weir_errors_total", "weir_client_connections", "weir_backend_connections"}) {
    EXPECT_NE(text.find(needed), std::string::npos) << needed;
  }
}

TEST(Dashboard, TheLintFindsUnknownNames) {
  EXPECT_EQ(unknown_metric_names(R"("expr": "rate(weir_queries_total[1m]) + weir_query_duration_seconds_bucket")"),
            std::set<std::string>{});
  EXPECT_EQ(unknown_metric_names(R"("expr": "rate(weir_query_total[1m]) + weir_errors_total_bucket")"),
            (std::set<std::string>{"weir_errors_total_bucket", "weir_query_total"}));
}

}  // namespace
}  // namespace weir::admin
