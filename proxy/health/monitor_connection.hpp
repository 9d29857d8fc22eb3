#pragma once
// One connection of the monitor to one server, through libmariadb's non-blocking API so that
// every operation has a deadline in milliseconds (the blocking API only knows whole seconds,
// far above a 100 ms check interval). Used by one thread at a time.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/config/config.hpp"

struct st_mysql;

namespace weir::health {

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // NULL = nullopt

  // The value of column `name` in the first row; nullopt when NULL, absent, or no row.
  std::optional<std::string> first(std::string_view name) const;
};

class MonitorConnection {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  struct Target {
    std::string host;
    std::uint16_t port = 3306;
    std::string user;
    std::string password;
    config::BackendTlsConfig tls;
  };

  MonitorConnection() = default;
  ~MonitorConnection();
  MonitorConnection(const MonitorConnection&) = delete;
  MonitorConnection& operator=(const MonitorConnection&) = delete;

  bool connected() const { return mysql_ != nullptr; }
  // Connects unless connected. False on failure (see error()).
  bool ensure(const Target& target, Deadline deadline);
  // One statement; its first result set (empty for statements without one). nullopt on failure;
  // a lost connection or a missed deadline also closes the connection (the next ensure() reconnects).
  std::optional<QueryResult> query(std::string_view sql, Deadline deadline);
  bool execute(std::string_view sql, Deadline deadline) { return query(sql, deadline).has_value(); }
  void close();

  // The last failure: "connect 127.0.0.1:3306: Can't connect ... (2002)", "timed out after ...".
  const std::string& error() const { return error_; }
  // The server error code of the last failed statement (1146 = no such table); 0 for client-side
  // failures (lost connection, timeout).
  unsigned server_error() const { return server_error_; }

 private:
  // Drives one started non-blocking call to its end; false when the deadline passed first.
  template <class Cont>
  bool finish(int status, Deadline deadline, Cont cont);
  void fail(std::string_view what);

  st_mysql* mysql_ = nullptr;
  std::string where_;  // host:port, for messages
  std::string error_;
  unsigned server_error_ = 0;
};

}  // namespace weir::health
