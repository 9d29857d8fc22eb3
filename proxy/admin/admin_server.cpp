// The admin server's I/O: Boost.Beast parses and writes HTTP/1.1 (with header and body limits);
// every read and write has a deadline, so a client that stalls loses its connection.
//
// Probes stay reachable: a connection that has not sent a whole request yet (a new one, or a
// kept-alive one between requests) is "waiting". When all max_connections are open and a new
// connection arrives, the one that has waited longest is closed to make room: a client that
// means to ask something asks at once (the kubelet writes its request right after connecting), so
// idle or slow sockets only ever push each other out, never a probe. When every connection is
// busy answering, up to probe_connections more are accepted that answer /healthz and /readyz only.
//
// Probes are answered on the admin thread itself; every other request's handler runs on one of
// handler_threads, so a slow one (POST /reload waits until the new configuration is in effect)
// never holds up a probe.
#include "admin/admin_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <map>
#include <mutex>

#include "log/log.hpp"
#include "net/accept_backoff.hpp"

namespace weir::admin {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct AdminServer::State {
  AdminHandlers handlers;
  AdminLimits limits;
  std::mutex token_mutex;
  std::optional<std::string> token;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> accept_pause;  // stop() cancels it
  // Where the handlers of every request but the probes run (a reload waits for its effect there),
  // so the admin thread goes on accepting and answering /healthz and /readyz meanwhile.
  std::unique_ptr<asio::thread_pool> handler_threads;

  // Everything below: the admin thread only.
  struct Connection {
    bool waiting = true;  // for a whole request
    std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now();
    bool probes_only = false;  // accepted beyond max_connections: /healthz and /readyz only
  };
  // The open connections, so that stop() can close them and a new one can push out the longest
  // waiting.
  std::map<beast::tcp_stream*, Connection> open;
  std::uint64_t pushed_out = 0;  // connections closed to make room, for the log
  bool stopping = false;

