// pool.max_per_backend through a real weir in front of a real mariadbd: weir never holds more
// connections to the primary than the cap (the server's own PROCESSLIST counts them); a statement
// that needs one more waits timeouts.pool_wait and gets ERROR 1040 naming the backend and the cap,
// its session going on; a connection freed meanwhile goes to the statement that waits.
#include <gtest/gtest.h>
#include <mysql.h>

#include <future>

#include "observability_support.hpp"

namespace weir::testing::observability_tests {
namespace {

using admin::testing::request;

int connections_of(MariadbServer& server, const std::string& user) {
  return std::stoi(
      server.scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'").value_or("-1"));
}

// "<errno> <message>" of a statement, or its first value.
std::string outcome_of(MYSQL* m, const std::string& sql) {
  if (mysql_query(m, sql.c_str()) != 0) return std::to_string(mysql_errno(m)) + " " + mysql_error(m);
  MYSQL_RES* res = mysql_store_result(m);
  std::string out = "<no result>";
  if (res != nullptr) {
    MYSQL_ROW row = mysql_fetch_row(res);
    out = row == nullptr || row[0] == nullptr ? "<no row>" : row[0];
    mysql_free_result(res);
  }
  return out;
}

TEST(BackendConnectionCap, AStatementOverTheCapWaitsThenFailsAndAFreedConnectionGoesToTheOneWaiting) {
  MariadbServer primary;
  prepare_primary(primary);
  primary.execute("CREATE TABLE app.t (id INT PRIMARY KEY) ENGINE=InnoDB");
  WeirOptions options = weir_for(primary);
  options.admin_yaml = admin_yaml(kToken);
  // Idle sessions give their connection back at once, so that three clients can log in with two.
  options.extra_yaml = "pool:\n  max_per_backend: 2\ntimeouts:\n  pool_wait: 3s\n  backend_idle: 100ms\n";
  WeirProcess weir(options);
  const auto admin_port = admin_port_of(weir);

  std::vector<Mysql> clients;
  for (int i = 0; i < 3; ++i) {
    std::string error;
    clients.push_back(open_mysql(weir.port(), ConnectOptions{}.db("app"), &error));
    ASSERT_TRUE(clients.back()) << i << ": " << error << "\n" << weir.log();
  }
  // Two transactions hold the two connections.
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(outcome_of(clients[i].get(), "START TRANSACTION"), "<no result>") << i << "\n" << weir.log();
    ASSERT_EQ(outcome_of(clients[i].get(), "INSERT INTO t VALUES (" + std::to_string(i + 1) + ")"), "<no result>")
        << i << "\n"
        << weir.log();
  }
  EXPECT_LE(connections_of(primary, kApp), 2);

  // The third client's statement waits for timeouts.pool_wait, then gets the error.
  const std::string refused = outcome_of(clients[2].get(), "SELECT COUNT(*) FROM t");
  EXPECT_EQ(refused.substr(0, 4), "1040") << refused;
  EXPECT_NE(refused.find("pool.max_per_backend (2)"), std::string::npos) << refused;
  EXPECT_NE(refused.find("primary"), std::string::npos) << refused;
  EXPECT_LE(connections_of(primary, kApp), 2);

  // Its session goes on: the next statement waits again, and gets the connection the first
  // transaction frees when its client commits and leaves.
  auto waiting = std::async(std::launch::async, [&] { return outcome_of(clients[2].get(), "SELECT COUNT(*) FROM t"); });
  std::this_thread::sleep_for(300ms);  // ordering only: the statement is waiting by now
  EXPECT_EQ(waiting.wait_for(0s), std::future_status::timeout) << "the statement did not wait";
  ASSERT_EQ(outcome_of(clients[0].get(), "COMMIT"), "<no result>");
  clients[0].reset();
  EXPECT_EQ(waiting.get(), "1") << weir.log();  // the committed row; the other is not committed
  EXPECT_EQ(outcome_of(clients[1].get(), "COMMIT"), "<no result>");
  EXPECT_EQ(outcome_of(clients[2].get(), "SELECT COUNT(*) FROM t"), "2");
  EXPECT_LE(connections_of(primary, kApp), 2);

  const auto r = request(admin_port, "GET", "/metrics", std::string(kToken));
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_GE(sample_sum(r.body, "weir_pool_waits_total", {"backend=\"primary\""}).value_or(0), 2.0) << r.body;
  EXPECT_EQ(sample_sum(r.body, "weir_pool_wait_timeouts_total", {"backend=\"primary\""}).value_or(0), 1.0) << r.body;
  EXPECT_GE(sample_sum(r.body, "weir_pool_wait_seconds_count", {"backend=\"primary\""}).value_or(0), 2.0) << r.body;
}

// The default cap (auto) follows the server's own max_connections as the monitor reads it: 12 on
// this server leaves 7 for weir (a reserve of at least 5 for the server's other clients).
TEST(BackendConnectionCap, TheDefaultCapIsBelowTheServersOwnMaxConnections) {
  MariadbOptions server_options;
  server_options.cnf_lines.emplace_back("max_connections=12");
  MariadbServer primary(server_options);
  prepare_primary(primary);
  primary.execute("CREATE TABLE app.t (id INT PRIMARY KEY) ENGINE=InnoDB");
  WeirOptions options = weir_for(primary);
  options.extra_yaml = "timeouts:\n  pool_wait: 1s\n";
  WeirProcess weir(options);
  std::vector<Mysql> clients;
  for (int i = 0; i < 7; ++i) {
    std::string error;
    clients.push_back(open_mysql(weir.port(), ConnectOptions{}.db("app"), &error));
    ASSERT_TRUE(clients.back()) << i << ": " << error << "\n" << weir.log();
    ASSERT_EQ(outcome_of(clients.back().get(), "START TRANSACTION"), "<no result>") << i;
  }
  std::string error;
  Mysql eighth = open_mysql(weir.port(), ConnectOptions{}.db("app"), &error);
  EXPECT_FALSE(eighth) << "an eighth connection to a server with max_connections=12";
  EXPECT_EQ(error.substr(0, 4), "1040") << error;
  EXPECT_NE(error.find("pool.max_per_backend (7)"), std::string::npos) << error;
  // The server still has room for its own administrators.
  EXPECT_EQ(primary.scalar("SELECT 1").value_or(""), "1");
}

}  // namespace
}  // namespace weir::testing::observability_tests
