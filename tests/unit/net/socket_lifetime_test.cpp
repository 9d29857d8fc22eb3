// What the proxy assumes of Asio's sockets whichever kernel interface the build waits on (epoll,
// or io_uring: WEIR_IO_URING): a read that was cancelled, or whose socket was closed, completes as
// aborted and touches no other socket, however soon the next socket is opened and read. Boost
// 1.81's io_uring backend broke both (cmake/patches/asio-1.81-io_uring_service.patch says how).
#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>

namespace weir::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Pair {
  explicit Pair(asio::io_context& context, tcp::acceptor& acceptor) : client(context), server(context) {
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
  }
  tcp::socket client;
  tcp::socket server;
};

struct Read {
  std::array<char, 16> buffer{};
  std::optional<boost::system::error_code> error;
  std::size_t bytes = 0;

  void start(tcp::socket& socket) {
    error.reset();
    socket.async_read_some(asio::buffer(buffer), [this](const boost::system::error_code& ec, std::size_t n) {
      error = ec;
      bytes = n;
    });
  }
};

// Runs the context until every read has completed (at most 10 s, a failure). Polls: a wait with a
// timeout would put submissions of its own between the tests' (see the second test).
template <class... Reads>
void run_until_done(asio::io_context& context, const Reads&... reads) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(reads.error.has_value() && ...)) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "a read never completed";
    context.restart();
    context.poll();
  }
}

tcp::acceptor loopback_acceptor(asio::io_context& context) {
  return tcp::acceptor(context, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
}

TEST(SocketLifetime, ASocketClosedDuringAReadLeavesTheNextSocketsReadsAlone) {
  asio::io_context context{1};
  auto acceptor = loopback_acceptor(context);
  for (int i = 0; i < 200; ++i) {
    Read closed_read;
    {
      Pair closed(context, acceptor);
      closed_read.start(closed.server);
      context.restart();
      context.poll();  // the read is in the kernel now
      closed.server.close();
    }
    // At once, before the closed read's completion is handled: the descriptor numbers come back.
    Pair next(context, acceptor);
    Read next_read;
    next_read.start(next.server);
    asio::write(next.client, asio::buffer("x", 1));
    run_until_done(context, closed_read, next_read);
    ASSERT_EQ(*closed_read.error, asio::error::operation_aborted) << "round " << i;
    ASSERT_FALSE(*next_read.error) << "round " << i << ": " << next_read.error->message();
    ASSERT_EQ(next_read.bytes, 1U) << "round " << i;
  }
}

TEST(SocketLifetime, CancellingAReadNeverCompletesAnotherSocketsRead) {
  // Many more submissions than an io_uring ring has entries (Asio's: 16384), so that every ring
  // slot is used again; three per round (two reads, a cancellation), so that a cancellation takes
  // the slot of an earlier round's live read.
  asio::io_context context{1};
  auto acceptor = loopback_acceptor(context);
  Pair cancelled(context, acceptor);
  Pair live(context, acceptor);
  for (int i = 0; i < 12000; ++i) {
    Read cancelled_read;
    Read live_read;
    cancelled_read.start(cancelled.server);
    live_read.start(live.server);
    cancelled.server.cancel();
    asio::write(live.client, asio::buffer("y", 1));
    run_until_done(context, cancelled_read, live_read);
    ASSERT_EQ(*cancelled_read.error, asio::error::operation_aborted) << "round " << i;
    ASSERT_FALSE(*live_read.error) << "round " << i << ": " << live_read.error->message();
    ASSERT_EQ(live_read.bytes, 1U) << "round " << i;
  }
}

}  // namespace
}  // namespace weir::net
