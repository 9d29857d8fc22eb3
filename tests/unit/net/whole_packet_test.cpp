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
#include <random>
#include <utility>
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

  // Runs one of the stream's operations to its end.
  template <class Awaitable>
  void run(Awaitable operation) {
    auto done = asio::co_spawn(context_, std::move(operation), asio::use_future);
    context_.run();
    context_.restart();
    done.get();
  }

  // Reads until at least `size` bytes are buffered.
  void buffer_at_least(std::size_t size) {
    while (stream_->buffered().size() < size) {
      boost::system::error_code error;
      run(stream_->fill(PacketStream::kInitialBuffer, error));
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
  run(stream_->read_packet(packet, sequence, 1024, error));
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
  run(stream_->read_packet(packet, sequence, 99, error));
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

// Generated: packets of random lengths (empty, small, over the limit) arriving in pieces cut at
// random offsets. The session's way (take_whole_packet after each read, read_packet otherwise)
// must give each packet, sequence id and refusal exactly as read_packet alone would.
TEST_F(WholePacket, GeneratedSplitsGiveWhatReadPacketAloneGives) {
  std::mt19937 random(20261207);
  constexpr std::size_t kLimit = 300;
  for (int round = 0; round < 40; ++round) {
    std::vector<std::uint8_t> bytes;
    std::vector<std::pair<std::size_t, std::uint8_t>> sent;  // length, sequence id
    const int packets = 1 + static_cast<int>(random() % 8);
    for (int i = 0; i < packets; ++i) {
      const std::uint32_t length = random() % 4 == 0 ? 0 : static_cast<std::uint32_t>(random() % (kLimit + 40));
      const auto sequence = static_cast<std::uint8_t>(random());
      const auto one = frame(length, sequence, static_cast<std::uint8_t>('a' + i));
      bytes.insert(bytes.end(), one.begin(), one.end());
      sent.emplace_back(length, sequence);
    }
    // Cut into pieces, sent one by one: each read sees whatever has arrived.
    std::size_t offset = 0;
    std::size_t next = 0;  // the next packet expected
    while (next < sent.size()) {
      if (offset < bytes.size()) {
        const std::size_t piece = std::min<std::size_t>(1 + random() % 64, bytes.size() - offset);
        send({bytes.begin() + static_cast<std::ptrdiff_t>(offset),
              bytes.begin() + static_cast<std::ptrdiff_t>(offset + piece)});
        offset += piece;
        buffer_at_least(stream_->buffered().size() + 1);  // the piece (or part of it) read
      }
      protocol::Bytes packet;
      std::uint8_t sequence = 0;
      const auto [length, sent_sequence] = sent[next];
      if (stream_->take_whole_packet(packet, sequence, kLimit)) {
        ASSERT_LE(length, kLimit) << "round " << round << " packet " << next;
      } else if (offset < bytes.size()) {
        continue;  // more arrives first (a packet over the limit must stay refused once whole)
      } else {
        if (offset < bytes.size()) {  // the rest of everything, so that read_packet does not wait
          send({bytes.begin() + static_cast<std::ptrdiff_t>(offset), bytes.end()});
          offset = bytes.size();
        }
        boost::system::error_code error;
        run(stream_->read_packet(packet, sequence, kLimit, error));
        if (length > kLimit) {
          ASSERT_EQ(error, boost::system::errc::message_size) << "round " << round << " packet " << next;
          break;  // the session refuses such a packet and closes: the round ends
        }
        ASSERT_FALSE(error) << error.message();
      }
      ASSERT_EQ(packet.size(), length) << "round " << round << " packet " << next;
      ASSERT_EQ(sequence, sent_sequence) << "round " << round << " packet " << next;
      for (const auto b : packet) ASSERT_EQ(b, 'a' + next);
      ++next;
    }
    // A fresh connection for the next round.
    peer_.close();
    SetUp();
  }
}

}  // namespace
}  // namespace weir::net
