#pragma once
// Bytes of server replies for the relay's tests: frames and packets written out by hand.
#include <cstdint>
#include <initializer_list>
#include <string>

namespace weir::session::test_bytes {

// One frame: 3-byte length, sequence id, payload.
inline std::string frame(std::uint8_t seq, const std::string& payload) {
  std::string out;
  out.push_back(static_cast<char>(payload.size() & 0xff));
  out.push_back(static_cast<char>((payload.size() >> 8) & 0xff));
  out.push_back(static_cast<char>((payload.size() >> 16) & 0xff));
  out.push_back(static_cast<char>(seq));
  return out + payload;
}

inline std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (const int b : list) out.push_back(static_cast<char>(b));
  return out;
}

}  // namespace weir::session::test_bytes
