#pragma once
// A thin owner of a libmariadb connection: connect, run statements, read small results.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct st_mysql;

namespace weir::pod {

struct ConnectParams {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3306;
  std::string user = "root";
  std::string password;
  unsigned timeout_s = 2;  // connect, read and write timeouts
};

using Row = std::map<std::string, std::optional<std::string>, std::less<>>;

struct SqlError {
  unsigned code = 0;  // server or client error number (e.g. 2003 cannot connect, 1045 denied)
  std::string message;
};

class SqlClient {
 public:
  // Connects; on failure returns nullopt and fills `error`.
  static std::optional<SqlClient> connect(const ConnectParams& params, SqlError& error);

  // Runs one statement; results, if any, are discarded.
  std::optional<SqlError> execute(std::string_view sql);
  // Runs one statement and returns its rows by column name.
  std::vector<Row> query(std::string_view sql, std::optional<SqlError>& error);
  // The first column of the first row, or nullopt (NULL, no rows or an error).
  std::optional<std::string> scalar(std::string_view sql);

 private:
  struct Close {
    void operator()(st_mysql* m) const;
  };
  explicit SqlClient(st_mysql* m) : conn_(m) {}
  SqlError last_error() const;
  std::unique_ptr<st_mysql, Close> conn_;
};

std::string describe(const SqlError& error);

}  // namespace weir::pod
