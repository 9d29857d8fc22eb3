#pragma once
// One backend connection of a session (the primary's, or a replica's), with what the session
// must know about it: whether it sits between responses, which session commands it has applied,
// and what a reset would not undo (pooling depends on that).
#include <cstdint>
#include <memory>
#include <string>

#include "backend/backend_connection.hpp"
#include "backend/pool.hpp"
#include "health/topology.hpp"

namespace weir::session {

struct BackendLink {
  std::unique_ptr<backend::BackendConnection> connection;
  backend::PoolKey key;  // as taken from the pool: the database is the session's initial one
  bool primary = false;
  std::string name;                           // the backend's name in the topology
  std::shared_ptr<health::BackendLoad> load;  // replicas: outstanding requests over all workers
  bool idle = true;                           // the backend finished its last response
  std::uint64_t applied = 0;                  // the last session command it ran (SessionCommandHistory numbering)
  std::string database;                       // its current database, which a reset keeps
  bool database_known = true;
  bool options_changed = false;     // COM_SET_OPTION: a reset keeps it, so the link is not pooled
  bool borrowed = false;            // taken lent from another session: its last statement was theirs
  std::uint32_t borrowed_from = 0;  // that session's id (lent on as theirs until a statement runs)

  backend::BackendConnection& backend() { return *connection; }
  net::PacketStream& stream() { return connection->stream(); }
};

}  // namespace weir::session
