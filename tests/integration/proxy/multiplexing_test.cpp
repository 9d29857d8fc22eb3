// pool.multiplexing through a real weir in front of a real mariadbd: clients share backend
// connections between statements, and no state of one client is ever visible to another. weir runs
// with one worker and pool.max_per_backend 1, so that two clients have one backend connection
// between them: whatever one leaves on it, the other meets, unless weir keeps it apart.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "proxy_support.hpp"

namespace weir::testing::proxy_tests {
namespace {

using namespace std::chrono_literals;

class Multiplexing : public ::testing::Test {
 protected:
  void SetUp() override {
    prepare_server(server_);
    server_.execute("CREATE TABLE app.counters (id INT AUTO_INCREMENT PRIMARY KEY, v INT) ENGINE=InnoDB");
    server_.execute("INSERT INTO app.counters (v) VALUES (1), (2), (3)");
  }
  void start(int cap = 1, const std::string& more = "") {
    WeirOptions options = weir_for(server_);
    options.workers = 1;
    options.extra_yaml = "pool:\n  multiplexing: true\n  max_per_backend: " + std::to_string(cap) +
                         "\ntimeouts:\n  pool_wait: 1s\n" + more;
    weir_ = std::make_unique<WeirProcess>(options);
  }
  // As start(1), with the account `reporting` left out of multiplexing (pool.multiplexing_by_user).
  void start_with_reporting_left_out() {
    server_.execute("CREATE USER 'reporting'@'%' IDENTIFIED BY 'reporting-pw'");
    server_.execute("GRANT SELECT ON app.* TO 'reporting'@'%'");
    WeirOptions options = weir_for(server_);
    options.workers = 1;
    options.users.push_back({"reporting", "reporting-pw"});
    options.extra_yaml =
        "pool:\n  multiplexing: true\n  max_per_backend: 1\n  multiplexing_by_user:\n"
        "    - {user: reporting, multiplexing: false}\ntimeouts:\n  pool_wait: 1s\n";
    weir_ = std::make_unique<WeirProcess>(options);
  }
  Mysql client(const std::string& database = "app") {
    std::string error;
    Mysql m = open_mysql(weir_->port(), ConnectOptions{}.db(database), &error);
    EXPECT_NE(m, nullptr) << error;
    return m;
  }
  static std::string run(const Mysql& m, const std::string& sql) {
    if (mysql_query(m.get(), sql.c_str()) != 0) return "ERR " + std::to_string(mysql_errno(m.get()));
    if (MYSQL_RES* res = mysql_store_result(m.get())) mysql_free_result(res);
    return "ok";
  }
  // Connections the server has for the app account (weir's links; the monitor logs in as root),
  // once they are `expected` or after 5 s (a closed connection's thread takes a moment to end).
  int server_links(int expected = 1) {
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (true) {
      const int n = std::stoi(
          server_.scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'app'").value_or("-1"));
      if (n == expected || std::chrono::steady_clock::now() > until) return n;
      std::this_thread::sleep_for(50ms);
    }
  }
  void TearDown() override {
    if (HasFailure() && weir_) std::cerr << "weir log:\n" << weir_->log();
  }

  MariadbServer server_;
  std::unique_ptr<WeirProcess> weir_;
};

TEST_F(Multiplexing, ManyClientsTakeTurnsOnOneBackendConnection) {
  start();
  std::vector<Mysql> clients;
  for (int i = 0; i < 8; ++i) clients.push_back(client());
  for (int round = 0; round < 5; ++round) {
    for (std::size_t i = 0; i < clients.size(); ++i) {
      EXPECT_EQ(scalar_of(clients[i].get(), "SELECT v FROM app.counters WHERE id = 2"), "2") << "client " << i;
      EXPECT_EQ(run(clients[i], "UPDATE app.counters SET v = v WHERE id = 3"), "ok");
    }
  }
  EXPECT_EQ(server_links(), 1);
}

TEST_F(Multiplexing, UserVariablesStayWithTheirClient) {
  start();
  Mysql a = client();
  Mysql b = client();
  ASSERT_EQ(run(a, "SET @v = 'a'"), "ok");
  EXPECT_EQ(scalar_of(b.get(), "SELECT @v"), "NULL");
  ASSERT_EQ(run(b, "SET @v = 'b'"), "ok");
  EXPECT_EQ(scalar_of(a.get(), "SELECT @v"), "a");
  EXPECT_EQ(scalar_of(b.get(), "SELECT @v"), "b");
  EXPECT_EQ(server_links(), 1);
}

TEST_F(Multiplexing, SessionVariablesStayWithTheirClient) {
  start();
  Mysql a = client();
  Mysql b = client();
  Mysql direct = open_mysql(server_.port(), ConnectOptions{}.db("app"));
  ASSERT_NE(direct, nullptr);
  const std::string state =
      "SELECT CONCAT_WS(' ', @@tx_isolation, @@sql_mode, @@time_zone, @@character_set_client, DATABASE())";
  const std::string fresh = scalar_of(direct.get(), state);
  ASSERT_EQ(run(a, "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE"), "ok");
  ASSERT_EQ(run(a, "SET SESSION sql_mode = 'ANSI_QUOTES'"), "ok");
  ASSERT_EQ(run(a, "SET time_zone = '+05:00'"), "ok");
  ASSERT_EQ(run(a, "SET NAMES latin1"), "ok");
  ASSERT_EQ(run(a, "USE mysql"), "ok");
  const std::string changed = scalar_of(a.get(), state);
  EXPECT_EQ(changed, "SERIALIZABLE ANSI_QUOTES +05:00 latin1 mysql");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(scalar_of(b.get(), state), fresh);
    EXPECT_EQ(scalar_of(a.get(), state), changed);
  }
  direct.reset();  // (logged in as app too)
  EXPECT_EQ(server_links(), 1);
}

TEST_F(Multiplexing, ATransactionKeepsTheConnectionAndOthersWaitThenGetAClearError) {
  start();
  Mysql a = client();
  Mysql b = client();
  ASSERT_EQ(run(a, "BEGIN"), "ok");
  ASSERT_EQ(run(a, "UPDATE app.counters SET v = 10 WHERE id = 1"), "ok");
  // The one connection is a's until its transaction ends: b waits timeouts.pool_wait, then 1040.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(run(b, "SELECT v FROM app.counters WHERE id = 1"), "ERR 1040");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);
  EXPECT_NE(std::string(mysql_error(b.get())).find("pool.max_per_backend"), std::string::npos) << mysql_error(b.get());
  EXPECT_EQ(scalar_of(a.get(), "SELECT @@in_transaction"), "1");
  ASSERT_EQ(run(a, "ROLLBACK"), "ok");
  EXPECT_EQ(scalar_of(b.get(), "SELECT CONCAT(@@in_transaction, ' ', v) FROM app.counters WHERE id = 1"), "0 1");
}

TEST_F(Multiplexing, AStatementWaitingForTheConnectionGetsItWhenItIsLent) {
  start(1, "");
  Mysql a = client();
  Mysql b = client();
  ASSERT_EQ(run(a, "BEGIN"), "ok");
  std::string b_saw;
  std::thread waiting([&] { b_saw = scalar_of(b.get(), "SELECT v FROM app.counters WHERE id = 2"); });
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(run(a, "COMMIT"), "ok");
  waiting.join();
  EXPECT_EQ(b_saw, "2");
}

TEST_F(Multiplexing, TemporaryTablesStayWithTheirClient) {
  start(2);
  Mysql a = client();
  Mysql b = client();
  ASSERT_EQ(run(a, "CREATE TEMPORARY TABLE scratch (a INT)"), "ok");
  ASSERT_EQ(run(a, "INSERT INTO scratch VALUES (1), (2)"), "ok");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(scalar_of(b.get(), "SELECT COUNT(*) FROM scratch"), "ERR 1146");
    EXPECT_EQ(scalar_of(a.get(), "SELECT COUNT(*) FROM scratch"), "2");
  }
}

TEST_F(Multiplexing, UserLocksStayWithTheirClient) {
  start(2);
  Mysql a = client();
  Mysql b = client();
  EXPECT_EQ(scalar_of(a.get(), "SELECT GET_LOCK('weir_mux', 0)"), "1");
  EXPECT_EQ(scalar_of(a.get(), "SELECT 1"), "1");  // a statement after it: the lock stays a's
  EXPECT_EQ(scalar_of(b.get(), "SELECT GET_LOCK('weir_mux', 0)"), "0");
  EXPECT_EQ(scalar_of(a.get(), "SELECT IS_USED_LOCK('weir_mux') = CONNECTION_ID()"), "1");
  a.reset();  // the lock goes with a's session
  EXPECT_EQ(scalar_of(b.get(), "SELECT GET_LOCK('weir_mux', 5)"), "1");
}

TEST_F(Multiplexing, WarningsAndErrorsAreTheirClientsOnly) {
  start();
  Mysql a = client();
  Mysql b = client();
  // a's warning stays for a's next statement (SHOW WARNINGS), and is never b's.
  ASSERT_EQ(run(a, "SELECT 1/0"), "ok");
  EXPECT_EQ(mysql_warning_count(a.get()), 1U);
  EXPECT_EQ(scalar_of(a.get(), "SHOW COUNT(*) WARNINGS"), "1");
  EXPECT_EQ(scalar_of(a.get(), "SELECT 1"), "1");
  EXPECT_EQ(scalar_of(b.get(), "SHOW COUNT(*) WARNINGS"), "0");
  // An error too.
  EXPECT_EQ(run(a, "SELECT * FROM app.no_such_table"), "ERR 1146");
  EXPECT_EQ(scalar_of(a.get(), "SHOW COUNT(*) ERRORS"), "1");
  EXPECT_EQ(run(a, "SELECT 2"), "ok");
  EXPECT_EQ(scalar_of(b.get(), "SHOW COUNT(*) ERRORS"), "0");
}

TEST_F(Multiplexing, PreviousStatementAnswersOfOneClientAreNotAnothers) {
  start();
  Mysql a = client();
  Mysql b = client();
  ASSERT_EQ(run(b, "SELECT 1"), "ok");
  ASSERT_EQ(run(a, "SELECT id FROM app.counters"), "ok");  // three rows on the shared connection
  const std::string found = scalar_of(b.get(), "SELECT FOUND_ROWS()");
  EXPECT_NE(found, "3") << "b read a's FOUND_ROWS()";
  EXPECT_EQ(found.rfind("ERR", 0), std::string::npos) << found;
  ASSERT_EQ(run(a, "UPDATE app.counters SET v = v + 1"), "ok");  // ROW_COUNT() 3, kept for a's next
  EXPECT_EQ(scalar_of(a.get(), "SELECT ROW_COUNT()"), "3");
  ASSERT_EQ(run(a, "UPDATE app.counters SET v = v + 1"), "ok");
  ASSERT_EQ(run(a, "SELECT 1"), "ok");
  EXPECT_NE(scalar_of(b.get(), "SELECT ROW_COUNT()"), "3");
}

// LAST_INSERT_ID() goes with its client, not its connection: read when the client lends the
// connection, set again on the one that serves the client's next question about it. With one
// connection between them, neither client keeps it (the other would get ERROR 1040).
TEST_F(Multiplexing, LastInsertIdIsTheClientsOwn) {
  start(1);
  Mysql a = client();
  Mysql b = client();
  ASSERT_EQ(run(a, "INSERT INTO app.counters (v) VALUES (42)"), "ok");
  const std::string a_id = std::to_string(mysql_insert_id(a.get()));
  // (The insert's affected rows keep a's connection until a's next statement: ROW_COUNT().)
  EXPECT_EQ(scalar_of(a.get(), "SELECT 1"), "1");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(scalar_of(b.get(), "SELECT LAST_INSERT_ID()"), "0");
    EXPECT_EQ(scalar_of(a.get(), "SELECT v FROM app.counters WHERE id = 1"), "1");
    EXPECT_EQ(scalar_of(a.get(), "SELECT LAST_INSERT_ID()"), a_id);
  }
  // b inserts too: each keeps its own through the other's statements.
  ASSERT_EQ(run(b, "INSERT INTO app.counters (v) VALUES (43)"), "ok");
  const std::string b_id = std::to_string(mysql_insert_id(b.get()));
  ASSERT_NE(b_id, a_id);
  EXPECT_EQ(scalar_of(b.get(), "SELECT 1"), "1");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(scalar_of(a.get(), "SELECT @@last_insert_id"), a_id);
    EXPECT_EQ(scalar_of(b.get(), "SELECT LAST_INSERT_ID()"), b_id);
  }
  // An insert with an explicit id leaves LAST_INSERT_ID() as it was (as on the server).
  ASSERT_EQ(run(a, "INSERT INTO app.counters (id, v) VALUES (1000, 44)"), "ok");
  EXPECT_EQ(scalar_of(a.get(), "SELECT 1"), "1");
  EXPECT_EQ(scalar_of(b.get(), "SELECT 1"), "1");
  EXPECT_EQ(scalar_of(a.get(), "SELECT LAST_INSERT_ID()"), a_id);
  // LAST_INSERT_ID(expr) sets it.
  EXPECT_EQ(scalar_of(a.get(), "SELECT LAST_INSERT_ID(77)"), "77");
  EXPECT_EQ(scalar_of(b.get(), "SELECT LAST_INSERT_ID()"), b_id);
  EXPECT_EQ(scalar_of(a.get(), "SELECT LAST_INSERT_ID()"), "77");
  // A client that inserted and left: whoever has its connection next does not see its value.
  a.reset();
  for (int i = 0; i < 3; ++i) {
    Mysql c = client();
    EXPECT_EQ(scalar_of(c.get(), "SELECT LAST_INSERT_ID()"), "0");
  }
  EXPECT_EQ(scalar_of(b.get(), "SELECT LAST_INSERT_ID()"), b_id);
}

