#include "plan/multiplexing.hpp"

#include <algorithm>
#include <cctype>

namespace weir::plan {

namespace {

// ASCII only: what SQL keywords and function names are written in (no locale lookup per byte).
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }
bool same_letter(char text, char needle) { return lower(text) == needle; }

// Whether `text` contains `needle` (lower case), ignoring case. Strings and comments count too:
// a false match only keeps a connection that could have been lent.
bool mentions(std::string_view text, std::string_view needle) {
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(), same_letter) != text.end();
}

// LAST_INSERT_ID(expr) sets the value; LAST_INSERT_ID() only reads it.
bool sets_last_insert_id(std::string_view text) {
  constexpr std::string_view kName = "last_insert_id";
  auto rest = text;
  while (true) {
    const auto at = std::search(rest.begin(), rest.end(), kName.begin(), kName.end(), same_letter);
    if (at == rest.end()) return false;
    rest = rest.substr(static_cast<std::size_t>(at - rest.begin()) + kName.size());
    std::size_t i = 0;
    while (i < rest.size() && std::isspace(static_cast<unsigned char>(rest[i])) != 0) ++i;
    if (i == rest.size() || rest[i] != '(') continue;  // @@last_insert_id, a column name, ...
    ++i;
    while (i < rest.size() && std::isspace(static_cast<unsigned char>(rest[i])) != 0) ++i;
    if (i == rest.size() || rest[i] != ')') return true;  // an argument, or what weir cannot read
  }
}

}  // namespace

Leftovers leftovers_of_statement(const route::Classification& verdict, std::string_view sql) {
  Leftovers out;
  using route::Reason;
  switch (verdict.reason) {
    case Reason::stored_procedure:        // CALL: the procedure may SET, PREPARE, lock, ...
    case Reason::handler:                 // HANDLER OPEN keeps a cursor on the connection
    case Reason::sql_prepared_statement:  // PREPARE keeps a statement on the connection
    case Reason::unknown_statement:
    case Reason::unparseable:  // the server may read it otherwise than weir
    case Reason::do_statement: out.pins.add(Pin::unseen_state); break;
    default: break;
  }
  // Functions with session state may hide in any statement (INSERT ... VALUES (NEXTVAL(s)),
  // UPDATE ... SET a = GET_LOCK(...)), whatever reason the verdict gives: the text decides.
  if (mentions(sql, "get_lock")) out.pins.add(Pin::user_locks);
  if (mentions(sql, "nextval") || mentions(sql, "next value") || mentions(sql, "lastval") ||
      mentions(sql, "previous value") || mentions(sql, "setval")) {
    out.pins.add(Pin::unseen_state);  // a sequence's PREVIOUS VALUE is the session's
  }
  if (mentions(sql, "connection_id")) out.pins.add(Pin::connection_id);
  if (sets_last_insert_id(sql)) out.pins.add(Pin::last_insert_id);
  if (mentions(sql, "sql_calc_found_rows")) out.until_next_statement = true;
  return out;
}

Leftovers leftovers_of_response(const ResponseFacts& response) {
  Leftovers out;
  if (response.last_insert_id) out.pins.add(Pin::last_insert_id);
  out.until_next_statement = response.warnings || response.error || response.affected_rows;
  return out;
}

bool reads_last_insert_id(std::string_view sql) { return mentions(sql, "last_insert_id") || mentions(sql, "identity"); }

bool reads_previous_statement(const route::Classification& verdict) {
  return verdict.effects.follows_previous_statement || verdict.reason == route::Reason::session_function ||
         verdict.reason == route::Reason::previous_statement_state;
}

}  // namespace weir::plan
