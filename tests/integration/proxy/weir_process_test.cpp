// The WeirProcess fixture itself: ready with its port, clear failures, nothing left behind.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "proxy_support.hpp"

namespace weir::testing::proxy_tests {
namespace {

TEST(WeirProcessFixture, StartsReportsItsPortAndIsGoneAfterwards) {
  MariadbServer server;
  prepare_server(server);
  pid_t pid = -1;
  std::string dir;
  {
    WeirProcess weir(weir_for(server));
    pid = weir.pid();
    dir = weir.dir();
    EXPECT_GT(weir.port(), 0);
    EXPECT_EQ(weir.host(), "127.0.0.1");
    EXPECT_EQ(weir.options().listen_port, weir.port());
    EXPECT_NE(weir.log().find("msg=listening address=127.0.0.1:" + std::to_string(weir.port())), std::string::npos);
    EXPECT_TRUE(weir.running());
    MariadbConnection c = weir.connect_as(kApp, kAppPassword);
    EXPECT_EQ(c.scalar("SELECT 6*7"), "42");
  }
  EXPECT_FALSE(pid_alive(pid));
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(WeirProcessFixture, AConfigWeirRefusesFailsWithItsLog) {
  WeirOptions options;
  options.users = {{kApp, kAppPassword}};  // no backend at all
  try {
    WeirProcess weir(options);
    FAIL() << "weir started without a backend";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("exited with code 1 before listening"), std::string::npos) << what;
    EXPECT_NE(what.find("backends"), std::string::npos) << what;
  }
}

TEST(WeirProcessFixture, ExitStatusAfterSigterm) {
  MariadbServer server;
  WeirProcess weir(weir_for(server));
  weir.signal(SIGTERM);
  const auto code = weir.wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value()) << weir.log();
  EXPECT_EQ(*code, 0) << weir.log();
  EXPECT_FALSE(weir.running());
}

TEST(ListenPort, ASecondWeirOnAPortInUseFailsNamingTheAddress) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess first(weir_for(server));
  WeirOptions second_options = weir_for(server);
  second_options.listen_port = first.port();
  try {
    WeirProcess second(second_options);
    FAIL() << "a second weir started on port " << first.port() << ":\n" << second.log();
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot listen on the configured port " + std::to_string(first.port())), std::string::npos)
        << what;
    EXPECT_NE(what.find("address=127.0.0.1:" + std::to_string(first.port())), std::string::npos) << what;
    EXPECT_NE(what.find("in use"), std::string::npos) << what;
  }
  // The first keeps every client.
  for (int i = 0; i < 20; ++i) {
    MariadbConnection c = first.connect_as(kApp, kAppPassword);
    EXPECT_EQ(c.scalar("SELECT 1"), "1");
  }
}

}  // namespace
}  // namespace weir::testing::proxy_tests