TEST_F(Multiplexing, ConnectionIdStaysTheAnswerOnceAsked) {
  start(2);
  Mysql a = client();
  Mysql b = client();
  const std::string id = scalar_of(a.get(), "SELECT CONNECTION_ID()");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(scalar_of(b.get(), "SELECT 1"), "1");
    EXPECT_EQ(scalar_of(a.get(), "SELECT CONNECTION_ID()"), id);
  }
  EXPECT_NE(scalar_of(b.get(), "SELECT CONNECTION_ID()"), id);
}

TEST_F(Multiplexing, PreparedStatementsStayWithTheirClient) {
  start(2);
  Mysql a = client();
  Mysql b = client();
  MYSQL_STMT* stmt = mysql_stmt_init(a.get());
  const std::string sql = "SELECT v FROM app.counters WHERE id = 3";
  ASSERT_EQ(mysql_stmt_prepare(stmt, sql.c_str(), sql.size()), 0) << mysql_stmt_error(stmt);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(scalar_of(b.get(), "SELECT 1"), "1");
    ASSERT_EQ(mysql_stmt_execute(stmt), 0) << mysql_stmt_error(stmt);
    ASSERT_EQ(mysql_stmt_store_result(stmt), 0);
    EXPECT_EQ(mysql_stmt_num_rows(stmt), 1U);
    mysql_stmt_free_result(stmt);
  }
  // b cannot reach a's statement by its id (ids are per client connection).
  MYSQL_STMT* other = mysql_stmt_init(b.get());
  const std::string b_sql = "SELECT 2";
  ASSERT_EQ(mysql_stmt_prepare(other, b_sql.c_str(), b_sql.size()), 0) << mysql_stmt_error(other);
  EXPECT_EQ(mysql_stmt_execute(other), 0) << mysql_stmt_error(other);
  mysql_stmt_close(other);
  mysql_stmt_close(stmt);
  // SQL-level PREPARE is a's too.
  ASSERT_EQ(run(a, "PREPARE s FROM 'SELECT 7'"), "ok");
  EXPECT_EQ(run(b, "EXECUTE s"), "ERR 1243");
  EXPECT_EQ(scalar_of(a.get(), "EXECUTE s"), "7");
}

