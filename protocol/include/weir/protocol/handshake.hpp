#pragma once
// Connection phase, first round trip: the server's greeting (HandshakeV10), the client's optional
// SSLRequest and its HandshakeResponse41. All functions work on packet payloads (no frame header).
//
// MariaDB extended capabilities travel in the last 4 of the greeting's 10 reserved bytes and in
// bytes 28..31 of the client's packets, but only when CLIENT_LONG_PASSWORD (bit 0, MariaDB's
// "CLIENT_MYSQL") is clear; they are mapped to bits 32..63 of CapabilityFlags.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/protocol/bytes.hpp"
#include "weir/protocol/capabilities.hpp"
#include "weir/protocol/error.hpp"

namespace weir::protocol {

inline constexpr std::uint8_t kHandshakeProtocolVersion = 10;
// Length of the nonce ("scramble") that MySQL and MariaDB servers send.
inline constexpr std::size_t kScrambleLength = 20;
// Size of an SSLRequest payload, which is also the fixed prefix of HandshakeResponse41.
inline constexpr std::size_t kSslRequestSize = 32;
// MariaDB prefixes its version with this so that old MySQL replicas accept it as a primary.
inline constexpr std::string_view kMariadbReplicationVersionPrefix = "5.5.5-";

// Connection attributes in wire order (keys may repeat; order is kept for relaying).
using ConnectAttributes = std::vector<std::pair<std::string, std::string>>;

struct HandshakeV10 {
  std::string server_version;  // e.g. "5.5.5-10.11.19-MariaDB-0+deb12u1", kept verbatim
  std::uint32_t connection_id = 0;
  // The nonce: part 1 (8 bytes) followed by part 2 without its trailing NUL (normally 20 bytes).
  std::string auth_plugin_data;
  CapabilityFlags capabilities = 0;  // incl. MariaDB extended capabilities in bits 32..63
  std::uint8_t character_set = 0;
  std::uint16_t status_flags = 0;
  std::string auth_plugin_name;  // present on the wire only with CLIENT_PLUGIN_AUTH
  friend bool operator==(const HandshakeV10&, const HandshakeV10&) = default;
};

// Fails with unexpected_message at offset 0 when the payload is an ERR packet (0xff), which a
// server sends instead of a greeting (too many connections, host blocked).
Result<HandshakeV10> parse_handshake_v10(Bytes payload);
// auth_plugin_data shorter than 8 bytes is padded with zeros; part 2 is written NUL-terminated and
// padded to at least 13 bytes, as servers do, except when it fills all 247 bytes the length byte
// can declare (then it is written as is; longer data is cut). Strings must not contain NUL bytes.
void serialize(const HandshakeV10& greeting, Buffer& out);

// The 20-byte nonce for the scramble computations (auth_plugin_data, at most kScrambleLength).
std::string_view scramble_nonce(const HandshakeV10& greeting);
// "5.5.5-10.11.19-MariaDB" -> "10.11.19-MariaDB"; other versions are returned unchanged.
std::string_view strip_replication_prefix(std::string_view server_version);

struct SslRequest {
  CapabilityFlags capabilities = 0;  // must include CLIENT_SSL and CLIENT_PROTOCOL_41
  std::uint32_t max_packet_size = 0;
  std::uint8_t character_set = 0;
  friend bool operator==(const SslRequest&, const SslRequest&) = default;
};

// True when a client's first packet is an SSLRequest (exactly 32 bytes with CLIENT_SSL set); a
// HandshakeResponse41 is always longer.
bool is_ssl_request(Bytes payload);
Result<SslRequest> parse_ssl_request(Bytes payload);
void serialize(const SslRequest& request, Buffer& out);

struct HandshakeResponse41 {
  CapabilityFlags capabilities = 0;  // the client's flags, incl. MariaDB extended capabilities
  std::uint32_t max_packet_size = 0;
  std::uint8_t character_set = 0;
  std::string username;
  std::string auth_response;
  std::string database;                                // on the wire only with CLIENT_CONNECT_WITH_DB
  std::string auth_plugin_name;                        // on the wire only with CLIENT_PLUGIN_AUTH
  ConnectAttributes connect_attributes;                // on the wire only with CLIENT_CONNECT_ATTRS
  std::optional<std::uint8_t> zstd_compression_level;  // CLIENT_ZSTD_COMPRESSION_ALGORITHM
  friend bool operator==(const HandshakeResponse41&, const HandshakeResponse41&) = default;
};

// Field presence follows the capability flags in the packet itself. Tolerated, as servers do:
// database, plugin name and attributes missing when the packet ends before them although their
// flag is set, and trailing zero bytes after the last field. Pre-4.1 responses are rejected.
Result<HandshakeResponse41> parse_handshake_response(Bytes payload);
// auth_response is written length-encoded with CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA, else with a
// 1-byte length under CLIENT_SECURE_CONNECTION (cut at 255 bytes), else NUL-terminated.
void serialize(const HandshakeResponse41& response, Buffer& out);

// Length-encoded total length followed by length-encoded key/value strings.
void serialize_connect_attributes(const ConnectAttributes& attributes, Buffer& out);
// Reads the block at the reader's position; errors are recorded in the reader.
ConnectAttributes read_connect_attributes(Reader& reader);

}  // namespace weir::protocol
