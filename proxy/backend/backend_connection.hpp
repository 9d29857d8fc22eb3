#pragma once
// One connection from weir to a database server, logged in as the client's user with the
// SHA1(password) recovered during the client's own login (mysql_native_password).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "backend/connection_slots.hpp"
#include "backend/prepared_statements.hpp"
#include "net/packet_stream.hpp"
#include "weir/protocol/auth.hpp"
#include "weir/protocol/handshake.hpp"

namespace weir::backend {

// Where to connect and how to verify it.
struct Endpoint {
  std::string name;  // for messages and metrics: "primary", "db-1:3306"
  std::string host;
  std::uint16_t port = 3306;
};

struct TlsOptions {
  boost::asio::ssl::context* context = nullptr;  // null: plain TCP
  bool verify_host_name = false;
};

// Who logs in. stage1 == nullopt means an account without password.
struct Credentials {
  std::string user;
  std::optional<protocol::auth::Sha1Digest> stage1;
};

struct LoginRequest {
  Credentials credentials;
  std::string database;
  protocol::CapabilityFlags capabilities = 0;  // what the client negotiated with weir
  std::uint8_t character_set = 0;
  protocol::ConnectAttributes attributes;
  std::chrono::milliseconds timeout{3000};
};

// Why a login failed. When the server refused with an ERR packet, `server_error` holds its
// payload so that the client gets the server's own error (1045, 1049, ...).
struct LoginFailure {
  std::string reason;  // for logs and for weir's own ERR packet when server_error is empty
  protocol::Buffer server_error;
  // No connection slot came free within timeouts.pool_wait (pool.max_per_backend): the backend
  // itself is fine.
  bool no_slot = false;
};

class BackendConnection {
 public:
  BackendConnection(boost::asio::ip::tcp::socket socket, const Endpoint& endpoint)
      : stream_(std::move(socket)), endpoint_(endpoint) {}

  net::PacketStream& stream() { return stream_; }
  const Endpoint& endpoint() const { return endpoint_; }
  const protocol::HandshakeV10& greeting() const { return greeting_; }
  std::uint32_t thread_id() const { return greeting_.connection_id; }
  protocol::CapabilityFlags capabilities() const { return capabilities_; }
  const std::string& user() const { return user_; }
  // The nonce of the greeting, which COM_CHANGE_USER scrambles must use.
  std::string_view nonce() const { return protocol::scramble_nonce(greeting_); }
  bool broken() const { return broken_; }
  void mark_broken() { broken_ = true; }
  // The statements prepared on this connection, shared by every session that uses it.
  PreparedStatements& prepared() { return prepared_; }
  // The pool.max_per_backend slot this connection counts against, given back when it is destroyed.
  void hold(Slot slot) { slot_ = std::move(slot); }
  const Slot& slot() const { return slot_; }

  // Runs the connection phase on an open socket. Returns false with `failure` filled.
  boost::asio::awaitable<bool> login(const LoginRequest& request, const TlsOptions& tls, LoginFailure& failure);

 private:
  boost::asio::awaitable<bool> finish_auth(const LoginRequest& request, std::uint8_t sequence_id,
                                           LoginFailure& failure);

  Slot slot_;  // first: destroyed last, after the socket is closed
  net::PacketStream stream_;
  Endpoint endpoint_;
  protocol::HandshakeV10 greeting_;
  protocol::CapabilityFlags capabilities_ = 0;
  std::string user_;
  bool broken_ = false;
  PreparedStatements prepared_;
};

// The auth response for a nonce: empty for an account without password.
std::string native_auth_response(const Credentials& credentials, std::string_view nonce);

// Connects (with the request's timeout) and logs in. Returns null with `failure` filled.
boost::asio::awaitable<std::unique_ptr<BackendConnection>> connect_backend(const Endpoint& endpoint,
                                                                           const LoginRequest& request,
                                                                           const TlsOptions& tls,
                                                                           LoginFailure& failure);

}  // namespace weir::backend
