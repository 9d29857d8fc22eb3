#pragma once
// The one table of built-in SQL functions (and keywords that may stand before "("). A name
// followed by "(" that is not in it is taken for a stored function call.
#include <cstdint>
#include <optional>
#include <string_view>

#include "weir/route/classify.hpp"

namespace weir::route {

enum class FunctionKind : std::uint8_t {
  Pure,         // built in, no side effects, same answer on any server: fine on a replica
  Volatile,     // fine on a replica, but a different answer each call (NOW, RAND, SLEEP)
  Lock,         // user-level locks live on one connection
  Session,      // about this session's own writes or connection (LAST_INSERT_ID)
  Previous,     // about the previous statement (FOUND_ROWS, ROW_COUNT)
  Sequence,     // NEXTVAL writes; LASTVAL is per session
  PrimaryOnly,  // depends on which server answers (MASTER_GTID_WAIT, LOAD_FILE)
};

std::optional<FunctionKind> find_builtin_function(std::string_view name, ServerFlavor flavor);

// Reserved words cannot name a stored function (unquoted and unqualified).
bool is_reserved_word(std::string_view name);

}  // namespace weir::route
