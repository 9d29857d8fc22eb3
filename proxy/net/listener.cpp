#include "listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detail/socket_option.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

#include "log/log.hpp"
#include "net/accept_backoff.hpp"

namespace weir::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

tcp::endpoint claim_port(asio::io_context& context, const tcp::endpoint& endpoint, boost::system::error_code& error) {
  tcp::acceptor probe(context);
  probe.open(endpoint.protocol(), error);
  // SO_REUSEADDR only lets connections in TIME_WAIT from an earlier run stay; a listener is still
  // a conflict. No SO_REUSEPORT: that is what makes a listener with it a conflict too.
  if (!error) probe.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) probe.bind(endpoint, error);
  tcp::endpoint claimed = endpoint;
  if (!error) claimed = probe.local_endpoint(error);
  boost::system::error_code ignored;
  probe.close(ignored);
  return claimed;
}

tcp::acceptor open_listener(asio::io_context& context, const tcp::endpoint& endpoint, int backlog,
                            boost::system::error_code& error) {
  tcp::acceptor acceptor(context);
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor.set_option(ReusePort(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(backlog, error);
  return acceptor;
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, SessionStarter start_session) {
  const auto executor = co_await asio::this_coro::executor;
  AcceptBackoff backoff;
  while (acceptor.is_open()) {
    auto [error, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (!error) {
      if (const auto failures = backoff.succeeded()) {
        log::info("accepting clients again", {{"failed_accepts", *failures}});
      }
      socket.set_option(tcp::no_delay(true), error);
      start_session(std::move(socket));
      continue;
    }
    if (error == asio::error::operation_aborted || !acceptor.is_open()) break;
    const auto step = backoff.failed(error.category() == boost::system::system_category() ? error.value() : 0);
    if (step.starts_streak) {
      log::warn("cannot accept clients; retrying with pauses up to 1s", {{"error", error.message()}});
    }
    if (step.pause.count() == 0) continue;
    asio::steady_timer pause(executor, step.pause);
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace weir::net
