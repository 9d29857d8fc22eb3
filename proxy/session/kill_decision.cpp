#include "session/kill_decision.hpp"

#include "session/error_codes.hpp"

namespace weir::session {
namespace {

KillOutcome allowed(const KillFacts& facts) {
  KillOutcome outcome;
  outcome.ok = true;
  outcome.close_target = !facts.query_only;
  return outcome;
}

KillOutcome refused(std::uint16_t code, std::string_view state, std::string message) {
  KillOutcome outcome;
  outcome.error_code = code;
  outcome.sql_state = std::string(state);
  outcome.message = std::move(message);
  return outcome;
}

// The server's texts, with the id the client used (the server only knows its own thread ids).
KillOutcome not_owner(const KillFacts& facts) {
  return refused(errors::kKillDenied, "HY000", "You are not owner of thread " + std::to_string(facts.id));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

bool allows_kill(std::string_view privilege) {
  return privilege == "ALL PRIVILEGES" || privilege == "ALL" || privilege == "SUPER" ||
         privilege == "CONNECTION ADMIN" || privilege == "CONNECTION_ADMIN";
}

}  // namespace

KillQuestion kill_question(const KillFacts& facts) {
  if (facts.target_is_caller) return KillQuestion::none;
  if (facts.target_has_backend) return KillQuestion::kill_on_server;
  if (facts.target_logged_in && facts.caller_user == facts.target_user) return KillQuestion::none;
  return KillQuestion::caller_privilege;
}

KillOutcome decide_kill(const KillFacts& facts, KillQuestion asked, const ServerAnswer& answer) {
  if (asked == KillQuestion::none && facts.target_is_caller) {
    // What the server answers a KILL of its own thread: the statement (the KILL itself) is
    // interrupted; KILL CONNECTION then ends the session.
    if (facts.query_only) return refused(errors::kQueryInterrupted, "70100", "Query execution was interrupted");
    auto outcome = refused(errors::kConnectionKilled, "70100", "Connection was killed");
    outcome.close_target = true;
    return outcome;
  }
  if (asked == KillQuestion::none) return allowed(facts);
  const std::string id = std::to_string(facts.id);
  if (!answer.answered) {
    // Never in favour of the kill: without the server's word the target is left alone.
    const std::string what = asked == KillQuestion::kill_on_server ? "could not ask the server to kill thread "
                                                                   : "could not learn whether you may kill thread ";
    return refused(errors::kBackendUnavailable, "HY000", "weir " + what + id + ": " + answer.error);
  }
  if (answer.allowed) return allowed(facts);
  if (asked == KillQuestion::caller_privilege || answer.error_code == errors::kKillDenied) return not_owner(facts);
  if (answer.error_code == errors::kUnknownThread) {
    return refused(errors::kUnknownThread, "HY000", "Unknown thread id: " + id);
  }
  if (answer.error_code == 0) {
    return refused(errors::kBackendUnavailable, "HY000", "weir: KILL failed: " + answer.error);
  }
  return refused(answer.error_code, answer.sql_state.empty() ? "HY000" : answer.sql_state, answer.error);
}

bool grants_allow_kill(const std::vector<std::string>& show_grants_rows) {
  constexpr std::string_view kGrant = "GRANT ";
  constexpr std::string_view kGlobal = " ON *.* TO ";
  for (const std::string& row : show_grants_rows) {
    const std::string_view text(row);
    // "GRANT `role` TO ..." grants a role (whose privileges, when active, have rows of their own).
    if (!text.starts_with(kGrant) || text.substr(kGrant.size()).starts_with("`")) continue;
    const std::size_t on = text.find(" ON ");
    if (on == std::string_view::npos || text.substr(on, kGlobal.size()) != kGlobal) continue;
    std::string_view privileges = text.substr(kGrant.size(), on - kGrant.size());
    while (!privileges.empty()) {
      const std::size_t comma = privileges.find(',');
      if (allows_kill(trim(privileges.substr(0, comma)))) return true;
      if (comma == std::string_view::npos) break;
      privileges.remove_prefix(comma + 1);
    }
  }
  return false;
}

}  // namespace weir::session
