#pragma once
// The session's prepared statements and where each one is prepared. The client knows a statement
// by the id the primary gave it; a replica connection that executes it prepares it lazily and
// gets its own id, which weir writes into the client's COM_STMT_EXECUTE before sending it there.
//
// Parameter types travel only in executions with new_params_bound = 1; a connection executing a
// statement uses the types it was last sent. Executions may move between connections, so weir
// keeps the latest types and adds them to an execution bound for a connection that has older
// ones. Pure: no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "weir/protocol/bytes.hpp"
#include "weir/route/classify.hpp"

namespace weir::session {

// Where the parts of a COM_STMT_EXECUTE packet (command byte first) are, given the statement's
// parameter count.
struct ExecuteLayout {
  std::uint32_t statement_id = 0;
  std::uint8_t flags = 0;
  std::size_t bound_flag_offset = 0;  // of new_params_bound; 0 when the statement has no parameters
  bool types_included = false;        // new_params_bound = 1
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
  using LinkId = std::uint64_t;  // names a backend connection of the session; never 0

  struct Prepared {
    LinkId link = 0;
    std::uint32_t backend_id = 0;
    std::uint64_t types_version = 0;  // the version of the types that connection has
  };
  struct Statement {
    std::string sql;
    route::PreparedRouting routing;
    std::uint16_t params = 0;
    protocol::Buffer types;           // the latest parameter types the client sent
    std::uint64_t types_version = 0;  // 0: none sent yet
    bool long_data = false;           // COM_STMT_SEND_LONG_DATA since the last execution
    std::vector<Prepared> prepared;   // where it is prepared, the primary included
  };

  // A statement the primary (`primary_link`) prepared as `id`.
  void add(std::uint32_t id, std::string sql, const route::PreparedRouting& routing, std::uint16_t params,
           LinkId primary_link);
  Statement* find(std::uint32_t id);
  static Prepared* on(Statement& statement, LinkId link);
  void remove(std::uint32_t id) { statements_.erase(id); }
  // The connection went away: statements are prepared again when it is replaced.
  void forget_link(LinkId link);
  void clear() { statements_.clear(); }
  std::size_t size() const { return statements_.size(); }
  const std::unordered_map<std::uint32_t, Statement>& all() const { return statements_; }

  // An execution that includes types: they become the statement's latest.
  static void note_types(Statement& statement, protocol::Bytes types);
  // Before sending an execution to `link`: the types to add (null when the packet carries them or
  // the connection already has the latest); afterwards the connection counts as having them.
  static const protocol::Buffer* types_to_add(Statement& statement, Prepared& on_link, bool packet_has_types);

 private:
  std::unordered_map<std::uint32_t, Statement> statements_;
};

}  // namespace weir::session
