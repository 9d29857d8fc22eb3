#include "health/monitor_connection.hpp"

#include <mysql.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace weir::health {

namespace {

using Clock = std::chrono::steady_clock;

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

bool client_side(unsigned code) { return code == 0 || (code >= 2000 && code < 3000); }

std::string endpoint(const std::string& host, std::uint16_t port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

std::optional<std::string> QueryResult::first(std::string_view name) const {
  if (rows.empty()) return std::nullopt;
  for (std::size_t i = 0; i < columns.size() && i < rows.front().size(); ++i) {
    if (columns[i] == name) return rows.front()[i];
  }
  return std::nullopt;
}

MonitorConnection::~MonitorConnection() { close(); }

void MonitorConnection::close() {
  if (mysql_ == nullptr) return;
  mysql_close(mysql_);
  mysql_ = nullptr;
}

void MonitorConnection::fail(std::string_view what) {
  server_error_ = 0;
  error_ = std::string(what) + " " + where_;
  if (mysql_ != nullptr) {
    const unsigned code = mysql_errno(mysql_);
    error_ += ": " + std::string(mysql_error(mysql_)) + " (" + std::to_string(code) + ")";
    if (!client_side(code)) {
      server_error_ = code;
      return;  // a statement failed; the connection is fine
    }
  }
  close();
}

template <class Cont>
bool MonitorConnection::finish(int status, Deadline deadline, Cont cont) {
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
    server_error_ = 0;
    error_ = "timed out after " + std::to_string(waited.count()) + "ms on " + where_;
    if (status == 0) {
      close();
    } else {
      mysql_ = nullptr;  // still inside the call: leaking it is safer than freeing it
    }
    return false;
  }
  return true;
}

bool MonitorConnection::ensure(const Target& target, Deadline deadline) {
  if (mysql_ != nullptr) return true;
  where_ = endpoint(target.host, target.port);
  mysql_ = mysql_init(nullptr);
  if (mysql_ == nullptr) {
    error_ = "connect " + where_ + ": out of memory";
    return false;
  }
  mysql_options(mysql_, MYSQL_OPT_NONBLOCK, nullptr);
  const auto budget = std::chrono::ceil<std::chrono::seconds>(deadline - Clock::now());
  const unsigned seconds = static_cast<unsigned>(std::max<long long>(1, budget.count()));
  mysql_options(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &seconds);  // a backstop; the deadline rules
  mysql_options(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (target.tls.enabled) {
    const auto opt = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
    mysql_ssl_set(mysql_, opt(target.tls.key_file), opt(target.tls.cert_file), opt(target.tls.ca_file), nullptr, nullptr);
    // Connector/C checks the certificate and the host name together: `ca` is as strict as `full`.
    const my_bool verify = target.tls.verify != config::BackendTlsConfig::Verify::none ? 1 : 0;
    mysql_options(mysql_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    const my_bool enforce = 1;
    mysql_options(mysql_, MYSQL_OPT_SSL_ENFORCE, &enforce);
  }
  MYSQL* connected = nullptr;
  const int status = mysql_real_connect_start(&connected, mysql_, target.host.c_str(), target.user.c_str(),
                                              target.password.c_str(), nullptr, target.port, nullptr, 0);
  MYSQL* handle = mysql_;
  if (!finish(status, deadline, [&](int events) { return mysql_real_connect_cont(&connected, handle, events); })) {
    error_ = "connect " + error_;
    return false;
  }
  if (connected == nullptr) {
    fail("connect");
    close();
    return false;
  }
  // Connector/C leaves autocommit off here; every statement of the monitor must stand alone (a
  // heartbeat write must commit, a read must not see a snapshot held from an earlier one).
  if (!execute("SET SESSION autocommit = 1", deadline)) {
    error_ = "connect " + error_;
    close();
    return false;
  }
  error_.clear();
  return true;
}

std::optional<QueryResult> MonitorConnection::query(std::string_view sql, Deadline deadline) {
  if (mysql_ == nullptr) {
    error_ = "not connected to " + where_;
    return std::nullopt;
  }
  MYSQL* handle = mysql_;
  int rc = 0;
  int status = mysql_real_query_start(&rc, handle, sql.data(), static_cast<unsigned long>(sql.size()));
  if (!finish(status, deadline, [&](int events) { return mysql_real_query_cont(&rc, handle, events); })) {
    return std::nullopt;
  }
  if (rc != 0) {
    fail(std::string("query \"").append(sql.substr(0, 60)).append("\" on"));
    return std::nullopt;
  }
  MYSQL_RES* res = nullptr;
  status = mysql_store_result_start(&res, handle);
  if (!finish(status, deadline, [&](int events) { return mysql_store_result_cont(&res, handle, events); })) {
    return std::nullopt;
  }
  QueryResult out;
  if (res == nullptr) {
    if (mysql_field_count(handle) != 0) {
      fail("reading the result of \"" + std::string(sql.substr(0, 60)) + "\" on");
      return std::nullopt;
    }
    return out;
  }
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
  mysql_free_result(res);
  return out;
}

}  // namespace weir::health
