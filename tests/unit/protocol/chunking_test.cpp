// However a byte stream is cut, the same messages come out: every recorded conversation and
// every framing fixture stream, split at every byte offset, through the PacketAssembler and
// through the conversation walker (which drives the message parsers and ResponseTracker).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "weir/protocol/framing.hpp"
#include "weir/testing/conversation.hpp"

namespace weir::testing {
namespace {

namespace p = weir::protocol;
namespace fs = std::filesystem;

// Packets of 1 MiB or more are kept as their size and a sample of their bytes (every 4096th
// byte and 64 bytes around each frame boundary), which a misplaced join still changes.
p::Buffer keep(p::Bytes payload) {
  if (payload.size() < (std::size_t{1} << 20)) return {payload.begin(), payload.end()};
  p::Buffer sample;
  for (std::size_t i = 0; i < payload.size(); i += 4096) sample.push_back(payload[i]);
  for (std::size_t b = p::kMaxFramePayload; b < payload.size() + 64; b += p::kMaxFramePayload) {
    for (std::size_t i = b - 64; i < b + 64 && i < payload.size(); ++i) sample.push_back(payload[i]);
  }
  const auto n = payload.size();
  for (int k = 0; k < 8; ++k) sample.push_back(static_cast<std::uint8_t>(n >> (8 * k)));
  return sample;
}

struct Assembled {
  std::vector<p::Buffer> payloads;
  std::vector<std::uint8_t> first_seq;
  std::vector<std::uint8_t> last_seq;
  std::size_t left_over = 0;
  bool failed = false;
  friend bool operator==(const Assembled&, const Assembled&) = default;
};

// Feeds `stream` cut at each of `cuts` (ascending offsets), draining packets after each piece.
Assembled assemble(const p::Buffer& stream, const std::vector<std::size_t>& cuts) {
  p::PacketAssembler a;
  Assembled out;
  std::size_t from = 0;
  auto drain = [&] {
    while (true) {
      auto next = a.next();
      if (!next) {
        out.failed = true;
        return;
      }
      if (!*next) return;
      out.payloads.push_back(keep((*next)->payload));
      out.first_seq.push_back((*next)->first_sequence_id);
      out.last_seq.push_back((*next)->last_sequence_id);
    }
  };
  for (std::size_t cut : cuts) {
    a.feed(p::Bytes(stream.data() + from, cut - from));
    drain();
    from = cut;
  }
  a.feed(p::Bytes(stream.data() + from, stream.size() - from));
  drain();
  out.left_over = a.buffered();
  return out;
}

std::vector<std::string> recordings() {
  std::vector<std::string> out;
  const fs::path dir = WEIR_PROTOCOL_TEST_DATA;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".txt") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

p::Buffer direction_stream(const ConnectionRecording& chunks, Direction from) {
  p::Buffer out;
  for (const auto& c : chunks) {
    if (c.from == from) out.insert(out.end(), c.bytes.begin(), c.bytes.end());
  }
  return out;
}

void expect_every_two_piece_split_assembles_the_same(const p::Buffer& stream, const std::string& what) {
  const Assembled whole = assemble(stream, {});
  ASSERT_FALSE(whole.failed) << what;
  ASSERT_EQ(whole.left_over, 0U) << what;
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    ASSERT_EQ(assemble(stream, {cut}), whole) << what << ", cut at byte " << cut;
  }
  std::vector<std::size_t> every_byte;
  for (std::size_t i = 1; i < stream.size(); ++i) every_byte.push_back(i);
  EXPECT_EQ(assemble(stream, every_byte), whole) << what << ", one byte at a time";
}

TEST(Chunking, RecordedStreamsAssembleTheSameAtEveryCut) {
  const auto files = recordings();
  ASSERT_GE(files.size(), 2U);
  for (const auto& file : files) {
    for (const auto& conn : load_recording(file).connections) {
      for (Direction d : {Direction::client, Direction::server}) {
        const p::Buffer stream = direction_stream(conn, d);
        ASSERT_GT(stream.size(), 0U);
        expect_every_two_piece_split_assembles_the_same(stream, file + " " + static_cast<char>(d));
      }
    }
  }
}

TEST(Chunking, FramingFixtureStreamsAssembleTheSameAtEveryCut) {
  // Empty payloads, small packets, and sequence ids that wrap around.
  p::Buffer small;
  std::uint8_t seq = 250;
  for (std::size_t n : {0, 1, 2, 3, 4, 5, 250, 251, 0, 1000}) {
    p::Buffer payload(n);
    for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<std::uint8_t>(i * 7 + n);
    seq = p::append_packet(small, payload, seq);
  }
  expect_every_two_piece_split_assembles_the_same(small, "small packets");
  EXPECT_EQ(assemble(small, {}).payloads.size(), 10U);
}

TEST(Chunking, MultiFramePacketsAssembleTheSameAtCutsAroundEveryFrameHeader) {
  // A packet of exactly 0xffffff bytes (then an empty frame) and one of 0xffffff + 3 bytes:
  // cutting at every offset of 32 MiB is too slow, so cut at and around each frame header.
  p::Buffer stream;
  std::uint8_t seq = 0;
  for (std::size_t n : {std::size_t{p::kMaxFramePayload}, std::size_t{p::kMaxFramePayload} + 3, std::size_t{5}}) {
    p::Buffer payload(n);
    for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<std::uint8_t>(i + (i >> 8) + n);
    seq = p::append_packet(stream, payload, seq);
  }
  const Assembled whole = assemble(stream, {});
  ASSERT_FALSE(whole.failed);
  ASSERT_EQ(whole.payloads.size(), 3U);
  EXPECT_EQ(whole.last_seq[0], 1);  // the 0xffffff frame and the empty one
  EXPECT_EQ(whole.first_seq[1], 2);
  EXPECT_EQ(whole.last_seq[1], 3);
  EXPECT_EQ(whole.payloads[2].size(), 5U);
  std::vector<std::size_t> headers;
  for (std::size_t pos = 0; pos + 4 <= stream.size();) {
    headers.push_back(pos);
    pos += 4 + p::decode_frame_header(stream.data() + pos).payload_length;
  }
  for (std::size_t h : headers) {
    for (std::size_t d : {0, 2, 4}) {
      for (std::size_t cut : {h + d, h >= d ? h - d : 0}) {
        if (cut > stream.size()) continue;
        EXPECT_EQ(assemble(stream, {cut}), whole) << "cut at byte " << cut;
      }
    }
  }
}

// Cuts chunk `index` of a recording at `offset`, as if the relay had read it in two pieces.
ConnectionRecording split_chunk(const ConnectionRecording& chunks, std::size_t index, std::size_t offset) {
  ConnectionRecording out;
  out.reserve(chunks.size() + 1);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (i != index) {
      out.push_back(chunks[i]);
      continue;
    }
    const auto& b = chunks[i].bytes;
    const auto mid = b.begin() + static_cast<std::ptrdiff_t>(offset);
    out.push_back({chunks[i].from, std::vector<std::uint8_t>(b.begin(), mid)});
    out.push_back({chunks[i].from, std::vector<std::uint8_t>(mid, b.end())});
  }
  return out;
}

