#include "weir/sqlclient/connection.hpp"

#include <mysql.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <utility>

#include "mariadb_tls.hpp"

namespace weir::sqlclient {

namespace {

using Clock = Connection::Clock;

// mysql_init() initialises the library on first use, which is not thread-safe: the monitor and
// the user loader connect from threads of their own.
void init_library_once() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

// Waits for what libmariadb asked for (`status`: MYSQL_WAIT_*) until `deadline`. Returns the
// events for the *_cont call, or -1 when the deadline passed first.
int wait_for(MYSQL* mysql, int status, Clock::time_point deadline) {
  pollfd fd{};
  fd.fd = mysql_get_socket(mysql);
  if ((status & MYSQL_WAIT_READ) != 0) fd.events |= POLLIN;
  if ((status & MYSQL_WAIT_WRITE) != 0) fd.events |= POLLOUT;
  if ((status & MYSQL_WAIT_EXCEPT) != 0) fd.events |= POLLPRI;
  while (true) {
    const auto now = Clock::now();
    if (now >= deadline) return -1;
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    bool library_timeout = false;
    if ((status & MYSQL_WAIT_TIMEOUT) != 0) {
      const auto own = std::chrono::milliseconds(mysql_get_timeout_value_ms(mysql));
      if (own <= wait) {
        wait = own;
        library_timeout = true;
      }
    }
    const int rc = poll(&fd, 1, static_cast<int>(wait.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) {
      if (library_timeout) return MYSQL_WAIT_TIMEOUT;
      if (Clock::now() >= deadline) return -1;
      continue;
    }
    int events = 0;
    if ((fd.revents & (POLLIN | POLLHUP | POLLERR)) != 0) events |= MYSQL_WAIT_READ;
    if ((fd.revents & (POLLOUT | POLLHUP | POLLERR)) != 0) events |= MYSQL_WAIT_WRITE;
    if ((fd.revents & POLLPRI) != 0) events |= MYSQL_WAIT_EXCEPT;
    if (rc < 0) events = status & (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE);  // let the library see the error
    return events;
  }
}

// libmariadb's own socket timeouts, whole seconds: a backstop behind the deadlines.
unsigned whole_seconds(std::chrono::milliseconds timeout) {
  return static_cast<unsigned>(std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(timeout).count()));
}

std::string quoted(std::string_view sql) {
  std::string text = "query \"";
  text.append(sql.substr(0, 60));
  if (sql.size() > 60) text += "...";
  return text + "\"";
}

Result read_rows(MYSQL_RES* res) {
  Result out;
  const unsigned columns = mysql_num_fields(res);
  const MYSQL_FIELD* fields = mysql_fetch_fields(res);
  for (unsigned i = 0; i < columns; ++i) out.columns.emplace_back(fields[i].name);
  // A stored result is in memory: fetching its rows does no I/O.
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    const unsigned long* lengths = mysql_fetch_lengths(res);
    auto& values = out.rows.emplace_back();
    for (unsigned i = 0; i < columns; ++i) {
      if (row[i] == nullptr) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(std::string(row[i], lengths[i]));
      }
    }
  }
  return out;
}

}  // namespace

Connection::~Connection() { close(); }

Connection::Connection(Connection&& other) noexcept
    : mysql_(std::exchange(other.mysql_, nullptr)),
      endpoint_(std::move(other.endpoint_)),
      timeouts_(other.timeouts_),
      error_(std::move(other.error_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    mysql_ = std::exchange(other.mysql_, nullptr);
    endpoint_ = std::move(other.endpoint_);
    timeouts_ = other.timeouts_;
    error_ = std::move(other.error_);
  }
  return *this;
}

void Connection::close() {
  if (mysql_ == nullptr) return;
  mysql_close(mysql_);
  mysql_ = nullptr;
}

void Connection::fail(std::string operation) {
  error_ = Error{};
  error_.endpoint = endpoint_;
  error_.operation = std::move(operation);
  if (mysql_ == nullptr) {
    error_.message = "not connected";
    return;
  }
  error_.code = mysql_errno(mysql_);
  error_.sqlstate = mysql_sqlstate(mysql_);
  error_.message = mysql_error(mysql_);
  if (error_.message.empty()) error_.message = "failed";
  if (!error_.from_server()) close();  // the connection is gone or in an unknown state
}

