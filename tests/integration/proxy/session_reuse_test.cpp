// Whatever a client leaves behind on its backend connection, the next client starts as on a
// fresh connection to the server (weir may reuse backend connections between clients).
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "proxy_support.hpp"

namespace weir::testing::proxy_tests {
namespace {

// The state a fresh session shows, as one line.
std::string fresh_state(MYSQL* m) {
  return scalar_of(m,
                   "SELECT CONCAT_WS(' ', @@autocommit, @@in_transaction, @@character_set_client, "
                   "@@collation_connection, @@sql_mode, @@time_zone, IFNULL(@left_behind, 'no-var'), "
                   "(SELECT COUNT(*) FROM app.rows_left))");
}

TEST(SessionReuseThroughWeir, NothingOfThePreviousClientRemains) {
  MariadbServer server;
  prepare_server(server);
  server.execute("CREATE TABLE app.rows_left (a INT) ENGINE=InnoDB");
  WeirProcess weir(weir_for(server));
  Mysql direct = open_mysql(server.port(), {});
  ASSERT_NE(direct, nullptr);
  const std::string expected = fresh_state(direct.get());
  ASSERT_NE(expected.rfind("ERR", 0), 0U) << expected;

  // Clients that change session state and leave (both workers get some).
  const std::vector<std::string> leavers = {
      "SET NAMES latin1",
      "SET autocommit = 0",
      "BEGIN",
      "SET @left_behind = 'yes'",
      "SET SESSION sql_mode = 'ANSI_QUOTES'",
      "SET time_zone = '+05:00'",
      "CREATE TEMPORARY TABLE rows_left (a INT)",
  };
  for (int round = 0; round < 2; ++round) {
    for (const auto& sql : leavers) {
      Mysql m = open_mysql(weir.port(), ConnectOptions{}.db("app"));
      ASSERT_NE(m, nullptr);
      ASSERT_EQ(mysql_query(m.get(), sql.c_str()), 0) << sql << ": " << mysql_error(m.get());
      ASSERT_EQ(mysql_query(m.get(), "INSERT INTO app.rows_left VALUES (1)"), 0) << mysql_error(m.get());
    }
  }
  // The rows of the transactions left open were rolled back (2 x 2), the ones in the temporary
  // table went with it (2); the autocommitted ones stay.
  for (int i = 0; i < 6; ++i) {
    Mysql m = open_mysql(weir.port(), {});
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(fresh_state(m.get()), fresh_state(direct.get())) << "client " << i;
  }
  EXPECT_EQ(server.scalar("SELECT COUNT(*) FROM app.rows_left"), "8");
}

TEST(SessionReuseThroughWeir, AClientThatLeavesDuringAStatementDoesNotDisturbTheNext) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess weir(weir_for(server));
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 2; ++i) {
      Mysql m = open_mysql(weir.port(), {});
      ASSERT_NE(m, nullptr);
      const std::string sleep = "SELECT 'theirs', SLEEP(1)";
      ASSERT_EQ(mysql_send_query(m.get(), sleep.c_str(), sleep.size()), 0);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      ::shutdown(static_cast<int>(mysql_get_socket(m.get())), SHUT_RDWR);
    }
    for (int i = 0; i < 2; ++i) {
      Mysql next = open_mysql(weir.port(), {});
      ASSERT_NE(next, nullptr) << weir.log();
      EXPECT_EQ(scalar_of(next.get(), "SELECT 'mine'"), "mine") << "round " << round << " client " << i;
      EXPECT_EQ(scalar_of(next.get(), "SELECT 'again'"), "again") << "round " << round << " client " << i;
    }
  }
}

TEST(SessionReuseThroughWeir, AClientThatLeavesMidResultDoesNotDisturbTheNext) {
  MariadbServer server;
  prepare_server(server);
  server.execute(
      "CREATE TABLE app.ten (n INT PRIMARY KEY); "
      "INSERT INTO app.ten VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)");
  WeirProcess weir(weir_for(server));
  const char* big = "SELECT a.n, b.n, c.n, REPEAT('y', 5000) FROM app.ten a, app.ten b, app.ten c";
  for (int round = 0; round < 4; ++round) {
    {
      Mysql m = open_mysql(weir.port(), {});
      ASSERT_NE(m, nullptr);
      ASSERT_EQ(mysql_query(m.get(), big), 0) << mysql_error(m.get());
      MYSQL_RES* res = mysql_use_result(m.get());
      ASSERT_NE(res, nullptr);
      ASSERT_NE(mysql_fetch_row(res), nullptr);
      // Closing the socket without reading the rest (mysql_close would drain it first).
      ::shutdown(static_cast<int>(mysql_get_socket(m.get())), SHUT_RDWR);
      mysql_free_result(res);
    }
    {
      // A prepared statement left open with an unread cursor.
      Mysql m = open_mysql(weir.port(), {});
      ASSERT_NE(m, nullptr);
      MYSQL_STMT* s = mysql_stmt_init(m.get());
      const unsigned long cursor = CURSOR_TYPE_READ_ONLY;
      mysql_stmt_attr_set(s, STMT_ATTR_CURSOR_TYPE, &cursor);
      ASSERT_EQ(mysql_stmt_prepare(s, big, std::strlen(big)), 0) << mysql_stmt_error(s);
      ASSERT_EQ(mysql_stmt_execute(s), 0) << mysql_stmt_error(s);
      ::shutdown(static_cast<int>(mysql_get_socket(m.get())), SHUT_RDWR);
      mysql_stmt_close(s);
    }
    Mysql next = open_mysql(weir.port(), {});
    ASSERT_NE(next, nullptr) << weir.log();
    EXPECT_EQ(scalar_of(next.get(), "SELECT 'clean'"), "clean") << "round " << round;
    EXPECT_EQ(scalar_of(next.get(), "SELECT COUNT(*) FROM app.ten"), "10") << "round " << round;
  }
  EXPECT_TRUE(weir.running());
}

