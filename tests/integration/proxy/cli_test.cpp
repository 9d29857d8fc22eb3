// The mariadb command-line client through weir gives the same output as against the server.
#include <gtest/gtest.h>

#include "proxy_support.hpp"

namespace weir::testing::proxy_tests {
namespace {

class CliThroughWeir : public ::testing::Test {
 protected:
  void SetUp() override {
    prepare_server(server_);
    server_.execute(
        "CREATE TABLE app.t (id INT PRIMARY KEY, name VARCHAR(20)); "
        "INSERT INTO app.t VALUES (1,'one'),(2,'two'),(3,NULL),(4,'four')");
    weir_ = std::make_unique<WeirProcess>(weir_for(server_));
  }
  // The CLI's output against the server and through weir, for the same arguments.
  void expect_same(const std::vector<std::string>& args, const std::string& must_contain) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const std::string direct = run_cli(server_.port(), args, server_.dir() + "/cli-direct.out");
    const std::string through = run_cli(weir_->port(), args, server_.dir() + "/cli-weir.out");
    EXPECT_EQ(through, direct) << "weir log:\n" << weir_->log();
    EXPECT_NE(direct.find(must_contain), std::string::npos) << direct;
  }
  MariadbServer server_;
  std::unique_ptr<WeirProcess> weir_;
};

TEST_F(CliThroughWeir, LoginOutcomesMatchTheServer) {
  // mysql_native_password login, TLS off explicitly and by the client's default.
  expect_same({"-uapp", "-papp-pw", "--skip-ssl", "-e", "SELECT CURRENT_USER()"}, "exit=0\nCURRENT_USER()\napp@%");
  expect_same({"-uapp", "-papp-pw", "-e", "SELECT 1"}, "exit=0");
  // Wrong password and unknown user: ERROR 1045 (28000) with the server's words.
  expect_same({"-uapp", "-pwrong", "--skip-ssl", "-e", "SELECT 1"},
              "ERROR 1045 (28000): Access denied for user 'app'@'127.0.0.1' (using password: YES)");
  expect_same({"-unobody", "-pwhatever", "--skip-ssl", "-e", "SELECT 1"},
              "ERROR 1045 (28000): Access denied for user 'nobody'@'127.0.0.1' (using password: YES)");
  expect_same({"-uapp", "--skip-ssl", "-e", "SELECT 1"},
              "ERROR 1045 (28000): Access denied for user 'app'@'127.0.0.1' (using password: NO)");
  // A database at login (CONNECT_WITH_DB), and an unknown one: the server's 1049.
  expect_same({"-uapp", "-papp-pw", "--skip-ssl", "app", "-e", "SELECT DATABASE(), COUNT(*) FROM t"},
              "exit=0\nDATABASE()\tCOUNT(*)\napp\t4");
  expect_same({"-uapp", "-papp-pw", "--skip-ssl", "no_such_db", "-e", "SELECT 1"},
              "ERROR 1049 (42000): Unknown database 'no_such_db'");
  EXPECT_TRUE(weir_->running());
}

TEST_F(CliThroughWeir, StatementsMatchTheServer) {
  const std::vector<std::string> login = {"-uapp", "-papp-pw", "--skip-ssl"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> args = login;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  expect_same(with({"-e", "SELECT id, name FROM app.t ORDER BY id"}), "1\tone\n2\ttwo\n3\tNULL\n4\tfour\n");
  expect_same(with({"--table", "-e", "SELECT id, name FROM app.t ORDER BY id DESC"}), "| four |");
  expect_same(with({"-e", "SELECT * FROM app.no_such_table"}),
              "ERROR 1146 (42S02) at line 1: Table 'app.no_such_table' doesn't exist");
  expect_same(with({"-e", "SELEC 1"}), "ERROR 1064 (42000) at line 1: You have an error in your SQL syntax");
  expect_same(with({"-e", "select 1; select 2"}), "1\n1\n2\n2\n");
  expect_same(with({"-e", "SELECT 1/0; SHOW WARNINGS"}), "Warning\t1365\tDivision by 0");
  expect_same(with({"-e", "USE app; SELECT DATABASE(); SELECT name FROM t WHERE id=2"}), "app\nname\ntwo\n");
  expect_same(with({"-e",
                    "CREATE TEMPORARY TABLE app.x (a INT); INSERT INTO app.x VALUES (7),(8); "
                    "SELECT SUM(a) FROM app.x"}),
              "SUM(a)\n15\n");
  expect_same(with({"-e", "SELECT 1; SELECT * FROM nope.nope; SELECT 3"}), "ERROR 1146 (42S02) at line 1");
  expect_same(with({"--force", "-e", "SELECT 1; SELECT * FROM nope.nope; SELECT 3"}), "ERROR 1146 (42S02)");
  EXPECT_TRUE(weir_->running());
}

}  // namespace
}  // namespace weir::testing::proxy_tests
