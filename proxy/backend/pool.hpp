#pragma once
// Idle backend connections of one worker, for reuse by later sessions of the same user with the
// same capabilities, character set and default database (what a reset cannot change). Touched
// only by its worker's thread: no locks.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "backend/backend_connection.hpp"

namespace weir::backend {

struct PoolKey {
  std::string host;
  std::uint16_t port = 0;
  std::string user;
  protocol::CapabilityFlags capabilities = 0;
  std::uint8_t character_set = 0;
  std::string database;
  auto tie() const { return std::tie(host, port, user, capabilities, character_set, database); }
  friend bool operator<(const PoolKey& a, const PoolKey& b) { return a.tie() < b.tie(); }
};

class Pool {
 public:
  using Clock = std::chrono::steady_clock;

  Pool(std::size_t max_idle_per_key, Clock::duration idle_timeout)
      : max_idle_(max_idle_per_key), idle_timeout_(idle_timeout) {}

  // The most recently returned connection for `key`, or null. Connections idle longer than the
  // timeout are closed on the way.
  std::unique_ptr<BackendConnection> take(const PoolKey& key);
  // Keeps `connection` unless the pool for its key is full or it is broken.
  void put(const PoolKey& key, std::unique_ptr<BackendConnection> connection);
  void set_limits(std::size_t max_idle_per_key, Clock::duration idle_timeout) {
    max_idle_ = max_idle_per_key;
    idle_timeout_ = idle_timeout;
  }
  std::size_t idle_count() const;

 private:
  struct Entry {
    std::unique_ptr<BackendConnection> connection;
    Clock::time_point since;
  };
  void evict_expired(std::deque<Entry>& entries, Clock::time_point now);

  std::size_t max_idle_;
  Clock::duration idle_timeout_;
  std::map<PoolKey, std::deque<Entry>> idle_;
};

// Run when a session lets go of its connection, before it enters the pool: COM_RESET_CONNECTION
// (when `reset`) rolls back what the session left open and drops its locks, variables, temporary
// tables and prepared statements at once, not when the next session comes. False when dead.
boost::asio::awaitable<bool> prepare_for_reuse(BackendConnection& connection, bool reset);

// Without a round trip: false when the server has closed the connection while it was pooled.
bool looks_alive(BackendConnection& connection);

}  // namespace weir::backend
