#include "weir/pod/stream_trailer.hpp"

#include <algorithm>
#include <array>

namespace weir::pod {
namespace {

constexpr std::array<std::uint8_t, 8> kMagic{'W', 'E', 'I', 'R', 'S', 'T', 'R', 'M'};

}  // namespace

std::vector<std::uint8_t> encode_trailer(const StreamEnd& end) {
  std::vector<std::uint8_t> out(kMagic.begin(), kMagic.end());
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(end.bytes >> (8 * i)));
  out.push_back(end.status);
  return out;
}

void TrailerSplitter::feed(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& payload) {
  held_.insert(held_.end(), in.begin(), in.end());
  if (held_.size() <= kTrailerSize) return;
  const auto release = static_cast<std::ptrdiff_t>(held_.size() - kTrailerSize);
  payload.insert(payload.end(), held_.begin(), held_.begin() + release);
  held_.erase(held_.begin(), held_.begin() + release);
  passed_ += static_cast<std::uint64_t>(release);
}

std::optional<StreamEnd> TrailerSplitter::finish() const {
  if (held_.size() != kTrailerSize || !std::equal(kMagic.begin(), kMagic.end(), held_.begin())) {
    return std::nullopt;
  }
  StreamEnd end;
  for (int i = 0; i < 8; ++i) end.bytes |= std::uint64_t{held_[8 + static_cast<std::size_t>(i)]} << (8 * i);
  end.status = held_[16];
  if (end.bytes != passed_) return std::nullopt;
  return end;
}

}  // namespace weir::pod
