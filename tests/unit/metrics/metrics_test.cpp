#include "metrics/metrics.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "weir/testing/temp_dir.hpp"

namespace weir::metrics {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// A strict reader of the text format as weir writes it: every line is a HELP, a TYPE or a sample
// `name{label="value",...} number` of a family declared by the TYPE before it.
struct Exposition {
  std::map<std::string, std::string> types;  // family -> type
  std::map<std::string, double> samples;     // `name{labels}` exactly as written -> value
  std::vector<std::string> problems;
};

Exposition parse(const std::string& text) {
  static const std::regex sample_re(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? (\S+)$)");
  Exposition e;
  std::istringstream in(text);
  std::string line;
  std::string current;
  if (text.empty() || text.back() != '\n') e.problems.emplace_back("does not end with a newline");
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream fields(line.substr(7));
      std::string name, type;
      fields >> name >> type;
      if (e.types.count(name)) e.problems.push_back("family declared twice: " + name);
      e.types[name] = type;
      current = name;
      continue;
    }
    std::smatch m;
    if (!std::regex_match(line, m, sample_re)) {
      e.problems.push_back("bad line: " + line);
      continue;
    }
    const std::string name = m[1];
    const std::string& type = e.types[current];
    bool belongs = name == current;
    if (type == "histogram") {
      belongs = name == current + "_bucket" || name == current + "_sum" || name == current + "_count";
    }
    if (!belongs) e.problems.push_back("sample outside its family: " + line);
    const std::string value = m[m.size() - 1];
    char* end = nullptr;
    const double v = value == "+Inf" ? HUGE_VAL : std::strtod(value.c_str(), &end);
    if (value != "+Inf" && value != "NaN" && (end == nullptr || *end != '\0'))
      e.problems.push_back("bad value: " + line);
    const std::string key = line.substr(0, line.rfind(' '));
    if (e.samples.count(key)) e.problems.push_back("duplicate series: " + key);
    e.samples[key] = v;
  }
  return e;
}

std::string temp_path(const std::string& name) {
  static const weir::testing::TempDir dir("weir-metrics-");
  return (dir / name).string();
}

bool promtool_installed() { return std::system("command -v promtool >/dev/null 2>&1") == 0; }

