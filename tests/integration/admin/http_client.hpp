#pragma once
// A plain HTTP/1.1 client over a loopback socket for the admin tests: sends bytes exactly as
// given (so tests can send garbage) and reads the answer until the server closes or the
// Content-Length is complete.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace weir::admin::testing {

struct HttpResponse {
  int status = 0;                              // 0: no status line received
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string raw;
};

// Connects to 127.0.0.1:port, writes `request`, reads one response. Throws std::runtime_error when
// the connection fails.
HttpResponse exchange(std::uint16_t port, const std::string& request);

// GET/POST with Connection: close and an optional bearer token.
HttpResponse request(std::uint16_t port, const std::string& method, const std::string& target,
                     const std::optional<std::string>& token = std::nullopt);

// Parses one response from the front of `raw`; nullopt while it is incomplete.
std::optional<HttpResponse> parse_response(const std::string& raw);

}  // namespace weir::admin::testing
