// The status page in a real headless Chromium, in front of a real primary, two replicas that
// replicate for real, and a real weir: the replica rows appear, the charts get points once
// statements flow, and a replica whose replication stops shows as unusable without a reload.
// Leaves a screenshot in the build directory (status-page.png).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "observability_support.hpp"
#include "replicated_topology.hpp"
#include "webdriver.hpp"

namespace weir::testing::browser_tests {
namespace {

using namespace std::chrono_literals;
using routing_tests::ReplicatedTopology;
using routing_tests::TopologyOptions;

// Polls `script` in the page until `accept(value)`; returns the last value.
template <class Accept>
nlohmann::json wait_in_page(Browser& browser, const std::string& script, Accept accept,
                            std::chrono::seconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  nlohmann::json value;
  while (std::chrono::steady_clock::now() < deadline) {
    value = browser.script(script);
    if (accept(value)) return value;
    std::this_thread::sleep_for(200ms);
  }
  return value;
}

// {"<backend>": "<row class>|<reads cell>"} of the topology table.
constexpr const char* kRows = R"(
  const out = {};
  for (const r of document.querySelectorAll('#backends tr'))
    out[r.dataset.backend] = r.className + '|' + r.querySelector('td.reads').textContent;
  return out;)";

// {"<series>": number of points} of one chart.
std::string points_of(const std::string& chart) {
  return "const out = {};\n"
         "for (const p of document.querySelectorAll('#" +
         chart +
         " polyline'))\n"
         "  out[p.dataset.series] = (out[p.dataset.series] || 0) + p.getAttribute('points').trim().split(' ').length;\n"
         "return out;";
}

TEST(StatusPageInABrowser, ShowsTheTopologyChartsAndAReplicaGoingUnusableWithoutAReload) {
  if (std::system("command -v chromedriver >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "WEIR_TEST_SKIPPED: chromedriver is not installed (bash scripts/setup.sh installs it)";
  }
  TopologyOptions options;
  options.admin_yaml = observability_tests::admin_yaml("");
  ReplicatedTopology topology(options);
  const auto admin_port = observability_tests::admin_port_of(*topology.weir);

  const std::string dir = topology.weir->dir() + "/browser";
  std::filesystem::create_directories(dir);
  Browser browser(dir);
  browser.navigate("http://127.0.0.1:" + std::to_string(admin_port) + "/");
  // A mark that a reload would wipe.
  browser.script("window.weirLoadedOnce = true; return true;");

  auto rows = wait_in_page(browser, kRows, [](const nlohmann::json& v) {
    return v.size() == 3 && v.value("replica-1", "").rfind("usable|yes", 0) == 0 &&
           v.value("replica-2", "").rfind("usable|yes", 0) == 0;
  });
  ASSERT_EQ(rows.size(), 3U) << rows.dump();
  EXPECT_TRUE(rows.contains("primary")) << rows.dump();
  EXPECT_EQ(rows.value("replica-1", ""), "usable|yes") << rows.dump();
  EXPECT_EQ(rows.value("replica-2", ""), "usable|yes") << rows.dump();

  // Statements through weir for a few seconds: the replicas' lines in the throughput chart get points.
  {
    proxy_tests::Mysql m = proxy_tests::open_mysql(topology.weir->port(), {});
    ASSERT_TRUE(m);
    for (int second = 0; second < 4; ++second) {
      for (int i = 0; i < 50; ++i) EXPECT_EQ(proxy_tests::scalar_of(m.get(), "SELECT 1"), "1");
      proxy_tests::scalar_of(m.get(), "SELECT COUNT(*) FROM app.kv");
      std::this_thread::sleep_for(500ms);
    }
  }
  const auto qps = wait_in_page(browser, points_of("chart-qps"), [](const nlohmann::json& v) {
    return v.value("replica-1", 0) >= 3 && v.value("replica-2", 0) >= 3;
  });
  EXPECT_GE(qps.value("replica-1", 0), 3) << qps.dump();
  EXPECT_GE(qps.value("replica-2", 0), 3) << qps.dump();
  const auto routing = browser.script(points_of("chart-routing"));
  bool replica_reads = false;
  for (const auto& [series, count] : routing.items()) replica_reads |= series.rfind("replica ", 0) == 0 && count > 0;
  EXPECT_TRUE(replica_reads) << routing.dump();
  const auto latency = browser.script(points_of("chart-p95"));
  EXPECT_GE(latency.value("replica-1", 0) + latency.value("replica-2", 0), 1) << latency.dump();

  // Replication stops on replica-2: the page shows it unusable, with the reason, on its own.
  topology.replica2.execute("STOP SLAVE");
  rows = wait_in_page(browser, kRows,
                      [](const nlohmann::json& v) { return v.value("replica-2", "").rfind("unusable|no", 0) == 0; });
  EXPECT_EQ(rows.value("replica-2", "").rfind("unusable|no", 0), 0U) << rows.dump();
  EXPECT_EQ(rows.value("replica-1", ""), "usable|yes") << rows.dump();
  EXPECT_EQ(browser.script("return window.weirLoadedOnce === true;"), true) << "the page reloaded";
  const auto lag =
      browser.script("return document.querySelector('tr[data-backend=\"replica-1\"] td.lag').textContent;");
  EXPECT_NE(lag.get<std::string>().find("(heartbeat)"), std::string::npos) << lag.dump();

  browser.save_screenshot(std::string(WEIR_BROWSER_ARTIFACTS) + "/status-page.png");
  EXPECT_GT(std::filesystem::file_size(std::string(WEIR_BROWSER_ARTIFACTS) + "/status-page.png"), 10000U);
  topology.replica2.execute("START SLAVE");
}

}  // namespace
}  // namespace weir::testing::browser_tests
