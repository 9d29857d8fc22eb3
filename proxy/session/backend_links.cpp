// The session's backend connections (see backend_links.hpp).
#include "session/backend_links.hpp"

#include "backend/endpoints.hpp"
#include "backend/simple_query.hpp"
#include "backend/slot_wait.hpp"
#include "log/log.hpp"
#include "session/database_change.hpp"
#include "session/error_codes.hpp"
#include "weir/protocol/commands.hpp"
#include "weir/protocol/response.hpp"
#include "weir/route/replica_guard.hpp"

namespace weir::session {

namespace asio = boost::asio;
namespace proto = weir::protocol;
using proto::Command;

namespace {

std::chrono::milliseconds to_ms(config::Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d); }

// Leaves FOUND_ROWS() 0, ROW_COUNT() -1 and no warnings behind it.
constexpr std::string_view kClearPreviousStatement = "SELECT 1 FROM DUAL WHERE 0";

// The statement that makes a replica link refuse writes (ERROR 1792), on MariaDB and MySQL alike.
constexpr std::string_view kReadOnlySession = "SET SESSION TRANSACTION READ ONLY";

}  // namespace

BackendLinks::BackendLinks(WorkerContext& worker, const ClientIdentity& identity, const SessionCommandHistory& history,
                           std::uint32_t session_id)
    : worker_(worker), identity_(identity), history_(history), session_id_(session_id) {}

BackendLink* BackendLinks::find(const std::string& host, std::uint16_t port) const {
  if (primary_ && primary_->key.host == host && primary_->key.port == port) return primary_.get();
  for (const auto& replica : replicas_) {
    if (replica->key.host == host && replica->key.port == port) return replica.get();
  }
  return nullptr;
}

