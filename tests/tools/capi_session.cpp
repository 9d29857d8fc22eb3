// A libmariadb client whose conversation exercises the session-level commands: a login that
// starts with caching_sha2_password and is switched to mysql_native_password by the server
// (AuthSwitchRequest), COM_PING, COM_INIT_DB, COM_STATISTICS, COM_SET_OPTION,
// COM_STMT_SEND_LONG_DATA and COM_STMT_RESET, COM_CHANGE_USER (switched the same way) and
// COM_RESET_CONNECTION.
//
//   weir_capi_session <host> <port> <user> <password> <database> <second user> <second password>
//
// Prints one line per step and exits non-zero at the first result that is not the expected one.
#include <mysql.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

MYSQL* g_mysql = nullptr;

[[noreturn]] void die(const char* step, const char* what) {
  std::fprintf(stderr, "capi_session: %s: %s\n", step, what);
  std::exit(1);
}

void check(bool ok, const char* step) {
  if (!ok) die(step, mysql_error(g_mysql));
}

std::string scalar(const char* sql) {
  check(mysql_query(g_mysql, sql) == 0, sql);
  MYSQL_RES* res = mysql_store_result(g_mysql);
  check(res != nullptr, sql);
  MYSQL_ROW row = mysql_fetch_row(res);
  std::string value = row != nullptr && row[0] != nullptr ? row[0] : "NULL";
  mysql_free_result(res);
  return value;
}

void long_data_statement() {
  MYSQL_STMT* stmt = mysql_stmt_init(g_mysql);
  const char* sql = "SELECT CONCAT(?, '!') AS shout";
  if (mysql_stmt_prepare(stmt, sql, std::strlen(sql)) != 0) die("prepare", mysql_stmt_error(stmt));
  MYSQL_BIND param;
  std::memset(&param, 0, sizeof param);
  param.buffer_type = MYSQL_TYPE_STRING;
  if (mysql_stmt_bind_param(stmt, &param) != 0) die("bind", mysql_stmt_error(stmt));
  if (mysql_stmt_send_long_data(stmt, 0, "long ", 5) != 0 || mysql_stmt_send_long_data(stmt, 0, "data", 4) != 0) {
    die("send_long_data", mysql_stmt_error(stmt));
  }
  if (mysql_stmt_execute(stmt) != 0) die("execute", mysql_stmt_error(stmt));
  char out[64] = {};
  unsigned long out_len = 0;
  MYSQL_BIND result;
  std::memset(&result, 0, sizeof result);
  result.buffer_type = MYSQL_TYPE_STRING;
  result.buffer = out;
  result.buffer_length = sizeof out;
  result.length = &out_len;
  if (mysql_stmt_bind_result(stmt, &result) != 0 || mysql_stmt_fetch(stmt) != 0) die("fetch", mysql_stmt_error(stmt));
  if (std::string(out, out_len) != "long data!") die("fetch", "unexpected value");
  while (mysql_stmt_fetch(stmt) == 0) {
  }
  if (mysql_stmt_reset(stmt) != 0) die("reset", mysql_stmt_error(stmt));
  mysql_stmt_close(stmt);
  std::printf("long data: %s\n", out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::fprintf(stderr, "usage: %s <host> <port> <user> <password> <database> <user2> <password2>\n", argv[0]);
    return 2;
  }
  g_mysql = mysql_init(nullptr);
  // The server's accounts use mysql_native_password: it answers with an AuthSwitchRequest.
  mysql_optionsv(g_mysql, MYSQL_DEFAULT_AUTH, "caching_sha2_password");
  const unsigned port = static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10));
  check(mysql_real_connect(g_mysql, argv[1], argv[3], argv[4], nullptr, port, nullptr, 0) != nullptr, "connect");
  std::printf("connected as %s\n", scalar("SELECT CURRENT_USER()").c_str());

  check(mysql_ping(g_mysql) == 0, "ping");
  check(mysql_select_db(g_mysql, argv[5]) == 0, "select_db");
  std::printf("database: %s\n", scalar("SELECT DATABASE()").c_str());
  const char* stat = mysql_stat(g_mysql);
  check(stat != nullptr && std::strstr(stat, "Uptime") != nullptr, "stat");
  check(mysql_set_server_option(g_mysql, MYSQL_OPTION_MULTI_STATEMENTS_ON) == 0, "set_server_option");
  long_data_statement();

  check(mysql_query(g_mysql, "SET @kept = 1") == 0, "set user variable");
  check(mysql_change_user(g_mysql, argv[6], argv[7], argv[5]) == 0, "change_user");
  std::printf("changed to %s\n", scalar("SELECT CURRENT_USER()").c_str());
  if (scalar("SELECT @kept") != "NULL") die("change_user", "user variable survived");
  check(mysql_query(g_mysql, "SET @kept = 2") == 0, "set user variable");
  check(mysql_reset_connection(g_mysql) == 0, "reset_connection");
  if (scalar("SELECT @kept") != "NULL") die("reset_connection", "user variable survived");
  std::printf("reset\n");
  mysql_close(g_mysql);
  return 0;
}
