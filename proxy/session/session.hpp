#pragma once
// One client session: login, then the command loop that relays each command to the backend and
// streams the response back. Lives on one worker for its whole life.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "backend/backend_connection.hpp"
#include "net/packet_stream.hpp"
#include "session/client_login.hpp"
#include "session/response_relay.hpp"
#include "session/worker_context.hpp"

namespace weir::session {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, WorkerContext& worker);
  ~Session();

  // Starts the session on its socket's executor; it keeps itself alive until it ends.
  static void start(std::shared_ptr<Session> session);

 private:
  // The coroutine owns the session through its parameter (lambda coroutines with captures are a
  // lifetime trap).
  static boost::asio::awaitable<void> run_owned(std::shared_ptr<Session> self);
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<bool> login();
  boost::asio::awaitable<bool> connect_primary(std::uint8_t error_sequence);
  boost::asio::awaitable<void> command_loop();
  // Waits until the client sends; true when the backend closed or spoke first.
  boost::asio::awaitable<bool> wait_for_client();
  // Each returns false when the session must end.
  boost::asio::awaitable<bool> dispatch(protocol::Bytes packet, std::uint8_t sequence_id);
  boost::asio::awaitable<bool> forward(protocol::Bytes packet, std::uint8_t sequence_id);
  boost::asio::awaitable<bool> relay_response(std::uint8_t command);
  boost::asio::awaitable<bool> relay_local_infile();
  boost::asio::awaitable<bool> kill(std::uint64_t target, bool query_only, const std::string& modifier,
                                    protocol::Bytes packet, std::uint8_t sequence_id);
  boost::asio::awaitable<bool> change_user(protocol::Bytes packet, std::uint8_t sequence_id);
  boost::asio::awaitable<void> send_error(std::uint8_t sequence_id, std::uint16_t code, std::string_view state,
                                          std::string_view message);
  boost::asio::awaitable<void> send_ok(std::uint8_t sequence_id);
  void publish_backend();
  // Resets the backend connection and returns it to the worker's pool when it sits between
  // statements; closes it otherwise.
  boost::asio::awaitable<void> release_backend();
  void close();

  WorkerContext& worker_;
  net::PacketStream client_;
  std::unique_ptr<backend::BackendConnection> primary_;
  backend::PoolKey primary_key_;
  bool backend_idle_ = false;  // the backend finished its last response
  // The backend's current database, which a reset keeps: pooled connections are keyed by it.
  std::string current_database_;
  bool database_known_ = true;
  // COM_SET_OPTION changes a connection property that COM_RESET_CONNECTION keeps: such a
  // connection is not pooled.
  bool options_changed_ = false;
  void track_database(std::uint8_t command, protocol::Bytes packet);
  ResponseRelay relay_;
  ClientIdentity identity_;
  std::string nonce_;
  std::string peer_host_;
  std::uint32_t id_ = 0;
  bool idle_ = false;      // between commands, waiting for the client
  bool backend_spoke_ = false;  // the backend became readable while the session was idle
  bool closing_ = false;
};

}  // namespace weir::session
