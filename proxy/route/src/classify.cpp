#include "weir/route/classify.hpp"

#include "weir/route/replica_guard.hpp"

#include "statement.hpp"

namespace weir::route {
namespace {

// What one pass of the lexer over the whole text tells before any statement is looked at.
struct Survey {
  bool lex_error = false;
  bool primary_hint = false;
  bool conditional_comment = false;
  int statements = 0;  // non-empty statements
};

Survey survey(std::string_view sql, LexOptions lex_options) {
  Survey s;
  Lexer lexer(sql, lex_options);
  bool in_statement = false;
  for (Token t = lexer.next(); t.kind != TokenKind::end; t = lexer.next()) {
    if (t.kind == TokenKind::semicolon) {
      in_statement = false;
    } else if (!in_statement) {
      in_statement = true;
      ++s.statements;
    }
  }
  s.lex_error = lexer.error() != LexError::none;
  s.primary_hint = lexer.saw_primary_hint();
  s.conditional_comment = lexer.saw_conditional_comment();
  return s;
}

// Merges the effects of the statements of a multi-statement, in order.
void merge(Effects& into, Effects&& from) {
  if (from.transaction != TransactionChange::none) {
    into.transaction = from.transaction;
    into.read_only_transaction = from.read_only_transaction;
  }
  if (from.autocommit) into.autocommit = from.autocommit;
  if (from.use_schema) into.use_schema = std::move(from.use_schema);
  into.session_command |= from.session_command;
  for (auto& change : from.temp_tables) into.temp_tables.push_back(std::move(change));
  if (from.locks_tables || from.unlocks_tables) {
    into.locks_tables = from.locks_tables;
    into.unlocks_tables = from.unlocks_tables;
  }
  into.user_variables_diverged |= from.user_variables_diverged;
  into.lexing_changed |= from.lexing_changed;
  into.pin_session_to_primary |= from.pin_session_to_primary;
  if (from.sql_prepare != SqlPrepare::none) into.sql_prepare = from.sql_prepare;
  into.kill |= from.kill;
}

// A read that the statement allows on a replica still goes to the primary when the session says so.
void apply_session(Classification& c, const SessionView& session, bool primary_hint) {
  if (c.target != Target::replica) return;
  Reason reason = Reason::read_only_statement;
  if (session.tables_locked) {
    reason = Reason::locked_tables;
  } else if (session.in_transaction) {
    reason = Reason::in_transaction;
  } else if (!session.autocommit) {
    reason = Reason::autocommit_off;
  } else if (primary_hint) {
    reason = Reason::routing_hint;
  } else {
    return;
  }
  c.target = Target::primary;
  c.reason = reason;
}

}  // namespace

std::string_view to_string(Target target) {
  switch (target) {
    case Target::primary: return "primary";
    case Target::replica: return "replica";
    case Target::all_session_connections: return "all";
  }
  return "?";
}

std::string_view to_string(Reason reason) {
  switch (reason) {
    case Reason::read_only_statement: return "read_only_statement";
    case Reason::write_statement: return "write_statement";
    case Reason::unknown_statement: return "unknown_statement";
    case Reason::unparseable: return "unparseable";
    case Reason::empty: return "empty";
    case Reason::in_transaction: return "in_transaction";
    case Reason::autocommit_off: return "autocommit_off";
    case Reason::locked_tables: return "locked_tables";
    case Reason::transaction_control: return "transaction_control";
    case Reason::locking_read: return "locking_read";
    case Reason::select_into: return "select_into";
    case Reason::user_variable_assignment: return "user_variable_assignment";
    case Reason::user_variable_read: return "user_variable_read";
    case Reason::lock_function: return "lock_function";
    case Reason::session_function: return "session_function";
    case Reason::primary_only_function: return "primary_only_function";
    case Reason::sequence: return "sequence";
    case Reason::stored_function: return "stored_function";
    case Reason::stored_procedure: return "stored_procedure";
    case Reason::do_statement: return "do_statement";
    case Reason::routing_hint: return "routing_hint";
    case Reason::temporary_table: return "temporary_table";
    case Reason::multi_statement: return "multi_statement";
    case Reason::session_command: return "session_command";
    case Reason::non_replayable_set: return "non_replayable_set";
    case Reason::global_state: return "global_state";
    case Reason::sql_prepared_statement: return "sql_prepared_statement";
    case Reason::kill: return "kill";
    case Reason::handler: return "handler";
    case Reason::lock_tables: return "lock_tables";
    case Reason::previous_statement_state: return "previous_statement_state";
    case Reason::server_state: return "server_state";
  }
  return "?";
}

SqlModeLexing lexing_of_sql_mode(std::string_view sql_mode) {
  SqlModeLexing out;
  while (!sql_mode.empty()) {
    const std::size_t comma = sql_mode.find(',');
    const std::string_view mode = sql_mode.substr(0, comma);
    const Token word{TokenKind::word, mode, 0};
    // Combination modes are listed expanded by the server, but a client's SET may name them.
    if (word.is("ANSI_QUOTES") || word.is("ANSI") || word.is("ORACLE") || word.is("DB2") || word.is("MAXDB") ||
        word.is("POSTGRESQL")) {
      out.ansi_quotes = true;
    } else if (word.is("MSSQL")) {
      out.ansi_quotes = true;
      out.mssql_brackets = true;
    } else if (word.is("NO_BACKSLASH_ESCAPES")) {
      out.no_backslash_escapes = true;
    }
    if (comma == std::string_view::npos) break;
    sql_mode.remove_prefix(comma + 1);
  }
  return out;
}

void apply_status_flags(SessionView& session, protocol::StatusFlags flags) {
  session.in_transaction = (flags & protocol::status::kInTrans) != 0;
  session.autocommit = (flags & protocol::status::kAutocommit) != 0;
  session.read_only_transaction = (flags & protocol::status::kInTransReadonly) != 0;
  session.no_backslash_escapes = (flags & protocol::status::kNoBackslashEscapes) != 0;
}

namespace {

Classification classify_lexed(std::string_view sql, const LexOptions& lex_options, const ClassifyOptions& options,
                              const SessionView& session, bool* conditional_comment) {
  const Survey s = survey(sql, lex_options);
  if (conditional_comment != nullptr) *conditional_comment = s.conditional_comment;
  Classification out;
  if (s.lex_error) {
    out.reason = Reason::unparseable;
    return out;
  }
  if (s.statements == 0) {
    out.reason = Reason::empty;
    return out;
  }

  Lexer lexer(sql, lex_options);
  if (s.statements == 1) {
    // Leading ';' are empty statements; skip to the first real one.
    Lexer start = lexer;
    while (lexer.next().kind == TokenKind::semicolon) start = lexer;
    out = classify_statement(Cursor(start), options, session);
    apply_session(out, session, s.primary_hint);
    return out;
  }

  bool all_reads = true;
  bool all_session_commands = true;
  Lexer start = lexer;
  for (Token t = lexer.next(); t.kind != TokenKind::end;) {
    if (t.kind == TokenKind::semicolon) {
      start = lexer;
      t = lexer.next();
      continue;
    }
    Classification one = classify_statement(Cursor(start), options, session);
    all_reads = all_reads && one.target == Target::replica;
    // After a statement that changes how the server lexes (SET NAMES gbk, SET sql_mode=...), weir
    // may read the next statements wrong: the text is then no longer one replayable command.
    all_session_commands =
        all_session_commands && !out.effects.lexing_changed && one.target == Target::all_session_connections;
    merge(out.effects, std::move(one.effects));
    while (t.kind != TokenKind::end && t.kind != TokenKind::semicolon) t = lexer.next();
  }
  if (all_reads && options.multi_statement_reads_to_replica) {
    out.target = Target::replica;
    out.reason = Reason::read_only_statement;
    apply_session(out, session, s.primary_hint);
  } else if (all_session_commands) {
    // SET NAMES ...; SET autocommit = 1: replayable as a whole, like one session command.
    out.target = Target::all_session_connections;
    out.reason = Reason::session_command;
  } else {
    out.target = Target::primary;
    out.reason = Reason::multi_statement;
    // A session command among other statements ran on the primary only and cannot be replayed
    // apart from them.
    if (out.effects.session_command) {
      out.effects.session_command = false;
      out.effects.pin_session_to_primary = true;
    }
  }
  return out;
}

}  // namespace

Classification classify(std::string_view sql, const ClassifyOptions& options, const SessionView& session) {
  LexOptions lex_options;
  lex_options.no_backslash_escapes = session.no_backslash_escapes;
  lex_options.ansi_quotes = session.ansi_quotes;
  lex_options.mssql_brackets = session.mssql_brackets;
  lex_options.sql_mode_unknown = !session.sql_mode_known;
  lex_options.backslash_trail_bytes = session.client_charset_backslash_trail_bytes;
  lex_options.mariadb = options.flavor == ServerFlavour::mariadb;
  lex_options.server_version = session.server_version;
  bool conditional = false;
  Classification as_sql = classify_lexed(sql, lex_options, options, session, &conditional);
  if (!conditional) return as_sql;
  // The server version is unknown and the text has versioned comments: the server runs them or
  // not. Both readings must agree on where the statement goes; a string or comment that spans the
  // end of such a comment is enough to make them disagree.
  lex_options.conditional_as_comments = true;
  const Classification as_comment = classify_lexed(sql, lex_options, options, session, nullptr);
  if (as_comment.target == as_sql.target) return as_sql;
  Classification out;
  out.reason = Reason::unparseable;
  out.effects.pin_session_to_primary =
      as_sql.target == Target::all_session_connections || as_comment.target == Target::all_session_connections;
  return out;
}

PreparedRouting classify_prepare(std::string_view sql, const ClassifyOptions& options, const SessionView& session) {
  // The statement on its own: the transaction state at prepare time says nothing about the state
  // at each execution. User variables are assumed diverged to learn whether the statement reads them.
  SessionView neutral = session;
  neutral.in_transaction = false;
  neutral.autocommit = true;
  neutral.read_only_transaction = false;
  neutral.tables_locked = false;
  neutral.user_variables_diverged = true;
  const Classification c = classify(sql, options, neutral);
  PreparedRouting out;
  out.reason = c.reason;
  out.session_command = c.target == Target::all_session_connections;
  out.sets_user_variables = c.effects.user_variables_diverged;
  out.may_lift_read_only = may_lift_read_only(sql);
  if (c.target == Target::replica) {
    out.replica_safe = true;
  } else if (c.reason == Reason::user_variable_read) {
    out.replica_safe = true;
    out.reads_user_variables = true;
    out.reason = Reason::read_only_statement;
  }
  return out;
}

Classification route_execute(const PreparedRouting& prepared, const SessionView& session) {
  Classification out;
  if (!prepared.replica_safe) {
    out.reason = prepared.reason;
    // A SET or USE executed through the binary protocol changes the primary's session only.
    out.effects.pin_session_to_primary = prepared.session_command;
    out.effects.user_variables_diverged = prepared.sets_user_variables || prepared.session_command;
    return out;
  }
  if (prepared.reads_user_variables && session.user_variables_diverged) {
    out.reason = Reason::user_variable_read;
    return out;
  }
  out.target = Target::replica;
  out.reason = Reason::read_only_statement;
  apply_session(out, session, false);
  return out;
}

}  // namespace weir::route