  // The connection that has waited longest for its request, or null.
  beast::tcp_stream* longest_waiting() {
    beast::tcp_stream* found = nullptr;
    std::chrono::steady_clock::time_point since{};
    for (auto& [stream, c] : open) {
      if (c.waiting && (found == nullptr || c.since < since)) {
        found = stream;
        since = c.since;
      }
    }
    return found;
  }
  void set_waiting(beast::tcp_stream* stream, bool waiting) {
    const auto it = open.find(stream);
    if (it == open.end()) return;
    it->second.waiting = waiting;
    it->second.since = std::chrono::steady_clock::now();
  }
  std::optional<std::string> current_token() {
    const std::lock_guard lock(token_mutex);
    return token;
  }
};

namespace {

constexpr auto kUse = asio::as_tuple(asio::use_awaitable);

http::response<http::string_body> to_http(const Response& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "weir");
  res.set(http::field::content_type, r.content_type);
  res.set(http::field::cache_control, "no-store");
  if (!r.allow.empty()) res.set(http::field::allow, r.allow);
  if (r.authenticate) res.set(http::field::www_authenticate, "Bearer realm=\"weir admin\"");
  res.keep_alive(keep_alive);
  res.body() = r.body;
  res.prepare_payload();
  return res;
}

// A request Beast could not parse: its limits have their own status codes, the rest is 400.
Response parse_failure(const beast::error_code& error) {
  Response r;
  if (error == http::error::header_limit) {
    r.status = 431;
    r.body = "request header fields too large\n";
  } else if (error == http::error::body_limit) {
    r.status = 413;
    r.body = "request body too large\n";
  } else {
    r.status = 400;
    r.body = "bad request: " + error.message() + "\n";
  }
  return r;
}

// Ends the registration made when the connection was accepted (already gone when it was pushed
// out to make room).
struct ConnectionSlot {
  std::shared_ptr<AdminServer::State> state;
  beast::tcp_stream* stream;
  ConnectionSlot(std::shared_ptr<AdminServer::State> s, beast::tcp_stream* t) : state(std::move(s)), stream(t) {}
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { state->open.erase(stream); }
};

Response probes_only_answer(std::size_t max_connections) {
  Response r;
  r.status = 503;
  r.body = "admin server busy: all " + std::to_string(max_connections) +
           " connections are answering requests; only /healthz and /readyz are served now\n";
  return r;
}

// The Authorization header, or the same token from X-Weir-Admin-Token: the Kubernetes API server's
// service and pod proxy (`weir status`, `kubectl get --raw .../proxy/backends`) removes the
// Authorization header it authenticated its own caller with, and passes other headers on.
template <class Request>
std::string authorization_of(const Request& request) {
  const auto header = request[http::field::authorization];
  if (!header.empty()) return std::string(header.data(), header.size());
  const auto alternative = request["X-Weir-Admin-Token"];
  if (alternative.empty()) return "";
  return "Bearer " + std::string(alternative.data(), alternative.size());
}

// respond() on a handler thread (see State::handler_threads); its answer comes back to the
// coroutine that awaits it, on the admin thread.
asio::awaitable<Response> respond_on_handler_thread(std::shared_ptr<AdminServer::State> state, std::string method,
                                                    std::string target, std::string authorization) {
  co_return respond(state->handlers, state->current_token(), method, target, authorization);
}

asio::awaitable<void> serve(std::unique_ptr<beast::tcp_stream> owned, std::shared_ptr<AdminServer::State> state) {
  beast::tcp_stream& stream = *owned;
  const ConnectionSlot slot(state, &stream);
  if (state->stopping) co_return;  // accepted just before stop(): its close() missed this one
  const AdminLimits& limits = state->limits;
  const auto registered = state->open.find(&stream);
  const bool probes_only = registered != state->open.end() && registered->second.probes_only;
  beast::flat_buffer buffer(limits.max_header_bytes + limits.max_body_bytes);
  bool first = true;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    // The first request must arrive whole within read_timeout; a kept-alive connection's next one
    // within idle_timeout.
    stream.expires_after(first ? limits.read_timeout : limits.idle_timeout);
    first = false;
    state->set_waiting(&stream, true);
    auto [read_error, read_bytes] = co_await http::async_read(stream, buffer, parser, kUse);
    (void)read_bytes;
    state->set_waiting(&stream, false);
    if (read_error == http::error::end_of_stream || read_error == beast::error::timeout ||
        read_error == asio::error::operation_aborted || read_error == asio::error::connection_reset) {
      break;
    }
    Response response;
    bool keep_alive = false;
    unsigned version = 11;
    if (read_error) {
      response = parse_failure(read_error);
    } else {
      const auto& request = parser.get();
      keep_alive = request.keep_alive();
      version = request.version();
      const auto method = request.method_string();
      const auto target = request.target();
      const std::string authorization = authorization_of(request);
      if (probes_only && !is_probe(std::string_view(target.data(), target.size()))) {
        response = probes_only_answer(limits.max_connections);
        keep_alive = false;
      } else if (is_probe(std::string_view(target.data(), target.size()))) {
        // Probes are answered here at once, whatever the handler threads are busy with.
        response = respond(state->handlers, state->current_token(), std::string_view(method.data(), method.size()),
                           std::string_view(target.data(), target.size()), authorization);
      } else {
        auto answer = co_await asio::co_spawn(
            state->handler_threads->get_executor(),
            respond_on_handler_thread(state, std::string(method), std::string(target), authorization),
            asio::use_awaitable);
        response = std::move(answer);
      }
      keep_alive = keep_alive && !probes_only;  // a reserved slot is for one probe
    }
    auto message = to_http(response, version, keep_alive);
    stream.expires_after(limits.write_timeout);
    auto [write_error, written] = co_await http::async_write(stream, message, kUse);
    (void)written;
    if (write_error || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
}

// Where a new connection goes: a free slot, the slot of the longest waiting connection (closed
// now), a slot for probes only, or nowhere. Returns false when it must be refused.
bool make_room(AdminServer::State& state, bool& probes_only) {
  probes_only = false;
  const AdminLimits& limits = state.limits;
  if (state.open.size() < limits.max_connections) return true;
  if (auto* waiting = state.longest_waiting()) {
    beast::error_code ignored;
    waiting->socket().close(ignored);  // its read ends with operation_aborted
    state.open.erase(waiting);
    if (state.pushed_out++ % 100 == 0) {
      log::warn("admin connection closed to make room",
                {{"reason", "max_connections reached; it had sent no request"}, {"count", state.pushed_out}});
    }
    return true;
  }
  if (state.open.size() < limits.max_connections + limits.probe_connections) {
    probes_only = true;
    return true;
  }
  return false;
}

asio::awaitable<void> accept_loop(std::shared_ptr<AdminServer::State> state) {
  net::AcceptBackoff backoff;
  for (;;) {
    auto [error, socket] = co_await state->acceptor->async_accept(kUse);
    if (error == asio::error::operation_aborted || !state->acceptor->is_open() || state->stopping) break;
    if (error) {
      const auto step = backoff.failed(error.category() == boost::system::system_category() ? error.value() : 0);
      if (step.starts_streak) {
        log::warn("admin server cannot accept; retrying with pauses up to 1s", {{"error", error.message()}});
      }
      if (step.pause.count() == 0) continue;
      state->accept_pause->expires_after(step.pause);
      co_await state->accept_pause->async_wait(kUse);
      continue;
    }
    if (const auto failures = backoff.succeeded()) {
      log::info("admin server accepting again", {{"failed_accepts", *failures}});
    }
    bool probes_only = false;
    if (!make_room(*state, probes_only)) {
      beast::error_code ignored;
      socket.close(ignored);
      log::warn("admin connection refused", {{"reason", "max_connections"}});
      continue;
    }
    const auto executor = socket.get_executor();
    auto stream = std::make_unique<beast::tcp_stream>(std::move(socket));
    AdminServer::State::Connection connection;
    connection.probes_only = probes_only;
    state->open.emplace(stream.get(), connection);
    asio::co_spawn(executor, serve(std::move(stream), state), asio::detached);
  }
}

}  // namespace

AdminServer::AdminServer(config::AdminConfig config, AdminHandlers handlers, AdminLimits limits)
    : config_(std::move(config)), limits_(limits), state_(std::make_shared<State>()) {
  state_->handlers = std::move(handlers);
  state_->limits = limits_;
  if (config_.token) state_->token = config_.token->value;
}

AdminServer::~AdminServer() { stop(); }

std::optional<std::string> AdminServer::start() {
  if (thread_.joinable()) return std::nullopt;
  const std::string where = config_.address + ":" + std::to_string(config_.port);
  beast::error_code error;
  const auto address = asio::ip::make_address(config_.address, error);
  if (error) return "admin.address " + config_.address + " is not an IP address: " + error.message();
  auto acceptor = std::make_unique<tcp::acceptor>(context_);
  const tcp::endpoint endpoint(address, config_.port);
  acceptor->open(endpoint.protocol(), error);
  if (!error) acceptor->set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor->bind(endpoint, error);
  if (!error) acceptor->listen(asio::socket_base::max_listen_connections, error);
  if (error) return "admin server cannot listen on " + where + ": " + error.message();
  port_ = acceptor->local_endpoint(error).port();
  state_->acceptor = std::move(acceptor);
  state_->accept_pause = std::make_unique<asio::steady_timer>(context_);
  state_->handler_threads = std::make_unique<asio::thread_pool>(limits_.handler_threads);
  asio::co_spawn(context_, accept_loop(state_), asio::detached);
  thread_ = std::thread([this] { context_.run(); });
  log::info("admin listening", {{"address", config_.address + ":" + std::to_string(port_)}});
  return std::nullopt;
}

void AdminServer::set_token(const std::optional<config::Secret>& token) {
  const std::lock_guard lock(state_->token_mutex);
  state_->token = token ? std::optional<std::string>(token->value) : std::nullopt;
}

void AdminServer::stop() {
  if (!thread_.joinable()) return;
  // Closing the listener and every connection ends every coroutine, and with them run().
  asio::post(context_, [state = state_] {
    beast::error_code ignored;
    state->stopping = true;
    state->acceptor->close(ignored);
    state->accept_pause->cancel();
    for (auto& [stream, connection] : state->open) stream->socket().close(ignored);
  });
  thread_.join();  // after the handlers under way answered: each holds the admin thread's work
  state_->handler_threads->join();
  state_->handler_threads.reset();
  state_->accept_pause.reset();  // before the io_context they belong to
  state_->acceptor.reset();
}

}  // namespace weir::admin
