// A server that closes weir's link to it while the client is idle, over plain TCP and over TLS.
// The server ends a link idle past its wait_timeout with a reset (measured on MariaDB 10.11: a
// KILL, a shutdown or a crash close in order, the timeout resets), and weir tells them apart:
// - wait_timeout (the client's own SET SESSION, or the server's global) on a link that held
//   nothing of the client's: the client never sees it; its next statement runs on a new link with
//   its session commands replayed.
// - wait_timeout on a link that held state (an open transaction): the client's connection is
//   closed at once, as the server closes it (the client's next statement finds it lost).
// - KILL of the link's thread on the server: the client's connection is closed at once, as the
//   server closes a killed connection.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "proxy_support.hpp"
#include "weir/testing/tls_certificates.hpp"

namespace weir::testing::proxy_tests {
namespace {

using namespace std::chrono_literals;

class IdleBackendClose : public ::testing::TestWithParam<bool> {
 protected:
  bool backend_tls() const { return GetParam(); }

  WeirOptions options_for(const MariadbServer& server) const {
    WeirOptions options = weir_for(server);
    options.extra_yaml = "timeouts:\n  connect: 3s\n";
    if (backend_tls()) {
      options.extra_yaml += "tls:\n  backend:\n    enabled: true\n    verify: full\n    ca_file: " + certs_.ca() + "\n";
    }
    return options;
  }

  // The backend link serving the client is (or is not) encrypted, as the path says.
  void expect_path(MYSQL* m) const {
    ASSERT_EQ(mysql_query(m, "SHOW SESSION STATUS LIKE 'Ssl_cipher'"), 0) << mysql_error(m);
    MYSQL_RES* res = mysql_store_result(m);
    ASSERT_NE(res, nullptr);
    MYSQL_ROW row = mysql_fetch_row(res);
    const std::string cipher = row == nullptr || row[1] == nullptr ? "" : row[1];
    mysql_free_result(res);
    EXPECT_EQ(cipher.empty(), !backend_tls()) << "Ssl_cipher of weir's link: '" << cipher << "'";
  }

  // True when the connection turned out lost at the next statement (2013 or 2006, as a client of
  // the server itself sees a connection the server closed).
  static bool lost_at_next_statement(MYSQL* m) {
    if (mysql_query(m, "SELECT 1") == 0) {
      if (MYSQL_RES* res = mysql_store_result(m)) mysql_free_result(res);
      return false;
    }
    const unsigned code = mysql_errno(m);
    EXPECT_TRUE(code == 2013 || code == 2006) << code << " " << mysql_error(m);
    return true;
  }

  // The client's link killed on the server, after `idle` without a statement, and a write sent at
  // once: weir notices the close before sending the write there and ends the session as the watch
  // would have. The client sees its connection lost and the write never runs.
  void expect_kill_just_before_a_write_is_noticed(std::chrono::milliseconds idle) {
    MariadbServer server(certs_.server_options("server"));
    prepare_server(server);
    server.execute("CREATE TABLE app.t (id INT PRIMARY KEY)");
    WeirProcess weir(options_for(server));
    Mysql m = open_mysql(weir.port(), ConnectOptions{}.db("app"));
    ASSERT_NE(m, nullptr);
    const std::string link = scalar_of(m.get(), "SELECT CONNECTION_ID()");
    std::this_thread::sleep_for(idle);
    const std::size_t log_from = weir.log().size();
    // The server shuts the killed connection's socket down before KILL returns: the close is on
    // its way to weir when the statement follows at once.
    server.execute("KILL CONNECTION " + link);
    ASSERT_NE(mysql_query(m.get(), "INSERT INTO t VALUES (1)"), 0) << "a write on a killed link's session went on";
    const unsigned code = mysql_errno(m.get());
    EXPECT_TRUE(code == 2013 || code == 2006) << code << " " << mysql_error(m.get());
    EXPECT_EQ(server.scalar("SELECT COUNT(*) FROM app.t"), "0");
    EXPECT_TRUE(weir.wait_for_log("backend closed an idle session", 5s, log_from)) << weir.log();
  }

