// With load_users_from_backend enabled, an account that exists only on the server logs in through
// weir, and a password changed on the server is followed within refresh_interval.
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

}  // namespace
}  // namespace weir::testing::proxy_tests
