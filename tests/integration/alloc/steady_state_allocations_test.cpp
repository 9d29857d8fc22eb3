// Heap allocations per statement of the real weir in steady state: a primary and two replicas
// replicating for real, weir in front with the allocation counter (allocation_counter.cpp)
// preloaded, one libmariadb client. After kWarmup statements (the session's buffers, backend
// connections, replica statement ids and metric handles exist by then), the allocations made by
// weir's worker threads ("weir-w<N>", where sessions run) over kStatements identical statements
// are counted. The goal is 0 per statement: buffers and coroutine frames are reused per session
// and per worker. The monitor, admin and control threads are not counted (their work follows
// their own clock, not the statements).
//
// The slack, kCacheMisses over the whole window (0.002 per statement): freed frames and operations
// wait in their worker's lists by size (cmake/patches/asio-1.81-recycling_allocator.patch) for the
// next request of their size class; when the order in which operations complete changes (one that
// completes at once, one that waits for epoll), one more block of a class than ever before can be
// in use at once, and it is allocated, once; the lists hold it from then on. A real per-statement
// allocation, even one statement in a hundred, is ten times that and fails.
//
// Before the fixes this test came with, a text point select allocated 15 (primary) to 20
// (replica) times, a prepared one 23, a 100-row result 31: coroutine frames beyond Asio's
// recycling cache, vectors of the replica choice, the rewritten execution. Mutex locks are
// printed too (not asserted: Asio's own per-worker locks remain, 17-19 per statement).
//
// A failure names the threads and their counts; to see where the allocations come from, run this
// binary with WEIR_ALLOC_TRACE_THREAD=weir-w (bench/README.md, "Allocations and locks per
// statement").
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>
#include <thread>
#include <vector>

#include "allocation_counts.hpp"
#include "replicated_topology.hpp"

namespace weir::testing::routing_tests {
namespace {

using alloc::CountsReader;
using alloc::Snapshot;

constexpr int kWarmup = 200;
constexpr int kStatements = 1000;
constexpr int kRows = 100;
constexpr std::uint64_t kCacheMisses = 2;
constexpr const char* kWorkerThreads = "weir-w";

struct StmtCloser {
  void operator()(MYSQL_STMT* s) const { mysql_stmt_close(s); }
};
using Stmt = std::unique_ptr<MYSQL_STMT, StmtCloser>;

std::string counts_path() {
  const char* base = std::getenv("TMPDIR");
  return std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/weir-alloc-counts-" +
         std::to_string(::getpid());
}

std::string describe(const Snapshot& before, const Snapshot& after) {
  std::ostringstream out;
  for (const auto& [name, count] : after.allocations_by_thread) {
    const auto it = before.allocations_by_thread.find(name);
    const std::uint64_t earlier = it == before.allocations_by_thread.end() ? 0 : it->second;
    if (count != earlier) out << "  " << name << ": " << (count - earlier) << "\n";
  }
  return out.str();
}

class SteadyStateAllocations : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::filesystem::remove(counts_path());
    TopologyOptions options;
    options.weir_environment = {std::string("LD_PRELOAD=") + WEIR_ALLOCATION_COUNTER_PATH,
                                std::string(alloc::kCountsFileVariable) + "=" + counts_path()};
    topology_ = new ReplicatedTopology(options);
    counts_ = new CountsReader(counts_path(), topology_->weir->pid());
    topology_->primary.execute(
        "CREATE TABLE app.t (id INT PRIMARY KEY, c VARCHAR(1000) NOT NULL, n INT NOT NULL DEFAULT 0)");
    topology_->primary.execute("INSERT INTO app.t (id, c) SELECT seq, REPEAT(CHAR(97 + seq % 26), 900) " +
                               std::string("FROM app.seq_1_to_") + std::to_string(kRows));
    if (!topology_->replica1.wait_caught_up(topology_->primary) ||
        !topology_->replica2.wait_caught_up(topology_->primary)) {
      throw std::runtime_error("replicas did not catch up with the test table");
    }
  }
  static void TearDownTestSuite() {
    delete counts_;
    delete topology_;
    std::filesystem::remove(counts_path());
  }

