#pragma once
// Byte-level codec: fixed-width little-endian integers, length-encoded integers and strings,
// NUL-terminated strings. Reader keeps the first error (sticky) so message parsers read
// field after field and check once at the end.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "weir/protocol/error.hpp"

namespace weir::protocol {

using Bytes = std::span<const std::uint8_t>;
using Buffer = std::vector<std::uint8_t>;

inline Bytes as_bytes(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }
inline std::string_view as_string(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Marker bytes of length-encoded integers.
inline constexpr std::uint8_t kLenencNull = 0xfb;
inline constexpr std::uint8_t kLenenc2 = 0xfc;
inline constexpr std::uint8_t kLenenc3 = 0xfd;
inline constexpr std::uint8_t kLenenc8 = 0xfe;

// Number of bytes the length-encoded form of `value` takes.
std::size_t lenenc_int_size(std::uint64_t value);

class Reader {
 public:
  explicit Reader(Bytes data) : data_(data) {}
  explicit Reader(std::string_view data) : data_(as_bytes(data)) {}

  // Inline: every packet weir follows is read with these (a relayed response's EOF, OK, lengths).
  std::uint8_t int1(const char* field) { return static_cast<std::uint8_t>(read_le(1, field)); }
  std::uint16_t int2(const char* field) { return static_cast<std::uint16_t>(read_le(2, field)); }
  std::uint32_t int3(const char* field) { return static_cast<std::uint32_t>(read_le(3, field)); }
  std::uint32_t int4(const char* field) { return static_cast<std::uint32_t>(read_le(4, field)); }
  std::uint64_t int6(const char* field) { return read_le(6, field); }
  std::uint64_t int8(const char* field) { return read_le(8, field); }
  // A length-encoded integer; 0xfb (NULL) and 0xff are errors here. Use lenenc_nullable for NULL.
  std::uint64_t lenenc_int(const char* field);
  // Returns false (and reads one byte) when the field is the NULL marker 0xfb.
  bool lenenc_nullable(std::uint64_t& value, const char* field);
  std::string_view lenenc_str(const char* field);
  std::string_view nul_str(const char* field);
  std::string_view fixed_str(std::size_t length, const char* field);
  std::string_view rest();
  void skip(std::size_t length, const char* field);

  std::uint8_t peek() const { return pos_ < data_.size() ? data_[pos_] : 0; }
  std::size_t remaining() const { return ok() ? data_.size() - pos_ : 0; }
  bool at_end() const { return remaining() == 0; }
  std::size_t offset() const { return pos_; }
  bool ok() const { return !failed_; }
  const Error& error() const { return error_; }

  // Records an error at the current offset unless one is already recorded.
  void fail(Errc code, const char* field);
  // Fails with trailing_bytes unless the input is fully consumed.
  void expect_end(const char* message_name);

 private:
  bool need(std::size_t n, const char* field);
  std::uint64_t read_le(std::size_t n, const char* field) {
    if (failed_ || data_.size() - pos_ < n) [[unlikely]] {
      return read_le_checked(n, field);
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{data_[pos_ + i]} << (8 * i);
    pos_ += n;
    return v;
  }
  // read_le with the bounds checked and the error recorded (the rare path).
  std::uint64_t read_le_checked(std::size_t n, const char* field);

  Bytes data_;
  std::size_t pos_ = 0;
  bool failed_ = false;
  Error error_{};
};

class Writer {
 public:
  explicit Writer(Buffer& out) : out_(out) {}

  Writer& int1(std::uint8_t v);
  Writer& int2(std::uint16_t v);
  Writer& int3(std::uint32_t v);
  Writer& int4(std::uint32_t v);
  Writer& int6(std::uint64_t v);
  Writer& int8(std::uint64_t v);
  Writer& lenenc_int(std::uint64_t v);
  Writer& lenenc_null();
  Writer& lenenc_str(std::string_view s);
  Writer& nul_str(std::string_view s);
  Writer& raw(std::string_view s);
  Writer& raw(Bytes b);
  Writer& zeros(std::size_t n);

  Buffer& buffer() { return out_; }

 private:
  void le(std::uint64_t v, std::size_t n);
  Buffer& out_;
};

}  // namespace weir::protocol
