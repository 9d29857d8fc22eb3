// libmariadb's C API through weir: prepared statements of every common type, large values,
// multi-results, session state, the utility commands, cursors, LOCAL INFILE and KILL.
#include <gtest/gtest.h>
#include <mysql.h>

#include <cstring>
#include <future>
#include <random>
#include <thread>

#include "proxy_support.hpp"
#include "weir/testing/hex.hpp"

namespace weir::testing::proxy_tests {
namespace {

using namespace std::chrono_literals;

class CapiThroughWeir : public ::testing::Test {
 protected:
  static MariadbOptions server_options() {
    MariadbOptions o;
    o.cnf_lines = {"max_allowed_packet=64M", "local_infile=1"};
    return o;
  }
  void SetUp() override {
    prepare_server(server_);
    server_.execute("CREATE DATABASE IF NOT EXISTS app2");
    weir_ = std::make_unique<WeirProcess>(weir_for(server_));
  }
  Mysql direct(const ConnectOptions& o = {}) {
    std::string error;
    Mysql m = open_mysql(server_.port(), o, &error);
    EXPECT_NE(m, nullptr) << "direct connection: " << error;
    return m;
  }
  Mysql through(const ConnectOptions& o = {}) {
    std::string error;
    Mysql m = open_mysql(weir_->port(), o, &error);
    EXPECT_NE(m, nullptr) << "connection through weir: " << error << "\nweir log:\n" << weir_->log();
    return m;
  }
  MariadbServer server_{server_options()};
  std::unique_ptr<WeirProcess> weir_;
};

#define ASSERT_QUERY(m, sql) ASSERT_EQ(mysql_query((m), (sql)), 0) << (sql) << ": " << mysql_error(m)

// Inserts one row of every common type with a prepared statement and reads it back with another,
// both with bound buffers; returns what was read, rendered as text.
std::vector<std::string> prepared_round_trip(MYSQL* m, const std::string& table) {
  std::vector<std::string> out;
  auto fail = [&](const char* what, MYSQL_STMT* s) {
    out.push_back(std::string("FAILED ") + what + ": " + (s != nullptr ? mysql_stmt_error(s) : mysql_error(m)));
    return out;
  };
  const std::string create = "CREATE TABLE " + table +
                             " (i8 TINYINT, u8 TINYINT UNSIGNED, i16 SMALLINT, i24 MEDIUMINT, i32 INT, "
                             "i64 BIGINT, u64 BIGINT UNSIGNED, d DECIMAL(30,10), f FLOAT, g DOUBLE, dt DATE, "
                             "tm TIME(6), dtm DATETIME(6), ts TIMESTAMP(3) NULL, vc VARCHAR(100), bl BLOB, n INT)";
  if (mysql_query(m, create.c_str()) != 0) return fail("create", nullptr);

  MYSQL_STMT* ins = mysql_stmt_init(m);
  const std::string insert = "INSERT INTO " + table + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  if (mysql_stmt_prepare(ins, insert.c_str(), insert.size()) != 0) return fail("prepare insert", ins);
  if (mysql_stmt_param_count(ins) != 17) return fail("param count", ins);
  signed char i8 = -128;
  unsigned char u8 = 255;
  short i16 = -32768;
  int i24 = -8388608;
  int i32 = 2147483647;
  long long i64 = -9223372036854775807LL - 1;
  unsigned long long u64 = 18446744073709551615ULL;
  char dec[] = "-12345678901234567890.0123456789";
  unsigned long dec_len = std::strlen(dec);
  float f = 1.5f;
  double g = -2.718281828459045;
  MYSQL_TIME dt{};
  dt.year = 2024;
  dt.month = 2;
  dt.day = 29;
  dt.time_type = MYSQL_TIMESTAMP_DATE;
  MYSQL_TIME tm{};
  tm.hour = 23;
  tm.minute = 59;
  tm.second = 58;
  tm.second_part = 999999;
  tm.neg = 1;
  tm.time_type = MYSQL_TIMESTAMP_TIME;
  MYSQL_TIME dtm{};
  dtm.year = 1999;
  dtm.month = 12;
  dtm.day = 31;
  dtm.hour = 23;
  dtm.minute = 59;
  dtm.second = 59;
  dtm.second_part = 123456;
  dtm.time_type = MYSQL_TIMESTAMP_DATETIME;
  MYSQL_TIME ts{};
  ts.year = 2030;
  ts.month = 1;
  ts.day = 2;
  ts.hour = 3;
  ts.minute = 4;
  ts.second = 5;
  ts.second_part = 678000;
  ts.time_type = MYSQL_TIMESTAMP_DATETIME;
  char vc[] = "h\xc3\xa9llo 'quoted' \"x\"";
  unsigned long vc_len = std::strlen(vc);
  const char bl[] = {'\0', '\x01', '\xff', '\0', 'z'};
  unsigned long bl_len = sizeof bl;
  my_bool is_null = 1;

  MYSQL_BIND p[17];
  std::memset(p, 0, sizeof p);
  p[0].buffer_type = MYSQL_TYPE_TINY;
  p[0].buffer = &i8;
  p[1].buffer_type = MYSQL_TYPE_TINY;
  p[1].buffer = &u8;
  p[1].is_unsigned = 1;
  p[2].buffer_type = MYSQL_TYPE_SHORT;
  p[2].buffer = &i16;
  p[3].buffer_type = MYSQL_TYPE_LONG;
  p[3].buffer = &i24;
  p[4].buffer_type = MYSQL_TYPE_LONG;
  p[4].buffer = &i32;
  p[5].buffer_type = MYSQL_TYPE_LONGLONG;
  p[5].buffer = &i64;
  p[6].buffer_type = MYSQL_TYPE_LONGLONG;
  p[6].buffer = &u64;
  p[6].is_unsigned = 1;
  p[7].buffer_type = MYSQL_TYPE_NEWDECIMAL;
  p[7].buffer = dec;
  p[7].length = &dec_len;
  p[8].buffer_type = MYSQL_TYPE_FLOAT;
  p[8].buffer = &f;
  p[9].buffer_type = MYSQL_TYPE_DOUBLE;
  p[9].buffer = &g;
  p[10].buffer_type = MYSQL_TYPE_DATE;
  p[10].buffer = &dt;
  p[11].buffer_type = MYSQL_TYPE_TIME;
  p[11].buffer = &tm;
  p[12].buffer_type = MYSQL_TYPE_DATETIME;
  p[12].buffer = &dtm;
  p[13].buffer_type = MYSQL_TYPE_TIMESTAMP;
  p[13].buffer = &ts;
  p[14].buffer_type = MYSQL_TYPE_STRING;
  p[14].buffer = vc;
  p[14].length = &vc_len;
  p[15].buffer_type = MYSQL_TYPE_BLOB;
  p[15].buffer = const_cast<char*>(bl);
  p[15].length = &bl_len;
  p[16].buffer_type = MYSQL_TYPE_LONG;
  p[16].is_null = &is_null;
  if (mysql_stmt_bind_param(ins, p) != 0) return fail("bind insert", ins);
  if (mysql_stmt_execute(ins) != 0) return fail("execute insert", ins);
  out.push_back("affected=" + std::to_string(mysql_stmt_affected_rows(ins)));
  // A second row of NULLs in every column.
  my_bool nulls[17];
  for (int i = 0; i < 17; ++i) {
    nulls[i] = 1;
    p[i].is_null = &nulls[i];
  }
  if (mysql_stmt_bind_param(ins, p) != 0 || mysql_stmt_execute(ins) != 0) return fail("insert nulls", ins);
  mysql_stmt_close(ins);

  MYSQL_STMT* sel = mysql_stmt_init(m);
  const std::string select = "SELECT * FROM " + table + " WHERE i32 = ? OR i32 IS NULL ORDER BY i32 IS NULL";
  if (mysql_stmt_prepare(sel, select.c_str(), select.size()) != 0) return fail("prepare select", sel);
  int key = 2147483647;
  MYSQL_BIND k{};
  k.buffer_type = MYSQL_TYPE_LONG;
  k.buffer = &key;
  if (mysql_stmt_bind_param(sel, &k) != 0 || mysql_stmt_execute(sel) != 0) return fail("execute select", sel);
  MYSQL_RES* meta = mysql_stmt_result_metadata(sel);
  if (meta == nullptr || mysql_num_fields(meta) != 17) return fail("metadata", sel);
  for (unsigned i = 0; i < 17; ++i) {
    const MYSQL_FIELD* field = mysql_fetch_field_direct(meta, i);
    out.push_back(std::string("field ") + field->name + " type=" + std::to_string(field->type) +
                  " len=" + std::to_string(field->length) + " dec=" + std::to_string(field->decimals) +
                  " flags=" + std::to_string(field->flags));
  }
  mysql_free_result(meta);
  // Every column as text (the server converts), plus integer and time columns in their own types.
  char text[17][128];
  unsigned long lengths[17];
  my_bool null_flags[17];
  my_bool errors[17];
  MYSQL_BIND r[17];
  std::memset(r, 0, sizeof r);
  for (int i = 0; i < 17; ++i) {
    r[i].buffer_type = MYSQL_TYPE_STRING;
    r[i].buffer = text[i];
    r[i].buffer_length = sizeof text[i];
    r[i].length = &lengths[i];
    r[i].is_null = &null_flags[i];
    r[i].error = &errors[i];
  }
  long long i64_out = 0;
  r[5].buffer_type = MYSQL_TYPE_LONGLONG;
  r[5].buffer = &i64_out;
  MYSQL_TIME dtm_out{};
  r[12].buffer_type = MYSQL_TYPE_DATETIME;
  r[12].buffer = &dtm_out;
  double g_out = 0;
  r[9].buffer_type = MYSQL_TYPE_DOUBLE;
  r[9].buffer = &g_out;
  if (mysql_stmt_bind_result(sel, r) != 0) return fail("bind result", sel);
  if (mysql_stmt_store_result(sel) != 0) return fail("store result", sel);
  out.push_back("rows=" + std::to_string(mysql_stmt_num_rows(sel)));
  int rc = 0;
  while ((rc = mysql_stmt_fetch(sel)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
    std::string row;
    for (int i = 0; i < 17; ++i) {
      row += "|";
      if (null_flags[i]) {
        row += "NULL";
      } else if (i == 5) {
        row += std::to_string(i64_out);
      } else if (i == 9) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", g_out);
        row += buf;
      } else if (i == 12) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%04u-%02u-%02u %02u:%02u:%02u.%06lu", dtm_out.year, dtm_out.month, dtm_out.day,
                      dtm_out.hour, dtm_out.minute, dtm_out.second, dtm_out.second_part);
        row += buf;
      } else {
        for (unsigned long j = 0; j < lengths[i] && j < sizeof text[i]; ++j) {
          const auto c = static_cast<unsigned char>(text[i][j]);
          char buf[8];
          if (c < 32 || c > 126)
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
          else
            std::snprintf(buf, sizeof buf, "%c", c);
          row += buf;
        }
      }
    }
    out.push_back(row);
  }
  if (rc != MYSQL_NO_DATA) return fail("fetch", sel);
  mysql_stmt_close(sel);
  return out;
}

