#pragma once
// The backend connections of one client session: at most one to the primary (opened at login)
// and one per replica (opened when a read is first routed there). Opens them from the worker's
// pool or by logging in as the session's user (under pool.max_per_backend), replays the session
// commands a connection has not run yet, keeps replica connections read-only, gives them back to
// the pool or closes them, and publishes the one in use for KILL QUERY from other sessions.
//
// Lives inside its session, on the session's worker. It reads the session's identity (who logs
// in) and command history (what to replay) through references to the session's own: they
// outlive it. Prepared statements live with each connection (backend::PreparedStatements).
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend_connection.hpp"
#include "backend/connection_slots.hpp"
#include "health/topology.hpp"
#include "session/backend_link.hpp"
#include "session/client_login.hpp"
#include "session/published_backend.hpp"
#include "session/session_command_history.hpp"
#include "session/worker_context.hpp"

namespace weir::session {

class BackendLinks {
 public:
  BackendLinks(WorkerContext& worker, const ClientIdentity& identity, const SessionCommandHistory& history,
               std::uint32_t session_id);
  BackendLinks(const BackendLinks&) = delete;
  BackendLinks& operator=(const BackendLinks&) = delete;

  // The primary's link; null while the session has none (not opened yet, lost, or given back).
  BackendLink* primary() const { return primary_.get(); }
  const std::vector<std::unique_ptr<BackendLink>>& replicas() const { return replicas_; }
  bool any() const { return primary_ || !replicas_.empty(); }
  BackendLink* find(const std::string& host, std::uint16_t port) const;  // the link to that server, or null

  // The link that ran the previous statement (SHOW WARNINGS goes there); null once it is gone.
  BackendLink* last() const { return last_; }
  void set_last(BackendLink* link) { last_ = link; }

  // What KILL on other workers reads; shared with the session's SessionHandle.
  const std::shared_ptr<PublishedBackend>& published_backend() const { return published_backend_; }
  // Publishes `link` as the session's current backend connection (per statement: no lock, no allocation).
  void publish(BackendLink& link) {
    if (published_ == &link) return;
    published_ = &link;
    published_backend_->publish(link.key.host, link.key.port, link.backend().thread_id());
  }

  // The primary's link, connected (and brought up to date) on demand. Null when it cannot be
  // reached; `failure` says why.
  boost::asio::awaitable<BackendLink*> ensure_primary(backend::LoginFailure& failure);
  // The link to topology backend `status`, connected and brought up to date; null on failure
  // (reported to the monitor unless weir's own connection cap was the cause).
  boost::asio::awaitable<BackendLink*> ensure_replica(const health::BackendStatus& status);
  // A connection to `endpoint` that the session does not keep (KILL on another server): a pooled
  // one or a new login; every link but the primary's is read-only. Null with `failure` filled.
  // Give it back with release().
  boost::asio::awaitable<std::unique_ptr<BackendLink>> open(const backend::Endpoint& endpoint, bool primary,
                                                            backend::LoginFailure& failure);
  // Replays the session commands the link has not run yet. False when one failed.
  boost::asio::awaitable<bool> bring_up_to_date(BackendLink& link);

