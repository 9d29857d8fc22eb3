#pragma once
// Connection phase after the handshake response: the authentication exchange (AuthSwitchRequest,
// AuthSwitchResponse, AuthMoreData, caching_sha2_password's signals) and COM_CHANGE_USER, which
// starts the same exchange again on an open connection. Functions work on packet payloads.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "weir/protocol/bytes.hpp"
#include "weir/protocol/capabilities.hpp"
#include "weir/protocol/error.hpp"
#include "weir/protocol/handshake.hpp"

namespace weir::protocol {

inline constexpr std::uint8_t kAuthSwitchRequestHeader = 0xfe;
inline constexpr std::uint8_t kAuthMoreDataHeader = 0x01;
inline constexpr std::uint8_t kComChangeUser = 0x11;

inline constexpr std::string_view kMysqlNativePassword = "mysql_native_password";
inline constexpr std::string_view kCachingSha2Password = "caching_sha2_password";
inline constexpr std::string_view kMysqlClearPassword = "mysql_clear_password";

// What the server sent while the client is authenticating.
enum class AuthReplyKind : std::uint8_t {
  ok,               // 0x00: authenticated (parse with the OK packet parser)
  err,              // 0xff: refused (parse with the ERR packet parser)
  auth_switch,      // 0xfe + plugin name: switch to another plugin
  old_auth_switch,  // a lone 0xfe: pre-4.1 "use the old password hash"; unsupported
  more_data,        // 0x01: plugin-specific data (AuthMoreData)
  unknown,          // anything else, including an empty payload
};
AuthReplyKind classify_auth_reply(Bytes payload);

struct AuthSwitchRequest {
  std::string plugin_name;
  // Verbatim: mysql_native_password and caching_sha2_password send the 20-byte nonce plus a NUL.
  std::string plugin_data;
  friend bool operator==(const AuthSwitchRequest&, const AuthSwitchRequest&) = default;
};

// The old single-byte 0xfe request fails with bad_value on field "old_auth_switch_request".
Result<AuthSwitchRequest> parse_auth_switch_request(Bytes payload);
void serialize(const AuthSwitchRequest& request, Buffer& out);
// A request as servers send it for the scramble plugins: plugin_data = nonce + NUL.
AuthSwitchRequest make_auth_switch_request(std::string_view plugin_name, std::string_view nonce);
// plugin_data without the single trailing NUL of the scramble plugins' convention.
std::string_view auth_switch_nonce(const AuthSwitchRequest& request);

// The client's answer to an AuthSwitchRequest or AuthMoreData: raw plugin data, no header.
struct AuthSwitchResponse {
  std::string data;
  friend bool operator==(const AuthSwitchResponse&, const AuthSwitchResponse&) = default;
};
Result<AuthSwitchResponse> parse_auth_switch_response(Bytes payload);  // never fails
void serialize(const AuthSwitchResponse& response, Buffer& out);

struct AuthMoreData {
  std::string data;  // after the 0x01 header
  friend bool operator==(const AuthMoreData&, const AuthMoreData&) = default;
};
Result<AuthMoreData> parse_auth_more_data(Bytes payload);
void serialize(const AuthMoreData& more, Buffer& out);

// caching_sha2_password: the server's one-byte AuthMoreData signals and the client's request for
// the server's RSA public key (used for full authentication without TLS).
namespace caching_sha2 {
inline constexpr std::uint8_t kRequestPublicKey = 0x02;           // client -> server, raw payload
inline constexpr std::uint8_t kFastAuthSuccess = 0x03;            // server -> client, in AuthMoreData
inline constexpr std::uint8_t kPerformFullAuthentication = 0x04;  // server -> client, in AuthMoreData

enum class Signal : std::uint8_t { fast_auth_success, perform_full_authentication, other };
Signal signal_of(const AuthMoreData& more);
AuthMoreData fast_auth_success();
AuthMoreData perform_full_authentication();
bool is_public_key_request(Bytes payload);
}  // namespace caching_sha2

// COM_CHANGE_USER. Unlike HandshakeResponse41 the auth response never uses a length-encoded
// length: 1 byte under CLIENT_SECURE_CONNECTION, else NUL-terminated. The character set is only
// present when more data follows the schema; plugin name and attributes only after it.
struct ChangeUser {
  std::string username;
  std::string auth_response;
  std::string database;
  std::optional<std::uint16_t> character_set;
  std::string auth_plugin_name;          // with CLIENT_PLUGIN_AUTH
  ConnectAttributes connect_attributes;  // with CLIENT_CONNECT_ATTRS
  friend bool operator==(const ChangeUser&, const ChangeUser&) = default;
};

// `capabilities`: the session's negotiated flags. Plugin name and attributes may be missing when
// the packet ends before them.
Result<ChangeUser> parse_change_user(Bytes payload, CapabilityFlags capabilities);
// Without character_set nothing after the schema is written. auth_response is cut at 255 bytes
// under CLIENT_SECURE_CONNECTION.
void serialize(const ChangeUser& change, CapabilityFlags capabilities, Buffer& out);

}  // namespace weir::protocol
