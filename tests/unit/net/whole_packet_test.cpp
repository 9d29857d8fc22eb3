// PacketStream's path without suspending for a packet that arrived whole (take_whole_packet,
// buffered_first_byte) against read_packet's over the same bytes: real sockets on loopback, one
// peer writing, the stream's fill() reading.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <optional>
#include <vector>

#include "net/packet_stream.hpp"

namespace weir::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

std::vector<std::uint8_t> frame(std::uint32_t length, std::uint8_t sequence, std::uint8_t fill_byte) {
  std::vector<std::uint8_t> out{static_cast<std::uint8_t>(length), static_cast<std::uint8_t>(length >> 8),
                                static_cast<std::uint8_t>(length >> 16), sequence};
  out.insert(out.end(), length, fill_byte);
  return out;
}

class WholePacket : public ::testing::Test {
 protected:
  void SetUp() override {
    tcp::acceptor acceptor(context_, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    peer_.connect(acceptor.local_endpoint());
    stream_.emplace(acceptor.accept());
  }

  void send(const std::vector<std::uint8_t>& bytes) { asio::write(peer_, asio::buffer(bytes)); }

  // Reads until at least `size` bytes are buffered.
  void buffer_at_least(std::size_t size) {
    while (stream_->buffered().size() < size) {
      boost::system::error_code error;
      auto done = asio::co_spawn(context_, stream_->fill(PacketStream::kInitialBuffer, error), asio::use_future);
      context_.run();
      context_.restart();
      done.get();
      ASSERT_FALSE(error) << error.message();
    }
  }

  asio::io_context context_;
  tcp::socket peer_{context_};
  std::optional<PacketStream> stream_;
};

TEST_F(WholePacket, AWhollyBufferedPacketIsTakenAsReadPacketWouldReadIt) {
  auto bytes = frame(5, 0, 'a');
  const auto second = frame(3, 7, 'b');
  bytes.insert(bytes.end(), second.begin(), second.end());
  send(bytes);
  buffer_at_least(bytes.size());
  EXPECT_EQ(stream_->buffered_first_byte(), std::optional<std::uint8_t>('a'));
  protocol::Bytes packet;
  std::uint8_t sequence = 99;
  ASSERT_TRUE(stream_->take_whole_packet(packet, sequence, 1024));
  EXPECT_EQ(packet.size(), 5U);
  EXPECT_EQ(packet[0], 'a');
  EXPECT_EQ(sequence, 0);
  EXPECT_EQ(stream_->last_sequence_id(), 0);
  ASSERT_TRUE(stream_->take_whole_packet(packet, sequence, 1024));
  EXPECT_EQ(packet.size(), 3U);
  EXPECT_EQ(sequence, 7);
  EXPECT_TRUE(stream_->buffered().empty());
  EXPECT_FALSE(stream_->buffered_first_byte());
}

TEST_F(WholePacket, APartOfAPacketIsLeftForReadPacket) {
  const auto bytes = frame(10, 0, 'q');
  send({bytes.begin(), bytes.begin() + 8});
  buffer_at_least(8);
  EXPECT_EQ(stream_->buffered_first_byte(), std::optional<std::uint8_t>('q'));  // the header and one byte are there
  protocol::Bytes packet;
  std::uint8_t sequence = 0;
  EXPECT_FALSE(stream_->take_whole_packet(packet, sequence, 1024));
  EXPECT_EQ(stream_->buffered().size(), 8U);  // nothing consumed
  send({bytes.begin() + 8, bytes.end()});
  boost::system::error_code error;
  auto done = asio::co_spawn(context_, stream_->read_packet(packet, sequence, 1024, error), asio::use_future);
  context_.run();
  done.get();
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(packet.size(), 10U);
}

TEST_F(WholePacket, APacketOverTheLimitIsLeftForReadPacketToRefuse) {
  send(frame(100, 0, 'x'));
  buffer_at_least(104);
  protocol::Bytes packet;
  std::uint8_t sequence = 0;
  EXPECT_FALSE(stream_->take_whole_packet(packet, sequence, 99));
  EXPECT_EQ(stream_->buffered().size(), 104U);
  boost::system::error_code error;
  auto done = asio::co_spawn(context_, stream_->read_packet(packet, sequence, 99, error), asio::use_future);
  context_.run();
  done.get();
  EXPECT_EQ(error, boost::system::errc::message_size);
}

TEST_F(WholePacket, AnEmptyPacketHasNoFirstByteAndIsTakenEmpty) {
  send(frame(0, 0, 0));
  buffer_at_least(4);
  EXPECT_FALSE(stream_->buffered_first_byte());
  protocol::Bytes packet;
  std::uint8_t sequence = 1;
  ASSERT_TRUE(stream_->take_whole_packet(packet, sequence, 1024));
  EXPECT_TRUE(packet.empty());
  EXPECT_EQ(sequence, 0);
}

TEST_F(WholePacket, AFrameOfTheMaximumLengthContinuesInTheNextOneAndIsLeftForReadPacket) {
  // Only the header is needed to see it: a 0xffffff frame is never taken whole.
  send({0xff, 0xff, 0xff, 0, 'z'});
  buffer_at_least(5);
  protocol::Bytes packet;
  std::uint8_t sequence = 0;
  EXPECT_FALSE(stream_->take_whole_packet(packet, sequence, std::size_t{1} << 30));
  EXPECT_EQ(stream_->buffered().size(), 5U);
}

}  // namespace
}  // namespace weir::net