  // Runs `statement` kWarmup times, then kStatements times counted; returns the workers'
  // allocations over the counted statements (and records the figures in the test's XML output).
  std::uint64_t worker_allocations(const std::function<void()>& statement) {
    for (int i = 0; i < kWarmup; ++i) statement();
    const Snapshot before = counts_->snapshot();
    // With WEIR_ALLOC_TRACE_THREAD set for the test, each allocation of the counted statements
    // prints a backtrace to weir's log.
    const bool trace = std::getenv(alloc::kTraceThreadVariable) != nullptr;
    counts_->set_trace(trace);
    for (int i = 0; i < kStatements; ++i) statement();
    counts_->set_trace(false);
    if (trace) std::printf("backtraces in %s\n", topology_->weir->log_path().c_str());
    const Snapshot after = counts_->snapshot();
    const std::uint64_t allocations = after.allocations_of(kWorkerThreads) - before.allocations_of(kWorkerThreads);
    const std::uint64_t locks = after.mutex_locks_of(kWorkerThreads) - before.mutex_locks_of(kWorkerThreads);
    const double per_statement = static_cast<double>(allocations) / kStatements;
    const double locks_per_statement = static_cast<double>(locks) / kStatements;
    RecordProperty("allocations_per_statement", std::to_string(per_statement));
    RecordProperty("mutex_locks_per_statement", std::to_string(locks_per_statement));
    std::printf("worker allocations over %d statements: %llu (%.3f per statement); mutex locks: %.3f per statement\n",
                kStatements, static_cast<unsigned long long>(allocations), per_statement, locks_per_statement);
    if (allocations != 0) std::printf("allocations by thread:\n%s", describe(before, after).c_str());
    return allocations;
  }

  static Mysql connect() {
    Mysql m = open_mysql(topology_->weir->port(), ConnectOptions{}.db("app"));
    if (!m) throw std::runtime_error("cannot connect through weir:\n" + topology_->weir->log());
    return m;
  }

  static ReplicatedTopology* topology_;
  static CountsReader* counts_;
};

ReplicatedTopology* SteadyStateAllocations::topology_ = nullptr;
CountsReader* SteadyStateAllocations::counts_ = nullptr;

TEST_F(SteadyStateAllocations, TextPointSelectOnAReplicaAllocatesNothing) {
  Mysql m = connect();
  const std::uint64_t allocations = worker_allocations([&] {
    const auto row = row_of(m.get(), "SELECT n, @@server_id FROM t WHERE id = 7");
    ASSERT_EQ(row.size(), 2U);
    ASSERT_NE(row[1], "100") << "a plain read must be served by a replica";
  });
  EXPECT_LE(allocations, kCacheMisses) << "heap allocations in weir's worker threads, " << kStatements << " statements";
}

TEST_F(SteadyStateAllocations, TextPointSelectOnThePrimaryAllocatesNothing) {
  Mysql m = connect();
  const std::uint64_t allocations = worker_allocations([&] {
    // A locking read: the primary serves it.
    const auto row = row_of(m.get(), "SELECT n, @@server_id FROM t WHERE id = 7 FOR UPDATE");
    ASSERT_EQ(row.size(), 2U);
    ASSERT_EQ(row[1], "100");
  });
  EXPECT_LE(allocations, kCacheMisses) << "heap allocations in weir's worker threads, " << kStatements << " statements";
}

TEST_F(SteadyStateAllocations, ResultOfAHundredRowsOnAReplicaAllocatesNothing) {
  // About 90 KB: many packets, and more than one read of the relay's buffer.
  Mysql m = connect();
  const std::uint64_t allocations = worker_allocations([&] {
    ASSERT_EQ(mysql_query(m.get(), "SELECT id, c, @@server_id FROM t ORDER BY id"), 0) << mysql_error(m.get());
    MYSQL_RES* res = mysql_store_result(m.get());
    ASSERT_NE(res, nullptr);
    EXPECT_EQ(mysql_num_rows(res), static_cast<my_ulonglong>(kRows));
    mysql_free_result(res);
  });
  EXPECT_LE(allocations, kCacheMisses) << "heap allocations in weir's worker threads, " << kStatements << " statements";
}