  TestCertificates certs_;
};

TEST_P(IdleBackendClose, TheClientsOwnWaitTimeoutIsNeverSeenByTheClient) {
  MariadbServer server(certs_.server_options("server"));
  prepare_server(server);
  WeirProcess weir(options_for(server));
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_NE(m, nullptr);
  expect_path(m.get());
  const unsigned long handshake_id = mysql_thread_id(m.get());
  const std::string first_link = scalar_of(m.get(), "SELECT CONNECTION_ID()");
  ASSERT_EQ(mysql_query(m.get(), "SET SESSION wait_timeout = 2"), 0) << mysql_error(m.get());
  ASSERT_EQ(mysql_query(m.get(), "SET @@session.sql_mode = 'ANSI_QUOTES'"), 0) << mysql_error(m.get());
  EXPECT_EQ(scalar_of(m.get(), "SELECT 1"), "1");
  const std::size_t log_from = weir.log().size();
  // The server resets the idle link after 2 s; weir notices at once and says so.
  ASSERT_TRUE(weir.wait_for_log("ended an idle link", 15s, log_from)) << weir.log();
  // Like a server whose connection never closed: BEGIN, the replayed session, a new link.
  ASSERT_EQ(mysql_query(m.get(), "BEGIN"), 0) << mysql_errno(m.get()) << " " << mysql_error(m.get());
  EXPECT_EQ(scalar_of(m.get(), "SELECT @@session.wait_timeout"), "2");
  EXPECT_EQ(scalar_of(m.get(), "SELECT @@session.sql_mode"), "ANSI_QUOTES");
  EXPECT_NE(scalar_of(m.get(), "SELECT CONNECTION_ID()"), first_link) << "the statement ran on the closed link?";
  ASSERT_EQ(mysql_query(m.get(), "COMMIT"), 0) << mysql_error(m.get());
  EXPECT_EQ(mysql_thread_id(m.get()), handshake_id);
  expect_path(m.get());
}

// The server ends the idle session's link after its wait_timeout (2 s) and weir says so. With
// pool.multiplexing the idle session holds no link (it lent it): the pooled connection is found
// closed when a statement next takes one, without a word, so the test waits the 2 s out instead.
void wait_for_the_server_to_end_idle_links(const WeirProcess& weir, std::size_t log_from) {
  if (WeirProcess::test_multiplexing()) {
    std::this_thread::sleep_for(3s);
    return;
  }
  ASSERT_TRUE(weir.wait_for_log("ended an idle link", 15s, log_from)) << weir.log();
}

TEST_P(IdleBackendClose, TheServersGlobalWaitTimeoutIsNeverSeenByTheClient) {
  MariadbServer server(certs_.server_options("server"));
  prepare_server(server);
  WeirProcess weir(options_for(server));
  server.execute("SET GLOBAL wait_timeout = 2");
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(scalar_of(m.get(), "SELECT @@session.wait_timeout"), "2");
  const std::size_t log_from = weir.log().size();
  wait_for_the_server_to_end_idle_links(weir, log_from);
  ASSERT_EQ(mysql_query(m.get(), "BEGIN"), 0) << mysql_errno(m.get()) << " " << mysql_error(m.get());
  EXPECT_EQ(scalar_of(m.get(), "SELECT 40 + 2"), "42");
  ASSERT_EQ(mysql_query(m.get(), "COMMIT"), 0) << mysql_error(m.get());
  // And again: every new link times out the same way, and is replaced the same way.
  const std::size_t second_from = weir.log().size();
  wait_for_the_server_to_end_idle_links(weir, second_from);
  EXPECT_EQ(scalar_of(m.get(), "SELECT 'again'"), "again");
}

TEST_P(IdleBackendClose, ATimedOutLinkThatHeldATransactionClosesTheClientAtOnce) {
  MariadbServer server(certs_.server_options("server"));
  prepare_server(server);
  server.execute("CREATE TABLE app.t (id INT PRIMARY KEY)");
  WeirProcess weir(options_for(server));
  Mysql m = open_mysql(weir.port(), ConnectOptions{}.db("app"));
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(mysql_query(m.get(), "SET SESSION wait_timeout = 2"), 0) << mysql_error(m.get());
  ASSERT_EQ(mysql_query(m.get(), "BEGIN"), 0) << mysql_error(m.get());
  ASSERT_EQ(mysql_query(m.get(), "INSERT INTO t VALUES (1)"), 0) << mysql_error(m.get());
  const std::size_t log_from = weir.log().size();
  ASSERT_TRUE(weir.wait_for_log("backend closed an idle session", 15s, log_from)) << weir.log();
  EXPECT_TRUE(lost_at_next_statement(m.get())) << "the transaction's link was lost, yet the client went on";
  // The transaction was rolled back by the server, as it is for a client of the server itself.
  EXPECT_EQ(server.scalar("SELECT COUNT(*) FROM app.t"), "0");
}

TEST_P(IdleBackendClose, AKillOfTheLinkOnTheServerClosesTheClientAtOnce) {
  MariadbServer server(certs_.server_options("server"));
  prepare_server(server);
  WeirProcess weir(options_for(server));
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_NE(m, nullptr);
  const std::string link = scalar_of(m.get(), "SELECT CONNECTION_ID()");
  const std::size_t log_from = weir.log().size();
  server.execute("KILL CONNECTION " + link);
  ASSERT_TRUE(weir.wait_for_log("backend closed an idle session", 15s, log_from)) << weir.log();
  EXPECT_TRUE(lost_at_next_statement(m.get())) << "a killed connection went on";
}

// The link killed in the instant before the client's next statement, before weir's hot wait for it
// starts watching the primary (over plain TCP, kWatchAfter into the wait): weir finds the close
// when the statement comes.
TEST_P(IdleBackendClose, ALinkKilledJustBeforeTheNextStatementIsNoticedBeforeItIsSent) {
  expect_kill_just_before_a_write_is_noticed(0ms);
}

// The same after a cold wait (the session idle longer than the hot wait, the primary watched):
// the close and the statement may reach weir in one pass of its reactor, and the statement must
// still not be sent on the closed link.
TEST_P(IdleBackendClose, ALinkKilledJustBeforeTheStatementAfterAColdWaitIsNoticedBeforeItIsSent) {
  expect_kill_just_before_a_write_is_noticed(800ms);  // beyond the hot wait (500 ms)
}

INSTANTIATE_TEST_SUITE_P(Paths, IdleBackendClose, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& path) {
                           return path.param ? std::string("Tls") : std::string("Plain");
                         });

}  // namespace
}  // namespace weir::testing::proxy_tests