// Runs `promtool check metrics` on `text`; returns its exit status and fills `output`.
int promtool_check(const std::string& text, std::string& output) {
  const std::string input = temp_path("input.prom");
  const std::string out = temp_path("promtool.out");
  std::ofstream(input) << text;
  const int status = std::system(("promtool check metrics < " + input + " > " + out + " 2>&1").c_str());
  std::ifstream in(out);
  output.assign(std::istreambuf_iterator<char>(in), {});
  std::filesystem::remove(input);
  std::filesystem::remove(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

Metrics& populated(Metrics& m) {
  m.set_build_info("1.2.3");
  m.client_connections().inc();
  m.client_connections_accepted().inc(3);
  m.client_connections_rejected("max_connections").inc();
  m.client_received_bytes().inc(100);
  m.client_sent_bytes().inc(2000);
  m.backend_connections("db-0", "active").set(2);
  m.backend_connections("db-0", "idle").set(5);
  BackendMetrics primary(m, "db-0");
  primary.query(Route::primary, 0x03, microseconds(300));
  primary.query(Route::primary, 0x17, milliseconds(20));
  BackendMetrics replica(m, "db-1");
  replica.query(Route::replica, 0x03, milliseconds(3));
  m.routing_decisions("replica", "read_only_statement").inc();
  m.routing_decisions("primary", "no_caught_up_replica").inc();
  m.gtid_waits(GtidWaitOutcome::timeout).inc();
  m.errors("backend_connect").inc();
  m.errors("odd \"kind\" \\ with\nnewline").inc();
  m.config_reloads(true).inc();
  m.update_backends(
      {{"db-0", "primary", true, false, std::nullopt, std::nullopt}, {"db-1", "replica", true, true, 0.25, 1.0}});
  return m;
}

TEST(MetricsTable, NamesFollowPrometheusConventions) {
  std::set<std::string_view> names;
  const std::regex label_re("^[a-z_][a-z0-9_]*$");
  for (const auto& def : kDefinitions) {
    SCOPED_TRACE(std::string(def.name));
    EXPECT_TRUE(names.insert(def.name).second) << "declared twice";
    EXPECT_EQ(def.name.substr(0, 5), "weir_");
    EXPECT_FALSE(def.help.empty());
    const bool total = def.name.size() > 6 && def.name.substr(def.name.size() - 6) == "_total";
    EXPECT_EQ(def.type == Type::counter, total) << "counters and only counters end in _total";
    if (def.type == Type::histogram) {
      EXPECT_NE(def.name.find("_seconds"), std::string_view::npos);
    }
    for (std::size_t i = 0; i < def.label_count(); ++i) {
      EXPECT_TRUE(std::regex_match(std::string(def.labels[i]), label_re)) << def.labels[i];
      EXPECT_NE(def.labels[i], "le");
    }
  }
}

TEST(Metrics, EmptyRegistryDeclaresEveryFamily) {
  Metrics m;
  const auto e = parse(m.render());
  EXPECT_TRUE(e.problems.empty()) << ::testing::PrintToString(e.problems);
  for (const auto& def : kDefinitions) {
    EXPECT_EQ(e.types.count(std::string(def.name)), 1U) << def.name;
    EXPECT_EQ(e.types.at(std::string(def.name)), to_string(def.type));
  }
  // Counters with a closed label set start at zero, so rate() sees their first increment.
  EXPECT_EQ(e.samples.at(R"(weir_gtid_wait_total{outcome="timeout"})"), 0);
  EXPECT_EQ(e.samples.at(R"(weir_config_reloads_total{result="failure"})"), 0);
  EXPECT_EQ(e.samples.at("weir_client_connections"), 0);
}

TEST(Metrics, RendersValuesAndLabels) {
  Metrics m;
  const std::string text = populated(m).render();
  const auto e = parse(text);
  ASSERT_TRUE(e.problems.empty()) << ::testing::PrintToString(e.problems) << text;
  EXPECT_EQ(e.samples.at(R"(weir_build_info{version="1.2.3"})"), 1);
  EXPECT_EQ(e.samples.at("weir_client_connections"), 1);
  EXPECT_EQ(e.samples.at("weir_client_connections_accepted_total"), 3);
  EXPECT_EQ(e.samples.at(R"(weir_client_connections_rejected_total{reason="max_connections"})"), 1);
  EXPECT_EQ(e.samples.at("weir_client_received_bytes_total"), 100);
  EXPECT_EQ(e.samples.at("weir_client_sent_bytes_total"), 2000);
  EXPECT_EQ(e.samples.at(R"(weir_backend_connections{backend="db-0",state="idle"})"), 5);
  EXPECT_EQ(e.samples.at(R"(weir_queries_total{backend="db-0",route="primary",command="query"})"), 1);
  EXPECT_EQ(e.samples.at(R"(weir_queries_total{backend="db-0",route="primary",command="stmt_execute"})"), 1);
  EXPECT_EQ(e.samples.at(R"(weir_queries_total{backend="db-1",route="replica",command="query"})"), 1);
  EXPECT_EQ(e.samples.at(R"(weir_routing_decisions_total{target="primary",reason="no_caught_up_replica"})"), 1);
  EXPECT_EQ(e.samples.at(R"(weir_gtid_wait_total{outcome="timeout"})"), 1);
  EXPECT_EQ(e.samples.at(R"(weir_errors_total{kind="backend_connect"})"), 1);
  EXPECT_EQ(e.samples.at(R"(weir_config_reloads_total{result="success"})"), 1);
  EXPECT_EQ(e.samples.at(R"(weir_backend_up{backend="db-1",role="replica"})"), 1);
  EXPECT_EQ(e.samples.at(R"(weir_backend_read_only{backend="db-1"})"), 1);
  EXPECT_EQ(e.samples.at(R"(weir_backend_read_only{backend="db-0"})"), 0);
  EXPECT_EQ(e.samples.at(R"(weir_replication_lag_seconds{backend="db-1",method="heartbeat"})"), 0.25);
  EXPECT_EQ(e.samples.at(R"(weir_replication_lag_seconds{backend="db-1",method="seconds_behind_master"})"), 1.0);
  // Unknown lag is no sample rather than a made-up zero.
  EXPECT_EQ(e.samples.count(R"(weir_replication_lag_seconds{backend="db-0",method="heartbeat"})"), 0U);
}

TEST(Metrics, HistogramBucketsAreCumulativeWithSumAndCount) {
  Metrics m({milliseconds(1), milliseconds(10)});
  auto& h = m.query_duration("db");
  h.observe(microseconds(500));
  h.observe(milliseconds(1));  // on the bound: counted in le="0.001"
  h.observe(milliseconds(5));
  h.observe(std::chrono::seconds(2));
  h.observe(std::chrono::nanoseconds(-5));  // a clock step backwards counts as zero
  const auto e = parse(m.render());
  ASSERT_TRUE(e.problems.empty()) << ::testing::PrintToString(e.problems);
  EXPECT_EQ(e.samples.at(R"(weir_query_duration_seconds_bucket{backend="db",le="0.001"})"), 3);
  EXPECT_EQ(e.samples.at(R"(weir_query_duration_seconds_bucket{backend="db",le="0.01"})"), 4);
  EXPECT_EQ(e.samples.at(R"(weir_query_duration_seconds_bucket{backend="db",le="+Inf"})"), 5);
  EXPECT_EQ(e.samples.at(R"(weir_query_duration_seconds_count{backend="db"})"), 5);
  EXPECT_DOUBLE_EQ(e.samples.at(R"(weir_query_duration_seconds_sum{backend="db"})"), 2.0065);
}

TEST(Metrics, DefaultBucketsSpan100MicrosecondsTo10Seconds) {
  Metrics m;
  m.query_duration("db").observe(microseconds(100));
  const auto e = parse(m.render());
  EXPECT_EQ(e.samples.at(R"(weir_query_duration_seconds_bucket{backend="db",le="0.0001"})"), 1);
  EXPECT_EQ(e.samples.count(R"(weir_query_duration_seconds_bucket{backend="db",le="10"})"), 1U);
  EXPECT_EQ(e.samples.count(R"(weir_query_duration_seconds_bucket{backend="db",le="0.0025"})"), 1U);
  EXPECT_EQ(m.query_duration("db").bounds().size(), 16U);
}

TEST(Metrics, LabelValuesAreEscaped) {
  Metrics m;
  m.errors("quote\" back\\slash\nnewline").inc();
  const std::string text = m.render();
  EXPECT_NE(text.find(R"(weir_errors_total{kind="quote\" back\\slash\nnewline"} 1)"), std::string::npos) << text;
  EXPECT_TRUE(parse(text).problems.empty());
}

TEST(Metrics, HandlesAreStableAndShared) {
  Metrics m;
  Counter& a = m.queries("db", Route::replica, "query");
  for (int i = 0; i < 100; ++i) m.errors("noise" + std::to_string(i));  // growth elsewhere
  Counter& b = m.queries("db", Route::replica, "query");
  EXPECT_EQ(&a, &b);
  BackendMetrics cache(m, "db");
  EXPECT_EQ(&cache.queries(Route::replica, 0x03), &a);
  EXPECT_EQ(&cache.queries(Route::replica, 0x03), &a);
  EXPECT_NE(&cache.queries(Route::primary, 0x03), &a);
  // Unknown command bytes share the "other" series.
  EXPECT_EQ(&cache.queries(Route::primary, 0x7f), &cache.queries(Route::primary, 0x70));
  EXPECT_EQ(&cache.duration(), &m.query_duration("db"));
}

TEST(Metrics, ConcurrentIncrementsAreAllCounted) {
  Metrics m;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      // Each worker resolves its own handles, some for the same series as the others.
      BackendMetrics backend(m, t % 2 == 0 ? "even" : "odd");
      Counter& shared = m.client_received_bytes();
      Gauge& connections = m.client_connections();
      for (int i = 0; i < kPerThread; ++i) {
        backend.query(Route::replica, 0x03, microseconds(i % 1000));
        shared.inc(2);
        connections.inc();
        if (i % 1000 == 0) m.errors("kind" + std::to_string(i % 7)).inc();
        connections.dec();
      }
    });
  }
  // Rendering while the workers count must be safe (run under TSan in CI).
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(parse(m.render()).problems.empty());
  for (auto& t : threads) t.join();
  const auto e = parse(m.render());
  EXPECT_EQ(e.samples.at("weir_client_received_bytes_total"), 2.0 * kThreads * kPerThread);
  EXPECT_EQ(e.samples.at("weir_client_connections"), 0);
  EXPECT_EQ(e.samples.at(R"(weir_queries_total{backend="even",route="replica",command="query"})"), 2.0 * kPerThread);
  EXPECT_EQ(e.samples.at(R"(weir_query_duration_seconds_count{backend="odd"})"), 2.0 * kPerThread);
}

