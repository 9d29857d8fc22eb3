// A real Prometheus scrapes a real weir (bearer token from a file) in front of a replicating
// primary and replica: it answers for weir's replication lag, backend and build-info series; after
// a few hundred reads and writes through weir it answers the latency quantiles per backend; and
// every query of every panel of the Grafana dashboard (dashboards/weir.json) runs on it, the
// panels about throughput, latency, lag, routing and connections with data.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "observability_support.hpp"
#include "weir/testing/files.hpp"

namespace weir::testing::observability_tests {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The value of the first sample of an instant-vector answer.
std::optional<double> first_value(const std::string& answer) {
  static const std::regex value_re(R"re("value":\[[0-9.e+]+,"([^"]+)"\])re");
  std::smatch m;
  if (!std::regex_search(answer, m, value_re)) return std::nullopt;
  return std::stod(m[1]);
}

// A Prometheus server in `dir` scraping weir's admin endpoint every second with the token.
class PrometheusServer {
 public:
  PrometheusServer(const fs::path& dir, std::uint16_t admin_port, const std::string& token) : dir_(dir) {
    fs::create_directories(dir / "prometheus-data");
    std::ofstream(dir / "token") << token;
    std::ofstream(dir / "prometheus.yml")
        << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "scrape_configs:\n  - job_name: weir\n    scrape_interval: 1s\n    scrape_timeout: 1s\n"
        << "    authorization:\n      type: Bearer\n      credentials_file: " << (dir / "token").string() << "\n"
        << "    static_configs:\n      - targets: ['127.0.0.1:" << admin_port << "']\n";
    port_ = free_loopback_port();
    process_ = Process::spawn({{"prometheus", "--config.file=" + (dir / "prometheus.yml").string(),
                                "--storage.tsdb.path=" + (dir / "prometheus-data").string(),
                                "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"},
                               "",
                               (dir / "prometheus.log").string(),
                               "",
                               dir.string()});
  }
  ~PrometheusServer() { process_.terminate(std::chrono::seconds(20)); }

  // GET /api/v1/query through curl: the JSON answer ("" when Prometheus did not answer).
  std::string query(const std::string& promql) {
    const auto out = dir_ / "query.json";
    fs::remove(out);  // run_program appends
    run_program({"curl", "-sS", "--max-time", "5", "-G", "--data-urlencode", "query=" + promql,
                 "http://127.0.0.1:" + std::to_string(port_) + "/api/v1/query"},
                out.string(), std::chrono::seconds(10));
    return read_file(out);
  }

  // Queries until `accept(answer)` or the deadline; returns the last answer.
  template <class Accept>
  std::string query_until(const std::string& promql, Accept accept, std::chrono::seconds deadline = 60s) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    std::string answer;
    while (std::chrono::steady_clock::now() < until && process_.running()) {
      answer = query(promql);
      if (accept(answer)) return answer;
      std::this_thread::sleep_for(500ms);
    }
    return answer;
  }
  std::string query_until(const std::string& promql) {
    return query_until(promql, [](const std::string& a) { return first_value(a).has_value(); });
  }

  std::string log_tail() const { return file_tail((dir_ / "prometheus.log").string(), 30); }

 private:
  fs::path dir_;
  std::uint16_t port_ = 0;
  Process process_;
};

// A primary and a replica of it, weir in front of both (monitor every 100 ms, admin with a token).
struct Topology {
  MariadbServer primary{MariadbOptions::primary(100)};
  std::unique_ptr<MariadbServer> replica;
  std::unique_ptr<WeirProcess> weir;
  std::uint16_t admin_port = 0;