TEST_F(CapiThroughWeir, PreparedStatementsOfEveryCommonTypeMatchTheServer) {
  Mysql d = direct(ConnectOptions{}.db("app"));
  Mysql w = through(ConnectOptions{}.db("app2"));
  ASSERT_TRUE(d && w);
  const auto expected = prepared_round_trip(d.get(), "types_direct");
  const auto got = prepared_round_trip(w.get(), "types_weir");
  EXPECT_EQ(got, expected);
  ASSERT_GE(expected.size(), 20U);
  EXPECT_EQ(
      expected[19],
      "|-128|255|-32768|-8388608|2147483647|-9223372036854775808|18446744073709551615|"
      "-12345678901234567890.0123456789|1.5|-2.7182818284590451|2024-02-29|-23:59:58.999999|"
      "1999-12-31 23:59:59.123456|2030-01-02 03:04:05.678|h\\xc3\\xa9llo 'quoted' \"x\"|\\x00\\x01\\xff\\x00z|NULL");
  EXPECT_EQ(expected.back(), "|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL");
}

TEST_F(CapiThroughWeir, TwentyMegabyteBlobsByLongDataAndByQuery) {
  Mysql w = through(ConnectOptions{}.db("app"));
  ASSERT_TRUE(w);
  ASSERT_QUERY(w.get(), "CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB)");
  std::string blob(20u << 20, '\0');
  std::mt19937 rng(42);
  for (auto& c : blob) c = static_cast<char>(rng());

  // Prepared statement, the value sent in 1 MiB pieces with COM_STMT_SEND_LONG_DATA.
  MYSQL_STMT* ins = mysql_stmt_init(w.get());
  const std::string insert = "INSERT INTO big VALUES (1, ?)";
  ASSERT_EQ(mysql_stmt_prepare(ins, insert.c_str(), insert.size()), 0) << mysql_stmt_error(ins);
  MYSQL_BIND p{};
  p.buffer_type = MYSQL_TYPE_LONG_BLOB;
  ASSERT_EQ(mysql_stmt_bind_param(ins, &p), 0);
  for (std::size_t at = 0; at < blob.size(); at += 1u << 20) {
    ASSERT_EQ(mysql_stmt_send_long_data(ins, 0, blob.data() + at, 1u << 20), 0) << mysql_stmt_error(ins);
  }
  ASSERT_EQ(mysql_stmt_execute(ins), 0) << mysql_stmt_error(ins);
  mysql_stmt_close(ins);

  // Plain COM_QUERY: a 40 MiB statement (hex literal), several 16 MiB frames.
  std::string query = "INSERT INTO big VALUES (2, X'";
  query += weir::testing::to_hex(blob) + "')";
  ASSERT_EQ(mysql_real_query(w.get(), query.data(), query.size()), 0) << mysql_error(w.get());
  query.clear();
  query.shrink_to_fit();

  // Both read back in text and in binary protocol; the server agrees about the checksum.
  ASSERT_QUERY(w.get(), "SELECT id, b FROM big ORDER BY id");
  MYSQL_RES* res = mysql_store_result(w.get());
  ASSERT_NE(res, nullptr);
  for (int id = 1; id <= 2; ++id) {
    MYSQL_ROW row = mysql_fetch_row(res);
    ASSERT_NE(row, nullptr);
    const unsigned long* len = mysql_fetch_lengths(res);
    ASSERT_EQ(len[1], blob.size()) << "row " << id;
    EXPECT_EQ(std::memcmp(row[1], blob.data(), blob.size()), 0) << "row " << id;
  }
  mysql_free_result(res);

  MYSQL_STMT* sel = mysql_stmt_init(w.get());
  const std::string select = "SELECT b FROM big WHERE id = 1";
  ASSERT_EQ(mysql_stmt_prepare(sel, select.c_str(), select.size()), 0) << mysql_stmt_error(sel);
  ASSERT_EQ(mysql_stmt_execute(sel), 0) << mysql_stmt_error(sel);
  std::string back(blob.size(), '\0');
  unsigned long back_len = 0;
  MYSQL_BIND r{};
  r.buffer_type = MYSQL_TYPE_LONG_BLOB;
  r.buffer = back.data();
  r.buffer_length = back.size();
  r.length = &back_len;
  ASSERT_EQ(mysql_stmt_bind_result(sel, &r), 0);
  ASSERT_EQ(mysql_stmt_fetch(sel), 0) << mysql_stmt_error(sel);
  EXPECT_EQ(back_len, blob.size());
  EXPECT_TRUE(back == blob);
  EXPECT_EQ(mysql_stmt_fetch(sel), MYSQL_NO_DATA);
  mysql_stmt_close(sel);
  EXPECT_EQ(server_.scalar("SELECT COUNT(DISTINCT MD5(b)) FROM app.big"), "1");
  EXPECT_EQ(server_.scalar("SELECT LENGTH(b) FROM app.big WHERE id=2"), std::to_string(blob.size()));
}

