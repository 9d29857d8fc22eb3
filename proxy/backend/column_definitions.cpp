#include "backend/column_definitions.hpp"

#include <openssl/rand.h>

#include <array>
#include <bit>
#include <random>
#include <utility>

#include "weir/protocol/framing.hpp"

namespace weir::backend {

namespace proto = weir::protocol;

namespace {

struct Key {
  std::uint64_t k0 = 0;
  std::uint64_t k1 = 0;
};

Key draw_key() {
  std::array<std::uint8_t, 16> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    std::random_device device;
    for (auto& b : raw) b = static_cast<std::uint8_t>(device());
  }
  Key key;
  for (std::size_t i = 0; i < 8; ++i) {
    key.k0 |= std::uint64_t{raw[i]} << (8 * i);
    key.k1 |= std::uint64_t{raw[8 + i]} << (8 * i);
  }
  return key;
}

const Key& process_key() {
  static const Key key = draw_key();
  return key;
}

struct SipState {
  std::uint64_t v0, v1, v2, v3;
  void round() {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }
  void absorb(std::uint64_t m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

std::uint64_t load_le64(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{p[i]} << (8 * i);
  return v;
}

}  // namespace

std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1, proto::Bytes data) {
  SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
             k1 ^ 0x7465646279746573ULL};
  const std::size_t whole = data.size() / 8 * 8;
  for (std::size_t i = 0; i < whole; i += 8) s.absorb(load_le64(data.data() + i, 8));
  const std::uint64_t last = load_le64(data.data() + whole, data.size() - whole) | (std::uint64_t{data.size()} << 56);
  s.absorb(last);
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

std::uint64_t fingerprint_of(proto::Bytes data) {
  const Key& key = process_key();
  const std::uint64_t hash = siphash24(key.k0, key.k1, data);
  return hash == 0 ? 1 : hash;
}

void ColumnDefinitions::clear() {
  frames_.clear();
  count_ = 0;
  fingerprint_ = 0;
  lost_ = false;
}

void ColumnDefinitions::append(proto::Bytes payload, bool whole) {
  if (lost_) return;
  if (!whole || payload.size() >= proto::kMaxFramePayload ||
      frames_.size() + proto::kFrameHeaderSize + payload.size() > kMaxBytes) {
    lost_ = true;
    frames_.clear();
    return;
  }
  // Grown geometrically (a result of many columns appends many small definitions).
  const std::size_t at = frames_.size();
  frames_.resize(at + proto::kFrameHeaderSize);
  proto::encode_frame_header(frames_.data() + at, {static_cast<std::uint32_t>(payload.size()), 0});
  frames_.insert(frames_.end(), payload.begin(), payload.end());
  ++count_;
}

void ColumnDefinitions::finish() { fingerprint_ = lost_ ? 0 : fingerprint_of(frames_); }

std::uint8_t ColumnDefinitions::write_frames(std::uint8_t first_sequence, proto::Buffer& out) const {
  std::uint8_t seq = first_sequence;
  const std::size_t start = out.size();
  out.insert(out.end(), frames_.begin(), frames_.end());
  // Each definition is one frame (append refuses 16 MiB ones): renumber them in place.
  for (std::size_t at = start; at < out.size();) {
    const auto header = proto::decode_frame_header(out.data() + at);
    out[at + 3] = seq++;
    at += proto::kFrameHeaderSize + header.payload_length;
  }
  return seq;
}

void ColumnDefinitions::swap(ColumnDefinitions& other) noexcept {
  frames_.swap(other.frames_);
  std::swap(count_, other.count_);
  std::swap(fingerprint_, other.fingerprint_);
  std::swap(lost_, other.lost_);
}

}  // namespace weir::backend
