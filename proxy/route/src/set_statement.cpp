// SET is where session state lives, so it is a session command: it runs on every backend
// connection of the session and is replayed, in order, on connections opened later. That is only
// right when replaying gives the same value; a SET whose value depends on data, time, the server
// or this connection's history runs on the primary alone, and the effects say what diverged.
#include "scan.hpp"
#include "statement.hpp"

namespace weir::route {
namespace {

bool iequals(std::string_view a, std::string_view upper_b) { return Token{TokenKind::word, a, 0}.is(upper_b); }

Classification with_reason(Target target, Reason reason) {
  Classification out;
  out.target = target;
  out.reason = reason;
  return out;
}

Classification session_command() {
  Classification out = with_reason(Target::all_session_connections, Reason::session_command);
  out.effects.session_command = true;
  return out;
}

std::optional<bool> boolean_value(const Token& t) {
  if (t.kind == TokenKind::number && t.text == "0") return false;
  if (t.kind == TokenKind::number && t.text == "1") return true;
  if (t.is("ON") || t.is("TRUE")) return true;
  if (t.is("OFF") || t.is("FALSE")) return false;
  return std::nullopt;
}

// Skips to the comma that ends the current item (SET NAMES x COLLATE y, ...).
void skip_item(Cursor& c) {
  int depth = 0;
  for (; !c.at_end(); c.advance()) {
    if (c.is(TokenKind::l_paren)) ++depth;
    if (c.is(TokenKind::r_paren)) --depth;
    if (depth <= 0 && c.is(TokenKind::comma)) return;
  }
}

bool replayable(const Features& f, const SessionView& session) {
  return !(f.write || f.select_into || f.user_variable_assignment || f.locking_read || f.lock_function || f.sequence ||
           f.session_function || f.previous_statement || f.primary_only_function || f.stored_function ||
           f.volatile_value || f.server_variable || f.subquery || f.temporary_table ||
           (f.user_variable_read && session.user_variables_diverged));
}

struct Assignments {
  bool global = false;  // SET GLOBAL x / @@global.x / PERSIST
  bool user_variables = false;
  bool session_variables = false;
  bool lexing_changed = false;  // sql_mode, NAMES, CHARACTER SET, character_set_client
  std::optional<bool> autocommit;
};

bool changes_lexing(std::string_view name) {
  return iequals(name, "SQL_MODE") || iequals(name, "CHARACTER_SET_CLIENT");
}

// Parses "target = expr, target = expr ..."; false when the statement is not of that shape.
bool parse_assignments(Cursor& c, FeatureScanner& scanner, Assignments& out) {
  while (true) {
    bool global = false;
    if (c.is("GLOBAL") || c.is("PERSIST") || c.is("PERSIST_ONLY")) {
      global = true;
      c.advance();
    } else if (c.is("SESSION") || c.is("LOCAL")) {
      c.advance();
    }
    bool autocommit = false;
    bool user_variable = false;
    if (c.is(TokenKind::user_var)) {
      user_variable = true;
    } else if (c.is(TokenKind::sys_var)) {
      std::string_view name = c.cur().text.substr(2);
      for (std::string_view scope : {"GLOBAL.", "PERSIST.", "PERSIST_ONLY."}) {
        if (name.size() > scope.size() && iequals(name.substr(0, scope.size()), scope)) global = true;
      }
      if (const auto dot = name.find('.'); dot != std::string_view::npos) name = name.substr(dot + 1);
      autocommit = iequals(name, "AUTOCOMMIT");
      out.lexing_changed |= changes_lexing(name);
    } else if (c.is("NAMES") || c.is("CHARSET") || (c.is("CHARACTER") && c.peek().is("SET"))) {
      out.session_variables = true;
      out.lexing_changed = true;
      skip_item(c);
      if (!c.is(TokenKind::comma)) return true;
      c.advance();
      continue;
    } else if (is_identifier(c.cur())) {
      autocommit = c.is("AUTOCOMMIT");
      out.lexing_changed |= changes_lexing(c.cur().text);
      if (c.peek().kind == TokenKind::dot) {  // plugin.variable
        c.advance();
        c.advance();
      }
    } else {
      return false;
    }
    c.advance();
    if (!c.is(TokenKind::equals) && !c.is(TokenKind::assign)) return false;
    c.advance();
    if (global) {
      out.global = true;
    } else if (user_variable) {
      out.user_variables = true;
    } else {
      out.session_variables = true;
    }
    int depth = 0;
    int tokens = 0;
    Token first;
    for (; !c.at_end() && !(depth == 0 && c.is(TokenKind::comma)); c.advance(), ++tokens) {
      if (tokens == 0) first = c.cur();
      if (c.is(TokenKind::l_paren)) ++depth;
      if (c.is(TokenKind::r_paren)) --depth;
      scanner.scan_token(c);
    }
    if (tokens == 0) return false;
    if (autocommit && !global) out.autocommit = tokens == 1 ? boolean_value(first) : std::nullopt;
    if (c.at_end()) return true;
    c.advance();
  }
}

}  // namespace

Classification classify_set(Cursor c, const ClassifyOptions& options, const SessionView& session) {
  c.advance();
  // SET TRANSACTION without a scope applies to the next transaction only, which runs on the primary.
  if (c.is("TRANSACTION")) return with_reason(Target::primary, Reason::transaction_control);
  if ((c.is("SESSION") || c.is("LOCAL")) && c.peek().is("TRANSACTION")) return session_command();
  if (c.is("GLOBAL") && c.peek().is("TRANSACTION")) return with_reason(Target::primary, Reason::global_state);
  if (c.is("PASSWORD") || (c.is("DEFAULT") && c.peek().is("ROLE"))) {
    return with_reason(Target::primary, Reason::write_statement);
  }
  if (c.is("ROLE")) return session_command();
  if (c.is("STATEMENT")) return with_reason(Target::primary, Reason::unknown_statement);  // SET STATEMENT .. FOR

  FeatureScanner scanner(options, session);
  scanner.look_for_volatile_keywords();
  Assignments set;
  if (!parse_assignments(c, scanner, set) || !c.at_end()) {
    return with_reason(Target::primary, Reason::unknown_statement);
  }
  const bool global = set.global;
  if (global || !replayable(scanner.features(), session)) {
    Classification out = with_reason(Target::primary, global ? Reason::global_state : Reason::non_replayable_set);
    // What the primary alone now holds: user variables, or session settings.
    out.effects.user_variables_diverged = set.user_variables;
    out.effects.pin_session_to_primary = set.session_variables;
    out.effects.autocommit = set.autocommit;
    out.effects.lexing_changed = set.lexing_changed;
    return out;
  }
  Classification out = session_command();
  out.effects.autocommit = set.autocommit;
  out.effects.lexing_changed = set.lexing_changed;
  // SET autocommit = 1 commits an open transaction.
  if (set.autocommit == true && session.in_transaction) out.effects.transaction = TransactionChange::end;
  return out;
}

}  // namespace weir::route