TEST_F(SteadyStateAllocations, PreparedPointSelectOnAReplicaAllocatesNothing) {
  Mysql m = connect();
  Stmt stmt(mysql_stmt_init(m.get()));
  const std::string sql = "SELECT n, @@server_id FROM t WHERE id = ?";
  ASSERT_EQ(mysql_stmt_prepare(stmt.get(), sql.c_str(), sql.size()), 0) << mysql_stmt_error(stmt.get());
  long long id = 7;
  MYSQL_BIND param{};
  param.buffer_type = MYSQL_TYPE_LONGLONG;
  param.buffer = &id;
  ASSERT_EQ(mysql_stmt_bind_param(stmt.get(), &param), 0);
  long long n = 0;
  long long server_id = 0;
  MYSQL_BIND result[2]{};
  result[0].buffer_type = MYSQL_TYPE_LONGLONG;
  result[0].buffer = &n;
  result[1].buffer_type = MYSQL_TYPE_LONGLONG;
  result[1].buffer = &server_id;
  const std::uint64_t allocations = worker_allocations([&] {
    ASSERT_EQ(mysql_stmt_execute(stmt.get()), 0) << mysql_stmt_error(stmt.get());
    ASSERT_EQ(mysql_stmt_bind_result(stmt.get(), result), 0);
    ASSERT_EQ(mysql_stmt_store_result(stmt.get()), 0) << mysql_stmt_error(stmt.get());
    ASSERT_EQ(mysql_stmt_fetch(stmt.get()), 0);
    ASSERT_NE(server_id, 100) << "a prepared read must be served by a replica";
    mysql_stmt_free_result(stmt.get());
  });
  EXPECT_LE(allocations, kCacheMisses) << "heap allocations in weir's worker threads, " << kStatements << " statements";
}

TEST_F(SteadyStateAllocations, WriteOnThePrimaryAllocatesNothing) {
  // The OK packet carries the write's GTID (session tracking): weir keeps it for read-your-writes.
  Mysql m = connect();
  const std::uint64_t allocations = worker_allocations([&] {
    ASSERT_EQ(mysql_query(m.get(), "UPDATE t SET n = n + 1 WHERE id = 8"), 0) << mysql_error(m.get());
    ASSERT_EQ(mysql_affected_rows(m.get()), 1U);
  });
  EXPECT_LE(allocations, kCacheMisses) << "heap allocations in weir's worker threads, " << kStatements << " statements";
}

