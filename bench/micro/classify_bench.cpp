// What routing costs per statement before a byte goes to a backend: route::classify (lexing and
// the verdict) and the replica guard (route::may_lift_read_only), for the statements sysbench's
// OLTP workloads send and for a 10 KB statement. Figures: ../README.md.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "weir/route/classify.hpp"
#include "weir/route/replica_guard.hpp"

namespace {

using weir::route::ClassifyOptions;
using weir::route::SessionView;

SessionView session_view() {
  SessionView view;
  view.sql_mode_known = true;
  view.server_version = 101119;  // MariaDB 10.11.19
  return view;
}

// As sysbench's oltp_read_only / oltp_read_write send them (with --db-ps-mode=disable).
const std::vector<std::string>& sysbench_statements() {
  static const std::vector<std::string> statements = {
      "SELECT c FROM sbtest1 WHERE id=5013",
      "SELECT c FROM sbtest3 WHERE id BETWEEN 4012 AND 4111",
      "SELECT SUM(k) FROM sbtest2 WHERE id BETWEEN 312 AND 411",
      "SELECT c FROM sbtest4 WHERE id BETWEEN 8811 AND 8910 ORDER BY c",
      "SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN 77 AND 176 ORDER BY c",
      "UPDATE sbtest2 SET k=k+1 WHERE id=4999",
      // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one statement, split for width
      "UPDATE sbtest3 SET c='83868641912-28773972837-60736120486-75162659906-27563526494-20381887404-"
      "41576422241-93426793964-56405065102-33518432330' WHERE id=5002",
      "DELETE FROM sbtest4 WHERE id=4961",
      "INSERT INTO sbtest4 (id, k, c, pad) VALUES (4961, 5021, '22195207048-70116052123-74140395089-"
      "76317954521-98694025897-43357437101-42283658484-22946225049-76612917380-38424424046', "
      "'63188288836-92351140030-06390587585-66802097351-49282961843')",
      "BEGIN",
      "COMMIT",
  };
  return statements;
}

// About 10 KB: a point select with a long IN list and a string literal.
std::string ten_kb_statement() {
  std::string sql = "SELECT id, k, c FROM sbtest1 WHERE c <> 'it''s a \\'quoted\\' value' AND id IN (";
  for (int i = 0; sql.size() < 10'000; ++i) sql += (i ? "," : "") + std::to_string(100000 + i * 7);
  return sql + ") /* trailing comment */";
}

void BM_ClassifySysbenchStatements(benchmark::State& state) {
  const ClassifyOptions options;
  const SessionView view = session_view();
  const auto& statements = sysbench_statements();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(weir::route::classify(statements[i], options, view));
    if (++i == statements.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClassifySysbenchStatements);

void BM_ClassifyPointSelect(benchmark::State& state) {
  const ClassifyOptions options;
  const SessionView view = session_view();
  const std::string sql = sysbench_statements()[0];
  for (auto _ : state) benchmark::DoNotOptimize(weir::route::classify(sql, options, view));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClassifyPointSelect);

void BM_Classify10KbStatement(benchmark::State& state) {
  const ClassifyOptions options;
  const SessionView view = session_view();
  const std::string sql = ten_kb_statement();
  for (auto _ : state) benchmark::DoNotOptimize(weir::route::classify(sql, options, view));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * sql.size()));
}
BENCHMARK(BM_Classify10KbStatement);

void BM_ReplicaGuardSysbenchStatements(benchmark::State& state) {
  const auto& statements = sysbench_statements();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(weir::route::may_lift_read_only(statements[i]));
    if (++i == statements.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReplicaGuardSysbenchStatements);

void BM_ReplicaGuard10KbStatement(benchmark::State& state) {
  const std::string sql = ten_kb_statement();
  for (auto _ : state) benchmark::DoNotOptimize(weir::route::may_lift_read_only(sql));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * sql.size()));
}
BENCHMARK(BM_ReplicaGuard10KbStatement);

}  // namespace

BENCHMARK_MAIN();
