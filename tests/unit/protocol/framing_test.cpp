#include "weir/protocol/framing.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace weir::protocol {
namespace {

Buffer payload_of(std::size_t n) {
  Buffer b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 31 + 7);
  return b;
}

TEST(Framing, HeaderRoundTrip) {
  std::uint8_t raw[4];
  encode_frame_header(raw, {0x123456, 9});
  EXPECT_EQ(raw[0], 0x56);
  EXPECT_EQ(raw[1], 0x34);
  EXPECT_EQ(raw[2], 0x12);
  EXPECT_EQ(raw[3], 9);
  EXPECT_EQ(decode_frame_header(raw), (FrameHeader{0x123456, 9}));
}

TEST(Framing, SmallPacket) {
  Buffer out;
  const Buffer p = {0x03, 'S', 'E', 'L'};
  EXPECT_EQ(append_packet(out, p, 0), 1);
  EXPECT_EQ(out, (Buffer{4, 0, 0, 0, 0x03, 'S', 'E', 'L'}));
}

TEST(Framing, EmptyPacketIsOneEmptyFrame) {
  Buffer out;
  EXPECT_EQ(append_packet(out, {}, 5), 6);
  EXPECT_EQ(out, (Buffer{0, 0, 0, 5}));
}

struct SplitCase {
  std::size_t size;
  std::size_t frames;
};
class LargePacketTest : public ::testing::TestWithParam<SplitCase> {};

// Exactly 16 MB - 1 needs a trailing empty frame; larger packets split and the remainder follows.
TEST_P(LargePacketTest, SplitsAndJoins) {
  const auto [size, frames] = GetParam();
  EXPECT_EQ(frame_count(size), frames);
  const Buffer payload = payload_of(size);
  Buffer wire;
  EXPECT_EQ(append_packet(wire, payload, 250), static_cast<std::uint8_t>(250 + frames));
  EXPECT_EQ(wire.size(), size + 4 * frames);
  const FrameHeader last = decode_frame_header(wire.data() + wire.size() - 4 - size % kMaxFramePayload);
  EXPECT_EQ(last.payload_length, size % kMaxFramePayload);

  PacketAssembler assembler;
  assembler.expect_sequence(250);
  assembler.feed(wire);
  auto packet = assembler.next();
  ASSERT_TRUE(packet.ok()) << packet.error().message();
  ASSERT_TRUE(packet->has_value());
  EXPECT_EQ((*packet)->first_sequence_id, 250);
  EXPECT_EQ((*packet)->last_sequence_id, static_cast<std::uint8_t>(250 + frames - 1));
  ASSERT_EQ((*packet)->payload.size(), size);
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), (*packet)->payload.begin()));
  EXPECT_EQ(assembler.buffered(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Sizes, LargePacketTest,
                         ::testing::Values(SplitCase{kMaxFramePayload - 1, 1}, SplitCase{kMaxFramePayload, 2},
                                           SplitCase{kMaxFramePayload + 1, 2}, SplitCase{2 * kMaxFramePayload, 3},
                                           SplitCase{20 * 1024 * 1024, 2}));

TEST(PacketAssembler, EveryChunkingYieldsTheSamePackets) {
  Buffer wire;
  std::uint8_t seq = 0;
  const std::size_t sizes[] = {0, 1, 5, 300, 70000};
  for (auto n : sizes) seq = append_packet(wire, payload_of(n), seq);
  for (std::size_t split = 0; split <= wire.size(); split += (split < 400 ? 1 : 997)) {
    PacketAssembler a;
    a.expect_sequence(0);
    std::vector<Buffer> got;
    auto drain = [&] {
      while (true) {
        auto p = a.next();
        ASSERT_TRUE(p.ok()) << p.error().message();
        if (!p->has_value()) break;
        got.emplace_back((*p)->payload.begin(), (*p)->payload.end());
      }
    };
    a.feed(Bytes(wire).first(split));
    drain();
    a.feed(Bytes(wire).subspan(split));
    drain();
    ASSERT_EQ(got.size(), std::size(sizes)) << "split at " << split;
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], payload_of(sizes[i])) << "split at " << split;
  }
}

TEST(PacketAssembler, ByteByByte) {
  Buffer wire;
  append_packet(wire, payload_of(1000), 3);
  PacketAssembler a;
  for (std::size_t i = 0; i + 1 < wire.size(); ++i) {
    a.feed(Bytes(wire).subspan(i, 1));
    auto p = a.next();
    ASSERT_TRUE(p.ok());
    ASSERT_FALSE(p->has_value());
  }
  a.feed(Bytes(wire).last(1));
  auto p = a.next();
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->payload.size(), 1000u);
}

TEST(PacketAssembler, WrongSequenceIsAnError) {
  Buffer wire;
  append_packet(wire, payload_of(3), 2);
  PacketAssembler a;
  a.expect_sequence(1);
  a.feed(wire);
  auto p = a.next();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::sequence_mismatch);
}

TEST(PacketAssembler, SequenceContinuesAcrossPackets) {
  Buffer wire;
  append_packet(wire, payload_of(3), 0);
  append_packet(wire, payload_of(3), 2);  // should have been 1
  PacketAssembler a;
  a.expect_sequence(0);
  a.feed(wire);
  ASSERT_TRUE(a.next().ok());
  auto p = a.next();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::sequence_mismatch);
}

TEST(PacketAssembler, NonConsecutiveFramesInsideOnePacket) {
  Buffer wire;
  append_packet(wire, payload_of(kMaxFramePayload + 10), 0);
  wire[kFrameHeaderSize + kMaxFramePayload + 3] = 7;  // second frame's sequence id
  PacketAssembler a;
  a.feed(wire);
  auto p = a.next();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::sequence_mismatch);
}

TEST(PacketAssembler, OversizedPacketIsRejectedFromItsHeader) {
  PacketAssembler a(1024);
  const Buffer header = {0x01, 0x04, 0x00, 0x00};  // 1025 bytes announced
  a.feed(header);
  auto p = a.next();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::too_long);
}

}  // namespace
}  // namespace weir::protocol
