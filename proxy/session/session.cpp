#include "session/session.hpp"

#include <cctype>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "auth/client_auth.hpp"
#include "backend/endpoints.hpp"
#include "log/log.hpp"
#include "session/kill_statement.hpp"
#include "weir/protocol/auth_exchange.hpp"
#include "weir/protocol/commands.hpp"
#include "weir/protocol/response.hpp"

namespace weir::session {

namespace asio = boost::asio;
namespace proto = weir::protocol;
using proto::Command;

namespace {

// Error codes weir itself sends (the servers' own where one fits).
constexpr std::uint16_t kErrServerShutdown = 1053;   // ER_SERVER_SHUTDOWN
constexpr std::uint16_t kErrPacketTooLarge = 1153;   // ER_NET_PACKET_TOO_LARGE
constexpr std::uint16_t kErrPacketsOutOfOrder = 1156;
// A server-side code: libmariadb reports client-range codes (2xxx) in a login reply as
// "malformed packet". 1927 is ER_CONNECTION_KILLED, what the server says when it drops a session.
constexpr std::uint16_t kErrBackendUnreachable = 1927;
constexpr std::uint16_t kErrBackendLost = 1927;
constexpr std::uint16_t kErrUnknownThread = 1094;    // ER_NO_SUCH_THREAD

std::chrono::milliseconds to_ms(config::Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

}  // namespace

Session::Session(asio::ip::tcp::socket socket, WorkerContext& worker) : worker_(worker), client_(std::move(socket)) {
  boost::system::error_code ignored;
  const auto remote = client_.stream().socket().remote_endpoint(ignored);
  peer_host_ = ignored ? std::string("unknown") : remote.address().to_string();
  id_ = worker_.shared.sessions.next_id();
}

Session::~Session() { worker_.shared.sessions.remove(id_); }

void Session::start(std::shared_ptr<Session> session) {
  auto executor = session->client_.stream().socket().get_executor();
  std::weak_ptr<Session> weak = session;
  SessionHandle handle;
  handle.close = [weak, executor] {
    asio::post(executor, [weak] {
      if (auto s = weak.lock()) s->close();
    });
  };
  handle.close_if_idle = [weak, executor] {
    asio::post(executor, [weak] {
      if (auto s = weak.lock(); s && s->idle_) s->close();
    });
  };
  session->worker_.shared.sessions.add(session->id_, std::move(handle));
  const auto id = session->id_;
  asio::co_spawn(executor, run_owned(session),
                 [id](std::exception_ptr failure) {
                   // The data path reports errors as values; an exception here is a bug, logged.
                   if (!failure) return;
                   try {
                     std::rethrow_exception(failure);
                   } catch (const std::exception& e) {
                     log::error("session ended by an unexpected exception", {{"session", id}, {"what", e.what()}});
                   }
                 });
}

void Session::close() {
  closing_ = true;
  client_.close();
  if (primary_) primary_->stream().close();
}

asio::awaitable<void> Session::run_owned(std::shared_ptr<Session> self) { co_await self->run(); }

asio::awaitable<void> Session::run() {
  if (worker_.shared.draining.load()) {
    co_await send_error(0, kErrServerShutdown, "08S01", "weir is shutting down");
    co_return;
  }
  const bool logged_in = co_await login();
  if (logged_in) co_await command_loop();
  co_await release_backend();
  close();
}

asio::awaitable<bool> Session::login() {
  const auto identity = worker_.shared.identity.load();
  const auto users = worker_.shared.users.load();
  const auto config = worker_.shared.config.load();
  nonce_ = make_nonce();
  LoginContext context;
  context.connection_id = id_;
  context.server = identity.get();
  context.users = users.get();
  context.tls = worker_.client_tls;
  context.tls_required = config->tls.client.required;
  context.peer_host = peer_host_;
  context.nonce = nonce_;
  std::uint8_t ok_sequence = 0;
  std::string reason;
  const bool accepted = co_await client_login(client_, context, identity_, ok_sequence, reason);
  if (!accepted) {
    log::info("client login failed", {{"session", id_}, {"peer", peer_host_}, {"reason", reason}});
    co_return false;
  }
  const bool connected = co_await connect_primary(ok_sequence);
  if (!connected) co_return false;
  co_await send_ok(ok_sequence);
  log::debug("client logged in", {{"session", id_}, {"user", identity_.user}, {"peer", peer_host_}});
  co_return true;
}

asio::awaitable<bool> Session::connect_primary(std::uint8_t error_sequence) {
  const auto config = worker_.shared.config.load();
  backend::LoginRequest request;
  request.credentials = {identity_.user, identity_.stage1};
  request.database = identity_.database;
  request.capabilities = identity_.capabilities;
  request.character_set = identity_.character_set;
  request.attributes = identity_.attributes;
  request.timeout = to_ms(config->timeouts.connect);
  const backend::TlsOptions tls{worker_.backend_tls, worker_.verify_backend_host};
  const auto endpoint = backend::primary_endpoint(*config);
  primary_key_ = {endpoint.host, endpoint.port, identity_.user, identity_.capabilities, identity_.character_set,
                  identity_.database};
  while (worker_.pool != nullptr) {
    auto pooled = worker_.pool->take(primary_key_);
    if (!pooled) break;
    if (backend::looks_alive(*pooled)) {  // it was reset when its last session let go
      primary_ = std::move(pooled);
      break;
    }
  }
  backend::LoginFailure failure;
  if (!primary_) primary_ = co_await backend::connect_backend(endpoint, request, tls, failure);
  if (primary_) {
    backend_idle_ = true;
    current_database_ = identity_.database;
    database_known_ = true;
    options_changed_ = false;
    publish_backend();
    co_return true;
  }
  log::warn("backend login failed", {{"session", id_}, {"user", identity_.user}, {"reason", failure.reason}});
  if (!failure.server_error.empty()) {
    boost::system::error_code ignored;
    co_await client_.write_packet(failure.server_error, error_sequence, ignored);
  } else {
    co_await send_error(error_sequence, kErrBackendUnreachable, "08S01", "weir: " + failure.reason);
  }
  co_return false;
}

asio::awaitable<void> Session::release_backend() {
  if (!primary_) co_return;
  if (!backend_idle_ || closing_ || worker_.pool == nullptr || !database_known_ || options_changed_) {
    primary_->stream().close();
    primary_.reset();
    co_return;
  }
  worker_.shared.sessions.set_backend(id_, "", 0, 0);
  auto connection = std::move(primary_);
  const bool reset = worker_.shared.config.load()->pool.reset_on_reuse;
  const bool usable = co_await backend::prepare_for_reuse(*connection, reset);
  if (!usable) co_return;
  primary_key_.database = current_database_;
  worker_.pool->put(primary_key_, std::move(connection));
}

namespace {

// Whether SQL text may contain a USE statement: the word "use" anywhere outside an identifier.
// Over-approximates (strings, comments), which only costs pooling that connection.
bool may_change_database(std::string_view sql) {
  for (std::size_t i = 0; i + 3 <= sql.size(); ++i) {
    if ((sql[i] | 0x20) != 'u' || (sql[i + 1] | 0x20) != 's' || (sql[i + 2] | 0x20) != 'e') continue;
    const auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
    if ((i == 0 || !is_word(sql[i - 1])) && (i + 3 == sql.size() || !is_word(sql[i + 3]))) return true;
  }
  return false;
}

}  // namespace

void Session::track_database(std::uint8_t command, proto::Bytes packet) {
  if (command == static_cast<std::uint8_t>(Command::set_option)) options_changed_ = true;
  if (const auto& schema = relay_.tracked().schema) {
    current_database_ = *schema;
    database_known_ = true;
    return;
  }
  // Without session state tracking a change of database cannot be seen: stop trusting it.
  if (command == static_cast<std::uint8_t>(Command::init_db) ||
      (command == static_cast<std::uint8_t>(Command::query) && may_change_database(proto::as_string(packet.subspan(1))))) {
    database_known_ = false;
  }
}

void Session::publish_backend() {
  if (!primary_) return;
  worker_.shared.sessions.set_backend(id_, primary_->endpoint().host, primary_->endpoint().port,
                                      primary_->thread_id());
}

asio::awaitable<void> Session::command_loop() {
  const auto max_packet = std::size_t{1} << 30;
  while (!closing_) {
    if (worker_.shared.draining.load()) co_return;
    proto::Bytes packet;
    std::uint8_t seq = 0;
    boost::system::error_code error;
    // Between statements the session holds no read buffers (see PacketStream::release_buffer).
    client_.release_buffer();
    if (primary_) primary_->stream().release_buffer();
    idle_ = true;
    const bool backend_lost = co_await wait_for_client();
    idle_ = false;
    if (backend_lost) {
      // The server closed (or spoke) while no statement ran: killed, restarted or timed out.
      // Close the client too, at once, as the server itself would have.
      log::info("backend closed an idle session", {{"session", id_}, {"backend", primary_->endpoint().name}});
      co_return;
    }
    if (!error) co_await client_.read_packet(packet, seq, max_packet, error);
    if (error) {
      if (error == boost::system::errc::message_size) {
        co_await send_error(1, kErrPacketTooLarge, "08S01", "Got a packet bigger than 'max_allowed_packet' bytes");
      } else if (error == boost::system::errc::protocol_error) {
        co_await send_error(1, kErrPacketsOutOfOrder, "08S01", "Got packets out of order");
      }
      co_return;
    }
    if (packet.empty() || seq != 0) {
      co_await send_error(static_cast<std::uint8_t>(seq + 1), kErrPacketsOutOfOrder, "08S01",
                          "Got packets out of order");
      co_return;
    }
    const bool keep_going = co_await dispatch(packet, seq);
    if (!keep_going) co_return;
  }
}

asio::awaitable<bool> Session::wait_for_client() {
  boost::system::error_code client_error;
  if (!primary_ || primary_->stream().stream().is_tls()) {
    co_await client_.wait_readable(client_error);
    co_return false;
  }
  // A plain completion handler watches the backend (cheaper per statement than a coroutine
  // pair): if the backend becomes readable first, it wakes the client wait by cancelling it.
  backend_spoke_ = false;
  auto& backend_socket = primary_->stream().stream().socket();
  backend_socket.async_wait(asio::ip::tcp::socket::wait_read,
                            [self = shared_from_this()](const boost::system::error_code& ec) {
                              if (ec == asio::error::operation_aborted || !self->idle_) return;
                              self->backend_spoke_ = true;
                              boost::system::error_code ignored;
                              self->client_.stream().socket().cancel(ignored);
                            });
  co_await client_.wait_readable(client_error);
  boost::system::error_code ignored;
  backend_socket.cancel(ignored);
  co_return backend_spoke_;
}

asio::awaitable<bool> Session::dispatch(proto::Bytes packet, std::uint8_t seq) {
  // No co_await inside switch statements or conditions: GCC 12 miscompiles some of those forms.
  const auto command = static_cast<Command>(packet[0]);
  if (command == Command::quit) co_return false;
  if (command == Command::change_user) {
    const bool alive = co_await change_user(packet, seq);
    co_return alive;
  }
  std::optional<KillStatement> kill_request;
  if (command == Command::process_kill) {
    if (auto parsed = proto::parse_com_process_kill(packet)) kill_request = KillStatement{false, "", parsed->connection_id};
  } else if (command == Command::query && packet.size() < 64) {
    kill_request = parse_kill_statement(proto::as_string(packet.subspan(1)));
  }
  if (kill_request) {
    const bool alive = co_await kill(kill_request->id, kill_request->query_only, kill_request->modifier, packet, seq);
    co_return alive;
  }
  const bool alive = co_await forward(packet, seq);
  co_return alive;
}

asio::awaitable<bool> Session::forward(proto::Bytes packet, std::uint8_t seq) {
  boost::system::error_code error;
  backend_idle_ = false;
  co_await primary_->stream().write_packet(packet, seq, error);
  if (error) {
    co_await send_error(1, kErrBackendLost, "08S01",
                        "weir: lost connection to backend " + primary_->endpoint().name + ": " + error.message());
    co_return false;
  }
  if (!proto::expects_response(static_cast<Command>(packet[0]))) {
    backend_idle_ = true;
    co_return true;
  }
  const bool alive = co_await relay_response(packet[0]);
  backend_idle_ = alive && relay_.tracker().done();
  track_database(packet[0], packet);
  co_return alive;
}

asio::awaitable<bool> Session::relay_response(std::uint8_t command) {
  auto& backend = primary_->stream();
  relay_.start(command, identity_.capabilities);
  std::size_t forwarded = 0;
  boost::system::error_code error;
  while (true) {
    const auto step = relay_.scan(backend.buffered());
    if (step.forward > 0) {
      co_await client_.write_raw(backend.buffered().first(step.forward), error);
      if (error) co_return false;  // the client is gone
      backend.consume(step.forward);
      forwarded += step.forward;
    }
    if (step.outcome == ResponseRelay::Outcome::done) co_return true;
    if (step.outcome == ResponseRelay::Outcome::local_infile) {
      const bool relayed = co_await relay_local_infile();
      if (!relayed) co_return false;
      continue;
    }
    if (step.outcome == ResponseRelay::Outcome::failed) {
      log::error("backend broke the protocol", {{"session", id_}, {"backend", primary_->endpoint().name},
                                                 {"detail", relay_.tracker().error().message()}});
      co_return false;
    }
    co_await backend.fill(step.min_capacity, error);
    if (error) {
      log::warn("backend connection lost mid-response",
                {{"session", id_}, {"backend", primary_->endpoint().name}, {"error", error.message()}});
      if (forwarded == 0) {
        co_await send_error(1, kErrBackendLost, "08S01",
                            "weir: lost connection to backend " + primary_->endpoint().name + " during the query");
      }
      co_return false;
    }
  }
}

asio::awaitable<bool> Session::relay_local_infile() {
  // The client sends the file as packets and ends with an empty one; relay them verbatim.
  boost::system::error_code error;
  while (true) {
    proto::Bytes packet;
    std::uint8_t seq = 0;
    co_await client_.read_packet(packet, seq, std::size_t{1} << 30, error);
    if (!error) co_await primary_->stream().write_packet(packet, seq, error);
    if (error) co_return false;
    if (packet.empty()) co_return relay_.client_infile_done();
  }
}

asio::awaitable<bool> Session::kill(std::uint64_t target, bool query_only, const std::string& modifier,
                                    proto::Bytes packet, std::uint8_t seq) {
  std::optional<SessionHandle> handle;
  if (target <= 0xffffffffULL) handle = worker_.shared.sessions.find(static_cast<std::uint32_t>(target));
  if (!handle) {
    if (auto by_thread = worker_.shared.sessions.find_by_backend_thread(static_cast<std::uint32_t>(target))) {
      handle = by_thread->second;
    }
  }
  if (!handle) {
    co_await send_error(static_cast<std::uint8_t>(seq + 1), kErrUnknownThread, "HY000",
                        "Unknown thread id: " + std::to_string(target));
    co_return true;
  }
  if (handle->backend_thread_id == 0) {
    // The target holds no backend connection: nothing runs; KILL CONNECTION ends it.
    if (!query_only) handle->close();
    co_await send_ok(static_cast<std::uint8_t>(seq + 1));
    co_return true;
  }
  // The server kills its own thread; the statement goes through this session's connection to it.
  const KillStatement statement{query_only, modifier, target};
  std::string sql = render_kill_statement(statement, handle->backend_thread_id);
  sql.insert(sql.begin(), static_cast<char>(Command::query));
  (void)packet;
  const bool alive = co_await forward(proto::as_bytes(sql), seq);
  if (!query_only) handle->close();
  co_return alive;
}

asio::awaitable<bool> Session::change_user(proto::Bytes packet, std::uint8_t seq) {
  auto request = proto::parse_change_user(packet, identity_.capabilities);
  if (!request) {
    co_await send_error(static_cast<std::uint8_t>(seq + 1), 1043, "08S01", "Bad handshake");
    co_return false;
  }
  const auto users = worker_.shared.users.load();
  const auth::Account* account = users->find(request->username);
  auth::AuthDecision decision =
      auth::decide_first_response(account, request->auth_plugin_name, request->auth_response, nonce_);
  bool used_password = !request->auth_response.empty();
  boost::system::error_code error;
  if (decision.step == auth::AuthStep::switch_to_native) {
    proto::Buffer out;
    proto::serialize(proto::make_auth_switch_request(proto::kMysqlNativePassword, nonce_), out);
    co_await client_.write_packet(out, ++seq, error);
    proto::Bytes answer;
    if (!error) co_await client_.read_packet(answer, seq, 1 << 20, error);
    if (error) co_return false;
    used_password = !answer.empty();
    decision = auth::decide_native_response(account, proto::as_string(answer), nonce_);
  }
  if (decision.step != auth::AuthStep::accept) {
    co_await send_error(static_cast<std::uint8_t>(seq + 1), 1045, "28000",
                        auth::access_denied_message(request->username, peer_host_, used_password));
    co_return false;  // the server closes the connection after a failed COM_CHANGE_USER, too
  }
  identity_.user = request->username;
  identity_.database = request->database;
  identity_.stage1 = decision.stage1;
  if (request->character_set) identity_.character_set = static_cast<std::uint8_t>(*request->character_set);
  if (proto::has(identity_.capabilities, proto::cap::kConnectAttrs)) identity_.attributes = request->connect_attributes;
  // A fresh backend login as the new user resets everything the server keeps for the session,
  // exactly as COM_CHANGE_USER does.
  co_await release_backend();
  const bool connected = co_await connect_primary(static_cast<std::uint8_t>(seq + 1));
  if (!connected) co_return false;
  co_await send_ok(static_cast<std::uint8_t>(seq + 1));
  co_return true;
}

asio::awaitable<void> Session::send_error(std::uint8_t seq, std::uint16_t code, std::string_view state,
                                          std::string_view message) {
  boost::system::error_code ignored;
  co_await client_.write_packet(proto::make_err(code, state, message, identity_.capabilities | proto::cap::kProtocol41),
                                seq, ignored);
}

asio::awaitable<void> Session::send_ok(std::uint8_t seq) {
  proto::OkPacket ok;
  ok.status = proto::status::kAutocommit;
  proto::Buffer out;
  proto::serialize(ok, identity_.capabilities, out);
  boost::system::error_code ignored;
  co_await client_.write_packet(out, seq, ignored);
}

}  // namespace weir::session