// A prepared statement that asks about the previous statement (FOUND_ROWS(), ROW_COUNT()) on a
// connection another client used last: weir resets the connection first, which closes the server
// statements on it, so the execution must be made for the connection as it is after the reset.
TEST_F(Multiplexing, APreparedStatementAboutThePreviousStatementRunsOnABorrowedConnection) {
  start();
  Mysql a = client();
  Mysql b = client();
  MYSQL_STMT* stmt = mysql_stmt_init(a.get());
  const std::string sql = "SELECT FOUND_ROWS()";
  ASSERT_EQ(mysql_stmt_prepare(stmt, sql.c_str(), sql.size()), 0) << mysql_stmt_error(stmt);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(run(b, "SELECT id FROM app.counters"), "ok");  // b's three rows, last on the connection
    ASSERT_EQ(mysql_stmt_execute(stmt), 0) << "execution " << i << ": " << mysql_stmt_error(stmt);
    long long found = -1;
    MYSQL_BIND result{};
    result.buffer_type = MYSQL_TYPE_LONGLONG;
    result.buffer = &found;
    ASSERT_EQ(mysql_stmt_bind_result(stmt, &result), 0);
    ASSERT_EQ(mysql_stmt_fetch(stmt), 0) << mysql_stmt_error(stmt);
    EXPECT_NE(found, 3) << "a read b's FOUND_ROWS()";
    mysql_stmt_free_result(stmt);
  }
  mysql_stmt_close(stmt);
}

