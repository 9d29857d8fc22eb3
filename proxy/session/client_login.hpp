#pragma once
// The connection phase with a client: weir's greeting, optional TLS, the handshake response and
// the authentication exchange against the user directory. The final OK is the session's to send
// (after it has a backend), so a backend that refuses can still answer with its own error.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "auth/user_directory.hpp"
#include "net/deadline_list.hpp"
#include "net/packet_stream.hpp"
#include "session/packet_refusal.hpp"
#include "weir/protocol/handshake.hpp"

namespace weir::session {

// How weir presents itself: the primary's version and character set, and the capabilities weir
// implements that the primary has too.
struct ServerIdentity {
  std::string server_version = "5.5.5-10.11.0-MariaDB-weir";
  std::uint8_t character_set = 45;  // utf8mb4_general_ci
  protocol::CapabilityFlags capabilities = 0;
};

// The capabilities weir can relay: no compression, no progress reports, no COM_MULTI, no query
// attributes, no metadata caching (weir would have to track metadata per statement).
protocol::CapabilityFlags relayable_capabilities();

inline constexpr std::size_t kMaxLoginPacket = 64 * 1024;

struct LoginContext {
  std::uint32_t connection_id = 0;
  const ServerIdentity* server = nullptr;
  const auth::UserDirectory* users = nullptr;
  boost::asio::ssl::context* tls = nullptr;  // null: TLS not offered
  bool tls_required = false;
  std::string peer_host;  // the client's address: which accounts match it, and the access-denied message
  std::string nonce;      // from make_nonce(); COM_CHANGE_USER scrambles use it again
  // What a login needs (an SSLRequest, a HandshakeResponse with its attributes, an auth switch
  // answer) fits here; a larger packet from a client nobody has authenticated yet is refused.
  std::size_t max_packet = kMaxLoginPacket;
  // Bounds the refusal of a packet over max_packet (see refuse_oversized_packet); never null.
  net::Deadline* refusal_deadline = nullptr;
  config::Duration refusal_drain_time = kRefusalDrainTime;
};

struct ClientIdentity {
  std::string user;
  std::string database;
  protocol::CapabilityFlags capabilities = 0;  // negotiated: the client's within what weir offered
  std::uint8_t character_set = 0;
  protocol::ConnectAttributes attributes;
  std::optional<protocol::auth::Sha1Digest> stage1;  // SHA1(password); nullopt: no password
  bool tls = false;
};

// Runs the exchange up to (not including) the final OK. On success fills `client` and sets
// `next_sequence` to the sequence id the OK must carry. On failure the client has been sent an
// ERR where the protocol allows one, and `reason` says why (for the log).
boost::asio::awaitable<bool> client_login(net::PacketStream& stream, const LoginContext& context,
                                          ClientIdentity& client, std::uint8_t& next_sequence, std::string& reason);

// 20 random bytes without NUL, as servers make them.
std::string make_nonce();

}  // namespace weir::session
