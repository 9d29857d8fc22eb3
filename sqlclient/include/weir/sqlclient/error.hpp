#pragma once
// The one error of weir's own SQL connections.
#include <string>

namespace weir::sqlclient {

struct Error {
  unsigned code = 0;       // server (1045, 1146, ...) or client library (2002, 2026, ...) error; 0 = none
  std::string sqlstate;    // "28000", "HY000", ...; empty when the library gave none
  std::string message;     // the server's or the library's text, or what weir saw ("timed out after 250ms")
  std::string endpoint;    // the server, as "host:port"
  std::string operation;   // what was being done: "connect", "query \"SHOW SLAVE STATUS\"", ...
  bool timed_out = false;  // the call's deadline passed first

  bool failed() const { return code != 0 || !message.empty(); }
  // The server refused a statement; the connection itself is fine (codes below 2000).
  bool from_server() const { return code != 0 && (code < 2000 || code >= 3000); }
  // "connect to 127.0.0.1:3306: 2002 (HY000) Can't connect to server on '127.0.0.1' (111)"
  std::string describe() const;
};

}  // namespace weir::sqlclient
