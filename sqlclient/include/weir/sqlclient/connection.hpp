#pragma once
// One libmariadb connection of weir's own (the health monitor, the user loader, `weir pod` and
// `weir status`), used by one thread at a time.
//
// Every call is bounded: either by a deadline the caller gives (the monitor's check budget, in
// milliseconds), or by the step's timeout of the ConnectOptions. Both run libmariadb's
// non-blocking API under poll(), because its blocking API only knows whole seconds; a call whose
// deadline passes is cut off (its socket shut down) and the connection dropped.
#include <chrono>
#include <optional>
#include <string_view>

#include "weir/sqlclient/connect_options.hpp"
#include "weir/sqlclient/error.hpp"
#include "weir/sqlclient/result.hpp"

struct st_mysql;

namespace weir::sqlclient {

class Connection {
 public:
  using Clock = std::chrono::steady_clock;
  using Deadline = Clock::time_point;

  Connection() = default;
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects (closing any earlier connection), then sets autocommit on so that every statement
  // stands alone. False on failure (see error()).
  [[nodiscard]] bool connect(const ConnectOptions& options);
  [[nodiscard]] bool connect(const ConnectOptions& options, Deadline deadline);

  // One statement; its first result set (no columns for statements without one), later result
  // sets read and dropped. nullopt on failure. A server error leaves the connection usable; a lost
  // connection or a missed deadline closes it.
  [[nodiscard]] std::optional<Result> query(std::string_view sql);
  [[nodiscard]] std::optional<Result> query(std::string_view sql, Deadline deadline);
  [[nodiscard]] bool execute(std::string_view sql) { return query(sql).has_value(); }
  [[nodiscard]] bool execute(std::string_view sql, Deadline deadline) { return query(sql, deadline).has_value(); }

  bool connected() const { return mysql_ != nullptr; }
  void close();

  // The last failure (cleared by a successful connect).
  const Error& error() const { return error_; }

 private:
  template <class Cont>
  bool finish(int status, Deadline deadline, Cont cont);
  void fail(std::string operation);
  bool read_results(std::string_view sql, Deadline deadline, Result& out);

  st_mysql* mysql_ = nullptr;
  std::string endpoint_;
  Timeouts timeouts_;
  Error error_;
};

}  // namespace weir::sqlclient
