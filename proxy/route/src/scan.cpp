#include "scan.hpp"

#include "functions.hpp"

namespace weir::route {
namespace {

bool iequals(std::string_view a, std::string_view upper_b) {
  if (a.size() != upper_b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char c = (a[i] >= 'a' && a[i] <= 'z') ? static_cast<char>(a[i] - 'a' + 'A') : a[i];
    if (c != upper_b[i]) return false;
  }
  return true;
}

bool istarts_with(std::string_view a, std::string_view upper_prefix) {
  return a.size() >= upper_prefix.size() && iequals(a.substr(0, upper_prefix.size()), upper_prefix);
}

// "@@session.last_insert_id" -> "last_insert_id"
std::string_view system_variable_name(std::string_view text) {
  std::string_view name = text.substr(2);
  for (std::string_view scope : {"GLOBAL.", "SESSION.", "LOCAL."}) {
    if (istarts_with(name, scope)) return name.substr(scope.size());
  }
  return name;
}

// Non-reserved words that are syntax before "(" only in one context; anywhere else they may name a
// stored function.
bool not_a_call(const Cursor& c) {
  const Token& t = c.cur();
  const TokenKind prev = c.prev().kind;
  if (t.is("ANY") || t.is("SOME") || t.is("ALL")) {
    // x = ANY (SELECT ...), x <> ALL (...), x >= SOME (...): only after a comparison.
    const std::string_view op = c.prev().text;
    return prev == TokenKind::equals || (prev == TokenKind::operator_ && (op == "<" || op == ">"));
  }
  if (t.is("AGAINST") || t.is("OVER")) return prev == TokenKind::r_paren;  // MATCH (a) AGAINST (..), f() OVER (..)
  if (t.is("COLUMNS")) return prev == TokenKind::string;                   // JSON_TABLE(doc, '$[*]' COLUMNS (...))
  // JSON_TABLE is a table function after FROM / JOIN; in an expression it names a stored function.
  if (t.is("JSON_TABLE")) return c.prev().is("FROM") || c.prev().is("JOIN");
  return false;
}

}  // namespace

void FeatureScanner::scan_token(Cursor& c) {
  const Token& t = c.cur();
  switch (t.kind) {
    case TokenKind::word: scan_word(c); break;
    case TokenKind::quoted_ident:
      if (c.peek().kind == TokenKind::l_paren) scan_call(c);
      check_temporary_table(c, t);
      break;
    case TokenKind::string:
      // "x" is an identifier under ANSI_QUOTES, which the session may not know about: matching it
      // too only ever sends more to the primary.
      if (!t.text.empty() && t.text.front() == '"') {
        if (c.peek().kind == TokenKind::l_paren) scan_call(c);
        check_temporary_table(c, t);
      }
      break;
    case TokenKind::user_var:
      if (c.peek().kind == TokenKind::assign) {
        features_.user_variable_assignment = true;
      } else {
        features_.user_variable_read = true;
      }
      break;
    case TokenKind::sys_var: scan_system_variable(t); break;
    default: break;
  }
}

void FeatureScanner::scan_word(Cursor& c) {
  const Token t = c.cur();
  const Token next = c.peek();
  if (t.is("FOR")) {
    if (next.is("UPDATE") || next.is("SHARE")) {
      features_.locking_read = true;
      c.advance();  // the UPDATE of FOR UPDATE is not a write
    }
    return;
  }
  if (t.is("LOCK")) {
    if (next.is("IN")) features_.locking_read = true;  // LOCK IN SHARE MODE
    return;
  }
  if (t.is("INTO")) {
    features_.select_into = true;
    if (next.kind == TokenKind::user_var) features_.into_user_variable = true;
    return;
  }
  if (t.is("UPDATE") || t.is("DELETE")) {
    features_.write = true;
    return;
  }
  // INSERT(), REPLACE() and TRUNCATE() are also string / numeric functions.
  if ((t.is("INSERT") || t.is("REPLACE") || t.is("TRUNCATE")) && next.kind != TokenKind::l_paren) {
    features_.write = true;
    return;
  }
  if ((t.is("NEXT") || t.is("PREVIOUS")) && next.is("VALUE")) {
    features_.sequence = true;  // NEXT VALUE FOR s, PREVIOUS VALUE FOR s
    return;
  }
  if (c.prev().kind == TokenKind::dot && (t.is("NEXTVAL") || t.is("CURRVAL") || t.is("LASTVAL"))) {
    features_.sequence = true;  // s.NEXTVAL, s.CURRVAL (sql_mode=ORACLE)
    return;
  }
  if (t.is("SELECT")) features_.subquery = true;
  if (next.kind == TokenKind::l_paren) {
    scan_call(c);
  } else if (volatile_keywords_) {
    if (auto kind = find_builtin_function(t.text, options_.flavor); kind && *kind == FunctionKind::volatile_) {
      features_.volatile_value = true;  // CURRENT_TIMESTAMP without parentheses
    }
  }
  check_temporary_table(c, t);
}

void FeatureScanner::scan_call(Cursor& c) {
  const Token& t = c.cur();
  if (c.prev().kind == TokenKind::dot) {
    features_.stored_function = true;  // db.f(): built-in functions are never qualified
    return;
  }
  if (c.prev().is("AS")) return;  // CAST(x AS DECIMAL(10,2)), derived table AS d (a, b)
  if (not_a_call(c)) return;
  if (t.kind == TokenKind::word) {
    if (auto kind = find_builtin_function(t.text, options_.flavor)) {
      // "count (x)": without IGNORE_SPACE a built-in name apart from its "(" calls a stored function.
      const bool apart = c.peek().offset != t.offset + t.text.size();
      if (apart && (*kind == FunctionKind::pure || *kind == FunctionKind::volatile_) && !is_reserved_word(t.text)) {
        features_.stored_function = true;
        return;
      }
      switch (*kind) {
        case FunctionKind::pure: break;
        case FunctionKind::volatile_: features_.volatile_value = true; break;
        case FunctionKind::lock: features_.lock_function = true; break;
        case FunctionKind::session: features_.session_function = true; break;
        case FunctionKind::previous: features_.previous_statement = true; break;
        case FunctionKind::sequence: features_.sequence = true; break;
        case FunctionKind::primary_only: features_.primary_only_function = true; break;
      }
      return;
    }
  }
  // WITH name (a, b) AS (...): a common table expression with a column list, not a call. Once a
  // stored function was seen the answer cannot change (and nested probes would cost O(n^2)).
  if (features_.stored_function) return;
  Cursor probe = c;
  probe.advance();
  probe.skip_group();
  if (probe.is("AS") && probe.peek().kind == TokenKind::l_paren) return;
  features_.stored_function = true;
}

void FeatureScanner::scan_system_variable(const Token& t) {
  const std::string_view name = system_variable_name(t.text);
  if (name.find('`') != std::string_view::npos) {
    features_.session_function = true;  // @@`name`: rare; not worth unquoting to prove it harmless
    return;
  }
  // "@@session .x" and "@@session/**/.x" name x too: a bare scope could be any variable.
  const std::string_view bare = name.ends_with('.') ? name.substr(0, name.size() - 1) : name;
  // Replica links run with SET SESSION TRANSACTION READ ONLY: on a replica, tx_read_only would
  // say 1 to a driver (Connector/J reads it) that believes it talks to the primary.
  if (iequals(name, "LAST_INSERT_ID") || iequals(name, "IDENTITY") || iequals(name, "INSERT_ID") ||
      iequals(name, "LAST_GTID") || iequals(name, "PSEUDO_THREAD_ID") || iequals(name, "TX_READ_ONLY") ||
      iequals(name, "TRANSACTION_READ_ONLY") || iequals(bare, "SESSION") || iequals(bare, "GLOBAL") ||
      iequals(bare, "LOCAL") || name.empty()) {
    features_.session_function = true;
  } else if (iequals(name, "WARNING_COUNT") || iequals(name, "ERROR_COUNT")) {
    features_.previous_statement = true;
  } else if (iequals(name, "TIMESTAMP")) {
    features_.volatile_value = true;
  } else if (iequals(name, "SERVER_ID") || iequals(name, "HOSTNAME") || iequals(name, "SERVER_UUID") ||
             iequals(name, "PORT") || iequals(name, "READ_ONLY") || istarts_with(name, "GTID_")) {
    features_.server_variable = true;
  }
}

void FeatureScanner::check_temporary_table(const Cursor& c, const Token& t) {
  if (session_.temp_tables.empty()) return;
  Token ident = t;
  if (ident.kind == TokenKind::string) ident.kind = TokenKind::quoted_ident;
  const bool qualified = c.prev().kind == TokenKind::dot && is_identifier(c.prev2());
  for (const TableName& table : session_.temp_tables) {
    if (!identifier_equals(ident, table.name)) continue;
    // Compared case-insensitively whatever lower_case_table_names says: a false match only sends
    // a read to the primary. A schema written in the statement must match a known schema.
    if (qualified && !table.schema.empty() && !identifier_equals(c.prev2(), table.schema)) continue;
    features_.temporary_table = true;
    return;
  }
}

Classification decide_read(const Features& f, const ClassifyOptions& options, const SessionView& session) {
  Classification out;
  out.target = Target::primary;
  if (f.write) {
    out.reason = Reason::write_statement;
  } else if (f.select_into) {
    out.reason = Reason::select_into;
  } else if (f.user_variable_assignment) {
    out.reason = Reason::user_variable_assignment;
  } else if (f.locking_read) {
    out.reason = Reason::locking_read;
  } else if (f.lock_function) {
    out.reason = Reason::lock_function;
  } else if (f.sequence) {
    out.reason = Reason::sequence;
  } else if (f.primary_only_function) {
    out.reason = Reason::primary_only_function;
  } else if (f.session_function) {
    out.reason = Reason::session_function;
  } else if (f.stored_function && !options.stored_functions_to_replica) {
    out.reason = Reason::stored_function;
  } else if (f.temporary_table) {
    out.reason = Reason::temporary_table;
  } else if (f.user_variable_read && session.user_variables_diverged) {
    out.reason = Reason::user_variable_read;
  } else if (f.previous_statement) {
    out.reason = Reason::session_function;
    out.effects.follows_previous_statement = true;
  } else {
    out.target = Target::replica;
    out.reason = Reason::read_only_statement;
  }
  if (out.target == Target::primary && sets_user_variables(f)) out.effects.user_variables_diverged = true;
  return out;
}

bool sets_user_variables(const Features& f) {
  // A stored function may SET @v inside; it runs on the primary only.
  return f.user_variable_assignment || f.into_user_variable || f.stored_function;
}

}  // namespace weir::route