// COM_RESET_CONNECTION keeps the current database: a reused backend connection must not carry
// the database an earlier client chose with USE.
TEST(SessionReuseThroughWeir, ANewClientWithoutDatabaseDoesNotInheritThePreviousClientsUse) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess weir(weir_for(server));
  {
    Mysql first = open_mysql(weir.port(), {});
    ASSERT_NE(first, nullptr);
    ASSERT_EQ(mysql_query(first.get(), "USE app"), 0) << mysql_error(first.get());
    EXPECT_EQ(scalar_of(first.get(), "SELECT DATABASE()"), "app");
  }
  Mysql direct = open_mysql(server.port(), {});
  ASSERT_NE(direct, nullptr);
  EXPECT_EQ(scalar_of(direct.get(), "SELECT DATABASE()"), "NULL");
  for (int i = 0; i < 4; ++i) {
    Mysql next = open_mysql(weir.port(), {});
    ASSERT_NE(next, nullptr);
    EXPECT_EQ(scalar_of(next.get(), "SELECT DATABASE()"), "NULL") << "client " << i;
    // What the mariadb CLI showed: a statement that needs a database works through weir.
    EXPECT_EQ(scalar_of(next.get(), "CREATE TEMPORARY TABLE x (a INT)"), "ERR 1046") << "client " << i;
  }
}

// COM_SET_OPTION changes the server session's client capabilities and COM_RESET_CONNECTION
// keeps them: the next client on a reused connection must still have its multi-statements.
TEST(SessionReuseThroughWeir, MultiStatementsSwitchedOffByOneClientStayOnForTheNext) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess weir(weir_for(server));
  for (int i = 0; i < 4; ++i) {
    Mysql m = open_mysql(weir.port(), ConnectOptions{}.multi_statements());
    ASSERT_NE(m, nullptr);
    ASSERT_EQ(mysql_set_server_option(m.get(), MYSQL_OPTION_MULTI_STATEMENTS_OFF), 0) << mysql_error(m.get());
    EXPECT_NE(mysql_query(m.get(), "SELECT 1; SELECT 2"), 0);
    EXPECT_EQ(mysql_errno(m.get()), 1064U);
  }
  for (int i = 0; i < 4; ++i) {
    Mysql m = open_mysql(weir.port(), ConnectOptions{}.multi_statements());
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(scalar_of(m.get(), "SELECT 1; SELECT 2"), "1") << "client " << i;
  }
}

// When a client leaves, its LOCK TABLES, GET_LOCK locks and open transaction with its row locks
// are released at once, as by the server alone, although the backend connection goes back to the
// pool (it is reset when the session lets go of it, not when the next one takes it).
TEST(SessionReuseThroughWeir, LocksAndTransactionsOfAClientThatLeftAreReleased) {
  MariadbServer server;
  prepare_server(server);
  server.execute(
      "CREATE TABLE app.locked (a INT); CREATE TABLE app.rows (id INT PRIMARY KEY, v INT); "
      "INSERT INTO app.rows VALUES (1, 0)");
  WeirProcess weir(weir_for(server));
  {
    Mysql m = open_mysql(weir.port(), {});
    ASSERT_NE(m, nullptr);
    ASSERT_EQ(mysql_query(m.get(), "LOCK TABLES app.locked WRITE"), 0) << mysql_error(m.get());
  }
  {
    Mysql m = open_mysql(weir.port(), {});
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(scalar_of(m.get(), "SELECT GET_LOCK('weir-test', 0)"), "1");
  }
  {
    Mysql m = open_mysql(weir.port(), {});
    ASSERT_NE(m, nullptr);
    ASSERT_EQ(mysql_query(m.get(), "BEGIN"), 0);
    ASSERT_EQ(mysql_query(m.get(), "UPDATE app.rows SET v = 1 WHERE id = 1"), 0) << mysql_error(m.get());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Mysql observer = open_mysql(server.port(), {});
  ASSERT_NE(observer, nullptr);
  ASSERT_EQ(mysql_query(observer.get(), "SET SESSION lock_wait_timeout = 1, innodb_lock_wait_timeout = 1"), 0);
  EXPECT_EQ(scalar_of(observer.get(), "SELECT COUNT(*) FROM app.locked"), "0");
  EXPECT_EQ(scalar_of(observer.get(), "SELECT IS_FREE_LOCK('weir-test')"), "1");
  EXPECT_EQ(scalar_of(observer.get(), "SELECT v FROM app.rows WHERE id = 1 FOR UPDATE"), "0");
}

}  // namespace
}  // namespace weir::testing::proxy_tests
