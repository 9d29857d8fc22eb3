#pragma once
// The session's prepared statements, by the id weir gave the client for each. The server's id is
// the backend connection's business: each connection keeps the statements prepared on it
// (backend::PreparedStatements, shared by every session that uses the connection), and an
// execution on a connection that lacks the statement prepares it there first, in the scope the
// client prepared it in. weir writes that connection's id into the client's packet before sending it.
//
// Parameter types travel only in executions with new_params_bound = 1; a server statement uses
// the types it was last sent, perhaps by another session or for another connection's copy. The
// session keeps the latest types the client sent and adds them to an execution bound for a
// server statement that was last sent others. Pure: no I/O.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "backend/prepared_statements.hpp"
#include "weir/protocol/bytes.hpp"
#include "weir/protocol/commands.hpp"
#include "weir/route/classify.hpp"

namespace weir::session {

// Where the parts of a COM_STMT_EXECUTE packet (command byte first) are, given the statement's
// parameter count.
struct ExecuteLayout {
  std::uint32_t statement_id = 0;
  std::uint8_t flags = 0;
  std::size_t bound_flag_offset = 0;  // of new_params_bound; 0 when the statement has no parameters
  bool types_included = false;        // new_params_bound = 1
  // The execution asks for a cursor (read with COM_STMT_FETCH on the connection that opened it).
  bool opens_cursor() const {
    return (flags & (protocol::cursor::kReadOnly | protocol::cursor::kForUpdate | protocol::cursor::kScrollable)) != 0;
  }
};

// nullopt when the packet is too short for `params` parameters or uses a layout weir does not
// rewrite (MySQL's PARAMETER_COUNT_AVAILABLE).
std::optional<ExecuteLayout> read_execute_layout(protocol::Bytes packet, std::uint16_t params);
// The 2 * params type bytes of an execution that includes them.
protocol::Bytes types_of(protocol::Bytes packet, const ExecuteLayout& layout, std::uint16_t params);
// A copy of `packet` for a backend whose statement id is `backend_id`, written into `out` (whose
// capacity is reused); when `types` is not null, the execution is rewritten to carry them
// (new_params_bound = 1).
void execute_for_backend(protocol::Bytes packet, const ExecuteLayout& layout, std::uint32_t backend_id,
                         const protocol::Buffer* types, protocol::Buffer& out);

class PreparedStatementMap {
 public:
  struct Statement {
    std::string sql;
    std::string scope;           // the login database and session commands when it was prepared
    std::uint64_t commands = 0;  // the session's last session command then (SessionCommandHistory numbering)
    route::PreparedRouting routing;
    std::uint16_t params = 0;
    protocol::Buffer types;  // the latest parameter types the client sent (empty: none yet)
    bool long_data = false;  // COM_STMT_SEND_LONG_DATA since the last execution
    bool cursor = false;     // an execution opened a cursor that is not exhausted yet
    // The fingerprint of the column definitions the client last got for it (0: unknown), under
    // MariaDB's metadata cache (see ClientColumns).
    std::uint64_t columns_seen = 0;
    // This statement in the connections' caches (the session's id, then the client's id): the
    // server statement on the primary that its cursor or long data is on is held for it
    // (`holds`), so that no statement of the same text shares it meanwhile.
    std::uint64_t holder = 0;
    bool holds = false;
    // Where its server statements were found last (a hash of its text saved per execution).
    backend::PreparedStatements::Remembered found;
  };

  // The id the next statement gets: never 0, never one in use.
  std::uint32_t next_id();
  void add(std::uint32_t id, Statement statement);
  // Through a small cache of recent look-ups: an execution's statement is usually one of the few
  // the session runs over and over, and the map's buckets and nodes are cold memory by the time a
  // statement comes (three dependent loads, each a likely cache miss, with many sessions).
  Statement* find(std::uint32_t id);
  void remove(std::uint32_t id);
  void clear();
  std::size_t size() const { return statements_.size(); }
  const std::unordered_map<std::uint32_t, Statement>& all() const { return statements_; }
  // Another statement than `id` uses the same server statement (same text, same scope).
  bool shares_server_statement(std::uint32_t id, const Statement& statement) const;
  // Whether a statement needs the connections the session has now: data sent for its next
  // execution, an open cursor, or session commands run since it was prepared (it could not be
  // prepared again in its scope elsewhere). `commands`: the session's last session command.
  bool holds_connection(std::uint64_t commands) const;

  // An execution that includes types: they become the statement's latest.
  static void note_types(Statement& statement, protocol::Bytes types);
  // Before sending an execution to the server statement `on`: the types to add (null when the
  // packet carries them, `packet_types`, or the server statement was last sent the latest);
  // afterwards `on` counts as having them.
  static const protocol::Buffer* types_to_add(const Statement& statement, backend::PreparedStatements::Entry& on,
                                              bool packet_has_types, protocol::Bytes packet_types);

 private:
  // Recently found statements by id % kRecent (ids are handed out in sequence, so a session's
  // first kRecent statements never evict each other). Node pointers stay valid until an erase.
  static constexpr std::size_t kRecent = 8;
  struct Recent {
    std::uint32_t id = 0;  // 0: empty (no statement has id 0)
    Statement* statement = nullptr;
  };

  std::unordered_map<std::uint32_t, Statement> statements_;
  std::array<Recent, kRecent> recent_{};
  std::uint32_t last_id_ = 0;
};

}  // namespace weir::session
