#pragma once
// Whether a command may change the connection's current database: COM_INIT_DB, or a COM_QUERY
// whose text may hold a USE statement. A connection whose database is not known is not pooled
// (the pool key includes it), so the check may over-approximate but never miss one.
#include <cctype>
#include <string_view>

#include "weir/protocol/bytes.hpp"
#include "weir/protocol/commands.hpp"

namespace weir::session {

// The word "use" anywhere outside an identifier. Over-approximates (strings, comments), which
// only costs pooling that connection.
inline bool may_change_database(std::string_view sql) {
  for (std::size_t i = 0; i + 3 <= sql.size(); ++i) {
    if ((sql[i] | 0x20) != 'u' || (sql[i + 1] | 0x20) != 's' || (sql[i + 2] | 0x20) != 'e') continue;
    const auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
    if ((i == 0 || !is_word(sql[i - 1])) && (i + 3 == sql.size() || !is_word(sql[i + 3]))) return true;
  }
  return false;
}

// `packet`: a command packet, command byte first.
inline bool command_may_change_database(protocol::Bytes packet) {
  const auto command = static_cast<protocol::Command>(packet[0]);
  return command == protocol::Command::init_db ||
         (command == protocol::Command::query && may_change_database(protocol::as_string(packet.subspan(1))));
}

}  // namespace weir::session
