// With load_users_from_backend enabled, an account that exists only on the server logs in through
// weir, and a password changed on the server is followed within refresh_interval. Accounts are
// matched by the client's address as the server matches them; each refusal is compared with what
// the server itself answers the same client from the same address.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include "proxy_support.hpp"

namespace weir::testing::proxy_tests {
namespace {

using namespace std::chrono_literals;

WeirOptions loading_users(MariadbServer& server) {
  WeirOptions options = weir_for(server);
  server.execute("CREATE USER " + options.monitor.name + "@'%' IDENTIFIED BY '" + options.monitor.password + "'");
  server.execute("GRANT SELECT ON mysql.user TO " + options.monitor.name + "@'%'");
  options.extra_yaml = "load_users_from_backend:\n  enabled: true\n  refresh_interval: 1s\n";
  return options;
}

// Tries to log in until `want_ok` holds or 15 s pass; returns the last error ("" when logged in).
std::string login_until(std::uint16_t port, const std::string& user, const std::string& password, bool want_ok) {
  std::string error;
  for (int i = 0; i < 150; ++i) {
    error.clear();
    Mysql m = open_mysql(port, ConnectOptions{}.as(user, password), &error);
    if ((m != nullptr) == want_ok) return m != nullptr ? "" : error;
    std::this_thread::sleep_for(100ms);
  }
  return want_ok ? error : "still logged in";
}

TEST(LoadUsersThroughWeir, AServerOnlyAccountLogsInAndFollowsPasswordChanges) {
  MariadbServer server;
  prepare_server(server);
  server.create_user("server_only", "first-pw");
  WeirProcess weir(loading_users(server));
  EXPECT_EQ(login_until(weir.port(), "server_only", "first-pw", true), "") << weir.log();

  server.execute("ALTER USER server_only@'%' IDENTIFIED BY 'second-pw'");
  EXPECT_EQ(login_until(weir.port(), "server_only", "second-pw", true), "") << weir.log();
  std::string error;
  EXPECT_EQ(open_mysql(weir.port(), ConnectOptions{}.as("server_only", "first-pw"), &error), nullptr);
  EXPECT_EQ(error.rfind("1045 ", 0), 0U) << error;

  server.execute("DROP USER server_only@'%'");
  const std::string refused = login_until(weir.port(), "server_only", "second-pw", false);
  EXPECT_EQ(refused.rfind("1045 ", 0), 0U) << refused;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(LoadUsersThroughWeir, AWrongMonitorPasswordIsLoggedOnceAndAReloadFixesIt) {
  MariadbServer server;
  prepare_server(server);
  server.create_user("server_only", "only-pw");
  WeirOptions options = loading_users(server);
  const std::string right_password = options.monitor.password;
  options.monitor.password = "not-the-monitor-password";
  WeirProcess weir(options);
  ASSERT_TRUE(weir.wait_for_log("cannot load users from the backend", 10s)) << weir.log();
  std::this_thread::sleep_for(3500ms);  // three more refresh intervals, all failing the same way
  EXPECT_EQ(count_of(weir.log(), "cannot load users from the backend"), 1U) << weir.log();
  std::string error;
  EXPECT_EQ(open_mysql(weir.port(), ConnectOptions{}.as("server_only", "only-pw"), &error), nullptr);
  // Configured users still log in.
  EXPECT_NE(open_mysql(weir.port(), {}, &error), nullptr) << error;

  options.monitor.password = right_password;
  options.listen_port = weir.port();
  weir.write_config(WeirProcess::render_config(options));
  weir.signal(SIGHUP);
  EXPECT_EQ(login_until(weir.port(), "server_only", "only-pw", true), "") << weir.log();
}

// The error of a login attempt ("" when it logged in).
std::string attempt(std::uint16_t port, const ConnectOptions& options) {
  std::string error;
  Mysql m = open_mysql(port, options, &error);
  return m != nullptr ? "" : error;
}

// Tries until the error starts with `prefix` or 15 s pass; returns the last error.
std::string error_until(std::uint16_t port, const ConnectOptions& options, const std::string& prefix) {
  std::string error;
  for (int i = 0; i < 150; ++i) {
    error = attempt(port, options);
    if (error.rfind(prefix, 0) == 0) return error;
    std::this_thread::sleep_for(100ms);
  }
  return error;
}

std::string count_sessions_of(MariadbServer& server, const std::string& user) {
  return server.scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'").value_or("");
}

bool sessions_become(MariadbServer& server, const std::string& user, bool want_some) {
  for (int i = 0; i < 150; ++i) {
    if ((count_sessions_of(server, user) != "0") == want_some) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

TEST(AccountsThroughWeir, OnAStockInstallRootLogsInWithItsPasswordAndNotWithout) {
  MariadbServer server;
  prepare_server(server);
  // As mariadb-install-db leaves root once a password is set: root@localhost and root@127.0.0.1
  // with it, root@::1 (and root@<hostname>, ignored with skip-name-resolve) without.
  server.execute("ALTER USER root@'::1' IDENTIFIED BY ''");
  WeirProcess weir(loading_users(server));
  EXPECT_EQ(login_until(weir.port(), "root", server.password(), true), "") << weir.log();

  const ConnectOptions empty = ConnectOptions{}.as("root", "");
  const std::string refused = attempt(weir.port(), empty);
  EXPECT_EQ(refused, attempt(server.port(), empty));
  EXPECT_EQ(refused, "1045 Access denied for user 'root'@'127.0.0.1' (using password: NO)");
  // Refused by weir itself, against root@127.0.0.1, not by the backend.
  EXPECT_TRUE(weir.wait_for_log("wrong password for 'root'@'127.0.0.1'", 5s)) << weir.log();
  EXPECT_EQ(weir.log().find("backend login failed"), std::string::npos) << weir.log();
}

TEST(AccountsThroughWeir, AnAccountForOneAddressIsServedFromItAndRefusedFromAnother) {
  MariadbServer server;
  prepare_server(server);
  server.execute("CREATE USER lo@'127.0.0.1' IDENTIFIED BY 'lo-pw'");
  WeirProcess weir(loading_users(server));
  EXPECT_EQ(login_until(weir.port(), "lo", "lo-pw", true), "") << weir.log();

  // Other accounts have '%' hosts, so the server lets 127.0.0.2 greet and then refuses the user.
  const ConnectOptions elsewhere = ConnectOptions{}.as("lo", "lo-pw").from("127.0.0.2");
  const std::string refused = attempt(weir.port(), elsewhere);
  EXPECT_EQ(refused, attempt(server.port(), elsewhere));
  EXPECT_EQ(refused, "1045 Access denied for user 'lo'@'127.0.0.2' (using password: YES)");
}

TEST(AccountsThroughWeir, AnAddressNoAccountMatchesGetsTheHostError) {
  MariadbServer server;
  // Every account of this server is for 127.0.0.1 only, weir's configuration has none.
  WeirOptions options = WeirOptions::for_server(server, {});
  server.execute("CREATE USER " + options.monitor.name + "@'127.0.0.1' IDENTIFIED BY '" + options.monitor.password +
                 "'");
  server.execute("GRANT SELECT ON mysql.user TO " + options.monitor.name + "@'127.0.0.1'");
  server.execute("CREATE USER lo@'127.0.0.1' IDENTIFIED BY 'lo-pw'");
  server.execute("FLUSH PRIVILEGES");  // the server re-reads which hosts may connect at all
  options.extra_yaml = "load_users_from_backend:\n  enabled: true\n  refresh_interval: 1s\n";
  WeirProcess weir(options);
  EXPECT_EQ(login_until(weir.port(), "lo", "lo-pw", true), "") << weir.log();

  const ConnectOptions elsewhere = ConnectOptions{}.as("lo", "lo-pw").from("127.0.0.2");
  const std::string refused = attempt(weir.port(), elsewhere);
  EXPECT_EQ(refused, attempt(server.port(), elsewhere));
  EXPECT_EQ(refused, "1130 Host '127.0.0.2' is not allowed to connect to this MariaDB server");
}

TEST(AccountsThroughWeir, ALockedAccountGetsTheServersErrorAfterARightPassword) {
  MariadbServer server;
  prepare_server(server);
  WeirOptions options = loading_users(server);
  server.execute("GRANT SELECT ON mysql.global_priv TO " + options.monitor.name + "@'%'");
  server.execute("CREATE USER lk@'%' IDENTIFIED BY 'lk-pw' ACCOUNT LOCK");
  WeirProcess weir(options);
  const ConnectOptions right = ConnectOptions{}.as("lk", "lk-pw");
  const std::string locked = error_until(weir.port(), right, "4151 ");
  EXPECT_EQ(locked, attempt(server.port(), right));
  EXPECT_EQ(locked, "4151 Access denied, this account is locked");
  EXPECT_TRUE(weir.wait_for_log("is locked", 5s)) << "refused by weir itself\n" << weir.log();

  const ConnectOptions wrong = ConnectOptions{}.as("lk", "not-lk-pw");
  EXPECT_EQ(attempt(weir.port(), wrong), attempt(server.port(), wrong));
}

TEST(AccountsThroughWeir, PooledConnectionsOfAChangedOrDroppedAccountAreClosedAtTheNextRefresh) {
  MariadbServer server;
  prepare_server(server);
  server.create_user("pooled", "first-pw");
  WeirProcess weir(loading_users(server));
  ASSERT_EQ(login_until(weir.port(), "pooled", "first-pw", true), "") << weir.log();
  // The session ended: its backend connection waits in weir's pool, still logged in.
  ASSERT_TRUE(sessions_become(server, "pooled", true)) << weir.log();

  server.execute("ALTER USER pooled@'%' IDENTIFIED BY 'second-pw'");
  EXPECT_TRUE(sessions_become(server, "pooled", false)) << "still " << count_sessions_of(server, "pooled") << "\n"
                                                        << weir.log();
  EXPECT_EQ(login_until(weir.port(), "pooled", "second-pw", true), "") << weir.log();
  EXPECT_EQ(attempt(weir.port(), ConnectOptions{}.as("pooled", "first-pw")).rfind("1045 ", 0), 0U);

  ASSERT_TRUE(sessions_become(server, "pooled", true)) << weir.log();
  server.execute("DROP USER pooled@'%'");  // the server itself keeps a dropped user's sessions
  EXPECT_TRUE(sessions_become(server, "pooled", false)) << "still " << count_sessions_of(server, "pooled") << "\n"
                                                        << weir.log();
}

}  // namespace
}  // namespace weir::testing::proxy_tests
