#pragma once
// Whether a KILL through weir may go ahead, decided by the server's rule: the target's owner or a
// user holding SUPER or CONNECTION ADMIN may kill it, anyone else gets ERROR 1095 and the target
// is untouched. Pure: the session asks the server what this needs to know and applies the outcome.
//
// The server compares accounts (user@host as CURRENT_USER() shows it; measured on MariaDB 10.11:
// alice@localhost may not kill alice@127.0.0.1, carol@'%' from two hosts may). weir's backend
// connections all log in from weir's own address, so two weir sessions of the same user name are
// the same account on the server: for weir, the owner is the session with the same user name.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weir::session {

struct KillFacts {
  bool target_is_caller = false;  // a session killing itself
  std::string_view caller_user;
  bool target_logged_in = false;  // a session still in its handshake has no user (only a privileged user may kill it)
  std::string_view target_user;
  bool target_has_backend = false;  // a backend thread runs (or last ran) the target's statements
  bool query_only = false;          // KILL QUERY
  std::uint64_t id = 0;             // as the client wrote it (weir's id or CONNECTION_ID()'s)
};

// What weir must learn from the server before it answers.
enum class KillQuestion : std::uint8_t {
  none,              // the caller owns the target (or is it): allowed, nothing runs on a server
  kill_on_server,    // the server kills the target's backend thread, or refuses, as the caller asks it
  caller_privilege,  // whether the caller holds SUPER or CONNECTION ADMIN right now (roles included)
};
KillQuestion kill_question(const KillFacts& facts);

// The server's answer to the question (unused for KillQuestion::none).
struct ServerAnswer {
  bool answered = false;         // false: the server could not be asked (unreachable, connection lost)
  bool allowed = false;          // kill_on_server: the KILL succeeded; caller_privilege: the privilege is held
  std::uint16_t error_code = 0;  // kill_on_server: the server's ERR
  std::string sql_state;         // with error_code
  std::string error;             // the server's message, or why it could not be asked
};

struct [[nodiscard]] KillOutcome {
  bool ok = false;  // an OK to the client; otherwise the ERR below
  std::uint16_t error_code = 0;
  std::string sql_state;
  std::string message;
  bool close_target = false;  // weir ends the target session
};
KillOutcome decide_kill(const KillFacts& facts, KillQuestion asked, const ServerAnswer& answer);

// Whether the rows of SHOW GRANTS (the caller's own, which include the active role, the roles it
// holds and PUBLIC) give a global privilege that lets its holder kill any thread: SUPER,
// CONNECTION ADMIN (MySQL: CONNECTION_ADMIN) or ALL PRIVILEGES on *.*.
bool grants_allow_kill(const std::vector<std::string>& show_grants_rows);

}  // namespace weir::session