TEST(Chunking, ConversationsWalkTheSameAtEveryCut) {
  for (const auto& file : recordings()) {
    for (const auto& conn : load_recording(file).connections) {
      const Conversation whole = walk_conversation(conn);
      ASSERT_TRUE(whole.ok()) << file << ": " << whole.error;
      ASSERT_GT(whole.trace.size(), 10U);
      std::size_t cuts = 0;
      for (std::size_t i = 0; i < conn.size(); ++i) {
        for (std::size_t offset = 0; offset <= conn[i].bytes.size(); ++offset) {
          const Conversation split = walk_conversation(split_chunk(conn, i, offset));
          ASSERT_EQ(split, whole) << file << ": chunk " << i << " cut at byte " << offset << "\n" << split.error;
          ++cuts;
        }
      }
      EXPECT_GT(cuts, 500U) << file;

      // One byte per chunk, and each direction's turn merged into one chunk.
      ConnectionRecording bytes;
      ConnectionRecording merged;
      for (const auto& c : conn) {
        for (std::uint8_t b : c.bytes) bytes.push_back({c.from, {b}});
        if (!merged.empty() && merged.back().from == c.from) {
          merged.back().bytes.insert(merged.back().bytes.end(), c.bytes.begin(), c.bytes.end());
        } else {
          merged.push_back(c);
        }
      }
      EXPECT_EQ(walk_conversation(bytes), whole) << file << ": one byte per chunk";
      EXPECT_EQ(walk_conversation(merged), whole) << file << ": turns merged";
    }
  }
}

}  // namespace
}  // namespace weir::testing
