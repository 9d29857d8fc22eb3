// A small client on libmariadb's C API, used to record (and check) the conversation of a second
// client library: text queries, server-side prepared statements with several types, a
// multi-statement read with mysql_next_result, a warning and an error.
//
//   weir_capi_client <host> <port> <user> <password> <database>
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
  std::fprintf(stderr, "capi_client: %s: %s\n", step, what);
  std::exit(1);
}

void check(bool ok, const char* step) {
  if (!ok) die(step, g_mysql != nullptr ? mysql_error(g_mysql) : "failed");
}

void stmt_check(MYSQL_STMT* stmt, bool ok, const char* step) {
  if (!ok) die(step, mysql_stmt_error(stmt));
}

void query(const char* sql) {
  check(mysql_query(g_mysql, sql) == 0, sql);
  MYSQL_RES* res = mysql_store_result(g_mysql);
  if (res != nullptr) mysql_free_result(res);
}

void prepared_insert() {
  MYSQL_STMT* stmt = mysql_stmt_init(g_mysql);
  const char* sql = "INSERT INTO t (id, big, d, s, dt, n) VALUES (?, ?, ?, ?, ?, ?)";
  stmt_check(stmt, mysql_stmt_prepare(stmt, sql, std::strlen(sql)) == 0, "prepare insert");
  if (mysql_stmt_param_count(stmt) != 6) die("prepare insert", "expected 6 parameters");

  int id = 0;
  long long big = 0;
  double d = 0;
  char s[32] = {};
  unsigned long s_len = 0;
  MYSQL_TIME dt{};
  my_bool is_null = 1;
  MYSQL_BIND bind[6];
  std::memset(bind, 0, sizeof bind);
  bind[0].buffer_type = MYSQL_TYPE_LONG;
  bind[0].buffer = &id;
  bind[1].buffer_type = MYSQL_TYPE_LONGLONG;
  bind[1].buffer = &big;
  bind[2].buffer_type = MYSQL_TYPE_DOUBLE;
  bind[2].buffer = &d;
  bind[3].buffer_type = MYSQL_TYPE_STRING;
  bind[3].buffer = s;
  bind[3].length = &s_len;
  bind[4].buffer_type = MYSQL_TYPE_DATETIME;
  bind[4].buffer = &dt;
  bind[5].buffer_type = MYSQL_TYPE_LONG;
  bind[5].is_null = &is_null;
  stmt_check(stmt, mysql_stmt_bind_param(stmt, bind) == 0, "bind insert");

  for (int i = 1; i <= 3; ++i) {
    id = i;
    big = 10000000000LL * i;
    d = 1.5 * i;
    s_len = static_cast<unsigned long>(std::snprintf(s, sizeof s, "row-%d", i));
    dt.year = 2026;
    dt.month = 11;
    dt.day = static_cast<unsigned>(i);
    dt.hour = 12;
    dt.minute = 34;
    dt.second = 56;
    dt.time_type = MYSQL_TIMESTAMP_DATETIME;
    stmt_check(stmt, mysql_stmt_execute(stmt) == 0, "execute insert");
    if (mysql_stmt_affected_rows(stmt) != 1) die("execute insert", "expected 1 affected row");
  }
  mysql_stmt_close(stmt);
  std::printf("prepared insert: 3 rows\n");
}

