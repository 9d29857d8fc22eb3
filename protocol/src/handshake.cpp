#include "weir/protocol/handshake.hpp"

#include <algorithm>
#include <cstring>

namespace weir::protocol {
namespace {

constexpr std::size_t kNoncePart1Size = 8;
constexpr std::size_t kMinNoncePart2Size = 13;    // servers pad part 2 (incl. its NUL) to 13 bytes
constexpr std::size_t kGreetingReservedSize = 6;  // the 10 reserved bytes minus MariaDB's 4
constexpr std::size_t kResponseFillerSize = 19;   // the 23 filler bytes minus MariaDB's 4
constexpr std::uint8_t kErrHeader = 0xff;

// MariaDB only uses the extension word when the peer leaves CLIENT_LONG_PASSWORD clear.
CapabilityFlags merge_extended(std::uint32_t lower, std::uint32_t extended) {
  CapabilityFlags caps = lower;
  if (!has(caps, cap::kLongPassword)) caps |= CapabilityFlags{extended} << 32;
  return caps;
}

std::uint32_t extended_word(CapabilityFlags caps) {
  return has(caps, cap::kLongPassword) ? 0 : static_cast<std::uint32_t>(caps >> 32);
}

// A NUL-terminated string that may be missing altogether when the packet ends before it.
std::string optional_nul_str(Reader& r, const char* field) {
  if (r.at_end()) return {};
  return std::string(r.nul_str(field));
}

// The fields SSLRequest and HandshakeResponse41 share (their first 32 bytes).
struct ClientPrefix {
  CapabilityFlags capabilities = 0;
  std::uint32_t max_packet_size = 0;
  std::uint8_t character_set = 0;
};

ClientPrefix read_client_prefix(Reader& r) {
  ClientPrefix p;
  const std::uint32_t lower = r.int4("capability_flags");
  p.max_packet_size = r.int4("max_packet_size");
  p.character_set = r.int1("character_set");
  r.skip(kResponseFillerSize, "filler");
  const std::uint32_t extended = r.int4("mariadb_extended_capabilities");
  p.capabilities = merge_extended(lower, extended);
  return p;
}

void write_client_prefix(Writer& w, CapabilityFlags caps, std::uint32_t max_packet, std::uint8_t charset) {
  w.int4(static_cast<std::uint32_t>(caps))
      .int4(max_packet)
      .int1(charset)
      .zeros(kResponseFillerSize)
      .int4(extended_word(caps));
}

}  // namespace

Result<HandshakeV10> parse_handshake_v10(Bytes payload) {
  if (!payload.empty() && payload[0] == kErrHeader) return Error{Errc::unexpected_message, "protocol_version", 0};
  Reader r(payload);
  HandshakeV10 g;
  const std::uint8_t version = r.int1("protocol_version");
  if (r.ok() && version != kHandshakeProtocolVersion) return Error{Errc::bad_value, "protocol_version", 0};
  g.server_version = std::string(r.nul_str("server_version"));
  g.connection_id = r.int4("connection_id");
  g.auth_plugin_data = std::string(r.fixed_str(kNoncePart1Size, "auth_plugin_data_part_1"));
  r.skip(1, "filler");
  const std::uint32_t lower = r.int2("capability_flags_lower");
  g.character_set = r.int1("character_set");
  g.status_flags = r.int2("status_flags");
  const std::uint32_t upper = r.int2("capability_flags_upper");
  const std::uint8_t data_length = r.int1("auth_plugin_data_length");
  r.skip(kGreetingReservedSize, "reserved");
  const std::uint32_t extended = r.int4("mariadb_extended_capabilities");
  g.capabilities = merge_extended(lower | (upper << 16), extended);
  if (has(g.capabilities, cap::kSecureConnection)) {
    const std::size_t declared = data_length > kNoncePart1Size ? data_length - kNoncePart1Size : 0;
    std::string_view part2 = r.fixed_str(std::max(kMinNoncePart2Size, declared), "auth_plugin_data_part_2");
    if (!part2.empty() && part2.back() == '\0') part2.remove_suffix(1);
    g.auth_plugin_data += part2;
  }
  if (has(g.capabilities, cap::kPluginAuth)) g.auth_plugin_name = std::string(r.nul_str("auth_plugin_name"));
  r.expect_end("handshake_v10");
  if (!r.ok()) return r.error();
  return g;
}

void serialize(const HandshakeV10& g, Buffer& out) {
  Writer w(out);
  const std::string_view data = g.auth_plugin_data;
  const std::string_view part1 = data.substr(0, std::min(data.size(), kNoncePart1Size));
  // The length byte can declare at most 247 bytes of part 2. A part 2 that filled all of them
  // arrived without its NUL and goes back the same way; a longer one cannot be represented.
  constexpr std::size_t kMaxPart2 = 0xff - kNoncePart1Size;
  const std::string_view part2 =
      data.size() > kNoncePart1Size ? data.substr(kNoncePart1Size, kMaxPart2) : std::string_view{};
  const bool with_nul = part2.size() < kMaxPart2;
  const std::size_t part2_on_wire = with_nul ? std::max(kMinNoncePart2Size, part2.size() + 1) : part2.size();
  w.int1(kHandshakeProtocolVersion).nul_str(g.server_version).int4(g.connection_id);
  w.raw(part1).zeros(kNoncePart1Size - part1.size()).int1(0);
  w.int2(static_cast<std::uint16_t>(g.capabilities)).int1(g.character_set).int2(g.status_flags);
  w.int2(static_cast<std::uint16_t>(g.capabilities >> 16));
  const std::size_t declared = kNoncePart1Size + part2.size() + (with_nul ? 1 : 0);
  // Servers write 0 without CLIENT_PLUGIN_AUTH; a longer part 2 still needs its length declared.
  const bool declare = has(g.capabilities, cap::kPluginAuth) || part2_on_wire > kMinNoncePart2Size;
  w.int1(declare ? static_cast<std::uint8_t>(declared) : 0);
  w.zeros(kGreetingReservedSize).int4(extended_word(g.capabilities));
  if (has(g.capabilities, cap::kSecureConnection)) w.raw(part2).zeros(part2_on_wire - part2.size());
  if (has(g.capabilities, cap::kPluginAuth)) w.nul_str(g.auth_plugin_name);
}

std::string_view scramble_nonce(const HandshakeV10& greeting) {
  return std::string_view(greeting.auth_plugin_data).substr(0, kScrambleLength);
}

std::string_view strip_replication_prefix(std::string_view server_version) {
  if (server_version.size() > kMariadbReplicationVersionPrefix.size() &&
      server_version.substr(0, kMariadbReplicationVersionPrefix.size()) == kMariadbReplicationVersionPrefix) {
    return server_version.substr(kMariadbReplicationVersionPrefix.size());
  }
  return server_version;
}

bool is_ssl_request(Bytes payload) {
  if (payload.size() != kSslRequestSize) return false;
  return (payload[1] & (cap::kSsl >> 8)) != 0;
}

Result<SslRequest> parse_ssl_request(Bytes payload) {
  Reader r(payload);
  const ClientPrefix p = read_client_prefix(r);
  r.expect_end("ssl_request");
  if (!r.ok()) return r.error();
  if (!has(p.capabilities, cap::kSsl) || !has(p.capabilities, cap::kProtocol41)) {
    return Error{Errc::bad_value, "capability_flags", 0};
  }
  return SslRequest{p.capabilities, p.max_packet_size, p.character_set};
}

void serialize(const SslRequest& request, Buffer& out) {
  Writer w(out);
  write_client_prefix(w, request.capabilities, request.max_packet_size, request.character_set);
}

ConnectAttributes read_connect_attributes(Reader& r) {
  ConnectAttributes attributes;
  const std::uint64_t total = r.lenenc_int("connect_attrs_length");
  if (!r.ok()) return attributes;
  if (total > r.remaining()) {
    r.fail(Errc::truncated, "connect_attrs");
    return attributes;
  }
  const std::size_t end = r.offset() + static_cast<std::size_t>(total);
  while (r.ok() && r.offset() < end) {
    std::string key(r.lenenc_str("connect_attr_key"));
    std::string value(r.lenenc_str("connect_attr_value"));
    if (r.ok() && r.offset() > end) r.fail(Errc::bad_value, "connect_attr_value");
    if (r.ok()) attributes.emplace_back(std::move(key), std::move(value));
  }
  return attributes;
}

void serialize_connect_attributes(const ConnectAttributes& attributes, Buffer& out) {
  std::size_t total = 0;
  for (const auto& [key, value] : attributes) {
    total += lenenc_int_size(key.size()) + key.size() + lenenc_int_size(value.size()) + value.size();
  }
  Writer w(out);
  w.lenenc_int(total);
  for (const auto& [key, value] : attributes) w.lenenc_str(key).lenenc_str(value);
}

Result<HandshakeResponse41> parse_handshake_response(Bytes payload) {
  Reader r(payload);
  const ClientPrefix p = read_client_prefix(r);
  if (r.ok() && !has(p.capabilities, cap::kProtocol41)) return Error{Errc::bad_value, "capability_flags", 0};
  HandshakeResponse41 resp;
  resp.capabilities = p.capabilities;
  resp.max_packet_size = p.max_packet_size;
  resp.character_set = p.character_set;
  resp.username = std::string(r.nul_str("username"));
  if (has(p.capabilities, cap::kPluginAuthLenencClientData)) {
    resp.auth_response = std::string(r.lenenc_str("auth_response"));
  } else if (has(p.capabilities, cap::kSecureConnection)) {
    const std::uint8_t length = r.int1("auth_response_length");
    resp.auth_response = std::string(r.fixed_str(length, "auth_response"));
  } else {
    resp.auth_response = std::string(r.nul_str("auth_response"));
  }
  if (has(p.capabilities, cap::kConnectWithDb)) resp.database = optional_nul_str(r, "database");
  if (has(p.capabilities, cap::kPluginAuth)) resp.auth_plugin_name = optional_nul_str(r, "auth_plugin_name");
  if (has(p.capabilities, cap::kConnectAttrs) && !r.at_end()) resp.connect_attributes = read_connect_attributes(r);
  if (has(p.capabilities, cap::kZstdCompression) && !r.at_end()) {
    resp.zstd_compression_level = r.int1("zstd_compression_level");
  }
  while (r.ok() && !r.at_end() && r.peek() == 0) r.skip(1, "trailing_zeros");
  r.expect_end("handshake_response");
  if (!r.ok()) return r.error();
  return resp;
}

void serialize(const HandshakeResponse41& resp, Buffer& out) {
  Writer w(out);
  const CapabilityFlags caps = resp.capabilities;
  write_client_prefix(w, caps, resp.max_packet_size, resp.character_set);
  w.nul_str(resp.username);
  if (has(caps, cap::kPluginAuthLenencClientData)) {
    w.lenenc_str(resp.auth_response);
  } else if (has(caps, cap::kSecureConnection)) {
    const std::string_view data = std::string_view(resp.auth_response).substr(0, 0xff);
    w.int1(static_cast<std::uint8_t>(data.size())).raw(data);
  } else {
    w.nul_str(resp.auth_response);
  }
  if (has(caps, cap::kConnectWithDb)) w.nul_str(resp.database);
  if (has(caps, cap::kPluginAuth)) w.nul_str(resp.auth_plugin_name);
  if (has(caps, cap::kConnectAttrs)) serialize_connect_attributes(resp.connect_attributes, out);
  if (has(caps, cap::kZstdCompression) && resp.zstd_compression_level) w.int1(*resp.zstd_compression_level);
}

}  // namespace weir::protocol
