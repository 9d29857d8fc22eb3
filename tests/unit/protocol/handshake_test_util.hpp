#pragma once
// Hex helpers for the connection-phase byte tables.
#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "weir/protocol/bytes.hpp"

namespace weir::protocol::testing_hex {

inline std::string to_hex(Bytes b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (const std::uint8_t c : b) {
    s += kDigits[c >> 4];
    s += kDigits[c & 15];
  }
  return s;
}
inline std::string to_hex(std::string_view s) { return to_hex(as_bytes(s)); }

// Spaces are ignored so that tables can group fields.
inline Buffer unhex(std::string_view h) {
  Buffer out;
  int high = -1;
  for (const char c : h) {
    if (c == ' ') continue;
    const int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

// Binary string from hex, for expected field values.
inline std::string bin(std::string_view h) {
  const Buffer b = unhex(h);
  return std::string(b.begin(), b.end());
}

// Names parameterised cases after their `name` member.
struct CaseName {
  template <class P>
  std::string operator()(const ::testing::TestParamInfo<P>& p) const {
    return p.param.name;
  }
};

}  // namespace weir::protocol::testing_hex
