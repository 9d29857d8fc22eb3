#include "weir/protocol/framing.hpp"

#include <algorithm>
#include <cstring>

namespace weir::protocol {

std::size_t frame_count(std::size_t payload_size) { return payload_size / kMaxFramePayload + 1; }

std::uint8_t append_packet(Buffer& out, Bytes payload, std::uint8_t sequence_id) {
  // One resize for every frame, then each frame's header and bytes copied in place.
  const std::size_t frames = frame_count(payload.size());
  std::size_t at = out.size();
  out.resize(at + payload.size() + kFrameHeaderSize * frames);
  std::size_t pos = 0;
  for (std::size_t i = 0; i < frames; ++i) {
    const auto chunk = static_cast<std::uint32_t>(std::min<std::size_t>(payload.size() - pos, kMaxFramePayload));
    encode_frame_header(out.data() + at, {chunk, sequence_id++});
    if (chunk > 0) std::memcpy(out.data() + at + kFrameHeaderSize, payload.data() + pos, chunk);
    at += kFrameHeaderSize + chunk;
    pos += chunk;
  }
  return sequence_id;
}

void PacketAssembler::feed(Bytes data) {
  if (consumed_ > 0 && consumed_ == input_.size()) {
    input_.clear();
    consumed_ = 0;
  } else if (consumed_ > 65536 && consumed_ * 2 > input_.size()) {
    input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  input_.insert(input_.end(), data.begin(), data.end());
}

Result<std::optional<Packet>> PacketAssembler::next() {
  // First pass: find the end of the logical packet without copying.
  std::size_t pos = consumed_;
  std::size_t total = 0;
  std::size_t frames = 0;
  std::uint8_t first_seq = 0;
  std::uint8_t seq = 0;
  while (true) {
    if (input_.size() - pos < kFrameHeaderSize) return std::optional<Packet>{};
    const FrameHeader h = decode_frame_header(input_.data() + pos);
    if (frames == 0) {
      first_seq = h.sequence_id;
      if (expected_ && h.sequence_id != *expected_) {
        return Error{Errc::sequence_mismatch, "sequence_id", pos - consumed_ + 3};
      }
    } else if (h.sequence_id != static_cast<std::uint8_t>(seq + 1)) {
      return Error{Errc::sequence_mismatch, "sequence_id", pos - consumed_ + 3};
    }
    seq = h.sequence_id;
    total += h.payload_length;
    if (total > max_packet_) return Error{Errc::too_long, "payload_length", pos - consumed_};
    if (input_.size() - pos - kFrameHeaderSize < h.payload_length) return std::optional<Packet>{};
    pos += kFrameHeaderSize + h.payload_length;
    ++frames;
    if (h.payload_length < kMaxFramePayload) break;
  }

  Packet packet{first_seq, seq, {}};
  if (frames == 1) {
    packet.payload = Bytes(input_.data() + consumed_ + kFrameHeaderSize, total);
  } else {
    joined_.clear();
    joined_.reserve(total);
    std::size_t p = consumed_;
    for (std::size_t i = 0; i < frames; ++i) {
      const FrameHeader h = decode_frame_header(input_.data() + p);
      const auto* begin = input_.data() + p + kFrameHeaderSize;
      joined_.insert(joined_.end(), begin, begin + h.payload_length);
      p += kFrameHeaderSize + h.payload_length;
    }
    packet.payload = Bytes(joined_.data(), joined_.size());
  }
  consumed_ = pos;
  if (expected_) expected_ = static_cast<std::uint8_t>(seq + 1);
  return std::optional<Packet>{packet};
}

}  // namespace weir::protocol
