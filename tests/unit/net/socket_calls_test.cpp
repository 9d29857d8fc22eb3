#include "net/socket_calls.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/error.hpp>
#include <cerrno>
#include <string_view>

namespace weir::net {
namespace {

// A connected pair of non-blocking stream sockets.
class SocketCalls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, ends_.data()), 0);
  }
  void TearDown() override {
    for (int& end : ends_) {
      if (end >= 0) ::close(end);
    }
  }
  std::array<int, 2> ends_{-1, -1};
};

TEST_F(SocketCalls, ReceivesWhatWasSentAndSaysWhenTheSocketIsEmpty) {
  boost::system::error_code error;
  std::array<char, 16> into{};
  EXPECT_EQ(receive_now(ends_[0], into.data(), into.size(), error), 0U);
  EXPECT_EQ(error, boost::asio::error::would_block);

  constexpr std::string_view kSent = "SELECT 1";
  EXPECT_EQ(send_now(ends_[1], kSent.data(), kSent.size(), error), kSent.size());
  EXPECT_FALSE(error);
  const std::size_t n = receive_now(ends_[0], into.data(), into.size(), error);
  EXPECT_FALSE(error);
  EXPECT_EQ(std::string_view(into.data(), n), kSent);
  EXPECT_EQ(receive_now(ends_[0], into.data(), into.size(), error), 0U);
  EXPECT_EQ(error, boost::asio::error::would_block);
}

TEST_F(SocketCalls, AClosedPeerIsTheEndOfTheStreamAndAWriteToItAnErrorNotASignal) {
  boost::system::error_code error;
  constexpr std::string_view kLast = "bye";
  ASSERT_EQ(send_now(ends_[1], kLast.data(), kLast.size(), error), kLast.size());
  ::close(ends_[1]);
  ends_[1] = -1;
  std::array<char, 16> into{};
  // What was sent before the close comes first, then the end.
  EXPECT_EQ(receive_now(ends_[0], into.data(), into.size(), error), kLast.size());
  EXPECT_FALSE(error);
  EXPECT_EQ(receive_now(ends_[0], into.data(), into.size(), error), 0U);
  EXPECT_EQ(error, boost::asio::error::eof);
  // Without MSG_NOSIGNAL this would raise SIGPIPE and end the test program.
  EXPECT_EQ(send_now(ends_[0], kLast.data(), kLast.size(), error), 0U);
  EXPECT_EQ(error.value(), EPIPE);
}

TEST_F(SocketCalls, AFullSendBufferIsWouldBlockAfterAPartialWrite) {
  boost::system::error_code error;
  std::array<char, 65536> chunk{};
  std::size_t total = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::size_t n = send_now(ends_[1], chunk.data(), chunk.size(), error);
    total += n;
    if (error) break;
  }
  EXPECT_EQ(error, boost::asio::error::would_block);
  EXPECT_GT(total, 0U);
}

TEST_F(SocketCalls, ABadDescriptorIsTheKernelsError) {
  boost::system::error_code error;
  std::array<char, 4> into{};
  EXPECT_EQ(receive_now(-1, into.data(), into.size(), error), 0U);
  EXPECT_EQ(error.value(), EBADF);
  EXPECT_EQ(send_now(-1, into.data(), into.size(), error), 0U);
  EXPECT_EQ(error.value(), EBADF);
}

TEST_F(SocketCalls, PeekingTellsQuietFromDataFromAClose) {
  EXPECT_EQ(peek_waiting(ends_[0]), Waiting::nothing);
  constexpr std::string_view kUnasked = "x";
  boost::system::error_code error;
  ASSERT_EQ(send_now(ends_[1], kUnasked.data(), kUnasked.size(), error), 1U);
  EXPECT_EQ(peek_waiting(ends_[0]), Waiting::data);
  EXPECT_EQ(peek_waiting(ends_[0]), Waiting::data);  // a peek takes nothing
  std::array<char, 4> into{};
  ASSERT_EQ(receive_now(ends_[0], into.data(), into.size(), error), 1U);
  ::close(ends_[1]);
  ends_[1] = -1;
  EXPECT_EQ(peek_waiting(ends_[0]), Waiting::closed);
  EXPECT_EQ(peek_waiting(-1), Waiting::error);
}

}  // namespace
}  // namespace weir::net