// Many sessions at once: each worker interleaves their statements, so while one session waits for
// its replica the others start and finish theirs, and at any moment dozens of statements' coroutine
// frames and operations are freed and not yet reused. Asio's own recycling cache (a handful of
// blocks per thread) overflowed there and almost every statement allocated again (0.8 per
// statement at 64 sessions); weir's build keeps freed blocks per thread in lists by size
// (cmake/patches/asio-1.81-recycling_allocator.patch).
TEST_F(SteadyStateAllocations, ManySessionsAtOnceAllocateNothing) {
  constexpr int kSessions = 48;
  constexpr int kPerSession = 200;
  constexpr std::uint64_t kSlack = kSessions * kPerSession / 500;
  constexpr std::uint64_t kPerConnectionOpened = 100;
  std::vector<Mysql> sessions;
  for (int i = 0; i < kSessions; ++i) sessions.push_back(connect());
  std::atomic<int> failures{0};
  // Every session runs `count` reads, all at once; returns when all are done.
  const auto run_all = [&](int count) {
    std::vector<std::thread> clients;
    for (auto& session : sessions) {
      clients.emplace_back([&failures, &session, count] {
        for (int i = 0; i < count; ++i) {
          const auto row =
              row_of(session.get(), "SELECT n, @@server_id FROM t WHERE id = " + std::to_string(1 + i % 50));
          if (row.size() != 2 || row[1] == "100") ++failures;
        }
      });
    }
    for (auto& client : clients) client.join();
  };
  // Connections the servers accepted so far (weir's backend connections, the monitor's, these).
  const auto server_connections = [] {
    std::uint64_t total = 0;
    for (auto* server : {&topology_->primary, &topology_->replica1, &topology_->replica2}) {
      total += std::stoull(server
                               ->scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                                        "WHERE VARIABLE_NAME = 'CONNECTIONS'")
                               .value_or("0"));
    }
    return total;
  };
  run_all(kWarmup);
  const std::uint64_t connections_before = server_connections();
  const Snapshot before = counts_->snapshot();
  const bool trace = std::getenv(alloc::kTraceThreadVariable) != nullptr;
  counts_->set_trace(trace);
  run_all(kPerSession);
  counts_->set_trace(false);
  if (trace) std::printf("backtraces in %s\n", topology_->weir->log_path().c_str());
  const Snapshot after = counts_->snapshot();
  // With pool.multiplexing the sessions share backend connections, and a new peak of sessions
  // wanting one at once opens another: its login allocates (resolver entries, handshake, ...),
  // once for the connection, not per statement. Allowed per connection opened meanwhile.
  const std::uint64_t opened = server_connections() - connections_before;
  ASSERT_EQ(failures.load(), 0) << "reads that failed or were not served by a replica";
  const std::uint64_t allocations = after.allocations_of(kWorkerThreads) - before.allocations_of(kWorkerThreads);
  const int statements = kSessions * kPerSession;
  std::printf(
      "worker allocations over %d statements from %d sessions at once: %llu (%.3f per statement); "
      "server connections opened meanwhile: %llu\n",
      statements, kSessions, static_cast<unsigned long long>(allocations),
      static_cast<double>(allocations) / statements, static_cast<unsigned long long>(opened));
  if (allocations != 0) std::printf("allocations by thread:\n%s", describe(before, after).c_str());
  RecordProperty("allocations_per_statement", std::to_string(static_cast<double>(allocations) / statements));
  EXPECT_LE(allocations, kSlack + kPerConnectionOpened * opened)
      << "heap allocations in weir's worker threads, " << statements << " statements";
}

// Disabled: now and then (a few reads in 1000, in some runs) the monitor's view shows no replica
// with the session's write yet, and the read waits for it with MASTER_GTID_WAIT, which builds a
// query and allocates. That is the causal-wait path, not the steady one, but this test cannot
// tell the two apart yet; it needs weir_gtid_wait_total (admin on) to leave those reads out. Run
// it by hand with --gtest_also_run_disabled_tests: without waits it counts 0 (1 per read before
// ReadYourWrites kept its requirement).
TEST_F(SteadyStateAllocations, DISABLED_ReadOfASessionThatHasWrittenAllocatesNothing) {
  // Read-your-writes: every read must go to a replica that has applied the session's write.
  Mysql m = connect();
  ASSERT_EQ(run(m.get(), "UPDATE t SET n = n + 1 WHERE id = 9"), "");
  ASSERT_TRUE(topology_->replica1.wait_caught_up(topology_->primary));
  ASSERT_TRUE(topology_->replica2.wait_caught_up(topology_->primary));
  // Until the monitor has seen both replicas apply it, reads may still go to the primary.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  int on_replicas = 0;
  while (on_replicas < 20 && std::chrono::steady_clock::now() < deadline) {
    on_replicas = row_of(m.get(), "SELECT n, @@server_id FROM t WHERE id = 9").at(1) == "100" ? 0 : on_replicas + 1;
  }
  ASSERT_EQ(on_replicas, 20) << "reads after the write never settled on the replicas";
  const std::uint64_t allocations = worker_allocations([&] {
    const auto row = row_of(m.get(), "SELECT n, @@server_id FROM t WHERE id = 9");
    ASSERT_EQ(row.size(), 2U);
    ASSERT_NE(row[1], "100") << "a replica that has the session's write must serve the read";
  });
  EXPECT_LE(allocations, kCacheMisses) << "heap allocations in weir's worker threads, " << kStatements << " statements";
}

}  // namespace
}  // namespace weir::testing::routing_tests
