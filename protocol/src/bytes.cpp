#include "weir/protocol/bytes.hpp"

#include <cstring>

namespace weir::protocol {

std::size_t lenenc_int_size(std::uint64_t value) {
  if (value < 0xfb) return 1;
  if (value <= 0xffff) return 3;
  if (value <= 0xffffff) return 4;
  return 9;
}

void Reader::fail(Errc code, const char* field) {
  if (failed_) return;
  failed_ = true;
  error_ = Error{code, field, pos_};
}

void Reader::expect_end(const char* message_name) {
  if (ok() && pos_ != data_.size()) fail(Errc::trailing_bytes, message_name);
}

bool Reader::need(std::size_t n, const char* field) {
  if (failed_) return false;
  if (data_.size() - pos_ < n) {
    fail(Errc::truncated, field);
    return false;
  }
  return true;
}

std::uint64_t Reader::read_le_checked(std::size_t n, const char* field) {
  if (!need(n, field)) return 0;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{data_[pos_ + i]} << (8 * i);
  pos_ += n;
  return v;
}

bool Reader::lenenc_nullable(std::uint64_t& value, const char* field) {
  value = 0;
  if (!need(1, field)) return true;
  const std::uint8_t first = data_[pos_];
  if (first < 0xfb) {
    ++pos_;
    value = first;
    return true;
  }
  switch (first) {
    case kLenencNull: ++pos_; return false;
    case kLenenc2:
      ++pos_;
      value = read_le(2, field);
      return true;
    case kLenenc3:
      ++pos_;
      value = read_le(3, field);
      return true;
    case kLenenc8:
      ++pos_;
      value = read_le(8, field);
      return true;
    default: fail(Errc::bad_value, field); return true;  // 0xff is not a length prefix
  }
}

std::uint64_t Reader::lenenc_int(const char* field) {
  std::uint64_t v = 0;
  if (!lenenc_nullable(v, field)) {
    --pos_;
    fail(Errc::bad_value, field);
  }
  return v;
}

std::string_view Reader::lenenc_str(const char* field) {
  const std::uint64_t length = lenenc_int(field);
  if (!ok()) return {};
  return fixed_str(length, field);
}

std::string_view Reader::nul_str(const char* field) {
  if (failed_) return {};
  const void* end = std::memchr(data_.data() + pos_, 0, data_.size() - pos_);
  if (end == nullptr) {
    fail(Errc::truncated, field);
    return {};
  }
  const auto length = static_cast<std::size_t>(static_cast<const std::uint8_t*>(end) - (data_.data() + pos_));
  std::string_view s(reinterpret_cast<const char*>(data_.data() + pos_), length);
  pos_ += length + 1;
  return s;
}

std::string_view Reader::fixed_str(std::size_t length, const char* field) {
  if (!need(length, field)) return {};
  std::string_view s(reinterpret_cast<const char*>(data_.data() + pos_), length);
  pos_ += length;
  return s;
}

std::string_view Reader::rest() {
  if (failed_) return {};
  std::string_view s(reinterpret_cast<const char*>(data_.data() + pos_), data_.size() - pos_);
  pos_ = data_.size();
  return s;
}

void Reader::skip(std::size_t length, const char* field) {
  if (need(length, field)) pos_ += length;
}

void Writer::le(std::uint64_t v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

Writer& Writer::int1(std::uint8_t v) {
  out_.push_back(v);
  return *this;
}
Writer& Writer::int2(std::uint16_t v) {
  le(v, 2);
  return *this;
}
Writer& Writer::int3(std::uint32_t v) {
  le(v, 3);
  return *this;
}
Writer& Writer::int4(std::uint32_t v) {
  le(v, 4);
  return *this;
}
Writer& Writer::int6(std::uint64_t v) {
  le(v, 6);
  return *this;
}
Writer& Writer::int8(std::uint64_t v) {
  le(v, 8);
  return *this;
}

Writer& Writer::lenenc_int(std::uint64_t v) {
  if (v < 0xfb) {
    out_.push_back(static_cast<std::uint8_t>(v));
  } else if (v <= 0xffff) {
    out_.push_back(kLenenc2);
    le(v, 2);
  } else if (v <= 0xffffff) {
    out_.push_back(kLenenc3);
    le(v, 3);
  } else {
    out_.push_back(kLenenc8);
    le(v, 8);
  }
  return *this;
}

Writer& Writer::lenenc_null() {
  out_.push_back(kLenencNull);
  return *this;
}

Writer& Writer::lenenc_str(std::string_view s) {
  lenenc_int(s.size());
  return raw(s);
}

Writer& Writer::nul_str(std::string_view s) {
  raw(s);
  out_.push_back(0);
  return *this;
}

Writer& Writer::raw(std::string_view s) {
  out_.insert(out_.end(), s.begin(), s.end());
  return *this;
}

Writer& Writer::raw(Bytes b) {
  out_.insert(out_.end(), b.begin(), b.end());
  return *this;
}

Writer& Writer::zeros(std::size_t n) {
  out_.insert(out_.end(), n, 0);
  return *this;
}

}  // namespace weir::protocol
