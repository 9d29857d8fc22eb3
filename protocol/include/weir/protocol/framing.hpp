#pragma once
// Packet framing: every MySQL packet is a 3-byte payload length, a 1-byte sequence id and the
// payload. A logical packet of 0xffffff bytes or more is split into frames of 0xffffff bytes and
// ends with a shorter (possibly empty) frame.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "weir/protocol/bytes.hpp"

namespace weir::protocol {

inline constexpr std::size_t kFrameHeaderSize = 4;
inline constexpr std::uint32_t kMaxFramePayload = 0xffffff;

struct FrameHeader {
  std::uint32_t payload_length = 0;
  std::uint8_t sequence_id = 0;
  friend bool operator==(const FrameHeader&, const FrameHeader&) = default;
};

inline FrameHeader decode_frame_header(const std::uint8_t* p) {
  return {std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16), p[3]};
}

inline void encode_frame_header(std::uint8_t* p, FrameHeader h) {
  p[0] = static_cast<std::uint8_t>(h.payload_length);
  p[1] = static_cast<std::uint8_t>(h.payload_length >> 8);
  p[2] = static_cast<std::uint8_t>(h.payload_length >> 16);
  p[3] = h.sequence_id;
}

// Number of frames a logical packet of `payload_size` bytes takes on the wire.
std::size_t frame_count(std::size_t payload_size);

// Appends `payload` framed as one logical packet, starting at `sequence_id`.
// Returns the sequence id that follows the last frame.
std::uint8_t append_packet(Buffer& out, Bytes payload, std::uint8_t sequence_id);

struct Packet {
  std::uint8_t first_sequence_id = 0;
  std::uint8_t last_sequence_id = 0;
  Bytes payload;  // valid until the next call to feed() or next()
};

// Reassembles logical packets from a byte stream fed in pieces of any size.
class PacketAssembler {
 public:
  static constexpr std::size_t kDefaultMaxPacket = std::size_t{1} << 30;  // MySQL's own ceiling

  explicit PacketAssembler(std::size_t max_packet_size = kDefaultMaxPacket) : max_packet_(max_packet_size) {}

  void feed(Bytes data);
  // The next complete packet, nullopt when more bytes are needed, or an error (sequence ids not
  // consecutive, packet over the limit). After an error the stream cannot be resynchronised.
  Result<std::optional<Packet>> next();

  // When set, the next packet must start with this sequence id; afterwards each packet must
  // continue from the previous one's last id + 1.
  void expect_sequence(std::uint8_t sequence_id) { expected_ = sequence_id; }
  void reset_sequence() { expected_.reset(); }
  std::size_t buffered() const { return input_.size() - consumed_; }

 private:
  Buffer input_;
  std::size_t consumed_ = 0;
  Buffer joined_;  // payload of a multi-frame packet
  std::size_t max_packet_;
  std::optional<std::uint8_t> expected_;
};

}  // namespace weir::protocol