  // Resets a link and returns it to the worker's pool when it sits between statements (closes it
  // otherwise).
  boost::asio::awaitable<void> release(std::unique_ptr<BackendLink> link);
  // The session ends or logs in again: every link goes.
  boost::asio::awaitable<void> release_all();
  // Idle for timeouts.backend_idle: the replicas' links go, and the primary's unless the session
  // keeps state on it (`keep_primary`); the primary's is opened again when a statement needs it.
  boost::asio::awaitable<void> release_idle(bool keep_primary);
  // COM_RESET_CONNECTION ran on the primary: the replicas' links go (the pool resets them).
  boost::asio::awaitable<void> release_replicas();
  // pool.multiplexing, between two statements that leave nothing on the links: each link that
  // holds the session's state (its session commands, nothing else) goes to the worker's pool as it
  // is, for any session in the same state (this one first); the others are released (reset).
  boost::asio::awaitable<void> lend_all();
  // Whether this session shares its connections: pool.multiplexing, or its account's override.
  // Asked several times per statement: worked out again only when the configuration or the
  // session's account (identity_changed) changed.
  bool multiplexing() const;
  // COM_CHANGE_USER changed the session's account.
  void identity_changed() { multiplexing_config_ = kNotWorkedOut; }
  // `link` was last used by another session (taken lent): COM_RESET_CONNECTION, read-only again
  // for a replica, and the session commands replayed, so that a statement about the previous
  // statement (SHOW WARNINGS, FOUND_ROWS(), LAST_INSERT_ID()) reads nothing of that session's.
  // False (link closed) when that failed.
  boost::asio::awaitable<bool> make_own(BackendLink& link);
  void drop_primary();                   // closes and forgets the primary's link (found closed)
  void drop_replica(BackendLink& link);  // closes and forgets it (broken or unwanted)

  // The session closes: every connection is closed now, and none is pooled afterwards.
  void close();
  // The session waits for its client: the links give their read buffers back.
  void release_buffers();

 private:
  // A pool.max_per_backend slot for a new connection to `endpoint`: at once, after closing an idle
  // pooled connection to it, or after waiting up to timeouts.pool_wait; empty with `failure`
  // filled (ERROR 1040 naming the backend and the cap) when none came.
  // With multiplexing the wait also ends when a session of this worker lends a connection for
  // `lent_key`'s backend and account: it is `handed` over then (no failure).
  boost::asio::awaitable<backend::Slot> take_slot(const backend::Endpoint& endpoint, backend::LoginFailure& failure,
                                                  const backend::PoolKey* lent_key,
                                                  std::optional<backend::Pool::Handed>& handed,
                                                  std::chrono::steady_clock::time_point give_up);
  // A pooled connection for `link` (its key set): one lent by a session in this session's state
  // (no replay needed), or a reset one.
  enum class Pooled : std::uint8_t { none, reset, lent };
  Pooled take_pooled(BackendLink& link);
  // `link` now has a connection `lender` lent, in this session's state (nothing to replay) or in
  // none (every session command to replay): what it applied, its database, whose it last was.
  void take_lent(BackendLink& link, backend::Lender lender, bool in_this_state) const;
  // A connection another session lent was handed to `link` while it waited: brought to where this
  // session's commands can be replayed (reset when another session's are on it); none when that
  // failed (the connection is closed).
  boost::asio::awaitable<Pooled> adopt(BackendLink& link, backend::Pool::Handed handed);
  bool lendable(const BackendLink& link) const;
  // SET SESSION TRANSACTION READ ONLY on a replica link; false (link closed) when it failed.
  boost::asio::awaitable<bool> make_read_only(BackendLink& link);
  backend::LoginRequest login_request() const;
  // published_backend_ names no connection (the published link is closed or given back).
  void unpublish();

  WorkerContext& worker_;
  const ClientIdentity& identity_;
  const SessionCommandHistory& history_;
  std::uint32_t session_id_;
  std::unique_ptr<BackendLink> primary_;
  std::vector<std::unique_ptr<BackendLink>> replicas_;
  // Multiplexed, links are lent and taken at every statement: the list lend_all walks and a link
  // whose connection was lent are kept for the next time (no allocation per statement).
  std::vector<std::unique_ptr<BackendLink>> lending_;
  std::unique_ptr<BackendLink> spare_;
  BackendLink* last_ = nullptr;
  BackendLink* published_ = nullptr;  // the link published_backend_ names
  std::shared_ptr<PublishedBackend> published_backend_ = std::make_shared<PublishedBackend>();
  bool closing_ = false;
  // The configuration's version multiplexing_ was worked out for (a version never reaches kNotWorkedOut).
  static constexpr std::uint64_t kNotWorkedOut = ~std::uint64_t{0};
  mutable bool multiplexing_ = false;
  mutable std::uint64_t multiplexing_config_ = kNotWorkedOut;
};

}  // namespace weir::session
