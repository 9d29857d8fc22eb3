// sysbench oltp_read_write through weir: a short bounded run without a single error.
#include <gtest/gtest.h>

#include "proxy_support.hpp"
#include "weir/testing/sysbench.hpp"

namespace weir::testing::proxy_tests {
namespace {

SysbenchOptions read_write() {
  SysbenchOptions options;
  options.workload = "oltp_read_write";
  options.table_size = 10000;
  options.seconds = 8;
  options.ps_mode = "auto";
  options.extra = {"--rand-type=uniform"};
  return options;
}

TEST(SysbenchThroughWeir, OltpReadWriteRunsWithoutErrors) {
  MariadbServer server;
  prepare_server(server);
  server.execute("CREATE DATABASE sbtest");
  WeirProcess weir(weir_for(server));
  const auto prepared = run_sysbench(read_write(), server.port(), "prepare", server.dir() + "/sysbench-prepare.out");
  ASSERT_EQ(prepared.status, 0) << prepared.output;

  // sysbench ignores deadlocks (1213) and goes on; those are the server's, counted here.
  const char* deadlocks_sql =
      "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_DEADLOCKS'";
  const auto deadlocks_before = server.scalar(deadlocks_sql);
  ASSERT_TRUE(deadlocks_before.has_value());
  const auto run = run_sysbench(read_write(), weir.port(), "run", server.dir() + "/sysbench-run.out");
  const std::string& out = run.output;
  ASSERT_EQ(run.status, 0) << out << "\nweir log:\n" << weir.log();
  EXPECT_GT(run.count("transactions").value_or(0), 0) << out;
  ASSERT_TRUE(run.count("ignored errors").has_value()) << out;
  const long deadlocks = std::stol(server.scalar(deadlocks_sql).value_or("0")) - std::stol(*deadlocks_before);
  EXPECT_EQ(run.count("ignored errors"), deadlocks) << "errors besides the server's deadlocks\n" << out;
  EXPECT_EQ(run.count("reconnects"), 0) << out;
  EXPECT_EQ(out.find("FATAL"), std::string::npos) << out;
  EXPECT_TRUE(weir.running());

  SysbenchOptions cleanup_options = read_write();
  cleanup_options.timeout = std::chrono::seconds(60);
  const auto cleanup = run_sysbench(cleanup_options, server.port(), "cleanup", server.dir() + "/sysbench-cleanup.out");
  EXPECT_EQ(cleanup.status, 0) << cleanup.output;
}

}  // namespace
}  // namespace weir::testing::proxy_tests