// Runs `sql` and describes every result of it: result sets (columns and rows) and OK packets.
std::vector<std::string> results_of(MYSQL* m, const std::string& sql) {
  std::vector<std::string> out;
  if (mysql_query(m, sql.c_str()) != 0) return {"ERR " + std::to_string(mysql_errno(m)) + " " + mysql_error(m)};
  do {
    MYSQL_RES* res = mysql_store_result(m);
    if (res == nullptr) {
      out.push_back("ok affected=" + std::to_string(mysql_affected_rows(m)) +
                    " warnings=" + std::to_string(mysql_warning_count(m)));
      continue;
    }
    std::string set = "set";
    for (unsigned i = 0; i < mysql_num_fields(res); ++i)
      set += std::string(" ") + mysql_fetch_field_direct(res, i)->name;
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
      set += " |";
      for (unsigned i = 0; i < mysql_num_fields(res); ++i) set += std::string(" ") + (row[i] ? row[i] : "NULL");
    }
    out.push_back(set);
    mysql_free_result(res);
  } while (mysql_next_result(m) == 0);
  if (mysql_errno(m) != 0) out.push_back("ERR " + std::to_string(mysql_errno(m)));
  return out;
}

TEST_F(CapiThroughWeir, MultiResultsTransactionsAndSessionStateMatchTheServer) {
  server_.execute(
      "CREATE PROCEDURE app.two_sets() BEGIN SELECT 1 AS a; SELECT 2 AS b, 'x' AS c UNION SELECT 3, 'y'; END");
  server_.execute("CREATE TABLE app.seq (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
  Mysql d = direct(ConnectOptions{}.db("app").multi_statements());
  Mysql w = through(ConnectOptions{}.db("app").multi_statements());
  ASSERT_TRUE(d && w);
  const std::vector<std::string> script = {
      "CALL two_sets()",
      "SELECT @@in_transaction",
      "SET @v = 41; SELECT @v + 1",
      "CREATE TEMPORARY TABLE tmp (x INT); INSERT INTO tmp VALUES (1),(2),(3); SELECT SUM(x) FROM tmp",
      "SELECT 1/0",
      "SELECT CAST('12abc' AS INT), CAST('x' AS INT)",
      "SHOW WARNINGS",
      "SELECT * FROM no_such_table",
      "SELECT 1; SELECT * FROM nope; SELECT 3",
  };
  for (const auto& sql : script) {
    EXPECT_EQ(results_of(w.get(), sql), results_of(d.get(), sql)) << sql;
  }
  EXPECT_EQ(results_of(w.get(), "CALL two_sets()"),
            (std::vector<std::string>{"set a | 1", "set b c | 2 x | 3 y", "ok affected=0 warnings=0"}));
  EXPECT_EQ(mysql_warning_count(w.get()), 0U);
  ASSERT_EQ(mysql_query(w.get(), "SELECT 1/0, CAST('x' AS INT)"), 0);
  mysql_free_result(mysql_store_result(w.get()));
  EXPECT_EQ(mysql_warning_count(w.get()), 2U);

  // Transactions: the status flag and @@in_transaction follow BEGIN/ROLLBACK/COMMIT.
  Mysql observer = direct(ConnectOptions{}.db("app"));
  ASSERT_QUERY(w.get(), "BEGIN");
  EXPECT_NE(w->server_status & SERVER_STATUS_IN_TRANS, 0U);
  EXPECT_EQ(scalar_of(w.get(), "SELECT @@in_transaction"), "1");
  ASSERT_QUERY(w.get(), "INSERT INTO seq (v) VALUES (10)");
  EXPECT_EQ(scalar_of(observer.get(), "SELECT COUNT(*) FROM seq"), "0");
  ASSERT_QUERY(w.get(), "ROLLBACK");
  EXPECT_EQ(w->server_status & SERVER_STATUS_IN_TRANS, 0U);
  EXPECT_EQ(scalar_of(w.get(), "SELECT @@in_transaction"), "0");
  EXPECT_EQ(scalar_of(w.get(), "SELECT COUNT(*) FROM seq"), "0");
  ASSERT_QUERY(w.get(), "START TRANSACTION");
  ASSERT_QUERY(w.get(), "INSERT INTO seq (v) VALUES (20), (21)");
  const auto first_id = mysql_insert_id(w.get());
  EXPECT_EQ(scalar_of(w.get(), "SELECT LAST_INSERT_ID()"), std::to_string(first_id));
  EXPECT_GT(first_id, 0U);
  ASSERT_QUERY(w.get(), "COMMIT");
  EXPECT_EQ(w->server_status & SERVER_STATUS_IN_TRANS, 0U);
  EXPECT_NE(w->server_status & SERVER_STATUS_AUTOCOMMIT, 0U);
  EXPECT_EQ(scalar_of(observer.get(), "SELECT COUNT(*) FROM seq"), "2");
  ASSERT_QUERY(w.get(), "INSERT INTO seq (v) VALUES (30)");
  EXPECT_EQ(mysql_insert_id(w.get()), first_id + 2);
  EXPECT_EQ(mysql_affected_rows(w.get()), 1U);

  // COM_INIT_DB.
  ASSERT_EQ(mysql_select_db(w.get(), "app2"), 0) << mysql_error(w.get());
  EXPECT_EQ(scalar_of(w.get(), "SELECT DATABASE()"), "app2");
  EXPECT_NE(mysql_select_db(w.get(), "no_such_db"), 0);
  EXPECT_EQ(mysql_errno(w.get()), 1049U);
  EXPECT_EQ(mysql_select_db(d.get(), "no_such_db") != 0 ? std::string(mysql_error(d.get())) : "",
            std::string(mysql_error(w.get())));
  EXPECT_EQ(scalar_of(w.get(), "SELECT DATABASE()"), "app2");
}

TEST_F(CapiThroughWeir, UtilityCommandsMatchTheServer) {
  server_.execute("CREATE TABLE app.cols (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL, price DECIMAL(8,2))");
  server_.execute("CREATE TABLE app.ten (n INT PRIMARY KEY)");
  server_.execute("INSERT INTO app.ten VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10)");
  Mysql w = through(ConnectOptions{}.db("app"));
  Mysql d = direct(ConnectOptions{}.db("app"));
  ASSERT_TRUE(w && d);

  // COM_PING and COM_STATISTICS.
  EXPECT_EQ(mysql_ping(w.get()), 0) << mysql_error(w.get());
  const char* stat = mysql_stat(w.get());
  ASSERT_NE(stat, nullptr) << mysql_error(w.get());
  EXPECT_EQ(std::string(stat).rfind("Uptime: ", 0), 0U) << stat;
  EXPECT_NE(std::string(stat).find("Queries per second avg"), std::string::npos) << stat;

  // COM_FIELD_LIST.
  auto fields_of = [](MYSQL* m) {
    std::vector<std::string> names;
    MYSQL_RES* res = mysql_list_fields(m, "cols", nullptr);
    if (res == nullptr) return std::vector<std::string>{"ERR " + std::string(mysql_error(m))};
    for (unsigned i = 0; i < mysql_num_fields(res); ++i) {
      const MYSQL_FIELD* f = mysql_fetch_field_direct(res, i);
      names.push_back(std::string(f->name) + ":" + std::to_string(f->type) + ":" + std::to_string(f->flags));
    }
    mysql_free_result(res);
    return names;
  };
  const auto fields = fields_of(w.get());
  EXPECT_EQ(fields, fields_of(d.get()));
  ASSERT_EQ(fields.size(), 3U);
  EXPECT_EQ(fields[1].substr(0, 5), "name:");
  EXPECT_EQ(mysql_ping(w.get()), 0);

  // COM_CHANGE_USER to the other account and back; a wrong password fails like on the server.
  ASSERT_QUERY(w.get(), "SET @kept = 1");
  ASSERT_EQ(mysql_change_user(w.get(), kOther, kOtherPassword, "app2"), 0) << mysql_error(w.get());
  EXPECT_EQ(scalar_of(w.get(), "SELECT CONCAT(CURRENT_USER(), ' ', DATABASE())"), "other@% app2");
  EXPECT_EQ(scalar_of(w.get(), "SELECT @kept"), "NULL");
  ASSERT_EQ(mysql_change_user(w.get(), kApp, kAppPassword, "app"), 0) << mysql_error(w.get());
  EXPECT_EQ(scalar_of(w.get(), "SELECT CONCAT(CURRENT_USER(), ' ', DATABASE())"), "app@% app");
  EXPECT_NE(mysql_change_user(d.get(), kOther, "wrong", nullptr), 0);
  EXPECT_NE(mysql_change_user(w.get(), kOther, "wrong", nullptr), 0);
  EXPECT_EQ(mysql_errno(w.get()), mysql_errno(d.get()));
  EXPECT_STREQ(mysql_error(w.get()), mysql_error(d.get()));
  EXPECT_EQ(mysql_errno(w.get()), 1045U);

  // COM_RESET_CONNECTION clears variables and temporary tables.
  Mysql r = through(ConnectOptions{}.db("app"));
  ASSERT_TRUE(r);
  ASSERT_QUERY(r.get(), "SET @x = 5");
  ASSERT_QUERY(r.get(), "CREATE TEMPORARY TABLE tt (a INT)");
  ASSERT_EQ(mysql_reset_connection(r.get()), 0) << mysql_error(r.get());
  EXPECT_EQ(scalar_of(r.get(), "SELECT @x"), "NULL");
  EXPECT_EQ(scalar_of(r.get(), "SELECT COUNT(*) FROM tt"), "ERR 1146");
  EXPECT_EQ(scalar_of(r.get(), "SELECT DATABASE()"), "app");

  // A read-only cursor fetching two rows at a time (COM_STMT_FETCH).
  MYSQL_STMT* s = mysql_stmt_init(r.get());
  const unsigned long cursor = CURSOR_TYPE_READ_ONLY;
  const unsigned long prefetch = 2;
  ASSERT_EQ(mysql_stmt_attr_set(s, STMT_ATTR_CURSOR_TYPE, &cursor), 0);
  ASSERT_EQ(mysql_stmt_attr_set(s, STMT_ATTR_PREFETCH_ROWS, &prefetch), 0);
  const std::string q = "SELECT n FROM ten ORDER BY n";
  ASSERT_EQ(mysql_stmt_prepare(s, q.c_str(), q.size()), 0) << mysql_stmt_error(s);
  ASSERT_EQ(mysql_stmt_execute(s), 0) << mysql_stmt_error(s);
  EXPECT_NE(r->server_status & SERVER_STATUS_CURSOR_EXISTS, 0U);
  int n = 0;
  MYSQL_BIND b{};
  b.buffer_type = MYSQL_TYPE_LONG;
  b.buffer = &n;
  ASSERT_EQ(mysql_stmt_bind_result(s, &b), 0);
  std::vector<int> seen;
  int rc = 0;
  while ((rc = mysql_stmt_fetch(s)) == 0) seen.push_back(n);
  EXPECT_EQ(rc, MYSQL_NO_DATA) << mysql_stmt_error(s);
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  // The cursor can be run again on the same statement.
  ASSERT_EQ(mysql_stmt_execute(s), 0) << mysql_stmt_error(s);
  ASSERT_EQ(mysql_stmt_fetch(s), 0);
  EXPECT_EQ(n, 1);
  mysql_stmt_close(s);
  EXPECT_EQ(scalar_of(r.get(), "SELECT COUNT(*) FROM ten"), "10");
}

TEST_F(CapiThroughWeir, LoadDataLocalInfile) {
  const std::string path = server_.dir() + "/rows.tsv";
  {
    std::ofstream out(path);
    for (int i = 1; i <= 5000; ++i) out << i << "\tname-" << i << "\n";
  }
  Mysql w = through(ConnectOptions{}.db("app").with_local_infile());
  ASSERT_TRUE(w);
  ASSERT_QUERY(w.get(), "CREATE TABLE loaded (id INT PRIMARY KEY, name VARCHAR(30))");
  const std::string load = "LOAD DATA LOCAL INFILE '" + path + "' INTO TABLE loaded";
  ASSERT_EQ(mysql_query(w.get(), load.c_str()), 0) << mysql_error(w.get());
  EXPECT_EQ(mysql_affected_rows(w.get()), 5000U);
  EXPECT_EQ(scalar_of(w.get(), "SELECT CONCAT(COUNT(*), ' ', MAX(name)) FROM loaded"), "5000 name-999");
  // A missing file: the client reports it, and the connection stays usable.
  const std::string missing = "LOAD DATA LOCAL INFILE '" + server_.dir() + "/missing.tsv' INTO TABLE loaded";
  EXPECT_NE(mysql_query(w.get(), missing.c_str()), 0);
  EXPECT_EQ(scalar_of(w.get(), "SELECT COUNT(*) FROM loaded"), "5000");
  // A client that does not allow LOCAL INFILE: the same refusal as from the server.
  Mysql wn = through(ConnectOptions{}.db("app"));
  Mysql dn = direct(ConnectOptions{}.db("app"));
  ASSERT_TRUE(wn && dn);
  const int w_rc = mysql_query(wn.get(), load.c_str());
  const int d_rc = mysql_query(dn.get(), load.c_str());
  EXPECT_EQ(w_rc, d_rc);
  EXPECT_EQ(mysql_errno(wn.get()), mysql_errno(dn.get()));
  EXPECT_STREQ(mysql_error(wn.get()), mysql_error(dn.get()));
  EXPECT_EQ(scalar_of(wn.get(), "SELECT COUNT(*) FROM loaded"), "5000");
}

// Runs SELECT SLEEP(30) on `victim` in a thread; returns "<errno> <result>" when it ends.
std::future<std::string> sleep_on(MYSQL* victim) {
  return std::async(std::launch::async, [victim] {
    if (mysql_query(victim, "SELECT SLEEP(30)") != 0) return std::to_string(mysql_errno(victim)) + " -";
    MYSQL_RES* res = mysql_store_result(victim);
    if (res == nullptr) return std::to_string(mysql_errno(victim)) + " -";
    MYSQL_ROW row = mysql_fetch_row(res);
    std::string v = row != nullptr && row[0] != nullptr ? row[0] : "NULL";
    mysql_free_result(res);
    return std::to_string(mysql_errno(victim)) + " " + v;
  });
}

// Waits until the server runs a SLEEP statement.
void wait_for_sleep(MariadbServer& server) {
  for (int i = 0; i < 200; ++i) {
    if (server.scalar("SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(30)%'") == "1")
      return;
    std::this_thread::sleep_for(25ms);
  }
  FAIL() << "the SLEEP never started";
}

TEST_F(CapiThroughWeir, KillQueryAndKillConnectionByTheIdWeirReports) {
  // The outcome on the server directly, for comparison.
  std::string direct_outcome;
  {
    Mysql victim = direct();
    Mysql killer = direct();
    ASSERT_TRUE(victim && killer);
    auto result = sleep_on(victim.get());
    wait_for_sleep(server_);
    const std::string kill = "KILL QUERY " + std::to_string(mysql_thread_id(victim.get()));
    ASSERT_QUERY(killer.get(), kill.c_str());
    ASSERT_EQ(result.wait_for(20s), std::future_status::ready);
    direct_outcome = result.get();
  }
  Mysql victim = through();
  Mysql killer = through();
  ASSERT_TRUE(victim && killer);
  const unsigned long id = mysql_thread_id(victim.get());
  ASSERT_NE(id, mysql_thread_id(killer.get()));
  auto result = sleep_on(victim.get());
  wait_for_sleep(server_);
  const std::string kill_query = "KILL QUERY " + std::to_string(id);
  ASSERT_QUERY(killer.get(), kill_query.c_str());
  // Interrupted long before the 30 s sleep ends.
  ASSERT_EQ(result.wait_for(20s), std::future_status::ready) << "KILL QUERY did not interrupt the sleep";
  EXPECT_EQ(result.get(), direct_outcome);
  EXPECT_EQ(scalar_of(victim.get(), "SELECT 7"), "7");

  // An unknown id: the server's error.
  Mysql probe = direct();
  EXPECT_EQ(scalar_of(killer.get(), "KILL 987654"), scalar_of(probe.get(), "KILL 987654"));

  // KILL <id> ends the victim's connection; the killer goes on.
  const std::string kill_connection = "KILL " + std::to_string(id);
  ASSERT_QUERY(killer.get(), kill_connection.c_str());
  std::this_thread::sleep_for(200ms);
  EXPECT_NE(mysql_query(victim.get(), "SELECT 1"), 0) << "the killed connection still answers";
  const unsigned gone = mysql_errno(victim.get());
  EXPECT_TRUE(gone == 2013 || gone == 2006 || gone == 1927) << gone << " " << mysql_error(victim.get());
  EXPECT_EQ(scalar_of(killer.get(), "SELECT 8"), "8");
}

}  // namespace
}  // namespace weir::testing::proxy_tests
