#include "session/client_login.hpp"

#include <openssl/rand.h>

#include "auth/client_auth.hpp"
#include "auth/host_match.hpp"
#include "session/packet_refusal.hpp"
#include "weir/protocol/auth_exchange.hpp"
#include "weir/protocol/response.hpp"
#include "weir/protocol/status_flags.hpp"

namespace weir::session {

namespace asio = boost::asio;
namespace proto = weir::protocol;

protocol::CapabilityFlags relayable_capabilities() {
  using namespace proto::cap;
  return kLongPassword | kFoundRows | kLongFlag | kConnectWithDb | kNoSchema | kOdbc | kLocalFiles | kIgnoreSpace |
         kProtocol41 | kInteractive | kSsl | kIgnoreSigpipe | kTransactions | kSecureConnection | kMultiStatements |
         kMultiResults | kPsMultiResults | kPluginAuth | kConnectAttrs | kPluginAuthLenencClientData |
         kCanHandleExpiredPasswords | kSessionTrack | kDeprecateEof | kRememberOptions | kMariadbExtendedTypeInfo |
         kMariadbCacheMetadata;
}

std::string make_nonce() {
  std::uint8_t raw[proto::kScrambleLength];
  if (RAND_bytes(raw, sizeof raw) != 1) {
    for (auto& b : raw) b = static_cast<std::uint8_t>(std::rand());
  }
  std::string nonce(proto::kScrambleLength, '\0');
  // Printable ASCII without NUL, like the servers' own scrambles.
  for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<char>(33 + raw[i] % 94);
  return nonce;
}

namespace {

asio::awaitable<void> send_err(net::PacketStream& stream, std::uint8_t seq, std::uint16_t code, std::string_view state,
                               std::string_view message) {
  boost::system::error_code ignored;
  co_await stream.write_packet(proto::make_err(code, state, message), seq, ignored);
}

bool too_large(const boost::system::error_code& error) { return error == boost::system::errc::message_size; }

}  // namespace

asio::awaitable<bool> client_login(net::PacketStream& stream, const LoginContext& context, ClientIdentity& client,
                                   std::uint8_t& next_sequence, std::string& reason) {
  const std::string& nonce = context.nonce;
  const std::string address = auth::normalized_client_address(context.peer_host);
  if (!context.users->admits(address)) {
    // As the server: no account of any user matches the address, so it answers with an ERR
    // instead of its greeting (before the client said which protocol it speaks: no SQLSTATE).
    reason = "no account matches the client's address";
    boost::system::error_code ignored;
    co_await stream.write_packet(
        proto::make_err(auth::kHostNotAllowed, "HY000", auth::host_not_allowed_message(address), 0), 0, ignored);
    co_return false;
  }
  proto::HandshakeV10 greeting;
  greeting.server_version = context.server->server_version;
  greeting.connection_id = context.connection_id;
  greeting.auth_plugin_data = nonce;
  greeting.capabilities = context.server->capabilities & relayable_capabilities();
  if (context.tls == nullptr)
    greeting.capabilities &= ~proto::cap::kSsl;
  else
    greeting.capabilities |= proto::cap::kSsl;
  greeting.character_set = context.server->character_set;
  greeting.status_flags = proto::status::kAutocommit;
  greeting.auth_plugin_name = std::string(proto::kMysqlNativePassword);
  proto::Buffer out;
  proto::serialize(greeting, out);
  boost::system::error_code error;
  co_await stream.write_packet(out, 0, error);
  if (error) {
    reason = "client went away before the greeting: " + error.message();
    co_return false;
  }

  proto::Bytes packet;
  std::uint8_t seq = 0;
  co_await stream.read_packet_exact(packet, seq, context.max_packet, error);
  if (error) {
    reason = "client sent no handshake response: " + error.message();
    if (too_large(error))
      co_await refuse_oversized_packet(stream, *context.refusal_deadline, context.refusal_drain_time,
                                       proto::cap::kProtocol41);
    co_return false;
  }
  if (proto::is_ssl_request(packet) && context.tls != nullptr) {
    co_await stream.stream().tls_accept(*context.tls, error);
    if (error) {
      reason = "TLS handshake with client failed: " + error.message();
      co_return false;
    }
    client.tls = true;
    co_await stream.read_packet(packet, seq, context.max_packet, error);
    if (error) {
      reason = "client sent no handshake response after TLS: " + error.message();
      if (too_large(error))
        co_await refuse_oversized_packet(stream, *context.refusal_deadline, context.refusal_drain_time,
                                         proto::cap::kProtocol41);
      co_return false;
    }
  }
  auto response = proto::parse_handshake_response(packet);
  if (!response) {
    reason = "malformed handshake response: " + response.error().message();
    co_await send_err(stream, static_cast<std::uint8_t>(seq + 1), 1043, "08S01", "Bad handshake");
    co_return false;
  }
  if (context.tls_required && !client.tls) {
    reason = "client did not use TLS, which is required";
    co_await send_err(stream, static_cast<std::uint8_t>(seq + 1), 3159, "HY000",
                      "Connections using insecure transport are prohibited; use TLS");
    co_return false;
  }
  client.user = response->username;
  client.database = response->database;
  client.capabilities = response->capabilities & greeting.capabilities;
  client.character_set = response->character_set;
  client.attributes = std::move(response->connect_attributes);

  std::string why_not;
  const auth::Account* account = auth::account_for(*context.users, client.user, address, why_not);
  auth::AuthDecision decision =
      auth::decide_first_response(account, response->auth_plugin_name, response->auth_response, nonce);
  bool used_password = !response->auth_response.empty();
  if (decision.step == auth::AuthStep::switch_to_native) {
    out.clear();
    proto::serialize(proto::make_auth_switch_request(proto::kMysqlNativePassword, nonce), out);
    co_await stream.write_packet(out, ++seq, error);
    if (!error) co_await stream.read_packet(packet, seq, context.max_packet, error);
    if (error) {
      reason = "client left during the authentication switch: " + error.message();
      if (too_large(error))
        co_await refuse_oversized_packet(stream, *context.refusal_deadline, context.refusal_drain_time,
                                         proto::cap::kProtocol41);
      co_return false;
    }
    used_password = !packet.empty();
    decision = auth::decide_native_response(account, proto::as_string(packet), nonce);
  }
  if (decision.step != auth::AuthStep::accept) {
    reason = account == nullptr ? why_not : "wrong password for '" + client.user + "'@'" + account->host + "'";
    co_await send_err(stream, static_cast<std::uint8_t>(seq + 1), 1045, "28000",
                      auth::access_denied_message(client.user, address, used_password));
    co_return false;
  }
  if (account->locked) {
    reason = "the account '" + client.user + "'@'" + account->host + "' is locked";
    co_await send_err(stream, static_cast<std::uint8_t>(seq + 1), auth::kAccountLocked, auth::kAccountLockedState,
                      auth::kAccountLockedMessage);
    co_return false;
  }
  client.stage1 = decision.stage1;
  next_sequence = static_cast<std::uint8_t>(seq + 1);
  co_return true;
}

}  // namespace weir::session
