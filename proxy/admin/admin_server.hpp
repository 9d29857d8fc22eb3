#pragma once
// The admin HTTP/1.1 server: the status page /, /status.json, /metrics /healthz /readyz /backends
// /config and POST /reload, on its own thread and io_context, so a slow scrape never delays a
// session. It knows nothing of sessions: everything it serves comes from the callbacks in
// `AdminHandlers`: the probes' on the admin thread, the others on its handler threads (so they
// must be thread-safe with respect to the rest of the proxy and to each other).
//
//   admin::AdminServer server(config.admin, handlers);
//   if (auto error = server.start()) { log::error("admin", {{"error", *error}}); ... }
//   server.port();   // the bound port (config port 0 picks a free one)
//   ...
//   server.set_token(new_config.admin.token);  // on reload
//   server.stop();   // also done by the destructor
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "weir/config/config.hpp"

namespace weir::admin {

struct Readiness {
  bool ready = false;
  std::string reason;  // why not (or a short note when ready), shown in the body
};

struct [[nodiscard]] ReloadOutcome {
  bool ok = false;
  std::string message;  // the error text on failure; a summary on success
};

// A missing callback makes its endpoint answer 404. A callback that throws answers 500 with the
// exception's text.
struct AdminHandlers {
  std::function<std::string()> metrics;   // Prometheus text format
  std::function<Readiness()> readiness;   // /readyz; missing: ready
  std::function<std::string()> backends;  // JSON text (see backends_json)
  std::function<std::string()> sessions;  // JSON text (see sessions_json)
  std::function<std::string()> config;    // YAML text: config::render_redacted
  std::function<ReloadOutcome()> reload;  // POST /reload
  std::function<std::string()> status;    // JSON text for /status.json (see status_json); also
                                          // enables the status page at /
};

struct AdminLimits {
  std::size_t max_header_bytes = 8 * 1024;         // request line + headers; more: 431
  std::size_t max_body_bytes = 16 * 1024;          // more: 413
  std::chrono::milliseconds read_timeout{10000};   // to receive a whole request
  std::chrono::milliseconds write_timeout{10000};  // to send a whole response
  std::chrono::milliseconds idle_timeout{30000};   // between requests of a kept-alive connection
  // Open connections. One more pushes out the connection that has waited longest for its request;
  // when none waits, it gets one of probe_connections slots that answer /healthz and /readyz only.
  std::size_t max_connections = 32;
  std::size_t probe_connections = 4;  // beyond max_connections; more are closed at once
  // Threads that run the handlers of every request but the probes (which the admin thread answers
  // itself); further requests wait for one of them.
  std::size_t handler_threads = 2;
};

// One HTTP answer, before it is written. Pure routing is separate from I/O so it can be tested
// byte for byte.
struct Response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string allow;          // for 405
  bool authenticate = false;  // 401: add WWW-Authenticate: Bearer
};

// Routes one request. `token`: the bearer token every endpoint but /healthz and /readyz needs
// (nullopt: none needed). `authorization`: the request's Authorization header ("" when absent).
Response respond(const AdminHandlers& handlers, const std::optional<std::string>& token, std::string_view method,
                 std::string_view target, std::string_view authorization);

// /healthz or /readyz (a query string aside): the requests answered even when the server is busy.
bool is_probe(std::string_view target);

// Equality in time independent of where the strings differ (only the expected length shows).
bool constant_time_equal(std::string_view given, std::string_view expected);

class AdminServer {
 public:
  AdminServer(config::AdminConfig config, AdminHandlers handlers, AdminLimits limits = {});
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds config.address:config.port and starts the admin thread. Returns the error text (naming
  // the address) when the address is invalid or cannot be bound. Does nothing when already started.
  [[nodiscard]] std::optional<std::string> start();
  // The bound port, 0 before start().
  std::uint16_t port() const { return port_; }
  // A new token (a reload); takes effect for the next request.
  void set_token(const std::optional<config::Secret>& token);
  // Closes the listener and every connection, joins the thread. Idempotent.
  void stop();

  struct State;

 private:
  config::AdminConfig config_;
  AdminLimits limits_;
  std::shared_ptr<State> state_;
  boost::asio::io_context context_{1};
  std::thread thread_;
  std::uint16_t port_ = 0;
};

}  // namespace weir::admin