TEST(Metrics, WorkerThreadsCountIntoShardsOfTheirOwn) {
  std::vector<std::size_t> shards;
  for (std::size_t worker = 0; worker < 2 * kShards; ++worker) {
    std::thread([&shards, worker] {
      EXPECT_EQ(thread_shard(), 0U);  // any thread before it says which worker it is
      set_thread_shard(worker);
      shards.push_back(thread_shard());
    }).join();
  }
  for (std::size_t worker = 0; worker < shards.size(); ++worker) {
    if (worker >= kShards - 1) {
      // No shard left of its own: the shared one, which every thread adds to atomically.
      EXPECT_EQ(shards[worker], 0U) << worker;
      continue;
    }
    // Its own shard, which no other thread writes (its adds are plain stores).
    EXPECT_GE(shards[worker], 1U);
    EXPECT_LT(shards[worker], kShards);
    for (std::size_t other = 0; other < shards.size(); ++other) {
      if (other != worker) {
        EXPECT_NE(shards[worker], shards[other]) << worker << " " << other;
      }
    }
  }
  EXPECT_EQ(thread_shard(), 0U);
}

TEST(Metrics, EveryShardIsSummedWhenRead) {
  Metrics m;
  // More workers than shards (the last two share shard 0 with a thread that is no worker), all
  // adding at once: the workers with shards of their own add with plain stores, the others
  // atomically; no add is lost.
  constexpr std::size_t kWorkers = kShards + 1;
  constexpr int kPerThread = 200000;
  Counter& counter = m.client_sent_bytes();
  Histogram& histogram = m.query_duration("db");
  std::vector<std::thread> threads;
  std::latch start(static_cast<std::ptrdiff_t>(kWorkers + 1));  // all adding at the same time
  for (std::size_t t = 0; t <= kWorkers; ++t) {
    threads.emplace_back([&, t] {
      if (t < kWorkers) set_thread_shard(t);
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        counter.inc(3);
        // Alternately under the first bound (100 us) and above the last (10 s).
        histogram.observe(i % 2 == 0 ? microseconds(50) : std::chrono::seconds(20));
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto threads_count = static_cast<std::uint64_t>(kWorkers + 1);
  EXPECT_EQ(counter.value(), 3 * threads_count * kPerThread);
  const auto snapshot = histogram.snapshot();
  ASSERT_EQ(snapshot.cumulative.size(), histogram.bounds().size() + 1);
  EXPECT_EQ(snapshot.count, threads_count * kPerThread);
  EXPECT_EQ(snapshot.cumulative.front(), threads_count * kPerThread / 2);
  EXPECT_EQ(snapshot.cumulative[snapshot.cumulative.size() - 2], threads_count * kPerThread / 2);
  EXPECT_EQ(snapshot.cumulative.back(), threads_count * kPerThread);
  const std::uint64_t halves = threads_count * kPerThread / 2;  // observations of each duration
  EXPECT_NEAR(snapshot.sum_seconds, static_cast<double>(halves) * (20.0 + 50e-6), 1e-3);
  const auto e = parse(m.render());
  EXPECT_EQ(e.samples.at("weir_client_sent_bytes_total"), 3.0 * static_cast<double>(threads_count * kPerThread));
  EXPECT_EQ(e.samples.at(R"(weir_query_duration_seconds_count{backend="db"})"),
            static_cast<double>(threads_count * kPerThread));
}

TEST(Metrics, WorkersBeyondTheShardsLoseNoAddsToTheFirstWorkersShard) {
  // Worker 0 adds with plain stores to its own shard; workers kShards - 1 and kShards would have
  // wrapped onto it. Three threads on at least two cores at once, long enough to overlap.
  Metrics m;
  Counter& counter = m.client_sent_bytes();
  constexpr int kPerThread = 2000000;
  const std::size_t workers[] = {0, kShards - 1, kShards};
  std::latch start(3);
  std::vector<std::thread> threads;
  for (const std::size_t worker : workers) {
    threads.emplace_back([&, worker] {
      set_thread_shard(worker);
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) counter.inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter.value(), 3U * kPerThread);
}

TEST(Metrics, BackendsThatLeaveTheTopologyLeaveTheGauges) {
  Metrics m;
  m.update_backends(
      {{"a", "primary", true, false, std::nullopt, std::nullopt}, {"b", "replica", true, true, 0.5, std::nullopt}});
  auto e = parse(m.render());
  EXPECT_EQ(e.samples.count(R"(weir_backend_up{backend="b",role="replica"})"), 1U);
  // b leaves; a is promoted... as a replica now (role change keeps one series per backend).
  m.update_backends({{"a", "replica", false, true, std::nullopt, std::nullopt}});
  e = parse(m.render());
  EXPECT_TRUE(e.problems.empty());
  EXPECT_EQ(e.samples.count(R"(weir_backend_up{backend="b",role="replica"})"), 0U);
  EXPECT_EQ(e.samples.count(R"(weir_replication_lag_seconds{backend="b",method="heartbeat"})"), 0U);
  EXPECT_EQ(e.samples.count(R"(weir_backend_up{backend="a",role="primary"})"), 0U);
  EXPECT_EQ(e.samples.at(R"(weir_backend_up{backend="a",role="replica"})"), 0);
  // b comes back.
  m.update_backends({{"b", "replica", true, true, 0.1, std::nullopt}});
  e = parse(m.render());
  EXPECT_EQ(e.samples.at(R"(weir_replication_lag_seconds{backend="b",method="heartbeat"})"), 0.1);
}

TEST(Metrics, BuildInfoKeepsOneVersion) {
  Metrics m;
  m.set_build_info("1.0");
  m.set_build_info("1.1");
  const auto e = parse(m.render());
  EXPECT_EQ(e.samples.count(R"(weir_build_info{version="1.0"})"), 0U);
  EXPECT_EQ(e.samples.at(R"(weir_build_info{version="1.1"})"), 1);
}

TEST(Metrics, WrongTypeOrLabelCountIsAProgrammingError) {
  Metrics m;
  EXPECT_THROW(m.counter(Id::client_connections, {}), std::logic_error);
  EXPECT_THROW(m.counter(Id::errors, {}), std::logic_error);
  EXPECT_THROW(m.gauge(Id::backend_up, {"a"}), std::logic_error);
  EXPECT_NO_THROW(m.gauge(Id::backend_up, {"a", "primary"}));
}

TEST(Metrics, CommandLabels) {
  EXPECT_EQ(command_label(0x03), "query");
  EXPECT_EQ(command_label(0x16), "stmt_prepare");
  EXPECT_EQ(command_label(0x17), "stmt_execute");
  EXPECT_EQ(command_label(0x1f), "reset_connection");
  EXPECT_EQ(command_label(0x99), "other");
}

TEST(Promtool, AcceptsTheExpositionWithoutLintFindings) {
  if (!promtool_installed()) GTEST_SKIP() << "promtool not installed (scripts/setup.sh installs it)";
  Metrics m;
  std::string output;
  const int status = promtool_check(populated(m).render(), output);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "") << "promtool lint findings";
}

TEST(Promtool, TheCheckFindsProblems) {
  // The check above can fail: promtool reports a counter without _total and a bad line.
  if (!promtool_installed()) GTEST_SKIP() << "promtool not installed (scripts/setup.sh installs it)";
  std::string output;
  promtool_check("# HELP weir_x A counter.\n# TYPE weir_x counter\nweir_x 1\n", output);
  EXPECT_NE(output.find("_total"), std::string::npos) << output;
  EXPECT_NE(promtool_check("weir_x{ 1\n", output), 0) << output;
}

}  // namespace
}  // namespace weir::metrics

namespace weir::metrics {
namespace {

TEST(CounterCache, ResolvesOnceAndFindsTheSameSeries) {
  Metrics m;
  CounterCache decisions(m, Id::routing_decisions);
  Counter& a = decisions.get({"replica", "read_only_statement"});
  Counter& b = decisions.get({"primary", "no_caught_up_replica"});
  EXPECT_NE(&a, &b);
  EXPECT_EQ(&decisions.get({"replica", "read_only_statement"}), &a);
  EXPECT_EQ(&m.routing_decisions("replica", "read_only_statement"), &a);
  // Values that concatenate alike are different series.
  EXPECT_NE(&decisions.get({"ab", "c"}), &decisions.get({"a", "bc"}));
  decisions.get({"replica", "read_only_statement"}).inc(2);
  const std::string text = m.render();
  EXPECT_NE(text.find("weir_routing_decisions_total{target=\"replica\",reason=\"read_only_statement\"} 2\n"),
            std::string::npos)
      << text;
  CounterCache wrong(m, Id::client_connections);
  EXPECT_THROW(wrong.get({}), std::logic_error);
}

}  // namespace
}  // namespace weir::metrics
