#pragma once
// MySQL packets on a raw socket, for tests that must send what no client library sends (a packet
// over a limit, a header without its payload) and read weir's answer byte for byte.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
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

// A plain TCP connection for sending bytes no client library would.
class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  explicit RawSocket(int fd) : fd_(fd), owned_(false), connected_(true) {}
  ~RawSocket() {
    if (owned_ && fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  bool send_all(const std::string& bytes) { return proxy_tests::send_all(fd_, bytes); }
  // Reads one packet (header + payload); nullopt on EOF, error or timeout.
  std::optional<std::string> read_packet(std::chrono::milliseconds timeout) {
    std::string header;
    if (!read_exact(header, 4, timeout)) return std::nullopt;
    const std::size_t len = static_cast<unsigned char>(header[0]) | static_cast<unsigned char>(header[1]) << 8 |
                            static_cast<unsigned char>(header[2]) << 16;
    std::string payload;
    if (!read_exact(payload, len, timeout)) return std::nullopt;
    return payload;
  }
  // Reads until the peer closes; true when it did within `timeout` (bytes before that are dropped).
  bool closed_by_peer_within(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (::poll(&p, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) continue;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
    return false;
  }

 private:
  bool read_exact(std::string& out, std::size_t n, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    out.clear();
    char buf[65536];
    while (out.size() < n) {
      pollfd p{fd_, POLLIN, 0};
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      const ssize_t got = ::recv(fd_, buf, std::min(sizeof buf, n - out.size()), 0);
      if (got <= 0) return false;
      out.append(buf, static_cast<std::size_t>(got));
    }
    return true;
  }
  int fd_ = -1;
  bool owned_ = true;
  bool connected_ = false;
};

// A frame of `payload` with sequence id `seq`.
inline std::string frame(const std::string& payload, std::uint8_t seq) {
  std::string out;
  out += static_cast<char>(payload.size() & 0xff);
  out += static_cast<char>((payload.size() >> 8) & 0xff);
  out += static_cast<char>((payload.size() >> 16) & 0xff);
  out += static_cast<char>(seq);
  return out + payload;
}

}  // namespace weir::testing::proxy_tests
