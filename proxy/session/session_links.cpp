// The session's backend connections: opening (from the pool or by logging in), bringing them up
// to date with the session commands, relaying a command's response, and giving them back.
#include <cctype>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "backend/endpoints.hpp"
#include "backend/simple_query.hpp"
#include "backend/slot_wait.hpp"
#include "log/log.hpp"
#include "session/error_codes.hpp"
#include "session/session.hpp"
#include "weir/protocol/commands.hpp"
#include "weir/protocol/response.hpp"
#include "weir/route/digest.hpp"
#include "weir/route/replica_guard.hpp"

namespace weir::session {

namespace asio = boost::asio;
namespace proto = weir::protocol;
using proto::Command;

namespace {

std::chrono::milliseconds to_ms(config::Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d); }

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

// The statement that makes a replica link refuse writes (ERROR 1792), on MariaDB and MySQL alike.
constexpr std::string_view kReadOnlySession = "SET SESSION TRANSACTION READ ONLY";

// Whether the first packet in `data` (header included) is an ERR packet.
bool starts_with_err(proto::Bytes data) { return data.size() > 4 && data[4] == proto::kErrHeader; }

bool command_may_change_database(proto::Bytes packet) {
  const auto command = static_cast<Command>(packet[0]);
  return command == Command::init_db ||
         (command == Command::query && may_change_database(proto::as_string(packet.subspan(1))));
}

}  // namespace

backend::LoginRequest Session::login_request() const {
  const auto config = worker_.shared.config.load();
  backend::LoginRequest request;
  request.credentials = {identity_.user, identity_.stage1};
  request.database = identity_.database;
  request.capabilities = identity_.capabilities;
  request.character_set = identity_.character_set;
  request.attributes = identity_.attributes;
  request.timeout = to_ms(config->timeouts.connect);
  return request;
}

asio::awaitable<std::unique_ptr<BackendLink>> Session::open_link(const backend::Endpoint& endpoint, bool primary,
                                                                 backend::LoginFailure& failure) {
  auto link = std::make_unique<BackendLink>();
  backend::LoginRequest request = login_request();
  // Every link but the primary's is read-only and runs one statement per COM_QUERY: the server
  // refuses a write the classifier missed, and never runs a second statement hidden in the text.
  if (!primary) request.capabilities &= ~proto::cap::kMultiStatements;
  link->key = {endpoint.host,           endpoint.port,      identity_.user, request.capabilities,
               identity_.character_set, identity_.database, !primary};
  link->primary = primary;
  link->name = endpoint.name;
  while (worker_.pool != nullptr) {
    auto pooled = worker_.pool->take(link->key);
    if (!pooled) break;
    if (backend::looks_alive(*pooled)) {  // it was reset when its last session let go
      link->connection = std::move(pooled);
      break;
    }
  }
  if (!link->connection) {
    backend::Slot slot = co_await take_slot(endpoint, failure);
    if (!slot) co_return nullptr;
    const backend::TlsOptions tls{worker_.backend_tls, worker_.verify_backend_host};
    link->connection = co_await backend::connect_backend(endpoint, request, tls, failure);
    if (link->connection) link->connection->hold(std::move(slot));
  }
  if (!link->connection) {
    worker_.metrics->error("backend_connect");
    co_return nullptr;
  }
  if (!primary) {
    const bool read_only = co_await make_read_only(*link);
    if (!read_only) {
      failure.reason = "the server refused " + std::string(kReadOnlySession) + " on a new replica connection";
      worker_.metrics->error("backend_connect");
      co_return nullptr;
    }
  }
  worker_.metrics->backend_connection_opened(link->name);
  link->database = identity_.database;
  co_return link;
}

