// The read buffer of PacketStream grows with the bytes that arrived, never with a length a peer
// announced: grown_capacity as a table, and the whole growth of a large announced packet.
#include <gtest/gtest.h>

#include "net/packet_stream.hpp"

namespace weir::net {
namespace {

constexpr std::size_t kInitial = PacketStream::kInitialBuffer;

TEST(PacketBuffer, KeepsItsCapacityWhileThereIsRoom) {
  EXPECT_EQ(grown_capacity(kInitial, 0, 16U << 20), kInitial);
  EXPECT_EQ(grown_capacity(kInitial, kInitial - 1, 16U << 20), kInitial);
}

TEST(PacketBuffer, DoublesWhenFullButNeverPastWhatIsWanted) {
  EXPECT_EQ(grown_capacity(kInitial, kInitial, 16U << 20), 2 * kInitial);
  EXPECT_EQ(grown_capacity(kInitial, kInitial, kInitial + 10), kInitial + 10);
  EXPECT_EQ(grown_capacity(0, 0, 4), 4U);
  EXPECT_EQ(grown_capacity(0, 0, 1U << 20), kInitial);
}

TEST(PacketBuffer, AFullBufferThatHasWhatWasWantedStillGrowsForOneMoreByte) {
  EXPECT_EQ(grown_capacity(kInitial, kInitial, 100), 2 * kInitial);
  EXPECT_EQ(grown_capacity(3 * kInitial, 3 * kInitial, 0), 6 * kInitial);
}

// A peer announces a 16 MiB - 1 frame and then sends it in 1 KiB pieces: after every piece the
// buffer holds at most twice the bytes received (or the initial size), and ends at the frame.
TEST(PacketBuffer, GrowsWithTheBytesReceivedUpToTheAnnouncedFrame) {
  const std::size_t frame = 4 + (16U << 20) - 1;
  std::size_t capacity = kInitial;
  std::size_t received = 0;
  while (received < frame) {
    capacity = grown_capacity(capacity, received, frame);
    ASSERT_GT(capacity, received);
    ASSERT_LE(capacity, std::max(kInitial, 2 * received)) << received;
    received = std::min({received + 1024, capacity, frame});
  }
  EXPECT_EQ(capacity, frame);
}

}  // namespace
}  // namespace weir::net
