#pragma once
// Helpers for the fuzz targets: a few leading bytes of the input choose options (capabilities,
// chunk sizes), the rest is the message. A property violation traps, so libFuzzer (and the replay
// runner) report it like a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "weir/protocol/bytes.hpp"
#include "weir/protocol/capabilities.hpp"

namespace weir::fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint16_t int2() { return static_cast<std::uint16_t>(byte() | (byte() << 8)); }
  // One byte -> the capability bits that change how messages are parsed.
  protocol::CapabilityFlags caps() {
    const std::uint8_t b = byte();
    protocol::CapabilityFlags c = 0;
    if (b & 0x01) c |= protocol::cap::kProtocol41;
    if (b & 0x02) c |= protocol::cap::kSessionTrack;
    if (b & 0x04) c |= protocol::cap::kDeprecateEof;
    if (b & 0x08) c |= protocol::cap::kPluginAuth | protocol::cap::kSecureConnection;
    if (b & 0x10) c |= protocol::cap::kMariadbExtendedTypeInfo;
    if (b & 0x20) c |= protocol::cap::kQueryAttributes;
    if (b & 0x40) c |= protocol::cap::kMariadbProgress;
    if (b & 0x80) c |= protocol::cap::kOptionalResultsetMetadata | protocol::cap::kConnectAttrs;
    return c;
  }
  protocol::Bytes take(std::size_t n) {
    const std::size_t k = n < size_ - pos_ ? n : size_ - pos_;
    protocol::Bytes out(data_ + pos_, k);
    pos_ += k;
    return out;
  }
  protocol::Bytes rest() { return take(size_ - pos_); }
  std::size_t remaining() const { return size_ - pos_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// A property that must hold for every input.
#define WEIR_FUZZ_CHECK(cond)                                                            \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

}  // namespace weir::fuzz
