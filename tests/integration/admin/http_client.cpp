#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace weir::admin::testing {

std::optional<HttpResponse> parse_response(const std::string& raw) {
  const auto header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos) return std::nullopt;
  HttpResponse r;
  r.raw = raw;
  const auto first_line_end = raw.find("\r\n");
  const std::string status_line = raw.substr(0, first_line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) return r;
  r.status = std::stoi(status_line.substr(9, 3));
  std::size_t pos = first_line_end + 2;
  while (pos < header_end) {
    const auto end = raw.find("\r\n", pos);
    const std::string line = raw.substr(pos, end - pos);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    pos = end + 2;
  }
  r.body = raw.substr(header_end + 4);
  const auto length = r.headers.find("content-length");
  if (length != r.headers.end()) {
    const auto n = static_cast<std::size_t>(std::stoul(length->second));
    if (r.body.size() < n) return std::nullopt;
    r.body.resize(n);
  }
  return r;
}

HttpResponse exchange(std::uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " + error);
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (a refused request); read what it said
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buffer[16384];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 15000) <= 0) break;  // no answer within 15 s: return what came
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
    if (parse_response(raw)) break;
  }
  ::close(fd);
  auto parsed = parse_response(raw);
  if (parsed) return *parsed;
  HttpResponse r;
  r.raw = raw;
  return r;
}

HttpResponse request(std::uint16_t port, const std::string& method, const std::string& target,
                     const std::optional<std::string>& token) {
  std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (token) text += "Authorization: Bearer " + *token + "\r\n";
  if (method == "POST") text += "Content-Length: 0\r\n";
  text += "\r\n";
  return exchange(port, text);
}

}  // namespace weir::admin::testing