// Two clients, one backend connection, server-side prepared statements: each executes its own
// (prepared on the connection once per text and shared, the parameter types each sent kept apart),
// neither pins the connection, and the server holds one statement per text.
TEST_F(Multiplexing, PreparedStatementsOfTwoClientsShareOneConnectionWithoutMixing) {
  start(1);
  Mysql a = client();
  Mysql b = client();
  PreparedStatement a_row(a.get(), "SELECT v FROM app.counters WHERE id = ?");
  PreparedStatement b_row(b.get(), "SELECT v FROM app.counters WHERE id = ?");
  PreparedStatement b_concat(b.get(), "SELECT CONCAT('b:', ?)");
  ASSERT_EQ(a_row.error(), 0U);
  ASSERT_EQ(b_row.error(), 0U);
  ASSERT_EQ(b_concat.error(), 0U);
  for (int round = 0; round < 4; ++round) {
    EXPECT_EQ(a_row.with_number(1), "1") << round;
    EXPECT_EQ(b_row.with_text("3"), "3") << round;  // another type for the same server statement
    EXPECT_EQ(b_concat.with_text("x" + std::to_string(round)), "b:x" + std::to_string(round));
    EXPECT_EQ(a_row.with_number(2), "2") << round;
    EXPECT_EQ(scalar_of(a.get(), "SELECT 1"), "1");  // a text query between executions
  }
  EXPECT_EQ(server_.scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = "
                           "'PREPARED_STMT_COUNT'"),
            "2");
  EXPECT_EQ(server_links(1), 1);
}