  Topology() {
    prepare_primary(primary);
    replica = std::make_unique<MariadbServer>(replica_options(101));
    replica->replicate_from(primary);
    if (!replica->wait_caught_up(primary)) throw std::runtime_error("the replica did not catch up");
    WeirOptions options = weir_for(primary);
    options.backends.push_back({"replica-1", "127.0.0.1", replica->port(), "replica"});
    options.monitor_yaml = "  check_interval: 100ms\n";
    options.admin_yaml = admin_yaml(kToken);
    weir = std::make_unique<WeirProcess>(options);
    admin_port = admin_port_of(*weir);
  }
};

TEST(PrometheusOnWeir, ScrapesReplicationLagBackendsAndBuildInfo) {
  if (std::system("command -v prometheus >/dev/null 2>&1") != 0) GTEST_SKIP() << "prometheus not installed";
  Topology topology;
  WeirProcess& weir = *topology.weir;
  PrometheusServer prometheus(weir.dir(), topology.admin_port, kToken);

  // Some traffic through weir meanwhile, so the client counters move as well.
  for (int i = 0; i < 5; ++i) {
    Mysql m = open_mysql(weir.port(), {});
    ASSERT_TRUE(m);
    EXPECT_EQ(scalar_of(m.get(), "SELECT 1"), "1");
  }

  auto answer = prometheus.query_until(R"(weir_replication_lag_seconds{backend="replica-1",method="heartbeat"})");
  auto lag = first_value(answer);
  ASSERT_TRUE(lag.has_value()) << answer << "\nprometheus log:\n" << prometheus.log_tail();
  EXPECT_GE(*lag, 0.0) << answer;
  EXPECT_LT(*lag, 5.0) << answer;

  answer = prometheus.query_until("weir_build_info");
  EXPECT_EQ(first_value(answer), 1.0) << answer;
  EXPECT_NE(answer.find("\"version\":\""), std::string::npos) << answer;

  answer = prometheus.query(R"(up{job="weir"})");
  EXPECT_EQ(first_value(answer), 1.0) << answer;
  answer = prometheus.query(R"(weir_backend_up{backend="primary",role="primary"})");
  EXPECT_EQ(first_value(answer), 1.0) << answer;
  answer = prometheus.query(R"(weir_backend_up{backend="replica-1",role="replica"})");
  EXPECT_EQ(first_value(answer), 1.0) << answer;
  answer = prometheus.query_until(R"(weir_client_connections_accepted_total >= 5)");
  EXPECT_GE(first_value(answer).value_or(0), 5.0) << answer;

  if (HasFailure()) std::cerr << "weir log:\n" << weir.log();
}

// The samples of an instant-vector answer: label set -> value (NaN kept as NaN). Empty when the
// answer is not a successful vector.
struct Sample {
  std::map<std::string, std::string> labels;
  double value = 0;
};
std::vector<Sample> samples_of(const std::string& answer) {
  std::vector<Sample> out;
  const json j = json::parse(answer, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("status", "") != "success") return out;
  const json& data = j["data"];
  if (data.value("resultType", "") != "vector") return out;
  for (const auto& r : data["result"]) {
    Sample s;
    for (const auto& [k, v] : r["metric"].items()) s.labels[k] = v.get<std::string>();
    s.value = std::stod(r["value"][1].get<std::string>());  // "NaN" parses as NaN
    out.push_back(std::move(s));
  }
  return out;
}

// What a backend's latency quantile is in `answer` (by the `backend` label); nullopt when absent.
std::optional<double> value_for_backend(const std::string& answer, const std::string& backend) {
  for (const auto& s : samples_of(answer)) {
    const auto it = s.labels.find("backend");
    if (it != s.labels.end() && it->second == backend) return s.value;
  }
  return std::nullopt;
}

bool finite_for_both(const std::string& answer) {
  const auto p = value_for_backend(answer, "primary");
  const auto r = value_for_backend(answer, "replica-1");
  return p && r && std::isfinite(*p) && std::isfinite(*r);
}

// Reads and writes through weir: `writes` INSERTs (ids from `first_id`) on one connection, then (the replica caught
// up) `reads` plain SELECTs spread over three connections (to the replica), and 10 reads inside
// transactions (to the primary). Returns an error text, empty when all went through.
std::string run_traffic(Topology& topology, int writes, int reads, int first_id = 0) {
  const auto port = topology.weir->port();
  {
    Mysql w = open_mysql(port, ConnectOptions{}.db("app"));
    if (!w) return "writer cannot connect";
    if (mysql_query(w.get(), "CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, v INT)") != 0) {
      return std::string("CREATE TABLE: ") + mysql_error(w.get());
    }
    for (int i = 0; i < writes; ++i) {
      const int id = first_id + i;
      const std::string sql = "INSERT INTO t VALUES (" + std::to_string(id) + ", " + std::to_string(id * 3) + ")";
      if (mysql_query(w.get(), sql.c_str()) != 0) return sql + ": " + mysql_error(w.get());
    }
  }
  if (!topology.replica->wait_caught_up(topology.primary)) return "the replica did not catch up with the writes";
  std::vector<Mysql> readers;
  for (int i = 0; i < 3; ++i) {
    readers.push_back(open_mysql(port, ConnectOptions{}.db("app")));
    if (!readers.back()) return "reader cannot connect";
  }
  for (int i = 0; i < reads; ++i) {
    MYSQL* m = readers[static_cast<std::size_t>(i) % readers.size()].get();
    const std::string sql =
        i % 2 == 0 ? "SELECT COUNT(*) FROM t" : "SELECT v FROM t WHERE id = " + std::to_string(i % writes);
    const std::string value = scalar_of(m, sql);
    if (value.rfind("ERR", 0) == 0 || value == "<no row>") return sql + ": " + value;
  }
  for (int i = 0; i < 10; ++i) {
    MYSQL* m = readers[0].get();
    if (mysql_query(m, "BEGIN") != 0) return std::string("BEGIN: ") + mysql_error(m);
    if (scalar_of(m, "SELECT v FROM t WHERE id = 1") != "3") return "a read in a transaction got a wrong value";
    if (mysql_query(m, "COMMIT") != 0) return std::string("COMMIT: ") + mysql_error(m);
  }
  return "";
}

// The dashboard's panels (rows' nested panels too) with their queries.
struct Panel {
  std::string title;
  int id = 0;
  std::vector<std::pair<std::string, std::string>> targets;  // refId, expr
};
std::vector<Panel> dashboard_panels(const json& panels) {
  std::vector<Panel> out;
  for (const auto& p : panels) {
    Panel panel{p.value("title", ""), p.value("id", 0), {}};
    for (const auto& t : p.value("targets", json::array())) {
      if (t.contains("expr")) panel.targets.emplace_back(t.value("refId", "?"), t["expr"].get<std::string>());
    }
    if (!panel.targets.empty()) out.push_back(std::move(panel));
    if (p.contains("panels")) {
      auto nested = dashboard_panels(p["panels"]);
      out.insert(out.end(), nested.begin(), nested.end());
    }
  }
  return out;
}

// Grafana's variables replaced as Grafana would with "All" selected: the range variables by a
// duration, every other variable ($instance, ${backend}, ...) by the regex `.*`.
std::string substitute_variables(const std::string& expr) {
  static const std::regex range_re(R"(\$\{?(__rate_interval|__interval|interval|__range)\}?)");
  static const std::regex variable_re(R"(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)");
  return std::regex_replace(std::regex_replace(expr, range_re, "30s"), variable_re, ".*");
}

TEST(PrometheusOnWeir, SubstitutesGrafanaVariables) {
  EXPECT_EQ(substitute_variables(R"(rate(x{instance=~"$instance",backend=~"${backend}"}[$__rate_interval]))"),
            R"(rate(x{instance=~".*",backend=~".*"}[30s]))");
  EXPECT_EQ(substitute_variables("increase(x[$interval]) + y[$__interval]"), "increase(x[30s]) + y[30s]");
}

class PrometheusAfterTraffic : public ::testing::Test {
 protected:
  static constexpr int kWrites = 100;
  static constexpr int kReads = 300;

