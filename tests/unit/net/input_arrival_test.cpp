// input_may_have_arrived reads the epoll reactor's own note about a socket: checked here against a
// real reactor and real loopback sockets, since it depends on Asio's internals (a newer Boost that
// changes them fails here first).
#include <gtest/gtest.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <thread>

#include "net/draining_read.hpp"

namespace weir::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class InputArrival : public ::testing::Test {
 protected:
  void SetUp() override {
    tcp::acceptor acceptor(context_, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    near_.connect(acceptor.local_endpoint());
    acceptor.accept(far_);
  }

  // Reads what is there with a draining read, as weir's relay does, until the socket is empty.
  std::size_t drain() {
    std::size_t total = 0;
    bool done = false;
    reader_.async_read_some(near_, asio::buffer(buffer_), [&](const boost::system::error_code& error, std::size_t n) {
      EXPECT_FALSE(error) << error.message();
      total = n;
      done = true;
    });
    context_.restart();  // a context left without work stopped itself
    for (int i = 0; i < 1000 && !done; ++i) context_.run_one_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(done) << "the read never completed";
    context_.restart();
    return total;
  }

  // Lets the reactor look at the sockets (epoll_wait), as a worker's loop does between handlers
  // (a worker always has work: without any, poll() would not wait on the reactor at all).
  void let_the_reactor_look() {
    auto work = asio::make_work_guard(context_);
    for (int i = 0; i < 20; ++i) {
      context_.poll();
      context_.restart();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  asio::io_context context_;
  tcp::socket near_{context_};
  tcp::socket far_{context_};
  DrainingReader reader_;
  std::array<char, 4096> buffer_{};
};

TEST_F(InputArrival, QuietAfterADrainingReadEmptiedTheSocketUntilSomethingArrives) {
  asio::write(far_, asio::buffer("reply", 5));
  EXPECT_EQ(drain(), 5U);
#if defined(WEIR_DRAINING_READ)
  let_the_reactor_look();
  EXPECT_FALSE(input_may_have_arrived(near_)) << "nothing arrived since the read emptied the socket";
#endif
  asio::write(far_, asio::buffer("!", 1));
  let_the_reactor_look();
  EXPECT_TRUE(input_may_have_arrived(near_));
  EXPECT_EQ(drain(), 1U);
#if defined(WEIR_DRAINING_READ)
  let_the_reactor_look();
  EXPECT_FALSE(input_may_have_arrived(near_));
#endif
  // The peer's close is news as well.
  far_.close();
  let_the_reactor_look();
  EXPECT_TRUE(input_may_have_arrived(near_));
}

}  // namespace
}  // namespace weir::net
