#pragma once
// The routing classifier: a pure function from (statement text, session state) to a target and
// the session effects the proxy must track. No I/O, no clocks, no exceptions on the data path.
//
// The one hard rule: only a statement proven to be a plain read of data, outside a transaction,
// may go to a replica. Everything unknown or unparseable goes to the primary. See README.md.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weir/protocol/status_flags.hpp"

namespace weir::route {

enum class Target : std::uint8_t {
  primary,
  replica,                  // any replica that is usable (the session chooses which)
  all_session_connections,  // a session command: every backend connection of the session, and
                            // replayed on connections opened later
};

std::string_view to_string(Target target);

// Why a statement goes where it goes; stable names for metrics labels and logs.
enum class Reason : std::uint8_t {
  read_only_statement,       // a plain read: the only reason a statement reaches a replica
  write_statement,           // DML, DDL, administration
  unknown_statement,         // not recognised: primary
  unparseable,               // unterminated string, identifier or comment
  empty,                     // no statement at all (only comments or ';')
  in_transaction,            // server status says a transaction is open
  autocommit_off,            // every statement opens a transaction
  locked_tables,             // between LOCK TABLES and UNLOCK TABLES
  transaction_control,       // BEGIN, COMMIT, ROLLBACK, SAVEPOINT, XA, SET TRANSACTION
  locking_read,              // FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE
  select_into,               // SELECT ... INTO OUTFILE / DUMPFILE / variables
  user_variable_assignment,  // @v := ... in a statement that is not SET
  user_variable_read,        // reads @v after user variables diverged between backends
  lock_function,             // GET_LOCK, RELEASE_LOCK, IS_FREE_LOCK, IS_USED_LOCK, ...
  session_function,          // LAST_INSERT_ID(), FOUND_ROWS(), ROW_COUNT(), @@identity, ...
  primary_only_function,     // MASTER_GTID_WAIT, LOAD_FILE, ...: the answer depends on the server
  sequence,                  // NEXTVAL, LASTVAL, SETVAL, NEXT/PREVIOUS VALUE FOR
  stored_function,           // a call of a function that is not built in (option)
  stored_procedure,          // CALL
  do_statement,              // DO evaluates only for side effects
  routing_hint,              // /* weir:primary */
  temporary_table,           // creates, drops or touches a temporary table of the session
  multi_statement,           // several statements, not all plain reads
  session_command,           // SET (session scope), SET NAMES, USE: every connection
  non_replayable_set,        // SET whose value differs per backend or per time (subquery, NOW())
  global_state,              // SET GLOBAL: changes the server, not the session
  sql_prepared_statement,    // PREPARE / EXECUTE / DEALLOCATE PREPARE (SQL level)
  kill,                      // KILL
  handler,                   // HANDLER ... (cursor state on one connection)
  lock_tables,               // LOCK TABLES, UNLOCK TABLES, FLUSH TABLES WITH READ LOCK
  previous_statement_state,  // SHOW WARNINGS / ERRORS: about the previous statement
  server_state,              // SHOW MASTER STATUS, PROCESSLIST, ...: the primary's view
};

std::string_view to_string(Reason reason);

// A table name as the session knows it. An empty schema means "unknown schema" and matches any.
struct TableName {
  std::string schema;
  std::string name;
  friend bool operator==(const TableName&, const TableName&) = default;
};

enum class TransactionChange : std::uint8_t {
  none,
  begin,    // BEGIN, START TRANSACTION, XA START
  end,      // COMMIT, ROLLBACK, XA COMMIT/ROLLBACK, SET autocommit=1
  restart,  // COMMIT AND CHAIN: ends one and begins the next
};

enum class SqlPrepare : std::uint8_t { none, prepare, execute, deallocate };

struct TempTableChange {
  bool created = false;  // false: dropped (DROP [TEMPORARY] TABLE may drop a temporary table)
  TableName table;       // schema empty when not written in the statement
  friend bool operator==(const TempTableChange&, const TempTableChange&) = default;
};

// What the proxy must remember after the statement (before the server's reply corrects it).
struct Effects {
  TransactionChange transaction = TransactionChange::none;
  bool read_only_transaction = false;        // with Begin: START TRANSACTION READ ONLY
  std::optional<bool> autocommit;            // SET autocommit = ...
  bool session_command = false;              // record and replay on every backend connection
  std::optional<std::string> use_schema;     // USE db (quotes removed)
  std::vector<TempTableChange> temp_tables;  // in statement order
  bool locks_tables = false;                 // LOCK TABLES, FLUSH TABLES WITH READ LOCK
  bool unlocks_tables = false;               // UNLOCK TABLES
  // A user variable got a value on the primary only (SELECT @v := ..., SELECT ... INTO @v, a SET
  // that cannot be replayed): from now on, statements that read user variables go to the primary.
  bool user_variables_diverged = false;
  // The session's state changed in a way that cannot be replayed on other connections (a session
  // command inside a multi-statement or a prepared statement): keep the session on the primary.
  bool pin_session_to_primary = false;
  // The statement asks about the previous statement (FOUND_ROWS(), ROW_COUNT(), SHOW WARNINGS):
  // any backend is read-safe, but the answer is right only on the backend that ran the previous
  // statement. The target says Primary; a session that tracks its last backend may use that one.
  bool follows_previous_statement = false;
  SqlPrepare sql_prepare = SqlPrepare::none;
  bool kill = false;
  // SET sql_mode / NAMES / CHARACTER SET / character_set_client: how the server lexes the next
  // statements changed; the session must update sql_mode_known, ansi_quotes and the client charset.
  bool lexing_changed = false;
};

struct Classification {
  Target target = Target::primary;
  Reason reason = Reason::unknown_statement;
  Effects effects;
};

// Which server the session talks to: the built-in functions differ, and a name that is not built
// in may be a stored function.
enum class ServerFlavour : std::uint8_t { mariadb, mysql };

struct ClassifyOptions {
  ServerFlavour flavor = ServerFlavour::mariadb;
  // Calls of functions that are not built in run on the primary unless this is set (a stored
  // function may write; weir cannot see its body).
  bool stored_functions_to_replica = false;
  // A multi-statement whose statements are all plain reads may go to a replica.
  bool multi_statement_reads_to_replica = true;
};

// The session state the classifier needs. Transaction state comes from the server's status flags
// (see apply_status_flags), not only from parsing.
struct SessionView {
  bool in_transaction = false;
  bool autocommit = true;
  bool read_only_transaction = false;
  bool tables_locked = false;
  bool user_variables_diverged = false;
  bool no_backslash_escapes = false;
  bool ansi_quotes = false;
  bool mssql_brackets = false;  // sql_mode has MSSQL (MariaDB): [name] is a quoted identifier
  // ansi_quotes and mssql_brackets are reliable (the session tracks sql_mode, see
  // lexing_of_sql_mode). Otherwise a double-quoted token with a backslash, or a '[' outside strings
  // and comments, cannot be lexed with certainty and the statement goes to the primary.
  bool sql_mode_known = false;
  // character_set_client is big5, cp932, gbk, sjis or gb18030 (the second byte of a character may
  // be '\\', '`', ']', '@', ...): a byte >= 0x80 followed by one of those outside comments sends the
  // statement to the primary.
  bool client_charset_backslash_trail_bytes = false;
  // The server's version (major*10000 + minor*100 + patch) from its greeting: decides which
  // versioned comments /*!NNNNN ... */ it runs. 0: unknown (then a statement whose routing depends
  // on it goes to the primary).
  std::uint32_t server_version = 0;
  std::span<const TableName> temp_tables;
};

// What of a sql_mode value (as the server reports it in @@sql_mode or the session tracker, combination
// modes expanded: "PIPES_AS_CONCAT,ANSI_QUOTES,...,MSSQL") changes how the server lexes.
struct SqlModeLexing {
  bool ansi_quotes = false;           // ANSI_QUOTES (also part of ANSI, ORACLE, MSSQL, DB2, ...)
  bool no_backslash_escapes = false;  // NO_BACKSLASH_ESCAPES
  bool mssql_brackets = false;        // MSSQL (MariaDB)
};
SqlModeLexing lexing_of_sql_mode(std::string_view sql_mode);

// Sets in_transaction, autocommit, read_only_transaction and no_backslash_escapes from the status
// flags of an OK or EOF packet.
void apply_status_flags(SessionView& session, protocol::StatusFlags flags);

Classification classify(std::string_view sql, const ClassifyOptions& options, const SessionView& session);

// Prepared statements are routed at prepare time (COM_STMT_PREPARE text); the decision is kept for
// the statement's life, and each execution is routed with route_execute.
struct PreparedRouting {
  bool replica_safe = false;  // the statement itself is a plain read
  Reason reason = Reason::unknown_statement;
  bool session_command = false;       // a SET or USE prepared with the binary protocol
  bool reads_user_variables = false;  // must follow user variables if they diverge later
  bool sets_user_variables = false;   // each execution: user_variables_diverged (CALL p(@out), ...)
  // The replica guard's answer for the text (replica_guard.hpp), read once at prepare rather than
  // at every execution; true (never on a replica) until classify_prepare() sets it.
  bool may_lift_read_only = true;
};

PreparedRouting classify_prepare(std::string_view sql, const ClassifyOptions& options, const SessionView& session);
Classification route_execute(const PreparedRouting& prepared, const SessionView& session);

}  // namespace weir::route