template <class Cont>
bool Connection::finish(int status, Deadline deadline, Cont cont) {
  const auto started = Clock::now();
  while (status != 0) {
    const int events = wait_for(mysql_, status, deadline);
    if (events >= 0) {
      status = cont(events);
      continue;
    }
    // The deadline passed in the middle of the call. Cut the socket so that the call ends at once
    // with an error (it cannot be left half done), then drop the connection.
    shutdown(mysql_get_socket(mysql_), SHUT_RDWR);
    for (int i = 0; i < 1000 && status != 0; ++i) status = cont(MYSQL_WAIT_READ | MYSQL_WAIT_WRITE);
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    error_ = Error{};
    error_.endpoint = endpoint_;
    error_.message = "timed out after " + std::to_string(waited.count()) + "ms";
    error_.timed_out = true;
    if (status == 0) {
      close();
    } else {
      mysql_ = nullptr;  // still inside the call: leaking it is safer than freeing it
    }
    return false;
  }
  return true;
}

bool Connection::connect(const ConnectOptions& options) {
  return connect(options, Clock::now() + options.timeouts.connect);
}

bool Connection::connect(const ConnectOptions& options, Deadline deadline) {
  close();
  endpoint_ = endpoint_name(options.host, options.port);
  timeouts_ = options.timeouts;
  init_library_once();
  mysql_ = mysql_init(nullptr);
  if (mysql_ == nullptr) {
    error_ = Error{2008, "HY000", "out of memory", endpoint_, "connect", false};
    return false;
  }
  mysql_options(mysql_, MYSQL_OPT_NONBLOCK, nullptr);
  const unsigned connect_s = whole_seconds(std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()));
  const unsigned read_s = whole_seconds(options.timeouts.read);
  const unsigned write_s = whole_seconds(options.timeouts.write);
  mysql_options(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_s);
  mysql_options(mysql_, MYSQL_OPT_READ_TIMEOUT, &read_s);
  mysql_options(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &write_s);
  mysql_options(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  apply_tls(mysql_, tls_policy(options.tls));
  MYSQL* connected = nullptr;
  MYSQL* handle = mysql_;
  const char* database = options.database.empty() ? nullptr : options.database.c_str();
  const int status = mysql_real_connect_start(&connected, handle, options.host.c_str(), options.user.c_str(),
                                              options.password.c_str(), database, options.port, nullptr, 0);
  if (!finish(status, deadline, [&](int events) { return mysql_real_connect_cont(&connected, handle, events); })) {
    error_.operation = "connect";
    return false;
  }
  if (connected == nullptr) {
    fail("connect");
    close();
    return false;
  }
  // Every statement of weir's own must stand alone: a heartbeat write must commit, a read must not
  // see a snapshot held from an earlier one.
  if (!execute("SET SESSION autocommit = 1", deadline)) {
    error_.operation = "connect";
    close();
    return false;
  }
  error_ = Error{};
  return true;
}

std::optional<Result> Connection::query(std::string_view sql) {
  return query(sql, Clock::now() + std::max(timeouts_.read, timeouts_.write));
}

std::optional<Result> Connection::query(std::string_view sql, Deadline deadline) {
  if (mysql_ == nullptr) {
    fail(quoted(sql));
    return std::nullopt;
  }
  MYSQL* handle = mysql_;
  int rc = 0;
  const int status = mysql_real_query_start(&rc, handle, sql.data(), static_cast<unsigned long>(sql.size()));
  if (!finish(status, deadline, [&](int events) { return mysql_real_query_cont(&rc, handle, events); })) {
    error_.operation = quoted(sql);
    return std::nullopt;
  }
  if (rc != 0) {
    fail(quoted(sql));
    return std::nullopt;
  }
  Result out;
  if (!read_results(sql, deadline, out)) return std::nullopt;
  return out;
}

// The first result set into `out`, the ones after it (a CALL, several statements) read and dropped
// so that the connection is ready for the next statement.
bool Connection::read_results(std::string_view sql, Deadline deadline, Result& out) {
  MYSQL* handle = mysql_;
  for (bool first = true;; first = false) {
    MYSQL_RES* res = nullptr;
    const int status = mysql_store_result_start(&res, handle);
    if (!finish(status, deadline, [&](int events) { return mysql_store_result_cont(&res, handle, events); })) {
      error_.operation = quoted(sql);
      return false;
    }
    if (res == nullptr && mysql_field_count(handle) != 0) {
      fail("reading the result of " + quoted(sql));
      return false;
    }
    if (res != nullptr) {
      if (first) out = read_rows(res);
      mysql_free_result(res);
    }
    if (mysql_more_results(handle) == 0) return true;
    int rc = 0;
    const int next = mysql_next_result_start(&rc, handle);
    if (!finish(next, deadline, [&](int events) { return mysql_next_result_cont(&rc, handle, events); })) {
      error_.operation = quoted(sql);
      return false;
    }
    if (rc > 0) {
      fail(quoted(sql));
      return false;
    }
    if (rc < 0) return true;
  }
}

}  // namespace weir::sqlclient
