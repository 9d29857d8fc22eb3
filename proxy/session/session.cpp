#include "session/session.hpp"

#include <charconv>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "auth/client_auth.hpp"
#include "backend/simple_query.hpp"
#include "log/log.hpp"
#include "log/rate_limit.hpp"
#include "net/draining_read.hpp"
#include "net/socket_calls.hpp"
#include "session/error_codes.hpp"
#include "weir/protocol/auth_exchange.hpp"
#include "weir/protocol/commands.hpp"
#include "weir/protocol/response.hpp"

namespace weir::session {

namespace asio = boost::asio;
namespace proto = weir::protocol;
using proto::Command;

Session::Session(asio::ip::tcp::socket socket, WorkerContext& worker)
    : worker_(worker),
      client_(std::move(socket)),
      id_(worker.shared.sessions.next_id()),
      deadline_(*worker.deadlines),
      query_deadline_(*worker.deadlines),
      client_io_(*worker.deadlines),
      cool_(*worker.deadlines),
      links_(worker, identity_, history_, id_) {
  boost::system::error_code ignored;
  const auto remote = client_.stream().socket().remote_endpoint(ignored);
  peer_host_ = ignored ? std::string("unknown") : remote.address().to_string();
  random_state_ = id_ * 2654435761U;
  const std::uint32_t open = worker_.shared.client_connections.fetch_add(1) + 1;
  over_connection_limit_ = open > worker_.config.current()->listen.max_connections;
}

Session::~Session() {
  worker_.shared.client_connections.fetch_sub(1);
  worker_.shared.sessions.remove(id_);
  worker_.metrics->client_disconnected();
}

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
  handle.backend = session->links_.published_backend();
  session->worker_.shared.sessions.add(session->id_, std::move(handle));
  const auto id = session->id_;
  asio::co_spawn(executor, run_owned(std::move(session)), [id](const std::exception_ptr& failure) {
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
  links_.close();
}

asio::awaitable<void> Session::run_owned(std::shared_ptr<Session> self) { co_await self->run(); }

asio::awaitable<void> Session::run() {
  if (over_connection_limit_) {
    // As the server: ER_CON_COUNT_ERROR instead of the greeting, then the connection closes.
    worker_.metrics->client_rejected("max_connections");
    log::debug("client refused: listen.max_connections reached", {{"session", id_}, {"peer", peer_host_}});
    co_await send_error(0, errors::kTooManyConnections, "08004", "Too many connections");
    close();
    co_return;
  }
  if (worker_.shared.draining.load()) {
    worker_.metrics->client_rejected("shutdown");
    co_await send_error(0, errors::kServerShutdown, "08S01", "weir is shutting down");
    co_return;
  }
  const bool logged_in = co_await login();
  if (logged_in) co_await command_loop();
  co_await links_.release_all();
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
  context.refusal_deadline = &client_io_;
  context.refusal_drain_time = refusal_drain_time(config->timeouts.client_read);
  std::uint8_t ok_sequence = 0;
  std::string reason;
  // A client that does not finish its handshake in time is dropped (the server's connect_timeout).
  deadline_.arm(config->timeouts.handshake, [this] { client_.close(); });
  bool accepted = co_await client_login(client_, context, identity_, ok_sequence, reason);
  deadline_.cancel();
  links_.identity_changed();  // the account is known now
  if (!accepted && !client_.stream().is_open()) reason = "no handshake within timeouts.handshake (" + reason + ")";
  if (!accepted) {
    // Rate-limited: a client retrying bad logins in a loop must not flood the log.
    static log::RateLimit client_errors(20);
    std::uint64_t held_back = 0;
    if (client_errors.allow(std::chrono::steady_clock::now(), held_back)) {
      log::info("client login failed",
                {{"session", id_}, {"peer", peer_host_}, {"reason", reason}, {"similar_lines_suppressed", held_back}});
    }
    worker_.metrics->client_rejected("login_failed");
    co_return false;
  }
  refresh_routing_options();
  worker_.shared.sessions.set_client(id_, {peer_host_, client_.stream().tls_version(), client_.stream().tls_cipher()});
  backend::LoginFailure failure;
  BackendLink* primary = co_await links_.ensure_primary(failure);
  if (primary == nullptr && failure.server_error.empty()) {
    // The primary cannot be reached: the session may still serve reads from a replica, which
    // also proves that the server knows this account.
    const bool replica_connected = co_await connect_any_replica();
    if (replica_connected) {
      worker_.shared.sessions.set_user(id_, identity_.user);
      log::warn("client logged in while the primary is unreachable: reads only until it returns",
                {{"session", id_}, {"user", identity_.user}, {"reason", failure.reason}});
      co_await send_ok(ok_sequence);
      co_return true;
    }
  }
  if (primary == nullptr) {
    log::warn("backend login failed", {{"session", id_}, {"user", identity_.user}, {"reason", failure.reason}});
    worker_.metrics->client_rejected("backend_login_failed");
    co_await send_login_failure(failure, ok_sequence);
    co_return false;
  }
  // How the server lexes backslashes until the first OK says it: the greeting's status flags
  // (sql_mode NO_BACKSLASH_ESCAPES of the new session).
  routing_.view.no_backslash_escapes =
      (primary->backend().greeting().status_flags & proto::status::kNoBackslashEscapes) != 0;
  worker_.shared.sessions.set_user(id_, identity_.user);
  co_await send_ok(ok_sequence);
  log::debug("client logged in", {{"session", id_}, {"user", identity_.user}, {"peer", peer_host_}});
  co_return true;
}

std::size_t Session::max_client_packet() const {
  // The primary's max_allowed_packet as the monitor last read it, so weir refuses what the server
  // would (and buffers no more than it); until it is known, the server's own ceiling of 1 GiB.
  if (const auto& topology = worker_.topology.current()) {
    if (const auto* primary = topology->primary(); primary != nullptr && primary->max_allowed_packet > 0) {
      return static_cast<std::size_t>(primary->max_allowed_packet);
    }
  }
  return std::size_t{1} << 30;
}

asio::awaitable<void> Session::command_loop() {
  bool backend_idle_allowed = true;  // once per idle period
  while (!closing_) {
    if (worker_.shared.draining.load()) co_return;
    // Between statements (and after the login): a multiplexed session lends what it can.
    if (links_.multiplexing()) co_await share_links();
    proto::Bytes packet;
    std::uint8_t seq = 0;
    boost::system::error_code error;
    idle_ = true;
    const Wake wake = co_await wait_for_client(backend_idle_allowed);
    idle_ = false;
    if (wake == Wake::idle_timeout) {
      log::info("client idle longer than timeouts.client_idle; closing", {{"session", id_}, {"peer", peer_host_}});
      co_return;
    }
    if (wake == Wake::backend_idle) {
      log::debug("session idle longer than timeouts.backend_idle: backend connections released", {{"session", id_}});
      // Idle for timeouts.backend_idle: the backend connections go back to the pool (or are
      // closed); the primary's is opened again when a statement needs it.
      co_await links_.release_idle(primary_holds_state());
      backend_idle_allowed = false;
      continue;
    }
    backend_idle_allowed = true;
    if (wake == Wake::primary_lost) {
      // The primary closed (or spoke) while no statement ran: killed, restarted or down. A
      // session that kept nothing there but replayable state goes on with its replicas (the
      // primary is connected again when a statement needs it); any other ends at once, as the
      // server itself would have ended it.
      const std::string name = links_.primary()->name;
      if (primary_reset_ && !primary_holds_state()) {
        // A reset, not an orderly close: the server ended a link idle past its wait_timeout
        // (a KILL, a shutdown or a crash close it in order). Nothing of the client's was on it,
        // so the client never sees it: the next statement that needs the primary opens a new
        // link and replays the session commands.
        log::info("the primary ended an idle link (wait_timeout); a new one is opened when needed",
                  {{"session", id_}, {"backend", name}});
        worker_.metrics->error("backend_idle_closed_replaced");
        links_.drop_primary();
        continue;
      }
      if (!can_lose_primary()) {
        worker_.metrics->error("backend_idle_closed");
        log::info("backend closed an idle session",
                  {{"session", id_}, {"backend", name}, {"held", plan::to_string(pins())}});
        co_return;
      }
      log::info("primary closed an idle session's connection; the session goes on",
                {{"session", id_}, {"backend", name}});
      worker_.metrics->error("backend_idle_closed_replaced");
      links_.drop_primary();
      continue;
    }
    // COM_CHANGE_USER is a login again: its packet gets the login's limit, whoever sends it.
    const auto limit_for = [this](std::optional<std::uint8_t> command) {
      return command == static_cast<std::uint8_t>(Command::change_user) ? std::min(kMaxLoginPacket, max_client_packet())
                                                                        : max_client_packet();
    };
    // The usual statement arrived whole with the wait's read: taken as it is, no deadline armed.
    std::optional<std::uint8_t> command = client_.buffered_first_byte();
    std::size_t max_packet = limit_for(command);
    if (!command || !client_.take_whole_packet(packet, seq, max_packet)) {
      guard_client_read();
      command = co_await client_.peek_first_byte(error);
      max_packet = limit_for(command);
      if (!error) co_await client_.read_packet(packet, seq, max_packet, error);
      unguard_client();
    }
    const bool logging_in = command == static_cast<std::uint8_t>(Command::change_user);
    if (error) {
      if (error == boost::system::errc::message_size) {
        log::info(logging_in ? "client COM_CHANGE_USER packet over the login limit; closing"
                             : "client packet over the primary's max_allowed_packet; closing",
                  {{"session", id_}, {"peer", peer_host_}, {"max_allowed_packet", max_packet}});
        co_await refuse_oversized_packet();
      } else if (error == boost::system::errc::protocol_error) {
        co_await send_error(1, errors::kPacketsOutOfOrder, "08S01", "Got packets out of order");
      }
      co_return;
    }
    if (packet.empty() || seq != 0) {
      co_await send_error(static_cast<std::uint8_t>(seq + 1), errors::kPacketsOutOfOrder, "08S01",
                          "Got packets out of order");
      co_return;
    }
    worker_.metrics->bytes_from_client(packet.size() + 4);
    keep_links_ = false;
    reads_previous_statement_ = false;
    may_set_insert_id_ = false;
    // The usual statement, an execution of one of the session's prepared statements, is run
    // here: dispatch and prepared_command would only choose it (a coroutine frame each).
    std::uint32_t client_id = 0;
    PreparedStatementMap::Statement* executing =
        packet[0] == static_cast<std::uint8_t>(Command::stmt_execute) ? statement_of(packet, client_id) : nullptr;
    bool keep_going = false;
    if (executing != nullptr) {
      // Every execution of one of the session's statements runs here (prepared_command gets the
      // other statement commands): a replica's plan tried, else the primary.
      ExecutionStart start = start_execution(packet, *executing);
      ReplicaRead read = ReplicaRead::not_served;
      if (plan_needs_run(start.first)) {
        const PlannedRead planned = co_await run_planned_read(start.facts, false, packet, seq, executing, &start.first);
        read = planned.read;
      }
      if (read == ReplicaRead::not_served) {
        executing->long_data = false;
        keep_going = co_await run_on_primary(packet, seq, start.may_write, false, executing);
        note_execution(*executing, start, keep_going);
      } else {
        keep_going = read == ReplicaRead::served;
      }
      release_when_done(*executing);
    } else {
      keep_going = co_await dispatch(packet, seq);
    }
    if (!keep_going) co_return;
  }
}

asio::awaitable<void> Session::share_links() {
  if (!links_.any()) co_return;
  plan::Pins held = pins();
  if (held.bits == static_cast<std::uint16_t>(plan::Pin::last_insert_id) && !keep_links_) {
    // LAST_INSERT_ID() is all the connection holds of the session's: read, it goes with the session.
    const bool carried = co_await carry_last_insert_id();
    if (carried) held = pins();
  }
  if (held.any()) {
    for (const plan::Pin pin : plan::kAllPins) {
      if (!held.has(pin)) continue;
      worker_.metrics->multiplexing("kept", plan::to_string(pin));
      break;
    }
    co_return;
  }
  if (keep_links_) {
    worker_.metrics->multiplexing("kept", "previous_statement");
    co_return;
  }
  co_await links_.lend_all();
  insert_id_set_ = false;
  worker_.metrics->multiplexing("lent", "none");
}

asio::awaitable<bool> Session::carry_last_insert_id() {
  BackendLink* link = links_.last() != nullptr ? links_.last() : links_.primary();
  if (link == nullptr || !link->connection) co_return false;
  const auto result =
      co_await backend::run_simple_query(link->backend(), "SELECT LAST_INSERT_ID()", identity_.capabilities);
  std::uint64_t value = 0;
  const std::string text = result.first_value.value_or("");
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!result.ok || parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) {
    if (result.connection_lost) link->backend().mark_broken();
    co_return false;  // kept: the connection still has it
  }
  carried_insert_id_ = value;
  link_pins_.remove(plan::Pin::last_insert_id);
  co_return true;
}

asio::awaitable<bool> Session::restore_last_insert_id(BackendLink& link) {
  const std::string sql = "DO LAST_INSERT_ID(" + std::to_string(carried_insert_id_) + ")";
  const auto result = co_await backend::run_simple_query(link.backend(), sql, identity_.capabilities);
  if (!result.ok) co_return false;
  insert_id_set_ = true;
  co_return true;
}

void Session::note_leftovers(const plan::Leftovers& leftovers) {
  // A statement that sets LAST_INSERT_ID() leaves a newer value on its connection than the one
  // carried: that connection is kept until the value is carried again.
  if (leftovers.pins.has(plan::Pin::last_insert_id)) carried_insert_id_ = 0;
  link_pins_.add(leftovers.pins);
  keep_links_ = keep_links_ || leftovers.until_next_statement;
}

void Session::wake_idle_wait(bool& reason) {
  if (!idle_) return;
  reason = true;
  boost::system::error_code ignored;
  client_.stream().socket().cancel(ignored);
}

asio::awaitable<Session::Wake> Session::wait_for_client(bool watch_backend_idle) {
  idle_timed_out_ = false;
  backend_idle_due_ = false;
  // The nearer of the two idle limits wakes the wait by cancelling it.
  const auto client_idle = worker_.config.current()->timeouts.client_idle;
  const auto backend_idle = worker_.config.current()->timeouts.backend_idle;
  const bool backend_first = watch_backend_idle && links_.any() && backend_idle > config::Duration::zero() &&
                             (client_idle <= config::Duration::zero() || backend_idle < client_idle);
  const config::Duration idle_limit = backend_first ? backend_idle : client_idle;  // zero or less: none
  const auto arm_idle_limit = [this, backend_first](config::Duration limit) {
    if (backend_first) {
      deadline_.arm(limit, [this] { wake_idle_wait(backend_idle_due_); });
    } else {
      deadline_.arm(limit, [this] { wake_idle_wait(idle_timed_out_); });
    }
  };
  const auto woken_by_limit = [this] {
    return idle_timed_out_ ? Wake::idle_timeout : backend_idle_due_ ? Wake::backend_idle : Wake::client;
  };
  boost::system::error_code client_error;
  config::Duration cold_limit = idle_limit;
  if (client_.buffered().empty() && !client_.stream().is_tls()) {
    // (A TLS client's wait is its next read already: a TLS engine may hold decrypted bytes.)
    // Hot: a client that sends its next statement soon (the usual case) finds a read already
    // waiting with its buffer, so the statement lands in it with one recv and no readiness
    // syscalls. After kHotIdle without one the session cools down: the read is cancelled, the
    // buffers go back (thousands of idle sessions cost little more than their sockets) and the
    // wait goes on without a buffer, watching the primary.
    // One deadline per hot wait: the idle limit when it comes first, else the cooling, after which
    // the cold wait arms what is left of the limit (a limit then runs at most the cooling
    // deadline's lateness late, as any deadline may).
    const bool limit_first = idle_limit > config::Duration::zero() && idle_limit <= kHotIdle;
    cooling_ = false;
    hot_since_ = std::chrono::steady_clock::now();
    // The primary is watched during the wait, so that a primary that closes closes the client
    // soon, as in the cold wait (drivers check a pooled connection for exactly that). Over TLS the
    // watch, a read through the engine (see watch_primary), starts at once. Over plain TCP it starts
    // only after kWatchAfter: its start, cancel and completion cost a tenth of a statement, and a
    // busy client's next statement comes sooner. If that statement comes first, the reactor says
    // whether anything reached the primary's socket since its last reply emptied it, and only then
    // is the socket looked at (primary_spoke_meanwhile): a close in that instant is still found
    // before the statement is sent. (A reactor that cannot tell a quiet socket, io_uring's, and a
    // client idle limit within kHotIdle, which leaves cool_ unarmed, watch at once as well.)
    BackendLink* primary = links_.primary();
    hot_watch_due_ =
        primary != nullptr && !primary->stream().stream().is_tls() && net::kTellsQuietSockets && !limit_first;
    hot_watch_ = primary != nullptr && !hot_watch_due_;
    // One deadline per hot wait: the idle limit when it comes first, else cool_ (the delayed watch,
    // then the cooling), after which the cold wait arms what is left of the limit (a limit then
    // runs at most the cooling deadline's lateness late, as any deadline may).
    if (limit_first) {
      arm_idle_limit(idle_limit);
    } else {
      const auto first_due = hot_since_ + (hot_watch_due_ ? kWatchAfter : kHotIdle);
      if (!cool_.armed() || cool_due_ > first_due) arm_cool(first_due, hot_since_);
    }
    if (hot_watch_) watch_primary();
    hot_waiting_ = true;
    if (client_.plain()) {
      // The read itself awaited: no coroutine frame of fill's per statement.
      std::size_t n = 0;
      std::tie(client_error, n) =
          co_await client_.stream().plain_read_some(client_.fill_buffer(net::PacketStream::kInitialBuffer));
      client_.filled(n);
    } else {
      co_await client_.fill(net::PacketStream::kInitialBuffer, client_error);
    }
    hot_waiting_ = false;
    deadline_.cancel();
    const bool watched = std::exchange(hot_watch_, false);
    const bool unwatched = std::exchange(hot_watch_due_, false);
    // The watch completed before it was ended: the primary spoke or closed; its link is lost.
    if (watched && unwatch_primary()) co_return Wake::primary_lost;
    if (unwatched && primary_spoke_meanwhile()) co_return Wake::primary_lost;
    if (!client_error || client_error != asio::error::operation_aborted) {
      co_return Wake::client;  // bytes (or an error the next read reports again: end of stream, a reset)
    }
    if (idle_timed_out_ || backend_idle_due_ || !cooling_) co_return woken_by_limit();
    client_error.clear();
    cold_limit = idle_limit - kHotIdle;  // cooled after kHotIdle at least: what is left of the limit
  }
  if (idle_limit > config::Duration::zero()) arm_idle_limit(std::max(cold_limit, config::Duration(1)));
  // Cold: the session holds no read buffers while it waits (see PacketStream::release_buffer).
  client_.release_buffer();
  links_.release_buffers();
  if (links_.primary() == nullptr) {
    co_await client_.wait_readable(client_error);
    deadline_.cancel();
    co_return woken_by_limit();
  }
  // Replica connections are not watched: one that died is replaced when it is next used.
  watch_primary();
  co_await client_.wait_readable(client_error);
  deadline_.cancel();
  if (unwatch_primary()) co_return Wake::primary_lost;
  co_return woken_by_limit();
}

void Session::on_cool_due() {
  if (!hot_waiting_) return;  // a statement runs: the next hot wait arms again
  const auto now = std::chrono::steady_clock::now();
  if (hot_watch_due_) {
    const auto watch_at = hot_since_ + kWatchAfter;
    if (now < watch_at) {
      arm_cool(watch_at, now);
      return;
    }
    hot_watch_due_ = false;
    if (links_.primary() != nullptr) {
      hot_watch_ = true;
      watch_primary();
    }
  }
  const auto due = hot_since_ + kHotIdle;
  if (now < due) {
    arm_cool(due, now);
    return;
  }
  wake_idle_wait(cooling_);
}

void Session::arm_cool(std::chrono::steady_clock::time_point due, std::chrono::steady_clock::time_point now) {
  cool_due_ = due;
  cool_.arm(due - now, [this] { on_cool_due(); });
}

void Session::watch_primary() {
  // A plain completion handler (cheaper per statement than a coroutine pair). Plain TCP: the read
  // is queued without a system call (the last reply drained the socket). TLS: through the engine,
  // which consumes a record that is not data (a session ticket) and goes on waiting, where a raw
  // readiness wait would take it for the server speaking.
  backend_spoke_ = false;
  primary_reset_ = false;
  links_.primary()->stream().stream().async_read_some(
      asio::buffer(primary_watch_byte_), [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
        if (ec == asio::error::operation_aborted) return;
        self->backend_spoke_ = true;
        self->primary_reset_ = ec == asio::error::connection_reset;
        if (!self->idle_) return;
        boost::system::error_code ignored;
        self->client_.stream().socket().cancel(ignored);
      });
}

bool Session::primary_spoke_meanwhile() {
  BackendLink* primary = links_.primary();
  if (primary == nullptr || !primary->connection) return false;
  auto& socket = primary->stream().stream().socket();
  if (!net::input_may_have_arrived(socket)) return false;
  return primary_socket_spoke(socket);
}

bool Session::primary_socket_spoke(boost::asio::ip::tcp::socket& socket) {
  const net::Waiting waiting = net::peek_waiting(socket.native_handle());
  if (waiting == net::Waiting::nothing) return false;
  backend_spoke_ = true;
  primary_reset_ = waiting == net::Waiting::reset;
  return true;
}

bool Session::unwatch_primary() {
  auto& stream = links_.primary()->stream().stream();
  boost::system::error_code ignored;
  stream.socket().cancel(ignored);
  if (backend_spoke_) return true;
  // The primary's close may have come in the same reactor pass as what ended this wait, its
  // readiness (or the watch's completion) not handled yet: over plain TCP one look at the socket
  // finds it before a statement is sent there. (A TLS link's bytes are records its engine reads;
  // they are left to the watch.)
  if (stream.is_tls()) return false;
  return primary_socket_spoke(stream.socket());
}

asio::awaitable<void> Session::kill_slow_query(std::shared_ptr<Session> self, std::string host, std::uint16_t port,
                                               std::uint32_t thread_id) {
  log::warn("statement ran longer than timeouts.query; killing it",
            {{"session", self->id_}, {"backend", host + ":" + std::to_string(port)}, {"thread", thread_id}});
  const auto result = co_await self->run_on_server(host, port, "KILL QUERY " + std::to_string(thread_id));
  if (!result.ok) log::warn("killing a slow statement failed", {{"session", self->id_}, {"error", result.error}});
}

asio::awaitable<bool> Session::dispatch(proto::Bytes packet, std::uint8_t seq) {
  // No co_await inside switch statements or conditions: GCC 12 miscompiles some of those forms.
  const auto command = static_cast<Command>(packet[0]);
  if (command == Command::quit) co_return false;
  if (command == Command::change_user) {
    const bool alive = co_await change_user(packet, seq);
    co_return alive;
  }
  if (command == Command::reset_connection) {
    const bool alive = co_await reset_connection(packet, seq);
    co_return alive;
  }
  std::optional<KillStatement> kill_request;
  if (command == Command::process_kill) {
    if (auto parsed = proto::parse_com_process_kill(packet))
      kill_request = KillStatement{false, "", parsed->connection_id};
  } else if (command == Command::query && packet.size() < 1024) {  // comments may precede a KILL
    kill_request = parse_kill_statement(proto::as_string(packet.subspan(1)));
  }
  if (kill_request) {
    const bool alive = co_await kill(*kill_request, seq);
    co_return alive;
  }
  if (command == Command::query) {
    const bool alive = co_await route_query(packet, seq);
    co_return alive;
  }
  // Every other command runs on the primary: prepared statements (their ids live on the
  // connection that prepared them), COM_FIELD_LIST, COM_STATISTICS, ... COM_INIT_DB and
  // COM_SET_OPTION change the session and are replayed on the other connections.
  if (command == Command::stmt_prepare || command == Command::stmt_execute || command == Command::stmt_close ||
      command == Command::stmt_send_long_data || command == Command::stmt_reset || command == Command::stmt_fetch ||
      command == Command::stmt_bulk_execute) {
    const bool alive = co_await prepared_command(packet, seq);
    co_return alive;
  }
  const bool may_write = command == Command::stmt_execute;
  const bool session_command = command == Command::init_db || command == Command::set_option;
  const bool alive = co_await run_on_primary(packet, seq, may_write, session_command);
  co_return alive;
}

asio::awaitable<backend::SimpleResult> Session::run_on_server(std::string host, std::uint16_t port, std::string sql) {
  backend::LoginFailure failure;
  const backend::Endpoint endpoint{host + ":" + std::to_string(port), host, port};
  auto link = co_await links_.open(endpoint, false, failure);
  backend::SimpleResult result;
  if (!link) {
    result.error = "weir: cannot reach " + endpoint.name + ": " + failure.reason;
    co_return result;
  }
  result = co_await backend::run_simple_query(link->backend(), sql, identity_.capabilities);
  co_await links_.release(std::move(link));
  co_return result;
}

plan::Pins Session::pins() const {
  // Multiplexed, a statement executes on any connection (prepared there on demand) unless it
  // needs the one it has; otherwise any statement keeps the session's connection.
  const bool statements_pin =
      links_.multiplexing() ? prepared_.holds_connection(history_.last()) : prepared_.size() > 0;
  plan::Pins out = routing_.pins(statements_pin, history_.full());
  out.add(link_pins_);
  return out;
}

bool Session::can_lose_primary() const {
  if (primary_holds_state()) return false;
  const auto& topology = worker_.topology.current();  // per statement: the worker's view, no lock
  if (!topology) return false;
  for (const auto& backend : topology->backends) {
    if (backend.role == config::Role::replica && backend.usable_for_reads) return true;
  }
  return false;
}

asio::awaitable<bool> Session::change_user(proto::Bytes packet, std::uint8_t seq) {
  auto request = proto::parse_change_user(packet, identity_.capabilities);
  if (!request) {
    co_await send_error(static_cast<std::uint8_t>(seq + 1), errors::kBadHandshake, "08S01", "Bad handshake");
    co_return false;
  }
  const auto users = worker_.shared.users.load();
  std::string why_not;
  const auth::Account* account = auth::account_for(*users, request->username, peer_host_, why_not);
  auth::AuthDecision decision =
      auth::decide_first_response(account, request->auth_plugin_name, request->auth_response, nonce_);
  bool used_password = !request->auth_response.empty();
  boost::system::error_code error;
  if (decision.step == auth::AuthStep::switch_to_native) {
    proto::Buffer out;
    proto::serialize(proto::make_auth_switch_request(proto::kMysqlNativePassword, nonce_), out);
    guard_client_write();
    co_await client_.write_packet(out, ++seq, error);
    proto::Bytes answer;
    guard_client_read();
    if (!error) co_await client_.read_packet(answer, seq, kMaxLoginPacket, error);
    unguard_client();
    if (error == boost::system::errc::message_size) co_await refuse_oversized_packet();
    if (error) co_return false;
    used_password = !answer.empty();
    decision = auth::decide_native_response(account, proto::as_string(answer), nonce_);
  }
  if (decision.step != auth::AuthStep::accept) {
    co_await send_error(static_cast<std::uint8_t>(seq + 1), errors::kAccessDenied, "28000",
                        auth::access_denied_message(request->username, peer_host_, used_password));
    co_return false;  // the server closes the connection after a failed COM_CHANGE_USER, too
  }
  if (account->locked) {
    co_await send_error(static_cast<std::uint8_t>(seq + 1), auth::kAccountLocked, auth::kAccountLockedState,
                        auth::kAccountLockedMessage);
    co_return false;
  }
  identity_.user = request->username;
  links_.identity_changed();
  worker_.shared.sessions.set_user(id_, identity_.user);  // whose session it is, for KILL
  identity_.database = request->database;
  identity_.stage1 = decision.stage1;
  if (const auto& charset = request->character_set) identity_.character_set = static_cast<std::uint8_t>(*charset);
  if (proto::has(identity_.capabilities, proto::cap::kConnectAttrs)) identity_.attributes = request->connect_attributes;
  // Fresh backend logins as the new user reset everything the server keeps for the session,
  // exactly as COM_CHANGE_USER does.
  co_await links_.release_all();
  forget_session_state();
  backend::LoginFailure failure;
  BackendLink* primary = co_await links_.ensure_primary(failure);
  if (primary == nullptr) {
    co_await send_login_failure(failure, static_cast<std::uint8_t>(seq + 1));
    co_return false;
  }
  routing_.view.no_backslash_escapes =
      (primary->backend().greeting().status_flags & proto::status::kNoBackslashEscapes) != 0;
  co_await send_ok(static_cast<std::uint8_t>(seq + 1));
  co_return true;
}

asio::awaitable<bool> Session::reset_connection(proto::Bytes packet, std::uint8_t seq) {
  // The primary runs it (the client gets its reply); the other connections are given back to
  // the pool, which resets them, and the session's replayable state starts empty.
  const bool alive = co_await run_on_primary(packet, seq, false, false);
  if (!alive || relay_.tracked().error) co_return alive;
  forget_session_state();
  route::apply_status_flags(routing_.view, relay_.tracker().status_flags());  // the reset's OK
  if (BackendLink* primary = links_.primary()) {
    primary->applied = history_.last();
    primary->borrowed = false;              // reset: nothing of another session's is left on it
    primary->backend().prepared().clear();  // the server closed every statement
  }
  co_await links_.release_replicas();
  co_return true;
}

void Session::forget_session_state() {
  link_pins_ = {};
  keep_links_ = false;
  history_.clear();
  routing_.forget();
  prepared_.clear();
  last_prepared_ = 0;
  carried_insert_id_ = 0;
  refresh_routing_options();
}

asio::awaitable<void> Session::send_login_failure(const backend::LoginFailure& failure, std::uint8_t seq) {
  // The server's own ERR when it refused; weir's when the backend could not be reached.
  if (!failure.server_error.empty()) {
    boost::system::error_code ignored;
    guard_client_write();
    co_await client_.write_packet(failure.server_error, seq, ignored);
    unguard_client();
    co_return;
  }
  co_await send_error(seq, errors::kBackendUnreachable, "08S01", "weir: " + failure.reason);
}

asio::awaitable<void> Session::send_error(std::uint8_t seq, std::uint16_t code, std::string_view state,
                                          std::string_view message) {
  boost::system::error_code ignored;
  guard_client_write();
  co_await client_.write_packet(proto::make_err(code, state, message, identity_.capabilities | proto::cap::kProtocol41),
                                seq, ignored);
  unguard_client();
}

asio::awaitable<void> Session::send_ok(std::uint8_t seq) {
  proto::OkPacket ok;
  ok.status = proto::status::kAutocommit;
  proto::Buffer out;
  proto::serialize(ok, identity_.capabilities, out);
  boost::system::error_code ignored;
  guard_client_write();
  co_await client_.write_packet(out, seq, ignored);
  unguard_client();
}

asio::awaitable<void> Session::refuse_oversized_packet() {
  co_await session::refuse_oversized_packet(
      client_, client_io_, refusal_drain_time(worker_.config.current()->timeouts.client_read), identity_.capabilities);
}

void Session::guard_client_read() {
  // No suspension in here: the view's value stays the one read.
  const auto& timeouts = worker_.config.current()->timeouts;
  auto limit = timeouts.client_read;
  const bool idle_shorter = timeouts.client_idle > config::Duration::zero() &&
                            (limit <= config::Duration::zero() || timeouts.client_idle < limit);
  if (idle_shorter) limit = timeouts.client_idle;
  client_io_.arm(limit, [this, idle_shorter] {
    log::info("client sent part of a packet and stopped; closing",
              {{"session", id_},
               {"peer", peer_host_},
               {"limit", idle_shorter ? "timeouts.client_idle" : "timeouts.client_read"}});
    client_.close();
  });
}

void Session::guard_client_write() {
  client_io_.arm(worker_.config.current()->timeouts.client_write, [this] {
    log::info("client stopped reading; closing after timeouts.client_write without progress",
              {{"session", id_}, {"peer", peer_host_}});
    client_.close();
  });
}

}  // namespace weir::session