asio::awaitable<backend::Slot> Session::take_slot(const backend::Endpoint& endpoint, backend::LoginFailure& failure) {
  auto slots = worker_.shared.connection_limits.slots(endpoint.host, endpoint.port);
  if (slots->try_take()) co_return backend::Slot(std::move(slots));
  // At the cap. Room first: an idle pooled connection to that backend (of another user or
  // database) is closed, here and in the other workers' pools.
  if (worker_.pool != nullptr && worker_.pool->close_one_idle(endpoint.host, endpoint.port) && slots->try_take()) {
    co_return backend::Slot(std::move(slots));
  }
  if (worker_.reclaim_idle_elsewhere) worker_.reclaim_idle_elsewhere(endpoint.host, endpoint.port);
  const auto limit = worker_.config.current()->timeouts.pool_wait;
  const auto cap = slots->cap();
  const auto started = std::chrono::steady_clock::now();
  backend::Slot slot = co_await backend::wait_for_slot(slots, limit);
  worker_.metrics->pool_wait(endpoint.name, std::chrono::steady_clock::now() - started, static_cast<bool>(slot));
  if (!slot) {
    // ER_CON_COUNT_ERROR, as a server at its max_connections, but naming weir's own limit.
    failure.no_slot = true;
    failure.reason = "pool.max_per_backend (" + std::to_string(cap) + ") connections to " + endpoint.name +
                     " are open and none was freed within timeouts.pool_wait (" +
                     std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(limit).count()) + " ms)";
    failure.server_error =
        proto::make_err(errors::kTooManyConnections, "08004", "Too many connections: weir: " + failure.reason,
                        identity_.capabilities | proto::cap::kProtocol41);
  }
  co_return slot;
}

asio::awaitable<BackendLink*> Session::ensure_primary(backend::LoginFailure& failure) {
  if (primary_) co_return primary_.get();
  const std::optional<backend::Endpoint> endpoint = current_primary(worker_.shared);
  if (!endpoint) {
    failure.reason = "the primary is not known yet: backend discovery has not found it";
    co_return nullptr;
  }
  auto link = co_await open_link(*endpoint, true, failure);
  if (!link) co_return nullptr;
  const bool current = co_await bring_up_to_date(*link);
  if (!current) {
    failure.reason = "the primary refused a session command weir replayed on a new connection";
    worker_.metrics->backend_connection_closed(link->name);
    link->stream().close();
    co_return nullptr;
  }
  primary_ = std::move(link);
  co_return primary_.get();
}

asio::awaitable<BackendLink*> Session::ensure_replica(const health::BackendStatus& status) {
  BackendLink* link = nullptr;
  for (auto& existing : replicas_) {
    if (existing->name == status.name) link = existing.get();
  }
  if (link == nullptr) {
    backend::LoginFailure failure;
    // A named endpoint: GCC 12 destroys a temporary in a co_await expression twice.
    const backend::Endpoint endpoint{status.name, status.host, status.port};
    auto opened = co_await open_link(endpoint, false, failure);
    if (!opened) {
      log::warn("replica connection failed", {{"session", id_}, {"backend", status.name}, {"reason", failure.reason}});
      // A replica at weir's own connection cap is not failing: reads go elsewhere this time only.
      if (!failure.no_slot) worker_.shared.backend_failures.report(status.name);
      co_return nullptr;
    }
    opened->load = status.load;
    replicas_.push_back(std::move(opened));
    link = replicas_.back().get();
  }
  const bool current = co_await bring_up_to_date(*link);
  if (!current) {
    drop_replica_link(*link);
    co_return nullptr;
  }
  co_return link;
}

asio::awaitable<bool> Session::make_read_only(BackendLink& link) {
  const auto result = co_await backend::run_simple_query(link.backend(), kReadOnlySession, identity_.capabilities);
  if (!result.ok) {
    log::warn("a replica connection could not be made read-only",
              {{"session", id_}, {"backend", link.name}, {"error", result.error}});
    link.stream().close();
  }
  co_return result.ok;
}

asio::awaitable<bool> Session::bring_up_to_date(BackendLink& link) {
  const auto missing = history_.after(link.applied);
  bool lifted = false;  // a replayed command may have made a read-only link writable
  for (const auto& command : missing) {
    const auto kind = static_cast<Command>(command[0]);
    if (!link.primary && kind == Command::set_option) {
      // COM_SET_OPTION switches multi-statements; replica links stay without them.
      ++link.applied;
      continue;
    }
    const auto result = co_await backend::run_simple_command(link.backend(), command, identity_.capabilities);
    if (!result.ok) {
      log::warn("replaying a session command failed",
                {{"session", id_}, {"backend", link.name}, {"error", result.error}});
      co_return false;
    }
    ++link.applied;
    if (command_may_change_database(command)) link.database_known = false;
    if (kind == Command::set_option) link.options_changed = true;
    if (!link.primary && kind == Command::query &&
        route::may_lift_read_only(proto::as_string(proto::Bytes(command).subspan(1)))) {
      lifted = true;
    }
  }
  link.applied = history_.last();
  if (lifted) {
    // The client's SET SESSION TRANSACTION READ WRITE (or tx_read_only=0) holds for its primary
    // link; replica links stay read-only.
    const bool read_only = co_await make_read_only(link);
    co_return read_only;
  }
  co_return true;
}