// The same text prepared under other session commands is another statement: ANSI_QUOTES makes
// "v" a column for one client and a string for the other, on the one connection they share.
TEST_F(Multiplexing, APreparedStatementResolvesInTheSessionStateItWasPreparedIn) {
  start(1);
  Mysql a = client();
  Mysql b = client();
  ASSERT_EQ(run(a, "SET SESSION sql_mode = 'ANSI_QUOTES'"), "ok");
  const std::string sql = R"(SELECT "v" FROM app.counters WHERE id = ?)";
  PreparedStatement a_column(a.get(), sql);
  PreparedStatement b_string(b.get(), sql);
  ASSERT_EQ(a_column.error(), 0U);
  ASSERT_EQ(b_string.error(), 0U);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(a_column.with_number(3), "3") << round;
    EXPECT_EQ(b_string.with_number(3), "v") << round;
  }
  // A statement prepared before a session command keeps the meaning it was parsed with (as on
  // the server), so the client keeps its connection while that statement is open.
  ASSERT_EQ(run(b, "SET SESSION sql_mode = 'ANSI_QUOTES'"), "ok");
  EXPECT_EQ(b_string.with_number(3), "v");
  EXPECT_EQ(run(a, "SELECT 1"), "ERR 1040");  // b holds the one connection
}

// A cursor is read from the connection that opened it: the client keeps that connection until it
// has read the last row.
TEST_F(Multiplexing, AnOpenCursorKeepsTheConnectionUntilItsLastRow) {
  start(1);
  Mysql a = client();
  Mysql b = client();
  PreparedStatement rows(a.get(), "SELECT v FROM app.counters ORDER BY id");
  ASSERT_EQ(rows.error(), 0U);
  unsigned long cursor = CURSOR_TYPE_READ_ONLY;
  unsigned long prefetch = 1;
  ASSERT_EQ(mysql_stmt_attr_set(rows.get(), STMT_ATTR_CURSOR_TYPE, &cursor), 0);
  ASSERT_EQ(mysql_stmt_attr_set(rows.get(), STMT_ATTR_PREFETCH_ROWS, &prefetch), 0);
  ASSERT_EQ(mysql_stmt_execute(rows.get()), 0) << mysql_stmt_error(rows.get());
  int value = 0;
  MYSQL_BIND column{};
  column.buffer_type = MYSQL_TYPE_LONG;
  column.buffer = &value;
  ASSERT_EQ(mysql_stmt_bind_result(rows.get(), &column), 0);
  ASSERT_EQ(mysql_stmt_fetch(rows.get()), 0);
  EXPECT_EQ(value, 1);
  EXPECT_EQ(run(b, "SELECT 1"), "ERR 1040");  // the cursor holds a's connection
  std::vector<int> rest;
  while (mysql_stmt_fetch(rows.get()) == 0) rest.push_back(value);
  EXPECT_EQ(rest, (std::vector<int>{2, 3}));
  EXPECT_EQ(run(b, "SELECT 1"), "ok");
}

