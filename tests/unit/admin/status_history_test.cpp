// The status page's history: rates from two readings of the registry, the latency quantile from
// bucket deltas, 900 samples at most, and the JSON the page draws from.
#include "admin/status_history.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "admin/status_page.hpp"
#include "admin/status_view.hpp"

namespace weir::admin {
namespace {

using namespace std::chrono_literals;

TEST(Quantile, InterpolatesInsideTheBucketAsPrometheusDoes) {
  const std::vector<std::int64_t> bounds{1'000'000, 2'000'000, 4'000'000};  // 1, 2, 4 ms
  // 10 observations up to 1 ms, 10 in (1, 2], none above.
  EXPECT_DOUBLE_EQ(quantile_ms({10, 20, 20, 20}, bounds, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(quantile_ms({10, 20, 20, 20}, bounds, 0.75), 1.5);
  EXPECT_DOUBLE_EQ(quantile_ms({10, 20, 20, 20}, bounds, 0.25), 0.5);
  // In +Inf: the last bound.
  EXPECT_DOUBLE_EQ(quantile_ms({0, 0, 0, 5}, bounds, 0.95), 4.0);
  EXPECT_EQ(quantile_ms({0, 0, 0, 0}, bounds, 0.95), -1);
}

TEST(StatusHistory, RatesComeFromTheRegistrysCounters) {
  metrics::Metrics registry({1ms, 10ms});
  metrics::BackendMetrics replica(registry, "replica-1");
  StatusHistory history;
  history.record(1'000, read_totals(registry));
  EXPECT_EQ(history.size(), 0U) << "the first reading is the baseline";

  for (int i = 0; i < 40; ++i) replica.query(metrics::Route::replica, 0x03, 500us);
  for (int i = 0; i < 10; ++i) replica.query(metrics::Route::replica, 0x03, 5ms);
  for (int i = 0; i < 6; ++i) registry.routing_decisions("replica", "read_only_statement").inc();
  registry.client_connections().set(3);
  history.record(3'000, read_totals(registry));  // two seconds later

  ASSERT_EQ(history.size(), 1U);
  const auto json = nlohmann::json::parse(history.json());
  EXPECT_EQ(json["t"], nlohmann::json::array({3000}));
  EXPECT_EQ(json["clients"], nlohmann::json::array({3}));
  const auto& b = json["backends"]["replica-1"];
  EXPECT_DOUBLE_EQ(b["qps"][0].get<double>(), 25.0);      // 50 in 2 s
  EXPECT_DOUBLE_EQ(b["mean_ms"][0].get<double>(), 1.4);   // (40 * 0.5 + 10 * 5) / 50
  EXPECT_NEAR(b["p95_ms"][0].get<double>(), 7.75, 1e-9);  // rank 47.5 of 50: 3/4 into (1, 10]
  EXPECT_DOUBLE_EQ(json["routing"]["replica read_only_statement"][0].get<double>(), 3.0);

  history.record(4'000, read_totals(registry));  // a quiet second: zero rate, no latency
  const auto quiet = nlohmann::json::parse(history.json());
  EXPECT_EQ(quiet["backends"]["replica-1"]["qps"][1], 0);
  EXPECT_TRUE(quiet["backends"]["replica-1"]["mean_ms"][1].is_null());
  EXPECT_TRUE(quiet["backends"]["replica-1"]["p95_ms"][1].is_null());
}

TEST(StatusHistory, KeepsFifteenMinutesAndABackendSeenLaterIsNullBefore) {
  metrics::Metrics registry;
  StatusHistory history;
  for (int second = 0; second <= 1000; ++second) {
    if (second == 995) metrics::BackendMetrics(registry, "late").query(metrics::Route::primary, 0x03, 1ms);
    history.record(second * 1000LL, read_totals(registry));
  }
  EXPECT_EQ(history.size(), StatusHistory::kDefaultCapacity);
  const auto json = nlohmann::json::parse(history.json());
  ASSERT_EQ(json["t"].size(), 900U);
  EXPECT_EQ(json["t"][0], 101'000);
  EXPECT_EQ(json["t"][899], 1'000'000);
  const auto& qps = json["backends"]["late"]["qps"];
  ASSERT_EQ(qps.size(), 900U);
  EXPECT_TRUE(qps[0].is_null());
  EXPECT_EQ(qps[894], 1);  // second 995
  EXPECT_EQ(qps[899], 0);
}

TEST(StatusView, CarriesTheFactsTheConnectionsAndBothViews) {
  metrics::Metrics registry;
  registry.client_connections().set(2);
  registry.backend_connections("primary", "active").set(1);
  registry.backend_connections("primary", "idle").set(4);
  StatusFacts facts;
  facts.version = "1.2.3";
  facts.config_generation = 7;
  facts.uptime_seconds = 61.6;
  const auto json =
      nlohmann::json::parse(status_json(facts, registry, R"([{"name": "primary"}])", StatusHistory().json()));
  EXPECT_EQ(json["version"], "1.2.3");
  EXPECT_EQ(json["config_generation"], 7);
  EXPECT_EQ(json["uptime_seconds"], 62);
  EXPECT_EQ(json["lag_method"], "heartbeat");
  EXPECT_EQ(json["clients"], 2);
  EXPECT_EQ(json["backend_connections"]["primary"]["active"], 1);
  EXPECT_EQ(json["backend_connections"]["primary"]["idle"], 4);
  EXPECT_EQ(json["backends"][0]["name"], "primary");
  EXPECT_TRUE(json["history"]["t"].empty());
}

// Self-contained: nothing the page loads comes from another origin.
TEST(StatusPage, IsOneDocumentThatLoadsNothingFromElsewhere) {
  const std::string page(status_page_html());
  EXPECT_EQ(page.rfind("<!doctype html>", 0), 0U);
  EXPECT_NE(page.find("</html>"), std::string::npos);
  EXPECT_NE(page.find("fetch(\"status.json\""), std::string::npos);
  for (const char* outside : {"<script src", "<link", "@import", "url(", "https://", "//cdn"}) {
    EXPECT_EQ(page.find(outside), std::string::npos) << outside;
  }
}

}  // namespace
}  // namespace weir::admin
