// The routing table: (statement, session state, options) -> (target, reason, effects).
// Session spec (comma separated): trx ro ac0 locked diverged nbe ansi temp:<name> temp:<schema>.<name>
//   v<version> (server version, e.g. v101106 for 10.11.6; without it the version is unknown)
//   mode (sql_mode known, so ansi says whether ANSI_QUOTES is on) mssql (sql_mode MSSQL: [x] quotes)
//   mbcs (client charset gbk/sjis/...)
// Options spec: sf (stored functions to replica), nomulti (no multi-statement reads to replicas),
// mysql (the server is MySQL, not MariaDB)
// Effects are written in a fixed order; see describe() below.
#include "weir/route/classify.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace weir::route {
namespace {

constexpr Target P = Target::primary;
constexpr Target R = Target::replica;
constexpr Target A = Target::all_session_connections;
using Why = Reason;

struct Case {
  const char* sql;
  const char* session;
  const char* options;
  Target target;
  Reason reason;
  const char* effects;
};

void PrintTo(const Case& c, std::ostream* os) { *os << '"' << c.sql << "\" [" << c.session << "]"; }

std::string table_text(const TableName& t) { return t.schema.empty() ? t.name : t.schema + "." + t.name; }

std::string describe(const Effects& e) {
  std::vector<std::string> parts;
  if (e.session_command) parts.emplace_back("session");
  if (e.use_schema) parts.push_back("use:" + *e.use_schema);
  if (e.autocommit) parts.emplace_back(*e.autocommit ? "autocommit=1" : "autocommit=0");
  switch (e.transaction) {
    case TransactionChange::none: break;
    case TransactionChange::begin: parts.emplace_back("begin"); break;
    case TransactionChange::end: parts.emplace_back("end"); break;
    case TransactionChange::restart: parts.emplace_back("restart"); break;
  }
  if (e.read_only_transaction) parts.emplace_back("read_only");
  for (const auto& t : e.temp_tables) parts.push_back((t.created ? "temp+:" : "temp-:") + table_text(t.table));
  if (e.locks_tables) parts.emplace_back("locks");
  if (e.unlocks_tables) parts.emplace_back("unlocks");
  if (e.user_variables_diverged) parts.emplace_back("diverged");
  if (e.pin_session_to_primary) parts.emplace_back("pin");
  if (e.follows_previous_statement) parts.emplace_back("previous");
  switch (e.sql_prepare) {
    case SqlPrepare::none: break;
    case SqlPrepare::prepare: parts.emplace_back("prepare"); break;
    case SqlPrepare::execute: parts.emplace_back("execute"); break;
    case SqlPrepare::deallocate: parts.emplace_back("dealloc"); break;
  }
  if (e.kill) parts.emplace_back("kill");
  if (e.lexing_changed) parts.emplace_back("lexing");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::vector<std::string> split(std::string_view spec) {
  std::vector<std::string> out;
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    out.emplace_back(spec.substr(0, comma));
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  return out;
}

struct Session {
  SessionView view;
  std::vector<TableName> temp;
};

Session make_session(std::string_view spec) {
  Session s;
  for (const std::string& item : split(spec)) {
    if (item == "trx") {
      s.view.in_transaction = true;
    } else if (item == "ro") {
      s.view.read_only_transaction = true;
    } else if (item == "ac0") {
      s.view.autocommit = false;
    } else if (item == "locked") {
      s.view.tables_locked = true;
    } else if (item == "diverged") {
      s.view.user_variables_diverged = true;
    } else if (item == "nbe") {
      s.view.no_backslash_escapes = true;
    } else if (item == "ansi") {
      s.view.ansi_quotes = true;
    } else if (item == "mode") {
      s.view.sql_mode_known = true;
    } else if (item == "mssql") {
      s.view.mssql_brackets = true;
    } else if (item == "mbcs") {
      s.view.client_charset_backslash_trail_bytes = true;
    } else if (item.size() > 1 && item[0] == 'v') {
      s.view.server_version = static_cast<std::uint32_t>(std::stoul(item.substr(1)));
    } else if (item.rfind("temp:", 0) == 0) {
      const std::string name = item.substr(5);
      const auto dot = name.find('.');
      s.temp.push_back(dot == std::string::npos ? TableName{"", name}
                                                : TableName{name.substr(0, dot), name.substr(dot + 1)});
    } else {
      ADD_FAILURE() << "unknown session spec item " << item;
    }
  }
  s.view.temp_tables = s.temp;
  return s;
}

ClassifyOptions make_options(std::string_view spec) {
  ClassifyOptions o;
  for (const std::string& item : split(spec)) {
    if (item == "sf") {
      o.stored_functions_to_replica = true;
    } else if (item == "mysql") {
      o.flavor = ServerFlavour::mysql;
    } else if (item == "nomulti") {
      o.multi_statement_reads_to_replica = false;
    } else {
      ADD_FAILURE() << "unknown options spec item " << item;
    }
  }
  return o;
}

class RoutingTable : public ::testing::TestWithParam<Case> {};

TEST_P(RoutingTable, Routes) {
  const Case& c = GetParam();
  const Session session = make_session(c.session);
  const Classification got = classify(c.sql, make_options(c.options), session.view);
  EXPECT_EQ(to_string(got.target), to_string(c.target)) << c.sql;
  EXPECT_EQ(to_string(got.reason), to_string(c.reason)) << c.sql;
  EXPECT_EQ(describe(got.effects), c.effects) << c.sql;
  // The hard guarantee, whatever the row says: only a plain read reaches a replica.
  if (got.target == Target::replica) {
    EXPECT_EQ(got.reason, Reason::read_only_statement);
  }
}

// clang-format off
const Case kCases[] = {
    // Plain reads.
    {"SELECT 1", "", "", R, Why::read_only_statement, ""},
    {"select * from t", "", "", R, Why::read_only_statement, ""},
    {"SeLeCt a FROM t WHERE b = 2", "", "", R, Why::read_only_statement, ""},
    {"  \n\t SELECT 1", "", "", R, Why::read_only_statement, ""},
    {"SELECT 1;", "", "", R, Why::read_only_statement, ""},
    {"SELECT 1;;", "", "", R, Why::read_only_statement, ""},
    {";SELECT 1", "", "", R, Why::read_only_statement, ""},
    {"SELECT a,\nb\nFROM t\nWHERE c > 1", "", "", R, Why::read_only_statement, ""},
    {"SELECT 1\r\nFROM t\r\n", "", "", R, Why::read_only_statement, ""},
    {"SELECT\tCOUNT(*)\tFROM\tt", "", "", R, Why::read_only_statement, ""},
    {"SELECT COUNT(*), MAX(a), CONCAT(b, 'x') FROM t GROUP BY c", "", "", R, Why::read_only_statement, ""},
    {"SELECT NOW(), RAND(), UUID()", "", "", R, Why::read_only_statement, ""},
    {"SELECT SLEEP(1)", "", "", R, Why::read_only_statement, ""},
    {"SELECT @@server_id", "", "", R, Why::read_only_statement, ""},
    {"SELECT @@session.sql_mode", "", "", R, Why::read_only_statement, ""},
    {"SELECT @@version, @@hostname", "", "", R, Why::read_only_statement, ""},
    {"SELECT @v", "", "", R, Why::read_only_statement, ""},
    {"SELECT @v", "diverged", "", P, Why::user_variable_read, ""},
    {"SELECT * FROM t WHERE id = @id", "diverged", "", P, Why::user_variable_read, ""},
    {"SELECT @`v`, @'w', @\"x\"", "", "", R, Why::read_only_statement, ""},
    {"SELECT DATABASE(), USER(), VERSION()", "", "", R, Why::read_only_statement, ""},
    {"SELECT CAST(a AS DECIMAL(10,2)) FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT CONVERT(a, CHAR(10)) FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT REPLACE(a, 'x', 'y') FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT INSERT('abc', 1, 1, 'x')", "", "", R, Why::read_only_statement, ""},
    {"SELECT LEFT(a, 2), RIGHT(a, 2), IF(a, 1, 2) FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT TRUNCATE(1.5, 0)", "", "", R, Why::read_only_statement, ""},
    {"SELECT * FROM t WHERE a IN (1, 2) AND EXISTS (SELECT 1 FROM u)", "", "", R, Why::read_only_statement, ""},
    {"SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT JSON_EXTRACT(doc, '$.a') FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2020-01-01 00:00:00'", "", "", R, Why::read_only_statement, ""},
    {"VALUES (1, 2), (3, 4)", "", "", R, Why::read_only_statement, ""},
    {"TABLE t", "", "", R, Why::read_only_statement, ""},
    {"SELECT 1 FROM DUAL", "", "", R, Why::read_only_statement, ""},
    {"SELECT 0x1F, X'1F', b'101', 1e3, .5", "", "", R, Why::read_only_statement, ""},
    {"SELECT N'abc', _utf8mb4'x' COLLATE utf8mb4_bin", "", "", R, Why::read_only_statement, ""},
    {"SELECT `update`, `delete` FROM `t`", "", "", R, Why::read_only_statement, ""},
    {"SELECT update_time, deleted_at FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT * FROM (SELECT 1, 2) AS d (a, b)", "", "", R, Why::read_only_statement, ""},
    {"SELECT 'it''s', \"dq\"\"x\", 'a\\'b'", "", "", R, Why::read_only_statement, ""},
    {"SELECT * FROM t USE INDEX (i1)", "", "", R, Why::read_only_statement, ""},
    {"SELECT * FROM t PARTITION (p0)", "", "", R, Why::read_only_statement, ""},
    {"SELECT * FROM a JOIN b USING (id)", "", "", R, Why::read_only_statement, ""},
    {"SELECT MATCH (a) AGAINST ('x') FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 10", "", "", R, Why::read_only_statement, ""},
    {"SELECT /*+ MAX_EXECUTION_TIME(1000) */ a FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT /*!99999 SQL_NO_CACHE */ 1", "", "", R, Why::read_only_statement, ""},
    {"/*!40101 SELECT 1 */", "v101106", "", R, Why::read_only_statement, ""},
    {"/*!40101 SELECT 1 */", "", "", P, Why::unparseable, ""},
    {"SELECT 1 /* a */ /* b */ FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT `a``b` FROM t", "", "", R, Why::read_only_statement, ""},

    // Locking reads.
    {"SELECT * FROM t FOR UPDATE", "", "", P, Why::locking_read, ""},
    {"select * from t for update", "", "", P, Why::locking_read, ""},
    {"SELECT * FROM t WHERE id = 1 LOCK IN SHARE MODE", "", "", P, Why::locking_read, ""},
    {"SELECT * FROM t FOR SHARE", "", "", P, Why::locking_read, ""},
    {"SELECT * FROM t FOR UPDATE SKIP LOCKED", "", "", P, Why::locking_read, ""},
    {"SELECT * FROM t FOR UPDATE NOWAIT", "", "", P, Why::locking_read, ""},
    {"SELECT * FROM t FOR UPDATE WAIT 5", "", "", P, Why::locking_read, ""},
    {"(SELECT a FROM t FOR UPDATE)", "", "", P, Why::locking_read, ""},
    {"SELECT 'FOR UPDATE'", "", "", R, Why::read_only_statement, ""},
    {"SELECT \"FOR UPDATE\"", "", "", R, Why::read_only_statement, ""},
    {"SELECT a FROM t /* for update */", "", "", R, Why::read_only_statement, ""},
    {"SELECT a FROM t -- for update", "", "", R, Why::read_only_statement, ""},
    {"SELECT a FROM t # FOR UPDATE", "", "", R, Why::read_only_statement, ""},
    {"SELECT `for update` FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT 1 --x FOR UPDATE", "", "", P, Why::locking_read, ""},
    {"SELECT 1 /* nested /* still */ FOR UPDATE", "", "", P, Why::locking_read, ""},
    {"SELECT a FROM t /*!FOR UPDATE */", "", "", P, Why::locking_read, ""},
    {"SELECT a FROM t /*!50100 FOR UPDATE */", "v101106", "", P, Why::locking_read, ""},
    {"SELECT a FROM t /*!50100 FOR UPDATE */", "v50099", "", R, Why::read_only_statement, ""},
    {"SELECT a FROM t /*!50100 FOR UPDATE */", "", "", P, Why::unparseable, ""},
    {"SELECT a FROM t /*!80000 FOR UPDATE */", "v101106", "", R, Why::read_only_statement, ""},
    {"SELECT a FROM t /*!80000 FOR UPDATE */", "v80035", "mysql", P, Why::locking_read, ""},
    {"SELECT a FROM t /*!100100 FOR UPDATE */", "v80035", "mysql", R, Why::read_only_statement, ""},
    {"SELECT a FROM t /*M!100100 FOR UPDATE */", "v101106", "", P, Why::locking_read, ""},
    {"SELECT a FROM t /*M! FOR UPDATE */", "v80035", "mysql", R, Why::read_only_statement, ""},
    {"SELECT a FROM t /*M!100100 FOR UPDATE */", "", "", P, Why::unparseable, ""},
    {"SELECT 1 /*!99999 AS */ f(1)", "v101106", "", P, Why::stored_function, "diverged"},
    {"SELECT 1 /*!99999 AS */ f(1)", "", "", P, Why::unparseable, ""},
    {"/*!99999 SET @a = 'x */ ; UPDATE t SET a = 1; -- ' */", "v101106", "", P, Why::write_statement, ""},
    {"/*!99999 SET @a = 'x */ ; UPDATE t SET a = 1; -- ' */", "", "", P, Why::unparseable, "pin"},
    {"/*!99999 SELECT 'x */ ; UPDATE t SET a = 1; -- ' */", "", "", P, Why::unparseable, ""},
    {"SELECT 'x\\', 1 FOR UPDATE -- '", "", "", R, Why::read_only_statement, ""},
    {"SELECT 'x\\', 1 FOR UPDATE -- '", "nbe", "", P, Why::locking_read, ""},
    {"EXPLAIN SELECT * FROM t FOR UPDATE", "", "", P, Why::locking_read, ""},

    // SELECT ... INTO and user variable assignment.
    {"SELECT a INTO @v FROM t", "", "", P, Why::select_into, "diverged"},
    {"SELECT a FROM t INTO @v", "", "", P, Why::select_into, "diverged"},
    {"SELECT a, b INTO @x, @y FROM t LIMIT 1", "", "", P, Why::select_into, "diverged"},
    {"SELECT * FROM t INTO OUTFILE '/tmp/x'", "", "", P, Why::select_into, ""},
    {"SELECT * FROM t INTO DUMPFILE '/tmp/x'", "", "", P, Why::select_into, ""},
    {"SELECT 'INTO @v'", "", "", R, Why::read_only_statement, ""},
    {"SELECT @v := 1", "", "", P, Why::user_variable_assignment, "diverged"},
    {"SELECT @rn := @rn + 1 AS rn, a FROM t", "", "", P, Why::user_variable_assignment, "diverged"},
    {"SELECT @v = 1", "", "", R, Why::read_only_statement, ""},

    // Lock functions.
    {"SELECT GET_LOCK('x', 10)", "", "", P, Why::lock_function, ""},
    {"SELECT RELEASE_LOCK('x')", "", "", P, Why::lock_function, ""},
    {"SELECT IS_FREE_LOCK('x')", "", "", P, Why::lock_function, ""},
    {"SELECT IS_USED_LOCK('x')", "", "", P, Why::lock_function, ""},
    {"SELECT RELEASE_ALL_LOCKS()", "", "", P, Why::lock_function, ""},
    {"select get_lock ('x', 1)", "", "", P, Why::lock_function, ""},
    {"SELECT GET_LOCK('x', 1)", "", "sf", P, Why::lock_function, ""},
    {"SELECT 'GET_LOCK(1)'", "", "", R, Why::read_only_statement, ""},
    {"/*! SELECT GET_LOCK('x', 1) */", "", "", P, Why::lock_function, ""},

    // Session functions and functions whose answer depends on the server.
    {"SELECT LAST_INSERT_ID()", "", "", P, Why::session_function, ""},
    {"select last_insert_id()", "", "", P, Why::session_function, ""},
    {"SELECT @@last_insert_id", "", "", P, Why::session_function, ""},
    {"SELECT @@identity", "", "", P, Why::session_function, ""},
    // Replica links run in read-only sessions: their tx_read_only is not the client's.
    {"SELECT @@tx_read_only", "", "", P, Why::session_function, ""},
    {"SELECT @@session.tx_read_only", "", "", P, Why::session_function, ""},
    {"SELECT @@SESSION.TX_READ_ONLY", "", "", P, Why::session_function, ""},
    {"SELECT @@local.tx_read_only, @@global.tx_read_only", "", "", P, Why::session_function, ""},
    {"SELECT @@transaction_read_only", "", "", P, Why::session_function, ""},
    {"SELECT @@session.transaction_read_only", "", "", P, Why::session_function, ""},
    {"SELECT @@session.`tx_read_only`", "", "", P, Why::session_function, ""},
    {"SELECT @@session . tx_read_only", "", "", P, Why::session_function, ""},
    {"SELECT @@session/**/.tx_read_only", "", "", P, Why::session_function, ""},
    {"SELECT @@session. tx_read_only", "", "", P, Why::session_function, ""},
    {"SELECT @@session.autocommit, @@tx_isolation", "", "", R, Why::read_only_statement, ""},
    {"SELECT CONNECTION_ID()", "", "", P, Why::session_function, ""},
    {"SELECT FOUND_ROWS()", "", "", P, Why::session_function, "previous"},
    {"SELECT ROW_COUNT()", "", "", P, Why::session_function, "previous"},
    {"SELECT @@warning_count", "", "", P, Why::session_function, "previous"},
    {"SELECT @@`last_insert_id`", "", "", P, Why::session_function, ""},
    {"SELECT FOUND_ROWS(), GET_LOCK('x', 1)", "", "", P, Why::lock_function, ""},
    {"SELECT MASTER_GTID_WAIT('0-1-1', 1)", "", "", P, Why::primary_only_function, ""},
    {"SELECT LOAD_FILE('/etc/hosts')", "", "", P, Why::primary_only_function, ""},

    // Sequences.
    {"SELECT NEXTVAL(s)", "", "", P, Why::sequence, ""},
    {"SELECT NEXT VALUE FOR s", "", "", P, Why::sequence, ""},
    {"SELECT PREVIOUS VALUE FOR s", "", "", P, Why::sequence, ""},
    {"SELECT LASTVAL(s)", "", "", P, Why::sequence, ""},
    {"SELECT SETVAL(s, 100)", "", "", P, Why::sequence, ""},
    {"SELECT next_value FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT next FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT s.NEXTVAL FROM DUAL", "", "", P, Why::sequence, ""},
    {"SELECT s.currval", "", "", P, Why::sequence, ""},

    // Stored functions (not built in): primary unless configured.
    {"SELECT my_func(1)", "", "", P, Why::stored_function, "diverged"},
    {"SELECT my_func(1)", "", "sf", R, Why::read_only_statement, ""},
    {"SELECT db.my_func(a) FROM t", "", "", P, Why::stored_function, "diverged"},
    {"SELECT `my func`(1)", "", "", P, Why::stored_function, "diverged"},
    {"SELECT a FROM t WHERE f(a) > 1", "", "", P, Why::stored_function, "diverged"},
    {"SELECT * FROM t WHERE a = ANY (SELECT b FROM u)", "", "", R, Why::read_only_statement, ""},
    {"SELECT * FROM t WHERE a > ALL (SELECT b FROM u)", "", "", R, Why::read_only_statement, ""},
    {"SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (a INT PATH '$')) AS jt", "", "", R, Why::read_only_statement, ""},
    {"SELECT any(1)", "", "", P, Why::stored_function, "diverged"},
    {"SELECT 1 - some(2)", "", "", P, Why::stored_function, "diverged"},
    {"SELECT * FROM t WHERE a <> ALL (SELECT b FROM u)", "", "", R, Why::read_only_statement, ""},
    {"SELECT columns(1)", "", "", P, Why::stored_function, "diverged"},
    {"SELECT offset(1)", "", "", P, Why::stored_function, "diverged"},
    {"SELECT nvl(a, 0) FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT nvl(a, 0) FROM t", "", "mysql", P, Why::stored_function, "diverged"},
    {"SELECT json_pretty(a) FROM t", "", "", R, Why::read_only_statement, ""},
    {"SELECT json_table(1)", "", "", P, Why::stored_function, "diverged"},
    {"SELECT st_isvalid(1)", "", "", P, Why::stored_function, "diverged"},
    {"SELECT * FROM t JOIN JSON_TABLE(t.doc, '$[*]' COLUMNS (a INT PATH '$')) AS jt", "", "", R, Why::read_only_statement, ""},
    {"SELECT format_bytes(1)", "", "", P, Why::stored_function, "diverged"},
    {"SELECT count (*) FROM t", "", "", P, Why::stored_function, "diverged"},
    {"SELECT now/**/()", "", "", P, Why::stored_function, "diverged"},
    {"SELECT IF (a, 1, 2), LEFT (b, 1) FROM t", "", "", R, Why::read_only_statement, ""},

    // Common table expressions.
    {"WITH x AS (SELECT 1) SELECT * FROM x", "", "", R, Why::read_only_statement, ""},
    {"WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r", "", "", R, Why::read_only_statement, ""},
    {"WITH x (a, b) AS (SELECT 1, 2), y AS (SELECT 3) SELECT * FROM x, y", "", "", R, Why::read_only_statement, ""},
    {"WITH x AS (SELECT id FROM t) UPDATE t SET a = 1 WHERE id IN (SELECT id FROM x)", "", "", P, Why::write_statement, ""},
    {"WITH x AS (SELECT id FROM t) DELETE FROM t WHERE id IN (SELECT id FROM x)", "", "", P, Why::write_statement, ""},
    {"WITH x AS (SELECT 1 FROM t FOR UPDATE) SELECT * FROM x", "", "", P, Why::locking_read, ""},

    // UNION, INTERSECT, EXCEPT, parentheses.
    {"SELECT a FROM t UNION SELECT b FROM u", "", "", R, Why::read_only_statement, ""},
    {"SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1", "", "", R, Why::read_only_statement, ""},
    {"(SELECT a FROM t) UNION (SELECT b FROM u)", "", "", R, Why::read_only_statement, ""},
    {"((SELECT 1))", "", "", R, Why::read_only_statement, ""},
    {"SELECT a FROM t INTERSECT SELECT a FROM u", "", "", R, Why::read_only_statement, ""},
    {"SELECT a FROM t EXCEPT SELECT a FROM u", "", "", R, Why::read_only_statement, ""},

    // Writes and administration.
    {"INSERT INTO t VALUES (1)", "", "", P, Why::write_statement, ""},
    {"insert into t (a, b) values (1, 2)", "", "", P, Why::write_statement, ""},
    {"INSERT INTO t SELECT * FROM u", "", "", P, Why::write_statement, ""},
    {"INSERT INTO t SELECT @n := @n + 1 FROM u", "", "", P, Why::write_statement, "diverged"},
    {"UPDATE t SET a = 1 WHERE id = 1 AND (@old := a) IS NOT NULL", "", "", P, Why::write_statement, "diverged"},
    {"INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = VALUES(a)", "", "", P, Why::write_statement, ""},
    {"REPLACE INTO t VALUES (1)", "", "", P, Why::write_statement, ""},
    {"UPDATE t SET a = 1", "", "", P, Why::write_statement, ""},
    {"DELETE FROM t WHERE a = 1", "", "", P, Why::write_statement, ""},
    {"LOAD DATA INFILE '/tmp/x' INTO TABLE t", "", "", P, Why::write_statement, ""},
    {"LOAD DATA LOCAL INFILE 'x' INTO TABLE t", "", "", P, Why::write_statement, ""},
    {"CREATE TABLE t (a INT)", "", "", P, Why::write_statement, ""},
    {"ALTER TABLE t ADD COLUMN b INT", "", "", P, Why::write_statement, ""},
    {"DROP TABLE t", "", "", P, Why::write_statement, "temp-:t"},
    {"TRUNCATE TABLE t", "", "", P, Why::write_statement, ""},
    {"TRUNCATE t", "", "", P, Why::write_statement, ""},
    {"RENAME TABLE a TO b", "", "", P, Why::write_statement, ""},
    {"ANALYZE TABLE t", "", "", P, Why::write_statement, ""},
    {"ANALYZE SELECT * FROM t", "", "", P, Why::write_statement, ""},
    {"OPTIMIZE TABLE t", "", "", P, Why::write_statement, ""},
    {"CHECK TABLE t", "", "", P, Why::write_statement, ""},
    {"REPAIR TABLE t", "", "", P, Why::write_statement, ""},
    {"FLUSH PRIVILEGES", "", "", P, Why::write_statement, ""},
    {"FLUSH TABLES", "", "", P, Why::write_statement, ""},
    {"GRANT SELECT ON db.* TO 'u'@'%'", "", "", P, Why::write_statement, ""},
    {"CREATE USER 'u'@'%' IDENTIFIED BY 'p'", "", "", P, Why::write_statement, ""},
    {"PURGE BINARY LOGS TO 'x'", "", "", P, Why::write_statement, ""},
    {"START SLAVE", "", "", P, Why::write_statement, ""},
    {"CHANGE MASTER TO MASTER_HOST='h'", "", "", P, Why::write_statement, ""},
    {"SHUTDOWN", "", "", P, Why::write_statement, ""},
    {"UPDATE t SET a = 1", "trx", "", P, Why::write_statement, ""},

    // EXPLAIN and DESCRIBE.
    {"EXPLAIN SELECT * FROM t", "", "", R, Why::read_only_statement, ""},
    {"EXPLAIN FORMAT=JSON SELECT * FROM t", "", "", R, Why::read_only_statement, ""},
    {"EXPLAIN EXTENDED SELECT 1", "", "", R, Why::read_only_statement, ""},
    {"EXPLAIN t", "", "", R, Why::read_only_statement, ""},
    {"DESCRIBE t", "", "", R, Why::read_only_statement, ""},
    {"DESC t", "", "", R, Why::read_only_statement, ""},
    {"DESCRIBE SELECT * FROM t", "", "", R, Why::read_only_statement, ""},
    {"DESCRIBE ANALYZE SELECT * FROM t", "", "", P, Why::unknown_statement, ""},
    {"DESC UPDATE t SET a = 1", "", "", P, Why::write_statement, ""},
    {"EXPLAIN UPDATE t SET a = 1", "", "", P, Why::write_statement, ""},
    {"EXPLAIN DELETE FROM t", "", "", P, Why::write_statement, ""},
    {"EXPLAIN ANALYZE SELECT * FROM t", "", "", P, Why::unknown_statement, ""},
    {"EXPLAIN FOR CONNECTION 5", "", "", P, Why::unknown_statement, ""},

    // Unknown and empty.
    {"FOO BAR", "", "", P, Why::unknown_statement, ""},
    {"HELP 'select'", "", "", P, Why::unknown_statement, ""},
    {"123", "", "", P, Why::unknown_statement, ""},
    {"", "", "", P, Why::empty, ""},
    {"   ", "", "", P, Why::empty, ""},
    {"/* only a comment */", "", "", P, Why::empty, ""},
    {";", "", "", P, Why::empty, ""},

    // CALL and DO.
    {"CALL p()", "", "", P, Why::stored_procedure, "diverged"},
    {"call db.p(1, @out)", "", "", P, Why::stored_procedure, "diverged"},
    {"DO 1", "", "", P, Why::do_statement, ""},
    {"DO GET_LOCK('x', 1)", "", "", P, Why::do_statement, ""},
    {"DO SLEEP(1)", "", "", P, Why::do_statement, ""},

    // SHOW.
    {"SHOW TABLES", "", "", R, Why::read_only_statement, ""},
    {"show databases", "", "", R, Why::read_only_statement, ""},
    {"SHOW FULL TABLES FROM db LIKE 'x%'", "", "", R, Why::read_only_statement, ""},
    {"SHOW COLUMNS FROM t", "", "", R, Why::read_only_statement, ""},
    {"SHOW CREATE TABLE t", "", "", R, Why::read_only_statement, ""},
    {"SHOW INDEX FROM t", "", "", R, Why::read_only_statement, ""},
    {"SHOW TABLE STATUS", "", "", R, Why::read_only_statement, ""},
    {"SHOW VARIABLES LIKE 'sql_mode'", "", "", R, Why::read_only_statement, ""},
    {"SHOW SESSION VARIABLES", "", "", R, Why::read_only_statement, ""},
    {"SHOW GRANTS FOR CURRENT_USER()", "", "", R, Why::read_only_statement, ""},
    {"SHOW COLLATION", "", "", R, Why::read_only_statement, ""},
    {"SHOW CHARACTER SET", "", "", R, Why::read_only_statement, ""},
    {"SHOW WARNINGS", "", "", P, Why::previous_statement_state, "previous"},
    {"SHOW ERRORS", "", "", P, Why::previous_statement_state, "previous"},
    {"SHOW COUNT(*) WARNINGS", "", "", P, Why::previous_statement_state, "previous"},
    {"SHOW MASTER STATUS", "", "", P, Why::server_state, ""},
    {"SHOW BINLOG STATUS", "", "", P, Why::server_state, ""},
    {"SHOW SLAVE STATUS", "", "", P, Why::server_state, ""},
    {"SHOW ALL SLAVES STATUS", "", "", P, Why::server_state, ""},
    {"SHOW PROCESSLIST", "", "", P, Why::server_state, ""},
    {"SHOW FULL PROCESSLIST", "", "", P, Why::server_state, ""},
    {"SHOW GLOBAL STATUS", "", "", P, Why::server_state, ""},
    {"SHOW ENGINE INNODB STATUS", "", "", P, Why::server_state, ""},
    {"SHOW FOO", "", "", P, Why::unknown_statement, ""},
    {"SHOW TABLES", "trx", "", P, Why::in_transaction, ""},

    // SET: session commands, replayable or not.
    {"SET NAMES utf8mb4", "", "", A, Why::session_command, "session,lexing"},
    {"SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci", "", "", A, Why::session_command, "session,lexing"},
    {"SET CHARACTER SET utf8", "", "", A, Why::session_command, "session,lexing"},
    {"SET CHARSET utf8", "", "", A, Why::session_command, "session,lexing"},
    {"SET @v = 1", "", "", A, Why::session_command, "session"},
    {"SET @v := 'a', @w = @v", "", "", A, Why::session_command, "session"},
    {"SET @v = 1", "diverged", "", A, Why::session_command, "session"},
    {"SET @v = 1", "trx", "", A, Why::session_command, "session"},
    {"SET @w = @v", "diverged", "", P, Why::non_replayable_set, "diverged"},
    {"SET @v := (SELECT MAX(id) FROM t)", "", "", P, Why::non_replayable_set, "diverged"},
    {"SET @v = NOW()", "", "", P, Why::non_replayable_set, "diverged"},
    {"SET @v = CURRENT_TIMESTAMP", "", "", P, Why::non_replayable_set, "diverged"},
    {"SET @id = LAST_INSERT_ID()", "", "", P, Why::non_replayable_set, "diverged"},
    {"SET @x = @@server_id", "", "", P, Why::non_replayable_set, "diverged"},
    {"SET @l = GET_LOCK('x', 1)", "", "", P, Why::non_replayable_set, "diverged"},
    {"SET @f = my_func()", "", "", P, Why::non_replayable_set, "diverged"},
    {"SET @f = my_func()", "", "sf", P, Why::non_replayable_set, "diverged"},
    {"SET sql_mode = 'STRICT_ALL_TABLES'", "", "", A, Why::session_command, "session,lexing"},
    {"SET @@session.character_set_client = gbk", "", "", A, Why::session_command, "session,lexing"},
    {"SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_ZERO_DATE')", "", "", A, Why::session_command, "session,lexing"},
    {"SET @@session.time_zone = '+00:00'", "", "", A, Why::session_command, "session"},
    {"SET LOCAL wait_timeout = 60", "", "", A, Why::session_command, "session"},
    {"SET sql_log_bin = 0", "", "", A, Why::session_command, "session"},
    {"SET time_zone = (SELECT tz FROM t LIMIT 1)", "", "", P, Why::non_replayable_set, "pin"},
    {"SET @a = NOW(), time_zone = '+00:00'", "", "", P, Why::non_replayable_set, "diverged,pin"},
    {"SET GLOBAL max_connections = 100", "", "", P, Why::global_state, ""},
    {"SET @@global.max_connections = 100", "", "", P, Why::global_state, ""},
    {"SET PERSIST max_connections = 100", "", "", P, Why::global_state, ""},
    {"SET @@persist.max_connections = 100", "", "", P, Why::global_state, ""},
    {"SET GLOBAL x = 1, @v = 2", "", "", P, Why::global_state, "diverged"},
    {"SET autocommit = 0", "", "", A, Why::session_command, "session,autocommit=0"},
    {"SET autocommit=1", "", "", A, Why::session_command, "session,autocommit=1"},
    {"SET autocommit = 1", "trx", "", A, Why::session_command, "session,autocommit=1,end"},
    {"set @@autocommit = OFF", "", "", A, Why::session_command, "session,autocommit=0"},
    {"SET SESSION autocommit = ON", "", "", A, Why::session_command, "session,autocommit=1"},
    {"SET autocommit = @x", "", "", A, Why::session_command, "session"},
    {"SET TRANSACTION ISOLATION LEVEL READ COMMITTED", "", "", P, Why::transaction_control, ""},
    {"SET TRANSACTION READ ONLY", "", "", P, Why::transaction_control, ""},
    {"SET SESSION TRANSACTION READ ONLY", "", "", A, Why::session_command, "session"},
    {"SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE", "", "", A, Why::session_command, "session"},
    {"SET GLOBAL TRANSACTION ISOLATION LEVEL SERIALIZABLE", "", "", P, Why::global_state, ""},
    {"SET PASSWORD = PASSWORD('x')", "", "", P, Why::write_statement, ""},
    {"SET ROLE r1", "", "", A, Why::session_command, "session"},
    {"SET DEFAULT ROLE r1 FOR u", "", "", P, Why::write_statement, ""},
    {"SET STATEMENT max_statement_time = 1 FOR SELECT 1", "", "", P, Why::unknown_statement, ""},
    {"SET", "", "", P, Why::unknown_statement, ""},
    {"SET x", "", "", P, Why::unknown_statement, ""},
    {"/*!40101 SET NAMES utf8 */", "v101106", "", A, Why::session_command, "session,lexing"},
    {"/*!40101 SET NAMES utf8 */", "", "", P, Why::unparseable, "pin"},
    {"/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */", "v101106", "", A, Why::session_command, "session,lexing"},
    {"/*M! SET NAMES utf8 */", "v101106", "", A, Why::session_command, "session,lexing"},
    {"/*M! SET NAMES utf8 */", "", "", P, Why::unparseable, "pin"},

    // USE.
    {"USE db", "", "", A, Why::session_command, "session,use:db"},
    {"use `my db`", "", "", A, Why::session_command, "session,use:my db"},
    {"USE", "", "", P, Why::unknown_statement, ""},

    // Transactions: explicit control, and the session's state from the server's status flags.
    {"BEGIN", "", "", P, Why::transaction_control, "begin"},
    {"begin work", "", "", P, Why::transaction_control, "begin"},
    {"START TRANSACTION", "", "", P, Why::transaction_control, "begin"},
    {"START TRANSACTION READ ONLY", "", "", P, Why::transaction_control, "begin,read_only"},
    {"START TRANSACTION READ WRITE", "", "", P, Why::transaction_control, "begin"},
    {"START TRANSACTION WITH CONSISTENT SNAPSHOT", "", "", P, Why::transaction_control, "begin"},
    {"START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", "", "", P, Why::transaction_control, "begin,read_only"},
    {"COMMIT", "", "", P, Why::transaction_control, "end"},
    {"COMMIT", "trx", "", P, Why::transaction_control, "end"},
    {"COMMIT WORK", "", "", P, Why::transaction_control, "end"},
    {"COMMIT AND CHAIN", "", "", P, Why::transaction_control, "restart"},
    {"COMMIT AND NO CHAIN", "", "", P, Why::transaction_control, "end"},
    {"ROLLBACK", "", "", P, Why::transaction_control, "end"},
    {"ROLLBACK WORK", "", "", P, Why::transaction_control, "end"},
    {"ROLLBACK TO SAVEPOINT s1", "", "", P, Why::transaction_control, ""},
    {"ROLLBACK TO s1", "", "", P, Why::transaction_control, ""},
    {"SAVEPOINT s1", "", "", P, Why::transaction_control, ""},
    {"RELEASE SAVEPOINT s1", "", "", P, Why::transaction_control, ""},
    {"BEGIN NOT ATOMIC SELECT 1; END", "", "", P, Why::multi_statement, ""},
    {"SELECT 1", "trx", "", P, Why::in_transaction, ""},
    {"SELECT 1", "ac0", "", P, Why::autocommit_off, ""},
    {"SELECT * FROM t", "trx,ro", "", P, Why::in_transaction, ""},

    // XA.
    {"XA START 'x'", "", "", P, Why::transaction_control, "begin"},
    {"XA BEGIN 'x'", "", "", P, Why::transaction_control, "begin"},
    {"XA END 'x'", "", "", P, Why::transaction_control, ""},
    {"XA PREPARE 'x'", "", "", P, Why::transaction_control, ""},
    {"XA COMMIT 'x'", "", "", P, Why::transaction_control, "end"},
    {"XA ROLLBACK 'x'", "", "", P, Why::transaction_control, "end"},
    {"XA RECOVER", "", "", P, Why::transaction_control, ""},

    // LOCK TABLES.
    {"LOCK TABLES t READ", "", "", P, Why::lock_tables, "locks"},
    {"LOCK TABLE t WRITE, u READ", "", "", P, Why::lock_tables, "locks"},
    {"UNLOCK TABLES", "", "", P, Why::lock_tables, "unlocks"},
    {"FLUSH TABLES WITH READ LOCK", "", "", P, Why::lock_tables, "locks"},
    {"FLUSH TABLES t FOR EXPORT", "", "", P, Why::lock_tables, "locks"},
    {"SELECT 1", "locked", "", P, Why::locked_tables, ""},
    {"LOCK", "", "", P, Why::unknown_statement, ""},

    // HANDLER.
    {"HANDLER t OPEN", "", "", P, Why::handler, ""},
    {"HANDLER t READ FIRST", "", "", P, Why::handler, ""},
    {"HANDLER t CLOSE", "", "", P, Why::handler, ""},

    // Temporary tables.
    {"CREATE TEMPORARY TABLE t (a INT)", "", "", P, Why::temporary_table, "temp+:t"},
    {"CREATE TEMPORARY TABLE IF NOT EXISTS db.t (a INT)", "", "", P, Why::temporary_table, "temp+:db.t"},
    {"CREATE OR REPLACE TEMPORARY TABLE `t 1` AS SELECT 1", "", "", P, Why::temporary_table, "temp+:t 1"},
    {"CREATE TEMPORARY SEQUENCE s", "", "", P, Why::temporary_table, "temp+:s"},
    {"DROP TEMPORARY SEQUENCE s", "", "", P, Why::temporary_table, "temp-:s"},
    {"SELECT * FROM s", "temp:s", "", P, Why::temporary_table, ""},
    {"DROP TEMPORARY TABLE t", "", "", P, Why::temporary_table, "temp-:t"},
    {"DROP TEMPORARY TABLE IF EXISTS t, db.u", "", "", P, Why::temporary_table, "temp-:t,temp-:db.u"},
    {"DROP TABLE t", "temp:t", "", P, Why::temporary_table, "temp-:t"},
    {"SELECT * FROM t", "temp:t", "", P, Why::temporary_table, ""},
    {"select * from T", "temp:t", "", P, Why::temporary_table, ""},
    {"SELECT * FROM `t`", "temp:t", "", P, Why::temporary_table, ""},
    {"SELECT * FROM \"t\"", "temp:t", "", P, Why::temporary_table, ""},
    {"SELECT * FROM \"t\"", "temp:t,ansi,mode", "", P, Why::temporary_table, ""},
    {"SELECT * FROM db.t", "temp:db.t", "", P, Why::temporary_table, ""},
    {"SELECT * FROM other.t", "temp:db.t", "", R, Why::read_only_statement, ""},
    {"SELECT * FROM db.t", "temp:t", "", P, Why::temporary_table, ""},
    {"SELECT * FROM real JOIN t ON real.id = t.id", "temp:t", "", P, Why::temporary_table, ""},
    {"SELECT * FROM u WHERE id IN (SELECT id FROM t)", "temp:t", "", P, Why::temporary_table, ""},
    {"SELECT * FROM tt", "temp:t", "", R, Why::read_only_statement, ""},
    {"SELECT 't' FROM u", "temp:t", "", R, Why::read_only_statement, ""},
    {"SHOW CREATE TABLE tmp", "temp:tmp", "", P, Why::temporary_table, ""},
    {"SHOW COLUMNS FROM tmp", "temp:tmp", "", P, Why::temporary_table, ""},
    {"INSERT INTO t VALUES (1)", "temp:t", "", P, Why::write_statement, ""},
    {"RENAME TABLE t TO u", "temp:t", "", P, Why::temporary_table, "temp-:t,temp+:u"},
    {"ALTER TABLE t RENAME TO u", "temp:t", "", P, Why::temporary_table, "pin"},
    {"SET @c = (SELECT COUNT(*) FROM t)", "temp:t", "", P, Why::non_replayable_set, "diverged"},

    // Multi-statements: a replica only when every statement is a plain read.
    {"SELECT 1; SELECT 2", "", "", R, Why::read_only_statement, ""},
    {"SELECT 1 ; SELECT 'a;b'", "", "", R, Why::read_only_statement, ""},
    {"SELECT 1; SELECT 2", "", "nomulti", P, Why::multi_statement, ""},
    {"SELECT 1; SELECT 2", "trx", "", P, Why::in_transaction, ""},
    {"SELECT 1; UPDATE t SET a = 1", "", "", P, Why::multi_statement, ""},
    {"UPDATE t SET a = 1; SELECT 1", "", "", P, Why::multi_statement, ""},
    {"SELECT 1; SELECT 2 FOR UPDATE", "", "", P, Why::multi_statement, ""},
    {"SET @a = 1; SELECT @a", "", "", P, Why::multi_statement, "pin"},
    {"USE db; SELECT 1", "", "", P, Why::multi_statement, "use:db,pin"},
    {"SET autocommit = 1; SET NAMES utf8mb4", "", "", A, Why::session_command, "session,autocommit=1,lexing"},
    {"SET NAMES utf8mb4; SET autocommit = 1", "", "", P, Why::multi_statement, "autocommit=1,pin,lexing"},
    {"SET NAMES gbk; SET @a = 'x\xbf\\'; UPDATE t SET a = 1; -- '", "", "", P, Why::multi_statement, "pin,lexing"},
    {"SET sql_mode = 'NO_BACKSLASH_ESCAPES'; SET @a = '\\'; UPDATE t SET a = 1; -- '", "", "", P, Why::multi_statement, "pin,lexing"},
    {"USE db; SET @a = 1;", "", "", A, Why::session_command, "session,use:db"},
    {"SET NAMES utf8mb4; SET @t = NOW()", "", "", P, Why::multi_statement, "diverged,pin,lexing"},
    {"BEGIN; UPDATE t SET a = 1; COMMIT", "", "", P, Why::multi_statement, "end"},
    {"CREATE TEMPORARY TABLE t (a INT); SELECT * FROM t", "", "", P, Why::multi_statement, "temp+:t"},
    {"SELECT 1; /* weir:primary */ SELECT 2", "", "", P, Why::routing_hint, ""},

    // The routing hint.
    {"/* weir:primary */ SELECT 1", "", "", P, Why::routing_hint, ""},
    {"-- weir:primary\nSELECT 1", "", "", P, Why::routing_hint, ""},
    {"# weir:primary\nSELECT 1", "", "", P, Why::routing_hint, ""},
    {"/*weir:primary*/SELECT 1", "", "", P, Why::routing_hint, ""},
    {"SELECT 1 /* weir:primary */", "", "", P, Why::routing_hint, ""},
    {"SELECT '/* weir:primary */'", "", "", R, Why::read_only_statement, ""},
    {"/* weir:replica */ SELECT 1", "", "", R, Why::read_only_statement, ""},
    {"/* weir:primary */ SET @v = 1", "", "", A, Why::session_command, "session"},
    {"/* weir:primary */ UPDATE t SET a = 1", "", "", P, Why::write_statement, ""},

    // SQL-level prepared statements and KILL.
    {"PREPARE s FROM 'SELECT 1'", "", "", P, Why::sql_prepared_statement, "prepare"},
    {"EXECUTE s", "", "", P, Why::sql_prepared_statement, "diverged,execute"},
    {"EXECUTE s USING @a", "", "", P, Why::sql_prepared_statement, "diverged,execute"},
    {"EXECUTE IMMEDIATE 'SELECT 1'", "", "", P, Why::sql_prepared_statement, "diverged,execute"},
    {"DEALLOCATE PREPARE s", "", "", P, Why::sql_prepared_statement, "dealloc"},
    {"DROP PREPARE s", "", "", P, Why::sql_prepared_statement, "dealloc"},
    {"KILL 42", "", "", P, Why::kill, "kill"},
    {"KILL QUERY 42", "", "", P, Why::kill, "kill"},
    {"KILL CONNECTION 42", "", "", P, Why::kill, "kill"},

    // Text that cannot be proven read-safe.
    {"SELECT 'unterminated", "", "", P, Why::unparseable, ""},
    {"SELECT \"unterminated", "", "", P, Why::unparseable, ""},
    {"SELECT `unterminated", "", "", P, Why::unparseable, ""},
    {"SELECT 1 /* unterminated", "", "", P, Why::unparseable, ""},
    {"SELECT 1 /*! unterminated", "", "", P, Why::unparseable, ""},
    {"SELECT 'a\\'", "", "", P, Why::unparseable, ""},
    {"SELECT 'a\\'", "nbe", "", R, Why::read_only_statement, ""},
    {"SET @v = 'unterminated", "", "", P, Why::unparseable, ""},
    {"SELECT \"a\\\" FOR UPDATE -- \"", "", "", P, Why::unparseable, ""},
    {"SELECT \"a\\\" FOR UPDATE -- \"", "mode", "", R, Why::read_only_statement, ""},
    {"SELECT \"a\\\" FOR UPDATE -- \"", "mode,ansi", "", P, Why::locking_read, ""},
    {"SELECT 'x\xbf\\' FOR UPDATE -- '", "", "", R, Why::read_only_statement, ""},
    {"SELECT 'x\xbf\\' FOR UPDATE -- '", "mbcs", "", P, Why::unparseable, ""},
    {"SELECT 'x\xbf\\' FOR UPDATE -- '", "mbcs,nbe", "", P, Why::locking_read, ""},
    {"SELECT 'caf\xc3\xa9' FROM t", "mbcs", "", R, Why::read_only_statement, ""},
    // A character whose second byte is a backtick or ']' (big5 0xa1 0x60) ends where weir would not.
    {"SELECT `a\xa1` FROM t; DELETE FROM t; -- `", "mbcs", "", P, Why::unparseable, ""},
    {"SELECT a\xa1`b FROM t; DELETE FROM t; -- `", "mbcs", "", P, Why::unparseable, ""},
    {"SELECT [a\xa1] FROM t; DELETE FROM t; -- ]", "mbcs,mode,ansi,mssql", "", P, Why::unparseable, ""},
    // Where MariaDB 10.11 reads comments, identifiers and bytes otherwise than a naive lexer (issue 15);
    // each text was a hidden write on a replica.
    {"SELECT 1 /*!99999 /* */ '*/; DELETE FROM t; -- '", "v101106", "", P, Why::multi_statement, ""},
    {"SELECT 1 /*!99999 /* */ '*/; DELETE FROM t; -- '", "", "", P, Why::unparseable, ""},
    {"SELECT 1 /*M!50800 , 2 */", "v101106", "", R, Why::read_only_statement, ""},
    {"SELECT 1 /*M!50800 FOR UPDATE */", "v101106", "", P, Why::locking_read, ""},
    {"SELECT 1 --\x7f '\n; DELETE FROM t; -- '", "", "", P, Why::unparseable, ""},
    {"SELECT 1 --\xa0 '\n; DELETE FROM t; -- '", "", "", P, Why::unparseable, ""},
    {"SELECT 1 --\x01 '\n; DELETE FROM t", "", "", P, Why::multi_statement, ""},
    {"SELECT 1 --\x0b x\n", "", "", R, Why::read_only_statement, ""},
    {"SELECT 1 FOR\xa0UPDATE", "", "", P, Why::unparseable, ""},
    {"SELECT @`a\\`; DELETE FROM t; -- `", "", "", P, Why::multi_statement, ""},
    {"SELECT @\"a\\\"; DELETE FROM t; -- \"", "mode,ansi", "", P, Why::multi_statement, ""},
    {"SELECT @\"a\\\"; DELETE FROM t; -- \"", "", "", P, Why::unparseable, ""},
    {"SELECT 1 AS [a']; DELETE FROM t; -- '", "mode,ansi,mssql", "", P, Why::multi_statement, ""},
    {"SELECT 1 AS [a']; DELETE FROM t; -- '", "", "", P, Why::unparseable, ""},
    // Outside MSSQL mode '[' is a syntax error for the server: nothing runs.
    {"SELECT 1 AS [a']; DELETE FROM t; -- '", "mode", "", R, Why::read_only_statement, ""},
    {"SELECT 1 AS [a]]b], [c]", "mode,ansi,mssql", "", R, Why::read_only_statement, ""},
    {"SELECT a[1] FROM t", "mode", "", R, Why::read_only_statement, ""},
    {"/*! SELECT 1; SELECT 2 */* ' */ 3; DELETE FROM t; -- '", "", "", P, Why::unparseable, ""},
};
// clang-format on

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name = std::to_string(info.index);
  while (name.size() < 3) name.insert(name.begin(), '0');
  name += '_';
  auto append = [&name](std::string_view text) {
    bool underscore = name.back() == '_';
    for (char c : text) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (alnum) {
        name += c;
        underscore = false;
      } else if (!underscore) {
        name += '_';
        underscore = true;
      }
      if (name.size() > 64) break;
    }
  };
  append(info.param.sql);
  if (*info.param.session != '\0') {
    if (name.back() != '_') name += '_';
    name += "in_";
    append(info.param.session);
  }
  if (*info.param.options != '\0') {
    if (name.back() != '_') name += '_';
    name += "opt_";
    append(info.param.options);
  }
  while (name.back() == '_') name.pop_back();
  return name;
}

INSTANTIATE_TEST_SUITE_P(Route, RoutingTable, ::testing::ValuesIn(kCases), case_name);

TEST(SqlMode, LexingModes) {
  const auto none = lexing_of_sql_mode("STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION");
  EXPECT_FALSE(none.ansi_quotes || none.no_backslash_escapes || none.mssql_brackets);
  const auto mssql = lexing_of_sql_mode("PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,MSSQL,NO_KEY_OPTIONS");
  EXPECT_TRUE(mssql.ansi_quotes && mssql.mssql_brackets && !mssql.no_backslash_escapes);
  EXPECT_TRUE(lexing_of_sql_mode("oracle").ansi_quotes);
  EXPECT_TRUE(lexing_of_sql_mode("ansi").ansi_quotes);
  EXPECT_TRUE(lexing_of_sql_mode("a,no_backslash_escapes").no_backslash_escapes);
  EXPECT_FALSE(lexing_of_sql_mode("ANSI_QUOTESX,NO_BACKSLASH_ESCAPE").ansi_quotes);
}

TEST(RoutingTable, HasAtLeast150Cases) { EXPECT_GE(std::size(kCases), 150u); }

}  // namespace
}  // namespace weir::route