// pool.multiplexing_by_user: an account for which it is off keeps its connections (the second
// client finds none free under the cap of one), while the default stays on for the others.
TEST_F(Multiplexing, AnAccountCanBeLeftOutOfIt) {
  start_with_reporting_left_out();
  {
    Mysql a = client();
    Mysql b = client();
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(run(a, "SELECT 1"), "ok");
      EXPECT_EQ(run(b, "SELECT 1"), "ok");  // app's clients share the one connection
    }
  }
  std::string error;
  Mysql r1 = open_mysql(weir_->port(), ConnectOptions{}.as("reporting", "reporting-pw").db("app"), &error);
  ASSERT_NE(r1, nullptr) << error;
  EXPECT_EQ(run(r1, "SELECT 1"), "ok");
  Mysql r2 = open_mysql(weir_->port(), ConnectOptions{}.as("reporting", "reporting-pw").db("app"), &error);
  // The first reporting client keeps the connection: the second cannot log in (or run) under the cap.
  if (r2 == nullptr) {
    EXPECT_NE(error.find("max_per_backend"), std::string::npos) << error;
  } else {
    EXPECT_EQ(run(r2, "SELECT 1"), "ERR 1040");
  }
}

// COM_CHANGE_USER to an account left out of multiplexing: from then on the session keeps its
// connection (the other client finds none under the cap of one), and back to the default account
// it shares again. (The session keeps whether it shares per account; a change of account is seen.)
TEST_F(Multiplexing, ChangeUserFollowsTheNewAccountsSetting) {
  start_with_reporting_left_out();
  Mysql a = client();
  Mysql b = client();
  EXPECT_EQ(run(a, "SELECT 1"), "ok");
  EXPECT_EQ(run(b, "SELECT 1"), "ok");  // both app: one connection, shared
  ASSERT_EQ(mysql_change_user(a.get(), "reporting", "reporting-pw", "app"), 0) << mysql_error(a.get());
  EXPECT_EQ(scalar_of(a.get(), "SELECT CURRENT_USER()"), "reporting@%");
  EXPECT_EQ(run(b, "SELECT 1"), "ERR 1040");  // a keeps the one connection now
  ASSERT_EQ(mysql_change_user(a.get(), kApp, kAppPassword, "app"), 0) << mysql_error(a.get());
  EXPECT_EQ(run(a, "SELECT 1"), "ok");
  EXPECT_EQ(run(b, "SELECT 1"), "ok");  // shared again
  EXPECT_EQ(run(a, "SELECT 1"), "ok");
}

TEST_F(Multiplexing, ResetAndChangeUserEndWhatThePinsHeld) {
  start(1);
  Mysql a = client();
  Mysql b = client();
  ASSERT_EQ(run(a, "CREATE TEMPORARY TABLE scratch (a INT)"), "ok");
  EXPECT_EQ(run(b, "SELECT 1"), "ERR 1040");  // a holds the one connection
  ASSERT_EQ(mysql_reset_connection(a.get()), 0) << mysql_error(a.get());
  EXPECT_EQ(scalar_of(b.get(), "SELECT 1"), "1");
  EXPECT_EQ(scalar_of(a.get(), "SELECT COUNT(*) FROM scratch"), "ERR 1146");
}

TEST_F(Multiplexing, KillOfAnIdleMultiplexedSessionEndsIt) {
  start(1);
  Mysql a = client();
  Mysql b = client();
  ASSERT_EQ(run(a, "SELECT 1"), "ok");
  const unsigned long a_id = mysql_thread_id(a.get());
  EXPECT_EQ(run(b, "KILL " + std::to_string(a_id)), "ok");
  EXPECT_EQ(run(a, "SELECT 1").rfind("ERR", 0), 0U);
  EXPECT_EQ(scalar_of(b.get(), "SELECT 1"), "1");
}

}  // namespace
}  // namespace weir::testing::proxy_tests