void prepared_select() {
  MYSQL_STMT* stmt = mysql_stmt_init(g_mysql);
  const char* sql = "SELECT id, big, d, s, dt, n FROM t WHERE id >= ? ORDER BY id";
  stmt_check(stmt, mysql_stmt_prepare(stmt, sql, std::strlen(sql)) == 0, "prepare select");
  if (mysql_stmt_param_count(stmt) != 1 || mysql_stmt_field_count(stmt) != 6) die("prepare select", "counts");
  int min_id = 2;
  MYSQL_BIND param;
  std::memset(&param, 0, sizeof param);
  param.buffer_type = MYSQL_TYPE_LONG;
  param.buffer = &min_id;
  stmt_check(stmt, mysql_stmt_bind_param(stmt, &param) == 0, "bind select param");
  stmt_check(stmt, mysql_stmt_execute(stmt) == 0, "execute select");

  int id = 0;
  long long big = 0;
  double d = 0;
  char s[32] = {};
  unsigned long s_len = 0;
  MYSQL_TIME dt{};
  int n = 0;
  my_bool n_null = 0;
  MYSQL_BIND out[6];
  std::memset(out, 0, sizeof out);
  out[0].buffer_type = MYSQL_TYPE_LONG;
  out[0].buffer = &id;
  out[1].buffer_type = MYSQL_TYPE_LONGLONG;
  out[1].buffer = &big;
  out[2].buffer_type = MYSQL_TYPE_DOUBLE;
  out[2].buffer = &d;
  out[3].buffer_type = MYSQL_TYPE_STRING;
  out[3].buffer = s;
  out[3].buffer_length = sizeof s;
  out[3].length = &s_len;
  out[4].buffer_type = MYSQL_TYPE_DATETIME;
  out[4].buffer = &dt;
  out[5].buffer_type = MYSQL_TYPE_LONG;
  out[5].buffer = &n;
  out[5].is_null = &n_null;
  stmt_check(stmt, mysql_stmt_bind_result(stmt, out) == 0, "bind select result");
  int rows = 0;
  while (mysql_stmt_fetch(stmt) == 0) {
    ++rows;
    if (id != rows + 1 || big != 10000000000LL * id || d != 1.5 * id || !n_null ||
        dt.day != static_cast<unsigned>(id)) {
      die("fetch", "unexpected values");
    }
  }
  if (rows != 2) die("fetch", "expected 2 rows");
  mysql_stmt_close(stmt);
  std::printf("prepared select: %d rows\n", rows);
}

void multi_statement() {
  check(
      mysql_query(g_mysql, "SELECT 1 AS a; SELECT id, s FROM t ORDER BY id; UPDATE t SET d = d + 1 WHERE id = 1") == 0,
      "multi-statement");
  int results = 0;
  int rows = 0;
  while (true) {
    MYSQL_RES* res = mysql_store_result(g_mysql);
    ++results;
    if (res != nullptr) {
      rows += static_cast<int>(mysql_num_rows(res));
      mysql_free_result(res);
    } else if (mysql_field_count(g_mysql) != 0) {
      die("multi-statement", mysql_error(g_mysql));
    }
    const int next = mysql_next_result(g_mysql);
    if (next > 0) die("multi-statement next", mysql_error(g_mysql));
    if (next == -1) break;
  }
  if (results != 3 || rows != 4) die("multi-statement", "expected 3 results and 4 rows");
  std::printf("multi-statement: %d results, %d rows\n", results, rows);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s <host> <port> <user> <password> <database>\n", argv[0]);
    return 2;
  }
  g_mysql = mysql_init(nullptr);
  const unsigned port = static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10));
  check(mysql_real_connect(g_mysql, argv[1], argv[3], argv[4], argv[5], port, nullptr, CLIENT_MULTI_STATEMENTS) !=
            nullptr,
        "connect");
  std::printf("connected: %s\n", mysql_get_server_info(g_mysql));

  query("DROP TABLE IF EXISTS t");
  query("CREATE TABLE t (id INT PRIMARY KEY, big BIGINT, d DOUBLE, s VARCHAR(32), dt DATETIME, n INT)");
  prepared_insert();
  prepared_select();

  check(mysql_query(g_mysql, "SELECT id, big, d, s, dt, n FROM t ORDER BY id") == 0, "text select");
  MYSQL_RES* res = mysql_store_result(g_mysql);
  check(res != nullptr && mysql_num_rows(res) == 3, "text select rows");
  mysql_free_result(res);
  std::printf("text select: 3 rows\n");

  multi_statement();

  check(mysql_query(g_mysql, "SELECT CAST('12abc' AS SIGNED) AS truncated") == 0, "warning query");
  res = mysql_store_result(g_mysql);
  mysql_free_result(res);
  if (mysql_warning_count(g_mysql) != 1) die("warning query", "expected 1 warning");
  std::printf("warnings: %u\n", mysql_warning_count(g_mysql));

  if (mysql_query(g_mysql, "SELECT * FROM no_such_table") == 0 || mysql_errno(g_mysql) != 1146) {
    die("error query", "expected error 1146");
  }
  std::printf("error: %u\n", mysql_errno(g_mysql));

  mysql_close(g_mysql);
  return 0;
}
