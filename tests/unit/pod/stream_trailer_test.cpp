#include "weir/pod/stream_trailer.hpp"

#include <gtest/gtest.h>

namespace weir::pod {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes stream_of(const Bytes& payload, std::uint8_t status) {
  Bytes out = payload;
  const auto trailer = encode_trailer({payload.size(), status});
  out.insert(out.end(), trailer.begin(), trailer.end());
  return out;
}

TEST(Trailer, Encoding) {
  EXPECT_EQ(encode_trailer({0x0102, 3}),
            (Bytes{'W', 'E', 'I', 'R', 'S', 'T', 'R', 'M', 0x02, 0x01, 0, 0, 0, 0, 0, 0, 3}));
  EXPECT_EQ(encode_trailer({}).size(), kTrailerSize);
}

// The payload must come out whole and the trailer be recognised however the stream is chunked.
TEST(TrailerSplitter, EverySplitPointGivesTheSameResult) {
  Bytes payload;
  for (int i = 0; i < 40; ++i) payload.push_back(static_cast<std::uint8_t>(i * 7));
  const Bytes stream = stream_of(payload, 0);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    TrailerSplitter s;
    Bytes out;
    s.feed(std::span(stream.data(), cut), out);
    s.feed(std::span(stream.data() + cut, stream.size() - cut), out);
    EXPECT_EQ(out, payload) << "cut at " << cut;
    ASSERT_TRUE(s.finish().has_value()) << "cut at " << cut;
    EXPECT_EQ(s.finish()->bytes, payload.size());
  }
}

TEST(TrailerSplitter, ByteByByte) {
  const Bytes payload{1, 2, 3};
  const Bytes stream = stream_of(payload, 5);
  TrailerSplitter s;
  Bytes out;
  for (auto b : stream) s.feed(std::span(&b, 1), out);
  EXPECT_EQ(out, payload);
  ASSERT_TRUE(s.finish());
  EXPECT_EQ(s.finish()->status, 5);
}

TEST(TrailerSplitter, EmptyPayload) {
  TrailerSplitter s;
  Bytes out;
  const Bytes stream = stream_of({}, 0);
  s.feed(stream, out);
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(s.finish());
  EXPECT_EQ(s.finish()->bytes, 0u);
}

TEST(TrailerSplitter, TruncatedStreamHasNoTrailer) {
  const Bytes stream = stream_of(Bytes(100, 0xAB), 0);
  for (std::size_t keep : {std::size_t{0}, std::size_t{5}, std::size_t{50}, stream.size() - 1}) {
    TrailerSplitter s;
    Bytes out;
    s.feed(std::span(stream.data(), keep), out);
    EXPECT_FALSE(s.finish().has_value()) << "kept " << keep;
  }
}

TEST(TrailerSplitter, CountMismatchIsRejected) {
  Bytes stream(10, 1);
  const auto trailer = encode_trailer({11, 0});  // claims one byte more than was sent
  stream.insert(stream.end(), trailer.begin(), trailer.end());
  TrailerSplitter s;
  Bytes out;
  s.feed(stream, out);
  EXPECT_FALSE(s.finish().has_value());
}

}  // namespace
}  // namespace weir::pod