backend::LoginRequest BackendLinks::login_request() const {
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

bool BackendLinks::multiplexing() const {
  const auto& config = worker_.config.current();
  const std::uint64_t version = worker_.config.version();
  if (multiplexing_config_ != version) {
    multiplexing_ = config->pool.multiplexing_for(identity_.user);
    multiplexing_config_ = version;
  }
  return multiplexing_;
}

void BackendLinks::take_lent(BackendLink& link, backend::Lender lender, bool in_this_state) const {
  link.applied = in_this_state ? history_.last() : 0;  // 0: every session command is replayed
  link.database = std::move(lender.database);
  link.borrowed = lender.session != session_id_;
  link.borrowed_from = lender.session;
}

BackendLinks::Pooled BackendLinks::take_pooled(BackendLink& link) {
  if (worker_.pool == nullptr) return Pooled::none;
  if (multiplexing() && !history_.state().empty()) {
    // One lent by a session whose session commands were the same: it is in this session's state.
    // (The link's own key, in that state for the look-up: no copy.)
    link.key.session_state.assign(history_.state());
    while (true) {
      std::optional<backend::Lender> lender;
      auto pooled = worker_.pool->take(link.key, session_id_, &lender);
      if (!pooled) break;
      if (!backend::looks_alive(*pooled)) continue;
      link.key.session_state.clear();
      link.connection = std::move(pooled);
      // A non-empty session state: only lent connections carry one.
      if (lender) take_lent(link, std::move(*lender), true);
      return Pooled::lent;
    }
    link.key.session_state.clear();
  }
  while (true) {
    std::optional<backend::Lender> lender;
    auto pooled = worker_.pool->take(link.key, session_id_, &lender);
    if (!pooled) return Pooled::none;
    if (!backend::looks_alive(*pooled)) continue;  // it was reset (or lent) when its last session let go
    link.connection = std::move(pooled);
    if (!lender) return Pooled::reset;
    // Lent by a session without session commands: this one's are replayed on it (none when it has
    // none either).
    take_lent(link, std::move(*lender), history_.state().empty());
    return Pooled::lent;
  }
}

asio::awaitable<BackendLinks::Pooled> BackendLinks::adopt(BackendLink& link, backend::Pool::Handed handed) {
  link.connection = std::move(handed.connection);
  const bool same_state = handed.session_state == history_.state();
  if (handed.lender && (same_state || handed.session_state.empty())) {
    // In this session's state, or in none (its commands are replayed on it).
    take_lent(link, std::move(*handed.lender), same_state);
    co_return Pooled::lent;
  }
  if (handed.lender) {
    // Another session's commands are on it: reset, then this session's are replayed.
    const bool reset = co_await backend::prepare_for_reuse(*link.connection, true);
    if (!reset) {
      link.connection.reset();
      co_return Pooled::none;
    }
    link.database = std::move(handed.lender->database);  // a reset keeps the database
    if (link.database != identity_.database) {
      // Back to the database this session logged in with (its own USE are replayed after).
      bool back = !identity_.database.empty();
      if (back) {
        proto::Buffer init_db;
        init_db.reserve(identity_.database.size() + 1);
        init_db.push_back(static_cast<std::uint8_t>(Command::init_db));
        for (const char c : identity_.database) init_db.push_back(static_cast<std::uint8_t>(c));
        const auto result = co_await backend::run_simple_command(*link.connection, init_db, identity_.capabilities);
        back = result.ok;
      }
      if (!back) {  // (no database cannot be chosen again once one was)
        link.connection->stream().close();
        link.connection.reset();
        co_return Pooled::none;
      }
      link.database = identity_.database;
    }
  }
  link.applied = 0;
  co_return Pooled::reset;
}

namespace {

// Every field as in a new link, the strings keeping their storage (no allocation when reused).
void renew(BackendLink& link) {
  backend::PoolKey key = std::move(link.key);
  std::string name = std::move(link.name);
  std::string database = std::move(link.database);
  link = BackendLink{};
  link.key = std::move(key);
  link.name = std::move(name);
  link.database = std::move(database);
}

}  // namespace

asio::awaitable<std::unique_ptr<BackendLink>> BackendLinks::open(const backend::Endpoint& endpoint, bool primary,
                                                                 backend::LoginFailure& failure) {
  std::unique_ptr<BackendLink> link = std::move(spare_);
  if (link) {
    renew(*link);
  } else {
    link = std::make_unique<BackendLink>();
  }
  // Every link but the primary's is read-only and runs one statement per COM_QUERY: the server
  // refuses a write the classifier missed, and never runs a second statement hidden in the text.
  const proto::CapabilityFlags capabilities =
      primary ? identity_.capabilities : (identity_.capabilities & ~proto::cap::kMultiStatements);
  link->key.host.assign(endpoint.host);
  link->key.port = endpoint.port;
  link->key.user.assign(identity_.user);
  link->key.capabilities = capabilities;
  link->key.character_set = identity_.character_set;
  link->key.database.assign(identity_.database);
  link->key.read_only = !primary;
  link->key.session_state.clear();
  link->primary = primary;
  link->name.assign(endpoint.name);
  link->database.assign(identity_.database);
  const bool lending = multiplexing();
  const auto give_up =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(worker_.config.current()->timeouts.pool_wait);
  bool lent_one = false;  // the connection came lent: a replica's is read-only already
  while (!link->connection) {
    const Pooled pooled = take_pooled(*link);
    if (pooled != Pooled::none) {
      lent_one = pooled == Pooled::lent;
      break;
    }
    if (lending && worker_.pool != nullptr) {
      // One lent in another session state: reset and replayed is cheaper than a new login.
      backend::Pool::Handed other = worker_.pool->take_any_state(link->key);
      if (other.connection) {
        if (!backend::looks_alive(*other.connection)) continue;
        const Pooled adopted = co_await adopt(*link, std::move(other));
        if (adopted == Pooled::none) continue;
        lent_one = adopted == Pooled::lent;
        break;
      }
    }
    backend::PoolKey lent_key = link->key;
    lent_key.session_state = history_.state();
    std::optional<backend::Pool::Handed> handed;
    backend::Slot slot = co_await take_slot(endpoint, failure, lending ? &lent_key : nullptr, handed, give_up);
    if (handed) {
      // A session of this worker lent one while this statement waited: it is this session's now.
      const Pooled adopted = co_await adopt(*link, std::move(*handed));
      if (adopted == Pooled::none) continue;  // it could not be reset: wait on
      lent_one = adopted == Pooled::lent;
      break;
    }
    if (!slot) co_return nullptr;
    const backend::TlsOptions tls{worker_.backend_tls, worker_.verify_backend_host};
    backend::LoginRequest request = login_request();
    request.capabilities = capabilities;
    link->connection = co_await backend::connect_backend(endpoint, request, tls, failure);
    if (!link->connection) {
      worker_.metrics->error("backend_connect");
      co_return nullptr;
    }
    link->connection->hold(std::move(slot));
    link->applied = 0;
    link->database = identity_.database;
    lent_one = false;
  }
  if (!primary && !lent_one) {
    const bool read_only = co_await make_read_only(*link);
    if (!read_only) {
      failure.reason = "the server refused " + std::string(kReadOnlySession) + " on a new replica connection";
      worker_.metrics->error("backend_connect");
      co_return nullptr;
    }
  }
  worker_.metrics->backend_connection_opened(link->name);
  co_return link;
}

asio::awaitable<backend::Slot> BackendLinks::take_slot(const backend::Endpoint& endpoint,
                                                       backend::LoginFailure& failure, const backend::PoolKey* lent_key,
                                                       std::optional<backend::Pool::Handed>& handed,
                                                       std::chrono::steady_clock::time_point give_up) {
  handed.reset();
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
  const auto left = give_up > started ? give_up - started : std::chrono::steady_clock::duration::zero();
  // Multiplexing: a connection lent on this worker ends the wait as well as a slot does. The
  // place in the pool's line is left however the wait ends (the coroutine may be destroyed in it).
  struct LentWait {
    backend::Pool* pool = nullptr;
    std::uint64_t id = 0;
    std::optional<backend::Pool::Handed>* handed = nullptr;
    LentWait() = default;
    LentWait(const LentWait&) = delete;
    LentWait& operator=(const LentWait&) = delete;
    ~LentWait() {
      if (id != 0) pool->stop_waiting(id);  // 0: handed a connection, or the pool is gone
    }
  } lent_wait;
  std::function<void(std::function<void()>)> on_waiting;
  if (lent_key != nullptr && worker_.pool != nullptr) {
    lent_wait.pool = worker_.pool;
    lent_wait.handed = &handed;
    on_waiting = [lent_key, wait = &lent_wait](std::function<void()> end_wait) {
      wait->pool->wait_for_lent(
          *lent_key,
          [wait, end = std::move(end_wait)](backend::Pool::Handed given) {
            *wait->handed = std::move(given);
            end();
          },
          wait->id);
    };
  }
  backend::Slot slot = co_await backend::wait_for_slot(slots, left, std::move(on_waiting));
  worker_.metrics->pool_wait(endpoint.name, std::chrono::steady_clock::now() - started,
                             static_cast<bool>(slot) || handed.has_value());
  if (handed) co_return slot;  // a slot that came too is given back with it
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

asio::awaitable<BackendLink*> BackendLinks::ensure_primary(backend::LoginFailure& failure) {
  if (primary_) co_return primary_.get();
  // Through the worker's views: a multiplexed session looks for its primary at every statement.
  const std::optional<backend::Endpoint> endpoint =
      primary_endpoint(worker_.topology.current().get(), worker_.config.current().get());
  if (!endpoint) {
    failure.reason = "the primary is not known yet: backend discovery has not found it";
    co_return nullptr;
  }
  auto link = co_await open(*endpoint, true, failure);
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

asio::awaitable<BackendLink*> BackendLinks::ensure_replica(const health::BackendStatus& status) {
  BackendLink* link = nullptr;
  for (auto& existing : replicas_) {
    if (existing->name == status.name) link = existing.get();
  }
  if (link == nullptr) {
    backend::LoginFailure failure;
    // A named endpoint: GCC 12 destroys a temporary in a co_await expression twice.
    const backend::Endpoint endpoint{status.name, status.host, status.port};
    auto opened = co_await open(endpoint, false, failure);
    if (!opened) {
      log::warn("replica connection failed",
                {{"session", session_id_}, {"backend", status.name}, {"reason", failure.reason}});
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
    drop_replica(*link);
    co_return nullptr;
  }
  co_return link;
}

asio::awaitable<bool> BackendLinks::make_read_only(BackendLink& link) {
  const auto result = co_await backend::run_simple_query(link.backend(), kReadOnlySession, identity_.capabilities);
  if (!result.ok) {
    log::warn("a replica connection could not be made read-only",
              {{"session", session_id_}, {"backend", link.name}, {"error", result.error}});
    link.stream().close();
  }
  co_return result.ok;
}

asio::awaitable<bool> BackendLinks::bring_up_to_date(BackendLink& link) {
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
                {{"session", session_id_}, {"backend", link.name}, {"error", result.error}});
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

asio::awaitable<void> BackendLinks::release(std::unique_ptr<BackendLink> link) {
  if (!link) co_return;
  if (!link->connection) co_return;
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

asio::awaitable<void> BackendLinks::release_all() {
  unpublish();
  last_ = nullptr;
  co_await release_replicas();
  co_await release(std::move(primary_));
}

void BackendLinks::drop_replica(BackendLink& link) {
  worker_.metrics->backend_connection_closed(link.name);
  if (published_ == &link) unpublish();
  if (last_ == &link) last_ = nullptr;
  link.stream().close();
  std::erase_if(replicas_, [&](const std::unique_ptr<BackendLink>& l) { return l.get() == &link; });
}

asio::awaitable<void> BackendLinks::release_idle(bool keep_primary) {
  last_ = nullptr;
  unpublish();
  co_await release_replicas();
  if (!keep_primary) co_await release(std::move(primary_));
}

asio::awaitable<void> BackendLinks::release_replicas() {
  auto replicas = std::move(replicas_);
  replicas_.clear();
  if (last_ != primary_.get()) last_ = nullptr;
  if (published_ != primary_.get()) unpublish();
  for (auto& link : replicas) co_await release(std::move(link));
}

bool BackendLinks::lendable(const BackendLink& link) const {
  // Its state must be exactly the session's commands (all applied, the database they chose, no
  // COM_SET_OPTION a reset would keep), and nobody on another worker waits for its slot (a
  // connection closed gives them its slot; one lent here serves this worker only).
  return link.connection && link.idle && !closing_ && worker_.pool != nullptr && !link.connection->broken() &&
         link.database_known && !link.options_changed && link.applied == history_.last() && !history_.full() &&
         !(link.connection->slot().others_waiting() && worker_.pool->lent_waiters() == 0);
}

asio::awaitable<void> BackendLinks::lend_all() {
  unpublish();
  last_ = nullptr;
  lending_.clear();
  for (auto& replica : replicas_) lending_.push_back(std::move(replica));
  replicas_.clear();
  if (primary_) lending_.push_back(std::move(primary_));
  for (auto& link : lending_) {
    if (!link->database_known && link->connection && link->idle && !link->connection->broken()) {
      // After a USE the current database is not known from the protocol (no session tracking):
      // asked once, the connection can be lent (a reset keeps it, so its next taker must know).
      const auto result =
          co_await backend::run_simple_query(link->backend(), "SELECT DATABASE()", identity_.capabilities);
      if (result.ok) {
        link->database = result.first_value.value_or("");
        link->database_known = true;
      } else if (result.connection_lost) {
        link->backend().mark_broken();
      }
    }
    if (!lendable(*link)) {
      co_await release(std::move(link));
      continue;
    }
    worker_.metrics->backend_connection_closed(link->name);
    link->key.session_state.assign(history_.state());  // the link's key, no longer needed as it was
    metrics::Gauge* idle = &worker_.metrics->pooled_connections(link->name);
    // Lent without a statement of this session's run on it (right after the login, say), its last
    // statement is still the earlier session's: lent as theirs, so that the next taker knows.
    const std::uint32_t last_user = link->borrowed ? link->borrowed_from : session_id_;
    worker_.pool->put(link->key, std::move(link->connection), idle,
                      backend::Lender{last_user, link->applied, std::move(link->database)});
    if (!spare_) spare_ = std::move(link);
  }
  lending_.clear();
}

asio::awaitable<bool> BackendLinks::make_own(BackendLink& link) {
  link.borrowed = false;
  const bool reset = co_await backend::prepare_for_reuse(link.backend(), true);
  bool ok = reset;
  if (ok && !link.primary) ok = co_await make_read_only(link);
  if (ok) {
    link.applied = 0;  // the reset forgot every session command; the database stays as it was
    ok = co_await bring_up_to_date(link);
  }
  if (ok) {
    // A reset keeps what FOUND_ROWS() and ROW_COUNT() answer: a statement of this session's,
    // returning no row, replaces the other session's.
    const auto cleared =
        co_await backend::run_simple_query(link.backend(), kClearPreviousStatement, identity_.capabilities);
    ok = cleared.ok;
  }
  if (!ok) {
    log::warn("resetting a multiplexed connection failed", {{"session", session_id_}, {"backend", link.name}});
    link.stream().close();
  }
  co_return ok;
}

void BackendLinks::unpublish() {
  // A link that is closed or given back to the pool is no longer this session's: a KILL [QUERY]
  // of this session must not reach the connection (in the pool, it may be another session's next).
  if (published_ == nullptr) return;
  published_ = nullptr;
  published_backend_->clear();
}

void BackendLinks::drop_primary() {
  worker_.metrics->backend_connection_closed(primary_->name);
  if (published_ == primary_.get()) unpublish();
  if (last_ == primary_.get()) last_ = nullptr;
  primary_->stream().close();
  primary_.reset();
}

void BackendLinks::close() {
  closing_ = true;
  if (primary_) primary_->stream().close();
  for (auto& link : replicas_) link->stream().close();
}

void BackendLinks::release_buffers() {
  if (primary_) primary_->stream().release_buffer();
  for (auto& link : replicas_) link->stream().release_buffer();
}

}  // namespace weir::session
