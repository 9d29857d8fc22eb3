#include "weir/protocol/auth_exchange.hpp"

namespace weir::protocol {

AuthReplyKind classify_auth_reply(Bytes payload) {
  if (payload.empty()) return AuthReplyKind::unknown;
  switch (payload[0]) {
    case 0x00: return AuthReplyKind::ok;
    case 0xff: return AuthReplyKind::err;
    case kAuthSwitchRequestHeader:
      return payload.size() == 1 ? AuthReplyKind::old_auth_switch : AuthReplyKind::auth_switch;
    case kAuthMoreDataHeader: return AuthReplyKind::more_data;
    default: return AuthReplyKind::unknown;
  }
}

Result<AuthSwitchRequest> parse_auth_switch_request(Bytes payload) {
  Reader r(payload);
  const std::uint8_t header = r.int1("auth_switch_header");
  if (!r.ok()) return r.error();
  if (header != kAuthSwitchRequestHeader) return Error{Errc::unexpected_message, "auth_switch_header", 0};
  if (r.at_end()) return Error{Errc::bad_value, "old_auth_switch_request", 0};
  AuthSwitchRequest req;
  req.plugin_name = std::string(r.nul_str("plugin_name"));
  req.plugin_data = std::string(r.rest());
  if (!r.ok()) return r.error();
  return req;
}

void serialize(const AuthSwitchRequest& request, Buffer& out) {
  Writer(out).int1(kAuthSwitchRequestHeader).nul_str(request.plugin_name).raw(request.plugin_data);
}

AuthSwitchRequest make_auth_switch_request(std::string_view plugin_name, std::string_view nonce) {
  AuthSwitchRequest req{std::string(plugin_name), std::string(nonce)};
  req.plugin_data.push_back('\0');
  return req;
}

std::string_view auth_switch_nonce(const AuthSwitchRequest& request) {
  std::string_view data = request.plugin_data;
  if (!data.empty() && data.back() == '\0') data.remove_suffix(1);
  return data;
}

Result<AuthSwitchResponse> parse_auth_switch_response(Bytes payload) {
  return AuthSwitchResponse{std::string(as_string(payload))};
}

void serialize(const AuthSwitchResponse& response, Buffer& out) { Writer(out).raw(response.data); }

Result<AuthMoreData> parse_auth_more_data(Bytes payload) {
  Reader r(payload);
  const std::uint8_t header = r.int1("auth_more_data_header");
  if (!r.ok()) return r.error();
  if (header != kAuthMoreDataHeader) return Error{Errc::unexpected_message, "auth_more_data_header", 0};
  return AuthMoreData{std::string(r.rest())};
}

void serialize(const AuthMoreData& more, Buffer& out) { Writer(out).int1(kAuthMoreDataHeader).raw(more.data); }

namespace caching_sha2 {

Signal signal_of(const AuthMoreData& more) {
  if (more.data.size() != 1) return Signal::other;
  switch (static_cast<std::uint8_t>(more.data[0])) {
    case kFastAuthSuccess: return Signal::fast_auth_success;
    case kPerformFullAuthentication: return Signal::perform_full_authentication;
    default: return Signal::other;
  }
}

AuthMoreData fast_auth_success() { return AuthMoreData{std::string(1, static_cast<char>(kFastAuthSuccess))}; }

AuthMoreData perform_full_authentication() {
  return AuthMoreData{std::string(1, static_cast<char>(kPerformFullAuthentication))};
}

bool is_public_key_request(Bytes payload) { return payload.size() == 1 && payload[0] == kRequestPublicKey; }

}  // namespace caching_sha2

Result<ChangeUser> parse_change_user(Bytes payload, CapabilityFlags capabilities) {
  Reader r(payload);
  const std::uint8_t command = r.int1("command");
  if (!r.ok()) return r.error();
  if (command != kComChangeUser) return Error{Errc::unexpected_message, "command", 0};
  ChangeUser change;
  change.username = std::string(r.nul_str("username"));
  if (has(capabilities, cap::kSecureConnection)) {
    const std::uint8_t length = r.int1("auth_response_length");
    change.auth_response = std::string(r.fixed_str(length, "auth_response"));
  } else {
    change.auth_response = std::string(r.nul_str("auth_response"));
  }
  change.database = std::string(r.nul_str("database"));
  if (r.ok() && !r.at_end()) {
    change.character_set = r.int2("character_set");
    if (has(capabilities, cap::kPluginAuth) && !r.at_end()) {
      change.auth_plugin_name = std::string(r.nul_str("auth_plugin_name"));
    }
    if (has(capabilities, cap::kConnectAttrs) && !r.at_end()) {
      change.connect_attributes = read_connect_attributes(r);
    }
  }
  r.expect_end("change_user");
  if (!r.ok()) return r.error();
  return change;
}

void serialize(const ChangeUser& change, CapabilityFlags capabilities, Buffer& out) {
  Writer w(out);
  w.int1(kComChangeUser).nul_str(change.username);
  if (has(capabilities, cap::kSecureConnection)) {
    const std::string_view data = std::string_view(change.auth_response).substr(0, 0xff);
    w.int1(static_cast<std::uint8_t>(data.size())).raw(data);
  } else {
    w.nul_str(change.auth_response);
  }
  w.nul_str(change.database);
  if (!change.character_set) return;
  w.int2(*change.character_set);
  if (has(capabilities, cap::kPluginAuth)) w.nul_str(change.auth_plugin_name);
  if (has(capabilities, cap::kConnectAttrs)) serialize_connect_attributes(change.connect_attributes, out);
}

}  // namespace weir::protocol
