// Prepared statements through weir with replicas: reads execute on the replicas (prepared there on
// demand, ids mapped, parameter types carried along), writes and cursors on the primary.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <variant>

#include "replicated_topology.hpp"
#include "weir/testing/sysbench.hpp"

namespace weir::testing::routing_tests {
namespace {

// Executes with one parameter (an integer or a string) and returns the two result columns as text.
std::pair<std::string, std::string> run_one(MYSQL_STMT* stmt, const std::variant<long long, std::string>& value) {
  MYSQL_BIND param{};
  long long number = 0;
  std::string text;
  unsigned long text_length = 0;
  if (std::holds_alternative<long long>(value)) {
    number = std::get<long long>(value);
    param.buffer_type = MYSQL_TYPE_LONGLONG;
    param.buffer = &number;
  } else {
    text = std::get<std::string>(value);
    text_length = text.size();
    param.buffer_type = MYSQL_TYPE_STRING;
    param.buffer = text.data();
    param.buffer_length = text.size();
    param.length = &text_length;
  }
  if (mysql_stmt_bind_param(stmt, &param) != 0 || mysql_stmt_execute(stmt) != 0) {
    return {"ERR", mysql_stmt_error(stmt)};
  }
  char first[64] = {};
  char second[64] = {};
  unsigned long first_length = 0;
  unsigned long second_length = 0;
  MYSQL_BIND result[2]{};
  result[0].buffer_type = MYSQL_TYPE_STRING;
  result[0].buffer = first;
  result[0].buffer_length = sizeof first - 1;
  result[0].length = &first_length;
  result[1].buffer_type = MYSQL_TYPE_STRING;
  result[1].buffer = second;
  result[1].buffer_length = sizeof second - 1;
  result[1].length = &second_length;
  if (mysql_stmt_bind_result(stmt, result) != 0 || mysql_stmt_store_result(stmt) != 0) {
    return {"ERR", mysql_stmt_error(stmt)};
  }
  std::pair<std::string, std::string> out{"<no row>", ""};
  if (mysql_stmt_fetch(stmt) == 0) out = {std::string(first, first_length), std::string(second, second_length)};
  mysql_stmt_free_result(stmt);
  return out;
}

TEST(RoutingPrepared, ReadsExecuteOnReplicasWithTheirOwnIdsAndTheLatestTypes) {
  ReplicatedTopology t;
  Mysql m = open_mysql(t.weir->port(), ConnectOptions{}.db("app"));
  ASSERT_TRUE(m);
  // Ids differ per connection: statements prepared before this one make the primary's ids
  // differ from the replicas'.
  Stmt warm1 = prepare(m.get(), "SELECT 1");
  Stmt warm2 = prepare(m.get(), "SELECT 2");
  Stmt read = prepare(m.get(), "SELECT CONCAT('v=', ?), @@server_id");
  ASSERT_TRUE(read);
  std::map<std::string, int> served;
  for (int i = 0; i < 40; ++i) {
    // Alternate the parameter's type: each execution carries new types.
    const auto value = (i % 2 == 0) ? std::variant<long long, std::string>(static_cast<long long>(i))
                                    : std::variant<long long, std::string>("s" + std::to_string(i));
    const auto [v, server] = run_one(read.get(), value);
    const std::string expected = (i % 2 == 0) ? "v=" + std::to_string(i) : "v=s" + std::to_string(i);
    EXPECT_EQ(v, expected) << server;
    ++served[server];
  }
  // One binding executed again and again: the driver sends types only the first time; weir
  // adds them where a connection lacks them.
  long long again = 5;
  MYSQL_BIND again_param{};
  again_param.buffer_type = MYSQL_TYPE_LONGLONG;
  again_param.buffer = &again;
  ASSERT_EQ(mysql_stmt_bind_param(read.get(), &again_param), 0);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(mysql_stmt_execute(read.get()), 0) << mysql_stmt_error(read.get());
    char value[32] = {};
    unsigned long length = 0;
    MYSQL_BIND result[2]{};
    result[0].buffer_type = MYSQL_TYPE_STRING;
    result[0].buffer = value;
    result[0].buffer_length = sizeof value - 1;
    result[0].length = &length;
    char server[32] = {};
    unsigned long server_length = 0;
    result[1].buffer_type = MYSQL_TYPE_STRING;
    result[1].buffer = server;
    result[1].buffer_length = sizeof server - 1;
    result[1].length = &server_length;
    ASSERT_EQ(mysql_stmt_bind_result(read.get(), result), 0);
    ASSERT_EQ(mysql_stmt_store_result(read.get()), 0);
    ASSERT_EQ(mysql_stmt_fetch(read.get()), 0);
    EXPECT_EQ(std::string(value, length), "v=5");
    mysql_stmt_free_result(read.get());
  }
  std::cout << "prepared reads: primary " << served["100"] << ", replica-1 " << served["101"] << ", replica-2 "
            << served["102"] << "\n";
  EXPECT_EQ(served["100"], 0);
  EXPECT_GT(served["101"], 0);
  EXPECT_GT(served["102"], 0);

