#pragma once
// Where and how to connect: one value for every libmariadb connection weir makes.
#include <chrono>
#include <cstdint>
#include <string>

#include "weir/sqlclient/tls_policy.hpp"

namespace weir::sqlclient {

// How long each step may take. A blocking call is bounded by its step's timeout; a call given a
// deadline is bounded by the deadline instead.
struct Timeouts {
  std::chrono::milliseconds connect{3000};  // TCP, TLS and login
  std::chrono::milliseconds read{3000};     // a statement, from sending it to its last row
  std::chrono::milliseconds write{3000};
};

struct ConnectOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3306;
  std::string user;
  std::string password;
  std::string database;  // empty = none
  Timeouts timeouts;
  TlsSettings tls;
};

// "host:port", with an IPv6 literal in brackets: how messages name a server.
std::string endpoint_name(const std::string& host, std::uint16_t port);

}  // namespace weir::sqlclient
