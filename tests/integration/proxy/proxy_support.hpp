#pragma once
// Shared pieces of the proxy integration tests: a server with the test accounts, weir in front of
// it, raw libmariadb connections, and running the mariadb CLI.
#include <mysql.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "weir/testing/mariadb_server.hpp"
#include "weir/testing/process.hpp"
#include "weir/testing/weir_process.hpp"

namespace weir::testing::proxy_tests {

inline constexpr const char* kApp = "app";
inline constexpr const char* kAppPassword = "app-pw";
inline constexpr const char* kOther = "other";
inline constexpr const char* kOtherPassword = "other-pw";

// A server with database `app` and the accounts app and other (ALL on *.*).
inline void prepare_server(MariadbServer& server) {
  server.execute("CREATE DATABASE IF NOT EXISTS app");
  server.create_user(kApp, kAppPassword, "ALL PRIVILEGES", "*.*");
  server.create_user(kOther, kOtherPassword, "ALL PRIVILEGES", "*.*");
}

inline WeirOptions weir_for(const MariadbServer& server) {
  return WeirOptions::for_server(server, {{kApp, kAppPassword}, {kOther, kOtherPassword}});
}

struct MysqlCloser {
  void operator()(MYSQL* m) const { mysql_close(m); }
};
using Mysql = std::unique_ptr<MYSQL, MysqlCloser>;

struct ConnectOptions {
  std::string user = kApp;
  std::string password = kAppPassword;
  std::string database;
  bool local_infile = false;
  unsigned long client_flags = CLIENT_MULTI_RESULTS;
  unsigned read_timeout_s = 60;
  unsigned long max_allowed_packet = 64UL << 20;
  std::string bind_address;  // the client's own address (another loopback address); empty: the kernel's choice

  ConnectOptions& as(std::string u, std::string p) {
    user = std::move(u);
    password = std::move(p);
    return *this;
  }
  ConnectOptions& from(std::string address) {
    bind_address = std::move(address);
    return *this;
  }
  ConnectOptions& db(std::string d) {
    database = std::move(d);
    return *this;
  }
  ConnectOptions& with_local_infile() {
    local_infile = true;
    return *this;
  }
  ConnectOptions& multi_statements() {
    client_flags |= CLIENT_MULTI_STATEMENTS;
    return *this;
  }
  ConnectOptions& read_timeout(unsigned seconds) {
    read_timeout_s = seconds;
    return *this;
  }
};

// A connection to 127.0.0.1:port, or nullptr with `error` set to "<code> <message>".
inline Mysql open_mysql(std::uint16_t port, const ConnectOptions& o, std::string* error = nullptr) {
  MYSQL* m = mysql_init(nullptr);
  const my_bool no_ssl = 0;
  mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &no_ssl);
  const unsigned read_timeout = o.read_timeout_s;
  mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  const unsigned connect_timeout = 10;
  mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_optionsv(m, MYSQL_OPT_MAX_ALLOWED_PACKET, &o.max_allowed_packet);
  if (o.local_infile) {
    const unsigned on = 1;
    mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &on);
  }
  if (!o.bind_address.empty()) mysql_optionsv(m, MYSQL_OPT_BIND, o.bind_address.c_str());
  if (mysql_real_connect(m, "127.0.0.1", o.user.c_str(), o.password.c_str(),
                         o.database.empty() ? nullptr : o.database.c_str(), port, nullptr, o.client_flags) == nullptr) {
    if (error != nullptr) *error = std::to_string(mysql_errno(m)) + " " + mysql_error(m);
    mysql_close(m);
    return nullptr;
  }
  return Mysql(m);
}

// The first column of the first row of `sql` ("NULL" for NULL, "<no row>", or "ERR <code>").
inline std::string scalar_of(MYSQL* m, const std::string& sql) {
  if (mysql_query(m, sql.c_str()) != 0) return "ERR " + std::to_string(mysql_errno(m));
  MYSQL_RES* res = mysql_store_result(m);
  if (res == nullptr) return "<no result>";
  MYSQL_ROW row = mysql_fetch_row(res);
  std::string out = row == nullptr ? "<no row>" : row[0] == nullptr ? "NULL" : row[0];
  mysql_free_result(res);
  while (mysql_next_result(m) == 0) {
    if (MYSQL_RES* more = mysql_store_result(m)) mysql_free_result(more);
  }
  return out;
}

// A prepared statement of the client, and its executions with one parameter bound: an integer,
// or a string. Returns the first column of the first row as text, "ERR n" on an error.
class PreparedStatement {
 public:
  PreparedStatement(MYSQL* m, const std::string& sql) : stmt_(mysql_stmt_init(m)) {
    if (mysql_stmt_prepare(stmt_, sql.c_str(), sql.size()) != 0) error_ = mysql_stmt_errno(stmt_);
  }
  ~PreparedStatement() { mysql_stmt_close(stmt_); }
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;
  unsigned error() const { return error_; }
  MYSQL_STMT* get() { return stmt_; }

  std::string with_number(long long value) {
    MYSQL_BIND param{};
    param.buffer_type = MYSQL_TYPE_LONGLONG;
    param.buffer = &value;
    return execute(&param);
  }
  std::string with_text(std::string value) {
    MYSQL_BIND param{};
    unsigned long length = value.size();
    param.buffer_type = MYSQL_TYPE_STRING;
    param.buffer = value.data();
    param.buffer_length = length;
    param.length = &length;
    return execute(&param);
  }
  std::string without_parameters() { return execute(nullptr); }

 private:
  std::string execute(MYSQL_BIND* param) {
    if (param != nullptr && mysql_stmt_bind_param(stmt_, param) != 0) return "ERR bind";
    if (mysql_stmt_execute(stmt_) != 0) return "ERR " + std::to_string(mysql_stmt_errno(stmt_));
    char value[256] = {};
    unsigned long length = 0;
    my_bool is_null = 0;
    MYSQL_BIND column{};
    column.buffer_type = MYSQL_TYPE_STRING;
    column.buffer = value;
    column.buffer_length = sizeof value;
    column.length = &length;
    column.is_null = &is_null;
    if (mysql_stmt_bind_result(stmt_, &column) != 0) return "ERR bind result";
    const int fetched = mysql_stmt_fetch(stmt_);
    mysql_stmt_free_result(stmt_);
    if (fetched == MYSQL_NO_DATA) return "no row";
    if (fetched != 0 && fetched != MYSQL_DATA_TRUNCATED) return "ERR fetch";
    return is_null ? "NULL" : std::string(value, length);
  }

  MYSQL_STMT* stmt_;
  unsigned error_ = 0;
};

// Runs the mariadb CLI with `args` against 127.0.0.1:port; returns exit code and output
// (stdout and stderr together) as "exit=<code>\n<output>".
inline std::string run_cli(std::uint16_t port, const std::vector<std::string>& args, const std::string& out_path) {
  std::vector<std::string> argv = {"mariadb", "--no-defaults", "--host=127.0.0.1", "--port=" + std::to_string(port),
                                   "--protocol=TCP"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ofstream(out_path, std::ios::trunc).close();
  const int rc = run_program(argv, out_path, std::chrono::seconds(60));
  std::ifstream in(out_path);
  std::ostringstream text;
  text << in.rdbuf();
  return "exit=" + std::to_string(rc) + "\n" + text.str();
}

// VmRSS of a process in KiB (0 when it cannot be read).
inline long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

}  // namespace weir::testing::proxy_tests
