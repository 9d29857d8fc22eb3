#pragma once
// MySQL packets on a raw socket, for tests that must send what no client library sends (a packet
// over a limit, a header without its payload) and read weir's answer byte for byte.
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace weir::testing::proxy_tests {

// One whole packet (header + payload) from `fd`, empty on EOF or timeout.
inline std::string read_packet(int fd) {
  std::string out;
  char buffer[4096];
  std::size_t wanted = 4;
  while (out.size() < wanted) {
    const auto n = ::recv(fd, buffer, std::min(sizeof buffer, wanted - out.size()), 0);
    if (n <= 0) return {};
    out.append(buffer, static_cast<std::size_t>(n));
    if (out.size() >= 4 && wanted == 4) {
      wanted = 4 + (static_cast<unsigned char>(out[0]) | static_cast<unsigned char>(out[1]) << 8 |
                    static_cast<unsigned char>(out[2]) << 16);
    }
  }
  return out;
}

// "<code> <message>" of an ERR packet (with or without its SQLSTATE), or "not an error".
inline std::string error_of(const std::string& packet) {
  if (packet.size() < 7 || static_cast<unsigned char>(packet[4]) != 0xff) return "not an error";
  const unsigned code = static_cast<unsigned char>(packet[5]) | static_cast<unsigned char>(packet[6]) << 8;
  std::string message = packet.substr(7);
  if (!message.empty() && message[0] == '#') message = message.substr(6);
  return std::to_string(code) + " " + message;
}

// The 4-byte header of a frame of `length` payload bytes with sequence id `sequence`.
inline std::string frame_header(std::uint32_t length, std::uint8_t sequence) {
  return {static_cast<char>(length & 0xff), static_cast<char>((length >> 8) & 0xff),
          static_cast<char>((length >> 16) & 0xff), static_cast<char>(sequence)};
}

// Writes all of `bytes` (blocking); false when the connection failed first (reset, closed).
inline bool send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace weir::testing::proxy_tests
