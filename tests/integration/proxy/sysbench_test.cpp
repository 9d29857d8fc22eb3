// sysbench oltp_read_write through weir: a short bounded run without a single error.
#include <gtest/gtest.h>

#include <regex>

#include "proxy_support.hpp"

namespace weir::testing::proxy_tests {
namespace {

std::vector<std::string> sysbench_args(std::uint16_t port, const std::string& command) {
  return {"sysbench",
          "oltp_read_write",
          "--db-driver=mysql",
          "--mysql-host=127.0.0.1",
          "--mysql-port=" + std::to_string(port),
          "--mysql-user=app",
          "--mysql-password=app-pw",
          "--mysql-db=sbtest",
          "--tables=2",
          "--table-size=10000",
          "--rand-type=uniform",
          "--threads=4",
          "--time=8",
          "--report-interval=0",
          "--db-ps-mode=auto",
          command};
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SysbenchThroughWeir, OltpReadWriteRunsWithoutErrors) {
  MariadbServer server;
  prepare_server(server);
  server.execute("CREATE DATABASE sbtest");
  WeirProcess weir(weir_for(server));
  const std::string prepare_log = server.dir() + "/sysbench-prepare.out";
  ASSERT_EQ(run_program(sysbench_args(server.port(), "prepare"), prepare_log, std::chrono::seconds(120)), 0)
      << read_all(prepare_log);

  // sysbench ignores deadlocks (1213) and goes on; those are the server's, counted here.
  const char* deadlocks_sql =
      "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_DEADLOCKS'";
  const auto deadlocks_before = server.scalar(deadlocks_sql);
  ASSERT_TRUE(deadlocks_before.has_value());
  const std::string run_log = server.dir() + "/sysbench-run.out";
  const int rc = run_program(sysbench_args(weir.port(), "run"), run_log, std::chrono::seconds(120));
  const std::string out = read_all(run_log);
  ASSERT_EQ(rc, 0) << out << "\nweir log:\n" << weir.log();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(transactions:\s+(\d+))"))) << out;
  EXPECT_GT(std::stol(m[1]), 0) << out;
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(ignored errors:\s+(\d+))"))) << out;
  const long deadlocks = std::stol(server.scalar(deadlocks_sql).value_or("0")) - std::stol(*deadlocks_before);
  EXPECT_EQ(std::stol(m[1]), deadlocks) << "errors besides the server's deadlocks\n" << out;
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(reconnects:\s+(\d+))"))) << out;
  EXPECT_EQ(m[1], "0") << out;
  EXPECT_EQ(out.find("FATAL"), std::string::npos) << out;
  EXPECT_TRUE(weir.running());

  const std::string cleanup_log = server.dir() + "/sysbench-cleanup.out";
  EXPECT_EQ(run_program(sysbench_args(server.port(), "cleanup"), cleanup_log, std::chrono::seconds(60)), 0)
      << read_all(cleanup_log);
}

}  // namespace
}  // namespace weir::testing::proxy_tests
