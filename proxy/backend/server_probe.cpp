#include "backend/server_probe.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace weir::backend {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

namespace {

asio::awaitable<std::optional<protocol::HandshakeV10>> read_greeting_unbounded(const Endpoint& endpoint,
                                                                               std::string& error) {
  const auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  auto [resolve_error, results] =
      co_await resolver.async_resolve(endpoint.host, std::to_string(endpoint.port), kAsTuple);
  if (resolve_error) {
    error = "cannot resolve " + endpoint.host + ": " + resolve_error.message();
    co_return std::nullopt;
  }
  asio::ip::tcp::socket socket(executor);
  auto [connect_error, ignored_endpoint] = co_await asio::async_connect(socket, results, kAsTuple);
  if (connect_error) {
    error = "cannot connect to " + endpoint.host + ":" + std::to_string(endpoint.port) + ": " + connect_error.message();
    co_return std::nullopt;
  }
  net::PacketStream stream(std::move(socket));
  protocol::Bytes packet;
  std::uint8_t seq = 0;
  boost::system::error_code read_error;
  co_await stream.read_packet(packet, seq, 1 << 16, read_error);
  if (read_error) {
    error = "no greeting from " + endpoint.name + ": " + read_error.message();
    co_return std::nullopt;
  }
  auto greeting = protocol::parse_handshake_v10(packet);
  stream.close();
  if (!greeting) {
    error = "unusable greeting from " + endpoint.name + ": " + greeting.error().message();
    co_return std::nullopt;
  }
  co_return std::move(*greeting);
}

}  // namespace

asio::awaitable<std::optional<protocol::HandshakeV10>> read_greeting(const Endpoint& endpoint,
                                                                     std::chrono::milliseconds timeout,
                                                                     std::string& error) {
  asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
  auto outcome = co_await (read_greeting_unbounded(endpoint, error) || timer.async_wait(kAsTuple));
  if (outcome.index() == 1) {
    error = "no greeting from " + endpoint.name + " within the connect timeout";
    co_return std::nullopt;
  }
  co_return std::get<0>(std::move(outcome));
}

}  // namespace weir::backend
