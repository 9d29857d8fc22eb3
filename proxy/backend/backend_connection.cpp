#include "backend/backend_connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "weir/protocol/auth_exchange.hpp"
#include "weir/protocol/response.hpp"

namespace weir::backend {

namespace asio = boost::asio;
namespace proto = weir::protocol;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxLoginPacket = 1 << 20;

std::string native_auth_response(const Credentials& credentials, std::string_view nonce) {
  if (!credentials.stage1) return {};
  return proto::auth::native_scramble_from_stage1(*credentials.stage1, nonce);
}

namespace {

// Capabilities weir asks of a backend: the client's, as far as the server has them. TLS and the
// database flag are decided per connection.
proto::CapabilityFlags login_capabilities(const LoginRequest& request, const proto::HandshakeV10& greeting, bool tls) {
  proto::CapabilityFlags caps = request.capabilities & greeting.capabilities;
  caps |= proto::cap::kProtocol41 | proto::cap::kSecureConnection | proto::cap::kPluginAuth;
  caps &= ~(proto::cap::kSsl | proto::cap::kConnectWithDb | proto::cap::kCompress);
  if (tls) caps |= proto::cap::kSsl;
  if (!request.database.empty()) caps |= proto::cap::kConnectWithDb;
  if (!request.attributes.empty()) caps |= (greeting.capabilities & proto::cap::kConnectAttrs);
  return caps;
}

std::string describe_err(proto::Bytes payload, proto::CapabilityFlags caps) {
  auto err = proto::parse_err(payload, caps);
  if (!err) return "malformed error packet";
  return std::to_string(err->code) + " " + std::string(err->message);
}

}  // namespace

asio::awaitable<bool> BackendConnection::login(const LoginRequest& request, const TlsOptions& tls,
                                               LoginFailure& failure) {
  boost::system::error_code error;
  proto::Bytes packet;
  std::uint8_t seq = 0;
  co_await stream_.read_packet(packet, seq, kMaxLoginPacket, error);
  if (error) {
    failure.reason = "no greeting from " + endpoint_.name + ": " + error.message();
    co_return false;
  }
  if (!packet.empty() && packet[0] == proto::kErrHeader) {
    failure.server_error.assign(packet.begin(), packet.end());
    failure.reason = endpoint_.name + " refused the connection: " + describe_err(packet, proto::cap::kProtocol41);
    co_return false;
  }
  auto greeting = proto::parse_handshake_v10(packet);
  if (!greeting) {
    failure.reason = "malformed greeting from " + endpoint_.name + ": " + greeting.error().message();
    co_return false;
  }
  greeting_ = std::move(*greeting);
  const bool use_tls = tls.context != nullptr;
  if (use_tls && !proto::has(greeting_.capabilities, proto::cap::kSsl)) {
    failure.reason = endpoint_.name + " does not offer TLS, which the backend tls settings require";
    co_return false;
  }
  capabilities_ = login_capabilities(request, greeting_, use_tls);
  ++seq;
  proto::Buffer out;
  if (use_tls) {
    proto::serialize(proto::SslRequest{capabilities_, 1U << 30, request.character_set}, out);
    co_await stream_.write_packet(out, seq++, error);
    if (!error) co_await stream_.stream().tls_connect(*tls.context, endpoint_.host, tls.verify_host_name, error);
    if (error) {
      failure.reason = "TLS handshake with " + endpoint_.name + " failed: " + error.message();
      if (const auto why = stream_.stream().tls_verify_error(); !why.empty()) {
        failure.reason += " (certificate refused: " + why + ")";
      }
      co_return false;
    }
  }
  proto::HandshakeResponse41 response;
  response.capabilities = capabilities_;
  response.max_packet_size = 1U << 30;
  response.character_set = request.character_set != 0 ? request.character_set : greeting_.character_set;
  response.username = request.credentials.user;
  response.auth_response = native_auth_response(request.credentials, nonce());
  response.database = request.database;
  response.auth_plugin_name = std::string(proto::kMysqlNativePassword);
  if (proto::has(capabilities_, proto::cap::kConnectAttrs)) response.connect_attributes = request.attributes;
  out.clear();
  proto::serialize(response, out);
  co_await stream_.write_packet(out, seq++, error);
  if (error) {
    failure.reason = "cannot send login to " + endpoint_.name + ": " + error.message();
    co_return false;
  }
  user_ = request.credentials.user;
  const bool authenticated = co_await finish_auth(request, seq, failure);
  co_return authenticated;
}

asio::awaitable<bool> BackendConnection::finish_auth(const LoginRequest& request, std::uint8_t seq,
                                                     LoginFailure& failure) {
  boost::system::error_code error;
  for (int round = 0; round < 4; ++round) {
    proto::Bytes packet;
    co_await stream_.read_packet(packet, seq, kMaxLoginPacket, error);
    if (error) {
      failure.reason = "login to " + endpoint_.name + " interrupted: " + error.message();
      co_return false;
    }
    ++seq;
    const auto kind = proto::classify_auth_reply(packet);
    if (kind == proto::AuthReplyKind::ok) co_return true;
    if (kind == proto::AuthReplyKind::err) {
      failure.server_error.assign(packet.begin(), packet.end());
      failure.reason = endpoint_.name + " refused the login: " + describe_err(packet, capabilities_);
      co_return false;
    }
    if (kind != proto::AuthReplyKind::auth_switch) {
      failure.reason = endpoint_.name + " sent an unexpected packet during login";
      co_return false;
    }
    auto request_switch = proto::parse_auth_switch_request(packet);
    if (!request_switch || request_switch->plugin_name != proto::kMysqlNativePassword) {
      failure.reason = endpoint_.name + " asks for authentication plugin '" +
                       (request_switch ? request_switch->plugin_name : std::string("?")) +
                       "'; weir logs in to backends with mysql_native_password only";
      co_return false;
    }
    const std::string answer = native_auth_response(request.credentials, proto::auth_switch_nonce(*request_switch));
    co_await stream_.write_packet(proto::as_bytes(answer), seq++, error);
    if (error) {
      failure.reason = "login to " + endpoint_.name + " interrupted: " + error.message();
      co_return false;
    }
  }
  failure.reason = endpoint_.name + " did not finish the login";
  co_return false;
}

asio::awaitable<std::unique_ptr<BackendConnection>> connect_backend(const Endpoint& endpoint,
                                                                    const LoginRequest& request, const TlsOptions& tls,
                                                                    LoginFailure& failure) {
  const auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [resolve_error, results] =
      co_await resolver.async_resolve(endpoint.host, std::to_string(endpoint.port), kAsTuple);
  if (resolve_error) {
    failure.reason = "cannot resolve " + endpoint.host + " for " + endpoint.name + ": " + resolve_error.message();
    co_return nullptr;
  }
  tcp::socket socket(executor);
  asio::steady_timer timer(executor, request.timeout);
  auto outcome = co_await (asio::async_connect(socket, results, kAsTuple) || timer.async_wait(kAsTuple));
  if (outcome.index() == 1) {
    failure.reason =
        "connecting to " + endpoint.name + " (" + endpoint.host + ":" + std::to_string(endpoint.port) + ") timed out";
    co_return nullptr;
  }
  const auto connect_error = std::get<0>(std::get<0>(outcome));
  if (connect_error) {
    failure.reason = "cannot connect to " + endpoint.name + " (" + endpoint.host + ":" + std::to_string(endpoint.port) +
                     "): " + connect_error.message();
    co_return nullptr;
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto connection = std::make_unique<BackendConnection>(std::move(socket), endpoint);
  timer.expires_after(request.timeout);
  auto login = co_await (connection->login(request, tls, failure) || timer.async_wait(kAsTuple));
  if (login.index() == 1) {
    failure.reason = "login to " + endpoint.name + " timed out";
    co_return nullptr;
  }
  if (!std::get<0>(login)) co_return nullptr;
  co_return connection;
}

}  // namespace weir::backend
