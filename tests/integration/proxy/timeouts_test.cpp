// The timeouts of the configuration, enforced: handshake, client_idle, backend_idle, query.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "proxy_support.hpp"

namespace weir::testing::proxy_tests {
namespace {

using namespace std::chrono_literals;

WeirOptions with_timeouts(MariadbServer& server, const std::string& timeouts) {
  WeirOptions options = weir_for(server);
  options.extra_yaml = "timeouts:\n" + timeouts;
  return options;
}

TEST(Timeouts, AClientThatNeverAnswersTheGreetingIsDropped) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess weir(with_timeouts(server, "  handshake: 500ms\n"));
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(weir.port());
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  timeval limit{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  char buffer[512];
  ASSERT_GT(::recv(fd, buffer, sizeof buffer, 0), 0);  // the greeting
  // Nothing sent back: weir closes the connection (recv returns 0) instead of waiting forever.
  EXPECT_EQ(::recv(fd, buffer, sizeof buffer, 0), 0);
  ::close(fd);
  EXPECT_TRUE(weir.wait_for_log("timeouts.handshake", 5s)) << weir.log();
}

TEST(Timeouts, AnIdleClientIsClosed) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess weir(with_timeouts(server, "  client_idle: 1s\n"));
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_TRUE(m);
  EXPECT_EQ(scalar_of(m.get(), "SELECT 1"), "1");
  EXPECT_TRUE(weir.wait_for_log("timeouts.client_idle", 10s)) << weir.log();
  EXPECT_NE(mysql_query(m.get(), "SELECT 1"), 0);
  const unsigned code = mysql_errno(m.get());
  EXPECT_TRUE(code == 2006 || code == 2013) << code << " " << mysql_error(m.get());
}

TEST(Timeouts, ASlowStatementIsKilled) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess weir(with_timeouts(server, "  query: 500ms\n"));
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_TRUE(m);
  // The server ends the interrupted SLEEP with ER_QUERY_INTERRUPTED (or returns 1): never 0,
  // which would mean it ran to its end.
  const std::string slept = scalar_of(m.get(), "SELECT SLEEP(20)");
  EXPECT_TRUE(mysql_errno(m.get()) == 1317 || slept == "1") << slept << " " << mysql_error(m.get()) << "\n"
                                                            << weir.log();
  EXPECT_TRUE(weir.wait_for_log("timeouts.query", 5s)) << weir.log();
  EXPECT_EQ(scalar_of(m.get(), "SELECT 2"), "2");  // the session goes on
}

TEST(Timeouts, BackendIdleGivesTheConnectionBackAndTheSessionKeepsItsState) {
  MariadbServer server;
  prepare_server(server);
  // No pool: a connection the session gives back is closed, which the server shows.
  WeirProcess weir(with_timeouts(server, "  backend_idle: 500ms\npool:\n  max_idle_per_worker: 0\n"));
  Mysql m = open_mysql(weir.port(), ConnectOptions{}.db("app"));
  ASSERT_TRUE(m);
  ASSERT_EQ(mysql_query(m.get(), "SET @kept = 42"), 0);
  ASSERT_EQ(mysql_query(m.get(), "SET NAMES latin1"), 0);
  const std::string thread_before = scalar_of(m.get(), "SELECT CONNECTION_ID()");
  const auto live = [&] {
    return server.scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + thread_before);
  };
  bool released = false;
  for (int i = 0; i < 100 && !released; ++i) {
    std::this_thread::sleep_for(100ms);
    released = live() == "0";
  }
  EXPECT_TRUE(released) << "the idle session still holds backend thread " << thread_before;
  EXPECT_EQ(scalar_of(m.get(), "SELECT @kept"), "42");
  EXPECT_EQ(scalar_of(m.get(), "SELECT @@character_set_client"), "latin1");
  // A session with a temporary table keeps its connection (the table lives there).
  ASSERT_EQ(mysql_query(m.get(), "CREATE TEMPORARY TABLE t (a INT)"), 0) << mysql_error(m.get()) << "\n" << weir.log();
  ASSERT_EQ(mysql_query(m.get(), "INSERT INTO t VALUES (1)"), 0);
  const std::string thread_with_table = scalar_of(m.get(), "SELECT CONNECTION_ID()");
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(server.scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + thread_with_table), "1");
  EXPECT_EQ(scalar_of(m.get(), "SELECT COUNT(*) FROM t"), "1");
}

TEST(SlowQueryLog, AStatementOverTheThresholdIsLoggedWithItsDigestAndNoValues) {
  MariadbServer server;
  prepare_server(server);
  WeirOptions options = weir_for(server);
  options.extra_yaml = "log:\n  slow_query: 200ms\n";
  WeirProcess weir(options);
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_TRUE(m);
  EXPECT_EQ(scalar_of(m.get(), "SELECT 'fast-value'"), "fast-value");
  EXPECT_EQ(scalar_of(m.get(), "SELECT SLEEP(0.5), 'secret-value'"), "0");
  ASSERT_TRUE(weir.wait_for_log("msg=\"slow query\"", 5s)) << weir.log();
  const std::string log = weir.log();
  EXPECT_NE(log.find("SELECT SLEEP(?), ?"), std::string::npos) << log;
  EXPECT_EQ(log.find("secret-value"), std::string::npos) << log;
  EXPECT_EQ(log.find("fast-value"), std::string::npos) << log;
}

}  // namespace
}  // namespace weir::testing::proxy_tests
