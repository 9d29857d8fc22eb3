#pragma once
// Live client sessions by the connection id weir gave them, so that `KILL n` from any session
// finds its target on whatever worker it lives, and so that draining can reach idle sessions.
// Locked at session start and end, at login and on KILL: never per statement (a session's current
// backend connection, which may change with every statement, is its PublishedBackend).
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "session/published_backend.hpp"

namespace weir::session {

struct SessionHandle {
  // Runs on the session's own worker: closes the session (KILL CONNECTION, drain timeout).
  std::function<void()> close;
  // Runs on the session's own worker: closes it only if it is idle between statements.
  std::function<void()> close_if_idle;
  std::string user;        // who logged in (COM_CHANGE_USER changes it); empty before
  bool logged_in = false;  // a session still in its handshake belongs to no user yet
  // The backend connection the session holds right now (for KILL QUERY); written by the session.
  std::shared_ptr<const PublishedBackend> backend;
};

// The client's side of a session as weir sees it (what the server's own per-connection status
// cannot tell through a proxy): its address, and its TLS protocol and cipher (empty: plain). Kept
// apart from SessionHandle, which KILL copies.
struct ClientSide {
  std::string address;
  std::string tls_version;
  std::string tls_cipher;
};

class SessionRegistry {
 public:
  std::uint32_t next_id();
  void add(std::uint32_t id, SessionHandle handle);
  void remove(std::uint32_t id);
  void set_user(std::uint32_t id, const std::string& user);
  void set_client(std::uint32_t id, ClientSide client);
  std::optional<SessionHandle> find(std::uint32_t id) const;
  // A session whose backend connection has this server thread id (clients may KILL the id
  // CONNECTION_ID() returned, which is the server's).
  std::optional<std::pair<std::uint32_t, SessionHandle>> find_by_backend_thread(std::uint32_t thread_id) const;
  std::size_t size() const;
  void for_each(const std::function<void(std::uint32_t, const SessionHandle&)>& visit) const;
  // With the client's side (empty until set_client).
  void for_each(const std::function<void(std::uint32_t, const SessionHandle&, const ClientSide&)>& visit) const;

  // weir's ids start far above the servers' thread ids (which count up from 1), so that a KILL of
  // either kind of id (weir's from the handshake, the server's from CONNECTION_ID()) is unambiguous.
  static constexpr std::uint32_t kFirstId = 1U << 30;

 private:
  mutable std::mutex mutex_;
  std::uint32_t next_id_ = kFirstId - 1;
  std::unordered_map<std::uint32_t, SessionHandle> sessions_;
  std::unordered_map<std::uint32_t, ClientSide> clients_;
};

}  // namespace weir::session