void Session::publish_backend(BackendLink& link) {
  if (published_ == &link) return;
  published_ = &link;
  published_backend_->publish(link.key.host, link.key.port, link.backend().thread_id());
}

asio::awaitable<Session::Relayed> Session::relay_command(BackendLink& link, proto::Bytes packet, std::uint8_t seq,
                                                         bool hold_write_refusal) {
  publish_backend(link);
  const auto started = std::chrono::steady_clock::now();
  boost::system::error_code error;
  link.idle = false;
  co_await link.stream().write_packet(packet, seq, error);
  if (error) {
    link.backend().mark_broken();
    co_return Relayed::lost_before_reply;
  }
  if (!proto::expects_response(static_cast<Command>(packet[0]))) {
    link.idle = true;
    co_return Relayed::done;
  }
  // Captures two pointers only: stored without allocating (the kill is rare, the arm is not).
  query_deadline_.arm(worker_.config.current()->timeouts.query, [this, target = &link] {
    asio::co_spawn(
        client_.stream().socket().get_executor(),
        kill_slow_query(shared_from_this(), target->key.host, target->key.port, target->backend().thread_id()),
        asio::detached);
  });
  const Relayed outcome = co_await relay_response(link, packet[0], hold_write_refusal);
  query_deadline_.cancel();
  // A refusal held back from the client is a complete response too: the link is ready for the next.
  link.idle = (outcome == Relayed::done || outcome == Relayed::refused_as_write) && relay_.tracker().done();
  if (outcome == Relayed::done) {
    track_database(link, packet[0], packet);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    worker_.metrics->query(link.name, !link.primary, packet[0], elapsed);
    log_if_slow(link, packet, elapsed);
  }
  co_return outcome;
}

asio::awaitable<Session::Relayed> Session::relay_response(BackendLink& link, std::uint8_t command,
                                                          bool hold_write_refusal) {
  auto& backend = link.stream();
  relay_.start(command, identity_.capabilities);
  std::size_t forwarded = 0;
  boost::system::error_code error;
  while (true) {
    const auto step = relay_.scan(backend.buffered());
    if (hold_write_refusal && forwarded == 0 && step.outcome == ResponseRelay::Outcome::done &&
        relay_.tracked().error_code == errors::kReadOnlyTransaction && starts_with_err(backend.buffered())) {
      // The whole response is the read-only link's refusal: nothing reached the client.
      backend.consume(step.forward);
      co_return Relayed::refused_as_write;
    }
    if (step.forward > 0) {
      guard_client_write();
      co_await client_.write_raw(backend.buffered().first(step.forward), error);
      unguard_client();
      if (error) co_return Relayed::client_gone;
      worker_.metrics->bytes_to_client(step.forward);
      backend.consume(step.forward);
      forwarded += step.forward;
    }
    if (step.outcome == ResponseRelay::Outcome::done) co_return Relayed::done;
    if (step.outcome == ResponseRelay::Outcome::local_infile) {
      const bool relayed = co_await relay_local_infile(link);
      if (!relayed) co_return Relayed::lost_mid_reply;
      continue;
    }
    if (step.outcome == ResponseRelay::Outcome::failed) {
      log::error("backend broke the protocol",
                 {{"session", id_}, {"backend", link.name}, {"detail", relay_.tracker().error().message()}});
      link.backend().mark_broken();
      co_return forwarded == 0 ? Relayed::lost_before_reply : Relayed::lost_mid_reply;
    }
    co_await backend.fill(step.min_capacity, error);
    if (error) {
      log::warn("backend connection lost mid-response",
                {{"session", id_}, {"backend", link.name}, {"error", error.message()}});
      link.backend().mark_broken();
      co_return forwarded == 0 ? Relayed::lost_before_reply : Relayed::lost_mid_reply;
    }
  }
}

