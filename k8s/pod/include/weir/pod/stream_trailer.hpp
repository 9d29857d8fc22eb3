#pragma once
// The end marker serve-backup appends after the backup stream. A raw stream cut short looks like
// a complete one to the unpacker; the trailer (magic, payload byte count, the tool's exit status)
// lets the receiver tell a finished backup from a half-received one.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace weir::pod {

struct StreamEnd {
  std::uint64_t bytes = 0;  // payload bytes the sender wrote before the trailer
  std::uint8_t status = 0;  // the backup tool's exit status (0 = complete backup)
};

inline constexpr std::size_t kTrailerSize = 17;  // "WEIRSTRM" + u64 LE bytes + u8 status

std::vector<std::uint8_t> encode_trailer(const StreamEnd& end);

// Receiver side: passes on every byte except the last kTrailerSize, which it holds back until
// the stream ends.
class TrailerSplitter {
 public:
  // Appends the bytes of `in` that are certainly payload to `payload`.
  void feed(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& payload);
  // At end of stream: the trailer, if the held bytes are one and its count matches the payload.
  std::optional<StreamEnd> finish() const;
  std::uint64_t payload_bytes() const { return passed_; }

 private:
  std::vector<std::uint8_t> held_;
  std::uint64_t passed_ = 0;
};

}  // namespace weir::pod
