// PacketAssembler on arbitrary bytes: fed whole or in pieces of fuzzer-chosen sizes it must yield
// the same packets and the same error; append_packet output must reassemble to its payload.
#include <algorithm>
#include <optional>
#include <vector>

#include "fuzz_input.hpp"
#include "weir/protocol/framing.hpp"

using namespace weir::protocol;

namespace {

struct Outcome {
  std::vector<Buffer> payloads;
  std::vector<std::uint8_t> first_seq;
  std::optional<Error> error;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

void drain(PacketAssembler& a, Outcome& out) {
  while (!out.error) {
    auto next = a.next();
    if (!next) {
      out.error = next.error();
      return;
    }
    if (!*next) return;
    out.payloads.emplace_back((*next)->payload.begin(), (*next)->payload.end());
    out.first_seq.push_back((*next)->first_sequence_id);
  }
}

Outcome assemble(Bytes stream, std::size_t piece, bool check_sequence, std::size_t max_packet) {
  PacketAssembler a(max_packet);
  if (check_sequence) a.expect_sequence(stream.empty() ? 0 : stream.size() > 3 ? stream[3] : 0);
  Outcome out;
  for (std::size_t pos = 0; pos < stream.size() && !out.error; pos += piece) {
    a.feed(stream.subspan(pos, std::min(piece, stream.size() - pos)));
    drain(a, out);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weir::fuzz::FuzzInput in(data, size);
  const std::size_t piece = in.byte() % 64 + 1;
  const std::uint8_t options = in.byte();
  const bool check_sequence = (options & 1) != 0;
  const std::size_t max_packet = (options & 2) ? 1024 : PacketAssembler::kDefaultMaxPacket;
  const Bytes stream = in.rest();

  const Outcome whole = assemble(stream, stream.size() + 1, check_sequence, max_packet);
  const Outcome pieces = assemble(stream, piece, check_sequence, max_packet);
  // The same packets and the same error, however the stream is cut.
  WEIR_FUZZ_CHECK(whole == pieces);
  std::size_t total = 0;
  for (const auto& p : whole.payloads) total += p.size() + kFrameHeaderSize;
  WEIR_FUZZ_CHECK(total <= stream.size());

  // Framing round trip of the raw input as a payload.
  Buffer framed;
  const std::uint8_t seq = options;
  const std::uint8_t after = append_packet(framed, stream, seq);
  WEIR_FUZZ_CHECK(after == static_cast<std::uint8_t>(seq + frame_count(stream.size())));
  PacketAssembler a;
  a.expect_sequence(seq);
  a.feed(framed);
  auto packet = a.next();
  WEIR_FUZZ_CHECK(packet.ok() && packet->has_value());
  WEIR_FUZZ_CHECK(Buffer((*packet)->payload.begin(), (*packet)->payload.end()) == Buffer(stream.begin(), stream.end()));
  WEIR_FUZZ_CHECK(a.buffered() == 0);
  return 0;
}
