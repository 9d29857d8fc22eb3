#include "weir/pod/sql_client.hpp"

#include <mysql.h>

namespace weir::pod {

void SqlClient::Close::operator()(st_mysql* m) const { mysql_close(m); }

std::optional<SqlClient> SqlClient::connect(const ConnectParams& params, SqlError& error) {
  MYSQL* m = mysql_init(nullptr);
  if (m == nullptr) {
    error = {2008, "out of memory"};
    return std::nullopt;
  }
  const unsigned timeout = params.timeout_s;
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
  mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
  const my_bool no = 0;
  mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &no);
  if (mysql_real_connect(m, params.host.c_str(), params.user.c_str(), params.password.c_str(), nullptr,
                         params.port, nullptr, 0) == nullptr) {
    error = {mysql_errno(m), mysql_error(m)};
    mysql_close(m);
    return std::nullopt;
  }
  return SqlClient(m);
}

SqlError SqlClient::last_error() const { return {mysql_errno(conn_.get()), mysql_error(conn_.get())}; }

std::optional<SqlError> SqlClient::execute(std::string_view sql) {
  if (mysql_real_query(conn_.get(), sql.data(), sql.size()) != 0) return last_error();
  do {
    if (MYSQL_RES* res = mysql_store_result(conn_.get())) mysql_free_result(res);
  } while (mysql_next_result(conn_.get()) == 0);
  return std::nullopt;
}

std::vector<Row> SqlClient::query(std::string_view sql, std::optional<SqlError>& error) {
  std::vector<Row> rows;
  error.reset();
  if (mysql_real_query(conn_.get(), sql.data(), sql.size()) != 0) {
    error = last_error();
    return rows;
  }
  MYSQL_RES* res = mysql_store_result(conn_.get());
  if (res == nullptr) {
    if (mysql_field_count(conn_.get()) != 0) error = last_error();
    return rows;
  }
  const unsigned columns = mysql_num_fields(res);
  const MYSQL_FIELD* fields = mysql_fetch_fields(res);
  while (MYSQL_ROW r = mysql_fetch_row(res)) {
    const unsigned long* lengths = mysql_fetch_lengths(res);
    Row row;
    for (unsigned i = 0; i < columns; ++i) {
      if (r[i] == nullptr) {
        row[fields[i].name] = std::nullopt;
      } else {
        row[fields[i].name] = std::string(r[i], lengths[i]);
      }
    }
    rows.push_back(std::move(row));
  }
  mysql_free_result(res);
  return rows;
}

std::optional<std::string> SqlClient::scalar(std::string_view sql) {
  std::optional<SqlError> error;
  auto rows = query(sql, error);
  if (error || rows.empty() || rows.front().empty()) return std::nullopt;
  return rows.front().begin()->second;  // single-column queries only
}

std::string describe(const SqlError& error) {
  return "error " + std::to_string(error.code) + ": " + error.message;
}

}  // namespace weir::pod