  static void SetUpTestSuite() {
    if (std::system("command -v prometheus >/dev/null 2>&1") != 0) return;
    try {
      topology_ = new Topology();
      prometheus_ = new PrometheusServer(topology_->weir->dir(), topology_->admin_port, kToken);
      // Until the replica takes reads: its latency series exists from then on.
      const auto deadline = std::chrono::steady_clock::now() + 20s;
      bool replica_read = false;
      while (!replica_read && std::chrono::steady_clock::now() < deadline) {
        Mysql m = open_mysql(topology_->weir->port(), {});
        if (m) replica_read = scalar_of(m.get(), "SELECT @@server_id") == "101";
        if (!replica_read) std::this_thread::sleep_for(100ms);
      }
      if (!replica_read) throw std::runtime_error("weir sent no read to the replica");
      {
        Mysql m = open_mysql(topology_->weir->port(), {});
        const bool in_transaction = m && mysql_query(m.get(), "BEGIN") == 0;
        if (!in_transaction || scalar_of(m.get(), "SELECT @@server_id") != "100") {
          throw std::runtime_error("weir sent no statement to the primary");
        }
      }
      // Scraped before the traffic, so that rate() over the window sees it as an increase.
      const auto before =
          prometheus_->query_until("count(weir_query_duration_seconds_count)",
                                   [](const std::string& a) { return first_value(a).value_or(0) >= 2; });
      if (first_value(before).value_or(0) < 2) throw std::runtime_error("no latency series in Prometheus: " + before);
      const std::string error = run_traffic(*topology_, kWrites, kReads);
      if (!error.empty()) throw std::runtime_error("traffic through weir: " + error);
    } catch (const std::exception& e) {
      setup_error_ = new std::string(e.what());
    }
  }