  Stmt write = prepare(m.get(), "INSERT INTO kv VALUES (?, 1, @@server_id)");
  ASSERT_TRUE(write);
  MYSQL_BIND param{};
  long long key = 77;
  param.buffer_type = MYSQL_TYPE_LONGLONG;
  param.buffer = &key;
  ASSERT_EQ(mysql_stmt_bind_param(write.get(), &param), 0);
  ASSERT_EQ(mysql_stmt_execute(write.get()), 0) << mysql_stmt_error(write.get());
  EXPECT_EQ(t.primary.scalar("SELECT written_by FROM app.kv WHERE k = 77"), "100");

  // Read-your-writes holds for prepared reads too.
  Stmt get = prepare(m.get(), "SELECT v, @@server_id FROM kv WHERE k = ?");
  ASSERT_TRUE(get);
  for (long long k = 1000; k < 1200; ++k) {
    key = k;
    ASSERT_EQ(mysql_stmt_execute(write.get()), 0) << mysql_stmt_error(write.get());
    EXPECT_EQ(run_one(get.get(), k).first, "1");
  }

  // A cursor stays on the primary, where COM_STMT_FETCH finds it.
  Stmt cursor = prepare(m.get(), "SELECT k, @@server_id FROM kv WHERE k >= ?");
  ASSERT_TRUE(cursor);
  const unsigned long type = CURSOR_TYPE_READ_ONLY;
  ASSERT_EQ(mysql_stmt_attr_set(cursor.get(), STMT_ATTR_CURSOR_TYPE, &type), 0);
  const unsigned long prefetch = 2;
  ASSERT_EQ(mysql_stmt_attr_set(cursor.get(), STMT_ATTR_PREFETCH_ROWS, &prefetch), 0);
  const auto [k, server] = run_one(cursor.get(), 1000LL);
  EXPECT_EQ(k, "1000");
  EXPECT_EQ(server, "100");
}

TEST(RoutingPrepared, SysbenchReadOnlyWithPreparedStatementsSpreadsOverReplicas) {
  ReplicatedTopology t;
  t.primary.execute("CREATE DATABASE sbtest");
  SysbenchOptions sysbench;
  sysbench.ps_mode = "auto";
  sysbench.extra = {"--skip-trx=on"};

  const std::string log = t.primary.dir() + "/sysbench.out";
  ASSERT_EQ(run_sysbench(sysbench, t.primary.port(), "prepare", log).status, 0);
  ASSERT_TRUE(t.replica1.wait_caught_up(t.primary));
  ASSERT_TRUE(t.replica2.wait_caught_up(t.primary));
  const char* executes =
      "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'COM_STMT_EXECUTE'";
  const long before1 = std::stol(t.replica1.scalar(executes).value_or("0"));
  const long before2 = std::stol(t.replica2.scalar(executes).value_or("0"));
  const auto run = run_sysbench(sysbench, t.weir->port(), "run", log);
  ASSERT_EQ(run.status, 0) << run.output << "\n" << t.weir->log();
  EXPECT_EQ(run.count("ignored errors"), 0) << run.output;
  const long on1 = std::stol(t.replica1.scalar(executes).value_or("0")) - before1;
  const long on2 = std::stol(t.replica2.scalar(executes).value_or("0")) - before2;
  std::cout << "sysbench oltp_read_only (prepared): executions on replica-1 " << on1 << ", replica-2 " << on2 << "\n";
  EXPECT_GT(on1, 100);
  EXPECT_GT(on2, 100);
}

// A session idle past timeouts.backend_idle gives its replica links back; the statements it had
// prepared there are gone with them. Opened again later (often at the same address), a link must
// not be taken for the old one: every statement is prepared anew on it and runs as itself.
TEST(RoutingPrepared, StatementsRunAsThemselvesAfterTheReplicaLinksWereReleasedWhileIdle) {
  TopologyOptions options;
  options.extra_yaml = "timeouts:\n  backend_idle: 300ms\n";
  ReplicatedTopology t(options);
  Mysql m = open_mysql(t.weir->port(), ConnectOptions{}.db("app"));
  ASSERT_TRUE(m);
  const std::vector<std::string> names = {"a", "b", "c", "d"};
  std::vector<Stmt> statements;
  for (const auto& name : names) {
    statements.push_back(prepare(m.get(), "SELECT CONCAT('" + name + "=', ?), @@server_id"));
    ASSERT_TRUE(statements.back());
  }
  for (int round = 0; round < 6; ++round) {
    // Each round starts with a different statement: the first one prepared on a new link takes
    // that connection's first statement id, which an older link had given to another.
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::size_t k = (i + static_cast<std::size_t>(round)) % names.size();
      for (int repeat = 0; repeat < 3; ++repeat) {
        const auto [value, server] = run_one(statements[k].get(), static_cast<long long>(round));
        EXPECT_EQ(value, names[k] + "=" + std::to_string(round)) << "round " << round << ", server " << server;
      }
    }
    std::this_thread::sleep_for(900ms);  // past backend_idle: the links go back
  }
}

}  // namespace
}  // namespace weir::testing::routing_tests
