#pragma once
// Idle backend connections of one worker, for reuse by later sessions of the same user with the
// same capabilities, character set and default database (what a reset cannot change). Touched
// only by its worker's thread: no locks.
//
// Counting: each connection put in may carry the gauge of its backend's idle connections
// (weir_backend_connections{state="idle"}, shared by all workers). The entry adds 1 to it when it
// enters and subtracts 1 when it leaves, whichever way: taken, evicted for room, expired, or
// closed with the pool.
//
// Accounts: a pooled connection is logged in with one password; after a user refresh the pool
// closes the connections of accounts that changed or vanished (close_user) and pools only users
// whose rows all carry one credential (set_poolable), so no client gets a connection logged in
// with a password other than the one weir checked.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "backend/backend_connection.hpp"

namespace weir::metrics {
class Gauge;
}

namespace weir::backend {

struct PoolKey {
  std::string host;
  std::uint16_t port = 0;
  std::string user;
  protocol::CapabilityFlags capabilities = 0;
  std::uint8_t character_set = 0;
  std::string database;
  bool read_only = false;  // a replica link: SET SESSION TRANSACTION READ ONLY (a reset may undo it)
  // Multiplexing: the session commands the connection has run since it was opened or reset
  // (SessionCommandHistory::state()); empty for a reset connection.
  std::string session_state;
  auto tie() const {
    return std::tie(host, port, user, capabilities, character_set, database, read_only, session_state);
  }
  friend bool operator<(const PoolKey& a, const PoolKey& b) { return a.tie() < b.tie(); }
  friend bool operator==(const PoolKey& a, const PoolKey& b) { return a.tie() == b.tie(); }
};

// Multiplexing: who lent a pooled connection between two of its statements (not reset: its state
// is the lender's session commands, PoolKey::session_state).
struct Lender {
  std::uint32_t session = 0;  // the lending session's id
  std::uint64_t applied = 0;  // the last of its session commands the connection ran
  std::string database;       // the connection's current database
};

class Pool {
 public:
  using Clock = std::chrono::steady_clock;

  Pool(std::size_t max_idle_per_key, Clock::duration idle_timeout)
      : max_idle_(max_idle_per_key), idle_timeout_(idle_timeout) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  ~Pool();

  // The most recently returned connection for `key`, or null. Connections idle longer than the
  // timeout are closed on the way. A connection that session `session` lent is preferred (it
  // comes back to the session that had it, warm); `lender`, when given, receives who lent the one
  // returned (empty for a connection that was not lent).
  std::unique_ptr<BackendConnection> take(const PoolKey& key, std::uint32_t session = 0,
                                          std::optional<Lender>* lender = nullptr);
  // Keeps `connection` unless it is broken or pooling is off (max 0); when the pool for its key is
  // full, the oldest entry is closed to make room (lent connections do not count: their number is
  // bounded by pool.max_per_backend). `idle`, when given, counts the connection while it is pooled
  // (+1 now, -1 when it leaves); it must outlive the pool.
  void put(const PoolKey& key, std::unique_ptr<BackendConnection> connection, metrics::Gauge* idle = nullptr,
           std::optional<Lender> lender = std::nullopt);
  // Which users' connections may be pooled at all, from the accounts of the latest user refresh
  // (UserDirectory::poolable): take() finds none and put() closes the connections of the others.
  // The idle connections it rejects are closed now. Unset: every user's.
  void set_poolable(std::function<bool(std::string_view user)> poolable);
  // Closes the idle connections logged in as `user`: its account changed or was dropped, so they
  // must not outlive the old password.
  void close_user(std::string_view user);
  // Closes the idle connection to host:port (of any user, database, ...) that has waited longest,
  // to free its pool.max_per_backend slot for a connection that needs one. False when there is none.
  bool close_one_idle(const std::string& host, std::uint16_t port);
  void set_limits(std::size_t max_idle_per_key, Clock::duration idle_timeout) {
    max_idle_ = max_idle_per_key;
    idle_timeout_ = idle_timeout;
  }
  std::size_t idle_count() const;

  // Multiplexing: a statement of this worker waits for a connection to the backend and account of
  // `key` that another session lends (as well as for a pool.max_per_backend slot). The next put()
  // of one with the same key but for the session commands (any state: the taker brings it to its
  // own) goes to the longest waiting through `give`, never into the pool, so that no statement
  // arriving later takes it first; that waiter is then out of line. Returns what stop_waiting takes.
  struct Handed {
    std::unique_ptr<BackendConnection> connection;
    std::string session_state;     // PoolKey::session_state it was put with
    std::optional<Lender> lender;  // empty: it was reset
  };
  // `ticket` receives the waiter's number, and 0 once it is out of line (handed a connection, or
  // the pool destroyed first): what the waiter passes to stop_waiting when it gives up.
  void wait_for_lent(const PoolKey& key, std::function<void(Handed)> give, std::uint64_t& ticket);
  // A connection with the key's backend and account in any session state (the most recently
  // put of the first state found), or an empty connection: for a taker that resets it rather
  // than opening one more.
  Handed take_any_state(const PoolKey& key);
  void stop_waiting(std::uint64_t waiter);
  std::size_t lent_waiters() const { return waiters_.size(); }

 private:
  // +1 on the gauge while held; the -1 follows the entry wherever it is destroyed.
  class IdleMark {
   public:
    explicit IdleMark(metrics::Gauge* gauge) noexcept;
    IdleMark(IdleMark&& other) noexcept : gauge_(std::exchange(other.gauge_, nullptr)) {}
    IdleMark& operator=(IdleMark&& other) noexcept;
    IdleMark(const IdleMark&) = delete;
    IdleMark& operator=(const IdleMark&) = delete;
    ~IdleMark();

   private:
    metrics::Gauge* gauge_;
  };
  struct Entry {
    std::unique_ptr<BackendConnection> connection;
    Clock::time_point since;
    IdleMark counted;
    std::optional<Lender> lender;
  };
  // A key's idle connections, oldest first: a vector, so that its capacity stays with the key
  // while connections come and go (lending and taking back per statement allocates nothing).
  using Entries = std::vector<Entry>;
  void evict_expired(Entries& entries, Clock::time_point now);
  // Keys whose list is empty stay (with their capacity) until there are prune_at_ keys.
  void prune_empty_keys();

  std::size_t max_idle_;
  Clock::duration idle_timeout_;
  std::map<PoolKey, Entries> idle_;
  std::size_t prune_at_ = kPruneAtLeast;
  static constexpr std::size_t kPruneAtLeast = 64;
  std::function<bool(std::string_view)> poolable_;
  struct Waiter {
    std::uint64_t id;
    PoolKey key;
    std::function<void(Handed)> give;
    std::uint64_t* ticket;
  };
  std::deque<Waiter> waiters_;
  std::uint64_t next_waiter_ = 1;
};

// Run when a session lets go of its connection, before it enters the pool: COM_RESET_CONNECTION
// (when `reset`) rolls back what the session left open and drops its locks, variables, temporary
// tables and prepared statements at once, not when the next session comes. False when dead.
boost::asio::awaitable<bool> prepare_for_reuse(BackendConnection& connection, bool reset);

// Without a round trip: false when the server has closed the connection while it was pooled.
bool looks_alive(BackendConnection& connection);

}  // namespace weir::backend
