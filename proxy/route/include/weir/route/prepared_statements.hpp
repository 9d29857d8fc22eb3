#pragma once
// Prepared statements of one client session. The client sees one statement id per COM_STMT_PREPARE;
// each backend connection that prepares the statement gives it its own id. The session prepares on
// the primary at once and on a replica connection when an execution is first routed there (only
// for statements whose PreparedRouting says replica_safe), and rewrites the id in every
// COM_STMT_EXECUTE / SEND_LONG_DATA / RESET / FETCH / CLOSE with backend_id().
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "weir/route/classify.hpp"

namespace weir::route {

using BackendConnectionId = std::uint64_t;  // whatever the session uses to name a backend connection

class PreparedStatements {
 public:
  struct Statement {
    std::string sql;  // kept to prepare lazily on connections opened later
    PreparedRouting routing;
    std::vector<std::pair<BackendConnectionId, std::uint32_t>> backend_ids;
  };

  // Registers a statement and returns the id the client will see (never 0, never one in use).
  std::uint32_t add(std::string sql, PreparedRouting routing);
  const Statement* find(std::uint32_t client_id) const;

  // Records the id a backend connection returned in its COM_STMT_PREPARE OK; false if the client
  // id is unknown.
  bool bind(std::uint32_t client_id, BackendConnectionId backend, std::uint32_t backend_statement_id);
  std::optional<std::uint32_t> backend_id(std::uint32_t client_id, BackendConnectionId backend) const;

  // COM_STMT_CLOSE: forgets the statement and returns the ids to close on each backend connection.
  std::vector<std::pair<BackendConnectionId, std::uint32_t>> close(std::uint32_t client_id);
  // A backend connection went away: its ids are void; the statements are prepared again on demand.
  void forget_backend(BackendConnectionId backend);
  // COM_RESET_CONNECTION, COM_CHANGE_USER: the server forgets every prepared statement.
  void clear() { statements_.clear(); }
  std::size_t size() const { return statements_.size(); }

 private:
  std::unordered_map<std::uint32_t, Statement> statements_;
  std::uint32_t next_id_ = 1;
};

}  // namespace weir::route
