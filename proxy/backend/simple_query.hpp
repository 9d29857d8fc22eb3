#pragma once
// weir's own commands on a backend connection, outside any client statement: replaying a
// session command, MASTER_GTID_WAIT before a read, and the like. The response is read whole
// (small by construction) and never reaches a client.
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "backend/backend_connection.hpp"
#include "backend/column_definitions.hpp"

namespace weir::backend {

struct [[nodiscard]] SimpleResult {
  bool ok = false;                            // the server answered without ERR
  bool connection_lost = false;               // the connection is unusable (closed, broken protocol)
  std::uint16_t error_code = 0;               // with an ERR
  std::string sql_state;                      // with an ERR, when the server sent one
  std::string error;                          // the server's message, or what went wrong
  std::optional<std::string> first_value;     // first column of the first row (text protocol); NULL: nullopt
  std::vector<std::string> first_column;      // first column of every row but NULLs (SHOW GRANTS)
  std::optional<std::uint32_t> statement_id;  // COM_STMT_PREPARE: the id the server gave the statement
  ColumnDefinitions columns;                  // COM_STMT_PREPARE: its column definitions (when known())
};

// Sends `packet` (command byte first) with sequence id 0 and reads its whole response.
// `caps`: the capabilities the connection negotiated.
boost::asio::awaitable<SimpleResult> run_simple_command(BackendConnection& connection, protocol::Bytes packet,
                                                        protocol::CapabilityFlags caps);
boost::asio::awaitable<SimpleResult> run_simple_query(BackendConnection& connection, std::string_view sql,
                                                      protocol::CapabilityFlags caps);

}  // namespace weir::backend