  static void TearDownTestSuite() {
    delete prometheus_;
    prometheus_ = nullptr;
    delete topology_;
    topology_ = nullptr;
    delete setup_error_;
    setup_error_ = nullptr;
  }

  void SetUp() override {
    if (std::system("command -v prometheus >/dev/null 2>&1") != 0) GTEST_SKIP() << "prometheus not installed";
    ASSERT_EQ(setup_error_, nullptr) << *setup_error_ << "\n"
                                     << (topology_ && topology_->weir ? topology_->weir->log() : std::string());
  }

  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "prometheus log:\n" << prometheus_->log_tail() << "\nweir log:\n" << topology_->weir->log();
    }
  }

  static Topology* topology_;
  static PrometheusServer* prometheus_;
  static std::string* setup_error_;
};
Topology* PrometheusAfterTraffic::topology_ = nullptr;
PrometheusServer* PrometheusAfterTraffic::prometheus_ = nullptr;
std::string* PrometheusAfterTraffic::setup_error_ = nullptr;

TEST_F(PrometheusAfterTraffic, AnswersLatencyQuantilesPerBackend) {
  auto& prometheus = *prometheus_;
  // Every statement counted: the writes and the transactions' reads on the primary, the plain
  // reads on the replica (some may go to the primary while weir sees the replica lagging).
  const auto counts =
      prometheus.query_until("sum by (backend) (weir_query_duration_seconds_count)", [](const std::string& a) {
        const auto p = value_for_backend(a, "primary");
        const auto r = value_for_backend(a, "replica-1");
        return p && r && *p + *r >= kWrites + kReads + 30;
      });
  const auto primary_count = value_for_backend(counts, "primary").value_or(0);
  const auto replica_count = value_for_backend(counts, "replica-1").value_or(0);
  EXPECT_GE(primary_count + replica_count, kWrites + kReads + 30) << counts;
  EXPECT_GE(primary_count, kWrites + 30) << counts;
  EXPECT_GT(replica_count, 0) << counts;

  std::map<std::string, std::pair<double, double>> figures;  // quantile -> (primary, replica)
  for (const std::string q : {"0.5", "0.99"}) {
    const std::string promql =
        "histogram_quantile(" + q + ", sum by (le, backend) (rate(weir_query_duration_seconds_bucket[30s])))";
    const auto answer = prometheus.query_until(promql, finite_for_both);
    for (const std::string backend : {"primary", "replica-1"}) {
      const auto v = value_for_backend(answer, backend);
      ASSERT_TRUE(v.has_value()) << promql << " has no series for " << backend << ":\n" << answer;
      EXPECT_TRUE(std::isfinite(*v)) << promql << " for " << backend << ":\n" << answer;
      EXPECT_GT(*v, 0.0) << promql << " for " << backend << ":\n" << answer;
      EXPECT_LT(*v, 10.0) << promql << " for " << backend << ":\n" << answer;
    }
    figures[q] = {value_for_backend(answer, "primary").value_or(NAN),
                  value_for_backend(answer, "replica-1").value_or(NAN)};
  }
  std::cout << "statements counted: primary=" << primary_count << " replica-1=" << replica_count << "\n";
  for (const auto& [q, v] : figures) {
    std::cout << "histogram_quantile(" << q << ") over rate([30s]): primary=" << v.first * 1e3
              << " ms, replica-1=" << v.second * 1e3 << " ms\n";
  }
}

