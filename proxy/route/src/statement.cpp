#include "statement.hpp"

#include "scan.hpp"

namespace weir::route {
namespace {

Classification primary(Reason reason) {
  Classification out;
  out.target = Target::primary;
  out.reason = reason;
  return out;
}

Classification read(Cursor c, const ClassifyOptions& options, const SessionView& session) {
  FeatureScanner scanner(options, session);
  scanner.scan_rest(c);
  return decide_read(scanner.features(), options, session);
}

bool is_temporary(const SessionView& session, const TableName& table) {
  for (const TableName& t : session.temp_tables) {
    if (identifier_equals(Token{TokenKind::word, t.name, 0}, table.name) &&
        (t.schema.empty() || table.schema.empty() ||
         identifier_equals(Token{TokenKind::word, t.schema, 0}, table.schema))) {
      return true;
    }
  }
  return false;
}

// SHOW: reads of metadata and settings go to a replica; what depends on the server answering
// (replication, processes, status counters) or on the previous statement does not.
Classification show(Cursor c, const ClassifyOptions& options, const SessionView& session) {
  const Cursor start = c;
  c.advance();
  while (c.is("FULL") || c.is("GLOBAL") || c.is("SESSION") || c.is("LOCAL") || c.is("EXTENDED")) c.advance();
  for (Cursor probe = c; !probe.at_end(); probe.advance()) {
    if (probe.is("WARNINGS") || probe.is("ERRORS")) {
      Classification out = primary(Reason::previous_statement_state);
      out.effects.follows_previous_statement = true;
      return out;
    }
  }
  static constexpr std::string_view kReadable[] = {
      "TABLES", "DATABASES", "SCHEMAS",   "COLUMNS",   "FIELDS",    "INDEX",   "INDEXES", "KEYS",        "CREATE",
      "TABLE",  "VARIABLES", "CHARACTER", "CHARSET",   "COLLATION", "ENGINES", "STORAGE", "PLUGINS",     "PRIVILEGES",
      "GRANTS", "TRIGGERS",  "EVENTS",    "PROCEDURE", "FUNCTION",  "OPEN",    "AUTHORS", "CONTRIBUTORS"};
  for (std::string_view word : kReadable) {
    if (c.is(word)) return read(start, options, session);
  }
  static constexpr std::string_view kServer[] = {"MASTER",  "BINARY",   "BINLOG",  "SLAVE",   "SLAVES",
                                                 "REPLICA", "REPLICAS", "ALL",     "ENGINE",  "PROCESSLIST",
                                                 "STATUS",  "RELAYLOG", "PROFILE", "PROFILES"};
  for (std::string_view word : kServer) {
    if (c.is(word)) return primary(Reason::server_state);
  }
  return primary(Reason::unknown_statement);
}

// EXPLAIN / DESCRIBE / DESC (synonyms): of a table, or of a statement that is itself a plain read.
// EXPLAIN ANALYZE executes the statement, EXPLAIN FOR CONNECTION is about a connection on one server.
Classification explain(Cursor c, const ClassifyOptions& options, const SessionView& session) {
  const Cursor start = c;
  c.advance();
  while (c.is("EXTENDED") || c.is("PARTITIONS") || c.is("FORMAT") || c.is(TokenKind::equals)) {
    const bool format = c.is("FORMAT");
    c.advance();
    if (format && c.is(TokenKind::equals)) {
      c.advance();
      c.advance();
    }
  }
  if (c.is("ANALYZE") || c.is("FOR") || c.at_end()) return primary(Reason::unknown_statement);
  return read(start, options, session);
}

Classification transaction(TransactionChange change, bool read_only = false) {
  Classification out = primary(Reason::transaction_control);
  out.effects.transaction = change;
  out.effects.read_only_transaction = read_only;
  return out;
}

// COMMIT / ROLLBACK [WORK] [AND [NO] CHAIN] [[NO] RELEASE]; ROLLBACK [WORK] TO [SAVEPOINT] s.
Classification end_transaction(Cursor c) {
  c.advance();
  c.accept("WORK");
  if (c.is("TO")) return transaction(TransactionChange::none);
  if (c.accept("AND") && !c.is("NO") && c.is("CHAIN")) return transaction(TransactionChange::restart);
  return transaction(TransactionChange::end);
}

Classification start_transaction(Cursor c) {
  bool read_only = false;
  for (; !c.at_end(); c.advance()) {
    if (c.is("READ") && c.peek().is("ONLY")) read_only = true;
  }
  return transaction(TransactionChange::begin, read_only);
}

Classification xa(Cursor c) {
  c.advance();
  if (c.is("START") || c.is("BEGIN")) return transaction(TransactionChange::begin);
  if (c.is("COMMIT") || c.is("ROLLBACK")) return transaction(TransactionChange::end);
  return transaction(TransactionChange::none);  // XA END, XA PREPARE, XA RECOVER
}

// CREATE [OR REPLACE] TEMPORARY {TABLE | SEQUENCE} [IF NOT EXISTS] name ...
Classification create(Cursor c) {
  c.advance();
  if (c.accept("OR")) c.accept("REPLACE");
  // A temporary sequence is a temporary table too (SELECT * FROM s reads it).
  if (!c.accept("TEMPORARY") || !(c.accept("TABLE") || c.accept("SEQUENCE"))) return primary(Reason::write_statement);
  if (c.accept("IF")) {
    c.accept("NOT");
    c.accept("EXISTS");
  }
  Classification out = primary(Reason::temporary_table);
  if (auto table = read_table_name(c)) {
    out.effects.temp_tables.push_back(TempTableChange{true, std::move(*table)});
  } else {
    out.effects.pin_session_to_primary = true;  // a temporary table weir cannot name
  }
  return out;
}

// DROP [TEMPORARY] {TABLE | SEQUENCE} [IF EXISTS] a, b: a plain DROP TABLE drops a temporary table first, so
// every name is reported; the session forgets those it knows as temporary.
Classification drop(Cursor c, const SessionView& session) {
  c.advance();
  if (c.is("PREPARE")) {
    Classification out = primary(Reason::sql_prepared_statement);
    out.effects.sql_prepare = SqlPrepare::deallocate;
    return out;
  }
  const bool temporary = c.accept("TEMPORARY");
  if (!c.accept("TABLE") && !c.accept("TABLES") && !c.accept("SEQUENCE")) return primary(Reason::write_statement);
  if (c.accept("IF")) c.accept("EXISTS");
  Classification out = primary(temporary ? Reason::temporary_table : Reason::write_statement);
  while (auto table = read_table_name(c)) {
    if (is_temporary(session, *table)) out.reason = Reason::temporary_table;
    out.effects.temp_tables.push_back(TempTableChange{false, std::move(*table)});
    if (!c.is(TokenKind::comma)) break;
    c.advance();
  }
  return out;
}

// RENAME TABLE a TO b, c TO d: a renamed temporary table stays temporary under its new name.
Classification rename(Cursor c, const SessionView& session) {
  c.advance();
  if (!c.accept("TABLE") && !c.accept("TABLES")) return primary(Reason::write_statement);
  Classification out = primary(Reason::write_statement);
  while (auto from = read_table_name(c)) {
    if (!c.accept("TO")) break;
    auto to = read_table_name(c);
    if (!to) break;
    if (is_temporary(session, *from)) {
      out.reason = Reason::temporary_table;
      out.effects.temp_tables.push_back(TempTableChange{false, std::move(*from)});
      out.effects.temp_tables.push_back(TempTableChange{true, std::move(*to)});
    }
    if (!c.is(TokenKind::comma)) break;
    c.advance();
  }
  return out;
}

// ALTER TABLE tmp ... RENAME [TO] x: rare; keep the session on the primary instead of guessing.
Classification alter(Cursor c, const SessionView& session) {
  c.advance();
  if (!c.accept("TABLE")) return primary(Reason::write_statement);
  auto table = read_table_name(c);
  Classification out = primary(Reason::write_statement);
  if (!table || !is_temporary(session, *table)) return out;
  out.reason = Reason::temporary_table;
  for (; !c.at_end(); c.advance()) {
    if (c.is("RENAME")) out.effects.pin_session_to_primary = true;
  }
  return out;
}

Classification lock_tables(Cursor c, bool lock) {
  c.advance();
  if (!c.is("TABLE") && !c.is("TABLES")) return primary(Reason::unknown_statement);
  Classification out = primary(Reason::lock_tables);
  out.effects.locks_tables = lock;
  out.effects.unlocks_tables = !lock;
  return out;
}

// FLUSH TABLES [t, ...] WITH READ LOCK and FLUSH TABLES t FOR EXPORT hold table locks like LOCK TABLES.
Classification flush(Cursor c) {
  for (; !c.at_end(); c.advance()) {
    if ((c.is("READ") && c.peek().is("LOCK")) || (c.is("FOR") && c.peek().is("EXPORT"))) {
      Classification out = primary(Reason::lock_tables);
      out.effects.locks_tables = true;
      return out;
    }
  }
  return primary(Reason::write_statement);
}

Classification use(Cursor c) {
  c.advance();
  if (!is_identifier(c.cur())) return primary(Reason::unknown_statement);
  Classification out;
  out.target = Target::all_session_connections;
  out.reason = Reason::session_command;
  out.effects.session_command = true;
  out.effects.use_schema = identifier_name(c.cur());
  return out;
}

Classification sql_prepare(SqlPrepare kind) {
  Classification out = primary(Reason::sql_prepared_statement);
  out.effects.sql_prepare = kind;
  return out;
}

bool is_write_keyword(const Cursor& c) {
  static constexpr std::string_view kWrites[] = {
      "INSERT", "UPDATE",  "DELETE", "REPLACE",  "LOAD",     "TRUNCATE", "GRANT",  "REVOKE",  "OPTIMIZE",
      "REPAIR", "ANALYZE", "CHECK",  "CHECKSUM", "RESET",    "PURGE",    "CHANGE", "INSTALL", "UNINSTALL",
      "BINLOG", "CACHE",   "STOP",   "START",    "SHUTDOWN", "IMPORT",   "BACKUP", "MERGE"};
  for (std::string_view word : kWrites) {
    if (c.is(word)) return true;
  }
  return false;
}

Classification dispatch(Cursor c, const ClassifyOptions& options, const SessionView& session);

}  // namespace

// Statements other than reads and SET run on the primary; user variables they set (INSERT ...
// SELECT @v := ..., CALL p(@out), a procedure that SETs @v) exist there only. Not seen: a stored
// function or trigger that SETs @v inside a write.
Classification classify_statement(Cursor c, const ClassifyOptions& options, const SessionView& session) {
  Classification out = dispatch(c, options, session);
  if (out.target != Target::primary || out.effects.user_variables_diverged || c.is("SET") ||
      out.reason == Reason::empty) {
    return out;
  }
  if (c.is("CALL") || c.is("EXECUTE")) {
    out.effects.user_variables_diverged = true;
    return out;
  }
  // Not sets_user_variables(): "INSERT INTO t (a)" and "CREATE TABLE t (a INT)" look like calls.
  FeatureScanner scanner(options, session);
  scanner.scan_rest(c);
  out.effects.user_variables_diverged =
      scanner.features().user_variable_assignment || scanner.features().into_user_variable;
  return out;
}

namespace {

Classification dispatch(Cursor c, const ClassifyOptions& options, const SessionView& session) {
  if (c.at_end()) return primary(Reason::empty);
  if (c.is(TokenKind::l_paren)) return read(c, options, session);  // (SELECT ...) [UNION ...]
  if (c.cur().kind != TokenKind::word) return primary(Reason::unknown_statement);
  if (c.is("SELECT") || c.is("WITH") || c.is("VALUES") || c.is("TABLE")) return read(c, options, session);
  if (c.is("SHOW")) return show(c, options, session);
  if (c.is("EXPLAIN") || c.is("DESC") || c.is("DESCRIBE")) return explain(c, options, session);
  if (c.is("SET")) return classify_set(c, options, session);
  if (c.is("USE")) return use(c);
  if (c.is("BEGIN")) {
    c.advance();
    c.accept("WORK");
    // BEGIN NOT ATOMIC ... END is a compound statement, not a transaction.
    return c.at_end() ? transaction(TransactionChange::begin) : primary(Reason::unknown_statement);
  }
  if (c.is("START") && c.peek().is("TRANSACTION")) return start_transaction(c);
  if (c.is("COMMIT") || c.is("ROLLBACK")) return end_transaction(c);
  if (c.is("SAVEPOINT") || (c.is("RELEASE") && c.peek().is("SAVEPOINT"))) return transaction(TransactionChange::none);
  if (c.is("XA")) return xa(c);
  if (c.is("LOCK")) return lock_tables(c, true);
  if (c.is("UNLOCK")) return lock_tables(c, false);
  if (c.is("FLUSH")) return flush(c);
  if (c.is("HANDLER")) return primary(Reason::handler);
  if (c.is("CALL")) return primary(Reason::stored_procedure);
  if (c.is("DO")) return primary(Reason::do_statement);
  if (c.is("KILL")) {
    Classification out = primary(Reason::kill);
    out.effects.kill = true;
    return out;
  }
  if (c.is("PREPARE")) return sql_prepare(SqlPrepare::prepare);
  if (c.is("EXECUTE")) return sql_prepare(SqlPrepare::execute);
  if (c.is("DEALLOCATE")) return sql_prepare(SqlPrepare::deallocate);
  if (c.is("CREATE")) return create(c);
  if (c.is("DROP")) return drop(c, session);
  if (c.is("RENAME")) return rename(c, session);
  if (c.is("ALTER")) return alter(c, session);
  if (is_write_keyword(c)) return primary(Reason::write_statement);
  return primary(Reason::unknown_statement);
}

}  // namespace
}  // namespace weir::route
