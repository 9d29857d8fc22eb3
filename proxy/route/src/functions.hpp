#pragma once
// The one table of built-in SQL functions (and keywords that may stand before "("). A name
// followed by "(" that is not in it is taken for a stored function call.
#include <cstdint>
#include <optional>
#include <string_view>

#include "weir/route/classify.hpp"

namespace weir::route {

enum class FunctionKind : std::uint8_t {
  pure,          // built in, no side effects, same answer on any server: fine on a replica
  volatile_,     // fine on a replica, but a different answer each call (NOW, RAND, SLEEP)
  lock,          // user-level locks live on one connection
  session,       // about this session's own writes or connection (LAST_INSERT_ID)
  previous,      // about the previous statement (FOUND_ROWS, ROW_COUNT)
  sequence,      // NEXTVAL writes; LASTVAL is per session
  primary_only,  // depends on which server answers (MASTER_GTID_WAIT, LOAD_FILE)
};

std::optional<FunctionKind> find_builtin_function(std::string_view name, ServerFlavour flavor);

// Reserved words cannot name a stored function (unquoted and unqualified).
bool is_reserved_word(std::string_view name);

}  // namespace weir::route