asio::awaitable<bool> Session::relay_local_infile(BackendLink& link) {
  // The client sends the file as packets and ends with an empty one; relay them verbatim, one at
  // a time (weir holds one packet of the file, never the file). Each is bounded like a statement
  // by the primary's max_allowed_packet, which the server applies to them too.
  boost::system::error_code error;
  const std::size_t max_packet = max_client_packet();
  while (true) {
    proto::Bytes packet;
    std::uint8_t seq = 0;
    guard_client_read();
    co_await client_.read_packet(packet, seq, max_packet, error);
    unguard_client();
    if (error == boost::system::errc::message_size) {
      log::info("client LOAD DATA LOCAL packet over the primary's max_allowed_packet; closing",
                {{"session", id_}, {"peer", peer_host_}, {"max_allowed_packet", max_packet}});
      link.backend().mark_broken();  // mid-statement: never pooled
      co_await refuse_oversized_packet();
      co_return false;
    }
    if (!error) co_await link.stream().write_packet(packet, seq, error);
    if (error) co_return false;
    if (packet.empty()) co_return relay_.client_infile_done();
  }
}

void Session::log_if_slow(const BackendLink& link, proto::Bytes packet, std::chrono::steady_clock::duration elapsed) {
  const auto threshold = worker_.config.current()->log.slow_query;
  if (threshold <= config::Duration::zero() || elapsed < threshold) return;
  const auto command = static_cast<Command>(packet[0]);
  std::string statement;
  if (command == Command::query) {
    statement = route::digest(proto::as_string(packet.subspan(1))).text;
  } else if (const auto id = proto::read_statement_id(packet); id && command == Command::stmt_execute) {
    // The id in the packet is the backend's; the statement is found by the client's below.
    statement = "EXECUTE of a prepared statement";
    for (auto& [client_id, prepared] : prepared_.all()) {
      for (const auto& on : prepared.prepared) {
        if (on.link == link_id(link) && on.backend_id == *id) statement = route::digest(prepared.sql).text;
      }
    }
  } else {
    statement = std::string(proto::command_name(command));
  }
  log::warn("slow query", {{"session", id_},
                           {"user", identity_.user},
                           {"backend", link.name},
                           {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()},
                           {"digest", statement}});
}

void Session::track_database(BackendLink& link, std::uint8_t command, proto::Bytes packet) {
  if (command == static_cast<std::uint8_t>(Command::set_option)) link.options_changed = true;
  if (const auto& schema = relay_.tracked().schema) {
    link.database = *schema;
    link.database_known = true;
    return;
  }
  // Without session state tracking a change of database cannot be seen: stop trusting it.
  if (command_may_change_database(packet)) link.database_known = false;
}

asio::awaitable<void> Session::release_link(std::unique_ptr<BackendLink> link) {
  if (!link || !link->connection) co_return;
  worker_.metrics->backend_connection_closed(link->name);
  // A connection others wait a slot for is closed rather than pooled: its slot goes to them.
  if (!link->idle || closing_ || worker_.pool == nullptr || !link->database_known || link->options_changed ||
      link->backend().broken() || link->backend().slot().others_waiting()) {
    link->stream().close();
    co_return;
  }
  auto connection = std::move(link->connection);
  const bool reset = worker_.shared.config.load()->pool.reset_on_reuse;
  const bool usable = co_await backend::prepare_for_reuse(*connection, reset);
  if (!usable) co_return;
  auto key = link->key;
  key.database = link->database;
  metrics::Gauge* idle = &worker_.metrics->pooled_connections(link->name);
  worker_.pool->put(key, std::move(connection), idle);
}

asio::awaitable<void> Session::release_all_links() {
  if (published_ != nullptr) published_backend_->clear();
  published_ = nullptr;
  last_link_ = nullptr;
  auto replicas = std::move(replicas_);
  replicas_.clear();
  for (auto& link : replicas) co_await release_link(std::move(link));
  co_await release_link(std::move(primary_));
}

void Session::drop_replica_link(BackendLink& link) {
  prepared_.forget_link(link_id(link));
  worker_.metrics->backend_connection_closed(link.name);
  if (published_ == &link) published_ = nullptr;
  if (last_link_ == &link) last_link_ = nullptr;
  link.stream().close();
  std::erase_if(replicas_, [&](const std::unique_ptr<BackendLink>& l) { return l.get() == &link; });
}

}  // namespace weir::session