TEST_F(PrometheusAfterTraffic, RunsEveryDashboardQueryWithDataWhereItMatters) {
  auto& prometheus = *prometheus_;
  std::ifstream in(std::string(WEIR_SOURCE_DIR) + "/dashboards/weir.json");
  const json dashboard = json::parse(in, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(dashboard.is_object()) << "dashboards/weir.json is not a JSON object";
  const auto panels = dashboard_panels(dashboard.value("panels", json::array()));

  // The panels that must show data after the traffic (throughput, latency, lag, routing,
  // connections); each title must exist, so that a renamed panel is noticed here.
  const std::set<std::string> need_data = {
      // throughput and routing
      "Queries per second", "Queries by route", "Queries by backend and command", "Client traffic",
      "Routing decisions by reason",
      // latency
      "p50 latency per backend", "p95 latency per backend", "p99 latency per backend", "Mean latency per backend",
      // lag
      "Replication lag per replica", "Worst replica lag",
      // connections and backends
      "Backend connections", "Client connections", "Backends up", "Backends up and read_only"};
  std::set<std::string> seen;
  for (const auto& p : panels) seen.insert(p.title);
  for (const auto& title : need_data) EXPECT_TRUE(seen.count(title)) << "no panel titled '" << title << "'";

  // The latency panels need traffic within their 30 s window: some more, and a scrape after it.
  ASSERT_EQ(run_traffic(*topology_, 20, 60, kWrites), "");
  prometheus.query_until(
      "histogram_quantile(0.5, sum by (le, backend) (rate(weir_query_duration_seconds_bucket[30s])))", finite_for_both);
  int expressions = 0;
  for (const auto& panel : panels) {
    std::size_t series = 0;
    bool finite = false;
    for (const auto& [ref, raw] : panel.targets) {
      ++expressions;
      const std::string expr = substitute_variables(raw);
      EXPECT_EQ(expr.find('$'), std::string::npos)
          << "panel '" << panel.title << "' " << ref << ": a variable is left in " << expr;
      const std::string answer = prometheus.query(expr);
      const json j = json::parse(answer, nullptr, false);
      const bool ok = j.is_object() && j.value("status", "") == "success";
      EXPECT_TRUE(ok) << "panel '" << panel.title << "' (id " << panel.id << ") query " << ref << " was refused:\n  "
                      << expr << "\n  " << answer;
      const auto samples = samples_of(answer);
      series += samples.size();
      for (const auto& s : samples) finite = finite || std::isfinite(s.value);
      std::cout << "panel '" << panel.title << "' " << ref << ": " << (ok ? "ok" : "REFUSED") << ", " << samples.size()
                << " series\n";
    }
    if (need_data.count(panel.title)) {
      EXPECT_GT(series, 0U) << "panel '" << panel.title << "' (id " << panel.id << ") shows no data after the traffic";
      if (series > 0) {
        EXPECT_TRUE(finite) << "panel '" << panel.title << "' (id " << panel.id << ") has only NaN values";
      }
    }
  }
  EXPECT_GT(expressions, 20);
}

}  // namespace
}  // namespace weir::testing::observability_tests
