#pragma once
// The client sessions weir serves, as GET /sessions shows them: what a client cannot learn from
// the server through a proxy (`SHOW SESSION STATUS LIKE 'Ssl_cipher'` describes weir's link to
// the server, not the client's link to weir), and which server thread serves each session.
#include <cstdint>
#include <string>
#include <vector>

namespace weir::admin {

struct SessionRow {
  std::uint32_t id = 0;  // weir's connection id (the handshake's; KILL takes it)
  std::string user;      // empty while the session is still logging in
  std::string client_address;
  std::string client_tls_version;  // "TLSv1.3"; empty: plain
  std::string client_tls_cipher;
  std::string backend_host;  // the backend connection the session used last; empty: none
  std::uint16_t backend_port = 0;
  std::uint32_t backend_thread_id = 0;  // what CONNECTION_ID() answered there
};

// A JSON array sorted by id, one object per session with the keys id, user (null while logging
// in), client {address, tls (null when plain, else {version, cipher})} and backend (null, or
// {address "host:port", thread_id}).
std::string sessions_json(std::vector<SessionRow> rows);

}  // namespace weir::admin
