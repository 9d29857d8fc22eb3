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

constexpr Target P = Target::Primary;
constexpr Target R = Target::Replica;
constexpr Target A = Target::AllSessionConnections;
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
    case TransactionChange::None: break;
    case TransactionChange::Begin: parts.emplace_back("begin"); break;
    case TransactionChange::End: parts.emplace_back("end"); break;
    case TransactionChange::Restart: parts.emplace_back("restart"); break;
  }
  if (e.read_only_transaction) parts.emplace_back("read_only");
  for (const auto& t : e.temp_tables) parts.push_back((t.created ? "temp+:" : "temp-:") + table_text(t.table));
  if (e.locks_tables) parts.emplace_back("locks");
  if (e.unlocks_tables) parts.emplace_back("unlocks");
  if (e.user_variables_diverged) parts.emplace_back("diverged");
  if (e.pin_session_to_primary) parts.emplace_back("pin");
  if (e.follows_previous_statement) parts.emplace_back("previous");
  switch (e.sql_prepare) {
    case SqlPrepare::None: break;
    case SqlPrepare::Prepare: parts.emplace_back("prepare"); break;
    case SqlPrepare::Execute: parts.emplace_back("execute"); break;
    case SqlPrepare::Deallocate: parts.emplace_back("dealloc"); break;
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
      o.flavor = ServerFlavor::MySQL;
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
  if (got.target == Target::Replica) {
    EXPECT_EQ(got.reason, Reason::ReadOnlyStatement);
  }
}

// clang-format off
const Case kCases[] = {
    // Plain reads.
    {"SELECT 1", "", "", R, Why::ReadOnlyStatement, ""},
    {"select * from t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SeLeCt a FROM t WHERE b = 2", "", "", R, Why::ReadOnlyStatement, ""},
    {"  \n\t SELECT 1", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 1;", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 1;;", "", "", R, Why::ReadOnlyStatement, ""},
    {";SELECT 1", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT a,\nb\nFROM t\nWHERE c > 1", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 1\r\nFROM t\r\n", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT\tCOUNT(*)\tFROM\tt", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT COUNT(*), MAX(a), CONCAT(b, 'x') FROM t GROUP BY c", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT NOW(), RAND(), UUID()", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT SLEEP(1)", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT @@server_id", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT @@session.sql_mode", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT @@version, @@hostname", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT @v", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT @v", "diverged", "", P, Why::UserVariableRead, ""},
    {"SELECT * FROM t WHERE id = @id", "diverged", "", P, Why::UserVariableRead, ""},
    {"SELECT @`v`, @'w', @\"x\"", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT DATABASE(), USER(), VERSION()", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT CAST(a AS DECIMAL(10,2)) FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT CONVERT(a, CHAR(10)) FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT REPLACE(a, 'x', 'y') FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT INSERT('abc', 1, 1, 'x')", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT LEFT(a, 2), RIGHT(a, 2), IF(a, 1, 2) FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT TRUNCATE(1.5, 0)", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT * FROM t WHERE a IN (1, 2) AND EXISTS (SELECT 1 FROM u)", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT JSON_EXTRACT(doc, '$.a') FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2020-01-01 00:00:00'", "", "", R, Why::ReadOnlyStatement, ""},
    {"VALUES (1, 2), (3, 4)", "", "", R, Why::ReadOnlyStatement, ""},
    {"TABLE t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 1 FROM DUAL", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 0x1F, X'1F', b'101', 1e3, .5", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT N'abc', _utf8mb4'x' COLLATE utf8mb4_bin", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT `update`, `delete` FROM `t`", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT update_time, deleted_at FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT * FROM (SELECT 1, 2) AS d (a, b)", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 'it''s', \"dq\"\"x\", 'a\\'b'", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT * FROM t USE INDEX (i1)", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT * FROM t PARTITION (p0)", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT * FROM a JOIN b USING (id)", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT MATCH (a) AGAINST ('x') FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 10", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT /*+ MAX_EXECUTION_TIME(1000) */ a FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT /*!99999 SQL_NO_CACHE */ 1", "", "", R, Why::ReadOnlyStatement, ""},
    {"/*!40101 SELECT 1 */", "v101106", "", R, Why::ReadOnlyStatement, ""},
    {"/*!40101 SELECT 1 */", "", "", P, Why::Unparseable, ""},
    {"SELECT 1 /* a */ /* b */ FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT `a``b` FROM t", "", "", R, Why::ReadOnlyStatement, ""},

    // Locking reads.
    {"SELECT * FROM t FOR UPDATE", "", "", P, Why::LockingRead, ""},
    {"select * from t for update", "", "", P, Why::LockingRead, ""},
    {"SELECT * FROM t WHERE id = 1 LOCK IN SHARE MODE", "", "", P, Why::LockingRead, ""},
    {"SELECT * FROM t FOR SHARE", "", "", P, Why::LockingRead, ""},
    {"SELECT * FROM t FOR UPDATE SKIP LOCKED", "", "", P, Why::LockingRead, ""},
    {"SELECT * FROM t FOR UPDATE NOWAIT", "", "", P, Why::LockingRead, ""},
    {"SELECT * FROM t FOR UPDATE WAIT 5", "", "", P, Why::LockingRead, ""},
    {"(SELECT a FROM t FOR UPDATE)", "", "", P, Why::LockingRead, ""},
    {"SELECT 'FOR UPDATE'", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT \"FOR UPDATE\"", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT a FROM t /* for update */", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT a FROM t -- for update", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT a FROM t # FOR UPDATE", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT `for update` FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 1 --x FOR UPDATE", "", "", P, Why::LockingRead, ""},
    {"SELECT 1 /* nested /* still */ FOR UPDATE", "", "", P, Why::LockingRead, ""},
    {"SELECT a FROM t /*!FOR UPDATE */", "", "", P, Why::LockingRead, ""},
    {"SELECT a FROM t /*!50100 FOR UPDATE */", "v101106", "", P, Why::LockingRead, ""},
    {"SELECT a FROM t /*!50100 FOR UPDATE */", "v50099", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT a FROM t /*!50100 FOR UPDATE */", "", "", P, Why::Unparseable, ""},
    {"SELECT a FROM t /*!80000 FOR UPDATE */", "v101106", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT a FROM t /*!80000 FOR UPDATE */", "v80035", "mysql", P, Why::LockingRead, ""},
    {"SELECT a FROM t /*!100100 FOR UPDATE */", "v80035", "mysql", R, Why::ReadOnlyStatement, ""},
    {"SELECT a FROM t /*M!100100 FOR UPDATE */", "v101106", "", P, Why::LockingRead, ""},
    {"SELECT a FROM t /*M! FOR UPDATE */", "v80035", "mysql", R, Why::ReadOnlyStatement, ""},
    {"SELECT a FROM t /*M!100100 FOR UPDATE */", "", "", P, Why::Unparseable, ""},
    {"SELECT 1 /*!99999 AS */ f(1)", "v101106", "", P, Why::StoredFunction, "diverged"},
    {"SELECT 1 /*!99999 AS */ f(1)", "", "", P, Why::Unparseable, ""},
    {"/*!99999 SET @a = 'x */ ; UPDATE t SET a = 1; -- ' */", "v101106", "", P, Why::WriteStatement, ""},
    {"/*!99999 SET @a = 'x */ ; UPDATE t SET a = 1; -- ' */", "", "", P, Why::Unparseable, "pin"},
    {"/*!99999 SELECT 'x */ ; UPDATE t SET a = 1; -- ' */", "", "", P, Why::Unparseable, ""},
    {"SELECT 'x\\', 1 FOR UPDATE -- '", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 'x\\', 1 FOR UPDATE -- '", "nbe", "", P, Why::LockingRead, ""},
    {"EXPLAIN SELECT * FROM t FOR UPDATE", "", "", P, Why::LockingRead, ""},

    // SELECT ... INTO and user variable assignment.
    {"SELECT a INTO @v FROM t", "", "", P, Why::SelectInto, "diverged"},
    {"SELECT a FROM t INTO @v", "", "", P, Why::SelectInto, "diverged"},
    {"SELECT a, b INTO @x, @y FROM t LIMIT 1", "", "", P, Why::SelectInto, "diverged"},
    {"SELECT * FROM t INTO OUTFILE '/tmp/x'", "", "", P, Why::SelectInto, ""},
    {"SELECT * FROM t INTO DUMPFILE '/tmp/x'", "", "", P, Why::SelectInto, ""},
    {"SELECT 'INTO @v'", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT @v := 1", "", "", P, Why::UserVariableAssignment, "diverged"},
    {"SELECT @rn := @rn + 1 AS rn, a FROM t", "", "", P, Why::UserVariableAssignment, "diverged"},
    {"SELECT @v = 1", "", "", R, Why::ReadOnlyStatement, ""},

    // Lock functions.
    {"SELECT GET_LOCK('x', 10)", "", "", P, Why::LockFunction, ""},
    {"SELECT RELEASE_LOCK('x')", "", "", P, Why::LockFunction, ""},
    {"SELECT IS_FREE_LOCK('x')", "", "", P, Why::LockFunction, ""},
    {"SELECT IS_USED_LOCK('x')", "", "", P, Why::LockFunction, ""},
    {"SELECT RELEASE_ALL_LOCKS()", "", "", P, Why::LockFunction, ""},
    {"select get_lock ('x', 1)", "", "", P, Why::LockFunction, ""},
    {"SELECT GET_LOCK('x', 1)", "", "sf", P, Why::LockFunction, ""},
    {"SELECT 'GET_LOCK(1)'", "", "", R, Why::ReadOnlyStatement, ""},
    {"/*! SELECT GET_LOCK('x', 1) */", "", "", P, Why::LockFunction, ""},

    // Session functions and functions whose answer depends on the server.
    {"SELECT LAST_INSERT_ID()", "", "", P, Why::SessionFunction, ""},
    {"select last_insert_id()", "", "", P, Why::SessionFunction, ""},
    {"SELECT @@last_insert_id", "", "", P, Why::SessionFunction, ""},
    {"SELECT @@identity", "", "", P, Why::SessionFunction, ""},
    // Replica links run in read-only sessions: their tx_read_only is not the client's.
    {"SELECT @@tx_read_only", "", "", P, Why::SessionFunction, ""},
    {"SELECT @@session.tx_read_only", "", "", P, Why::SessionFunction, ""},
    {"SELECT @@SESSION.TX_READ_ONLY", "", "", P, Why::SessionFunction, ""},
    {"SELECT @@local.tx_read_only, @@global.tx_read_only", "", "", P, Why::SessionFunction, ""},
    {"SELECT @@transaction_read_only", "", "", P, Why::SessionFunction, ""},
    {"SELECT @@session.transaction_read_only", "", "", P, Why::SessionFunction, ""},
    {"SELECT @@session.`tx_read_only`", "", "", P, Why::SessionFunction, ""},
    {"SELECT @@session . tx_read_only", "", "", P, Why::SessionFunction, ""},
    {"SELECT @@session/**/.tx_read_only", "", "", P, Why::SessionFunction, ""},
    {"SELECT @@session. tx_read_only", "", "", P, Why::SessionFunction, ""},
    {"SELECT @@session.autocommit, @@tx_isolation", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT CONNECTION_ID()", "", "", P, Why::SessionFunction, ""},
    {"SELECT FOUND_ROWS()", "", "", P, Why::SessionFunction, "previous"},
    {"SELECT ROW_COUNT()", "", "", P, Why::SessionFunction, "previous"},
    {"SELECT @@warning_count", "", "", P, Why::SessionFunction, "previous"},
    {"SELECT @@`last_insert_id`", "", "", P, Why::SessionFunction, ""},
    {"SELECT FOUND_ROWS(), GET_LOCK('x', 1)", "", "", P, Why::LockFunction, ""},
    {"SELECT MASTER_GTID_WAIT('0-1-1', 1)", "", "", P, Why::PrimaryOnlyFunction, ""},
    {"SELECT LOAD_FILE('/etc/hosts')", "", "", P, Why::PrimaryOnlyFunction, ""},

    // Sequences.
    {"SELECT NEXTVAL(s)", "", "", P, Why::Sequence, ""},
    {"SELECT NEXT VALUE FOR s", "", "", P, Why::Sequence, ""},
    {"SELECT PREVIOUS VALUE FOR s", "", "", P, Why::Sequence, ""},
    {"SELECT LASTVAL(s)", "", "", P, Why::Sequence, ""},
    {"SELECT SETVAL(s, 100)", "", "", P, Why::Sequence, ""},
    {"SELECT next_value FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT next FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT s.NEXTVAL FROM DUAL", "", "", P, Why::Sequence, ""},
    {"SELECT s.currval", "", "", P, Why::Sequence, ""},

    // Stored functions (not built in): primary unless configured.
    {"SELECT my_func(1)", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT my_func(1)", "", "sf", R, Why::ReadOnlyStatement, ""},
    {"SELECT db.my_func(a) FROM t", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT `my func`(1)", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT a FROM t WHERE f(a) > 1", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT * FROM t WHERE a = ANY (SELECT b FROM u)", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT * FROM t WHERE a > ALL (SELECT b FROM u)", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (a INT PATH '$')) AS jt", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT any(1)", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT 1 - some(2)", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT * FROM t WHERE a <> ALL (SELECT b FROM u)", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT columns(1)", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT offset(1)", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT nvl(a, 0) FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT nvl(a, 0) FROM t", "", "mysql", P, Why::StoredFunction, "diverged"},
    {"SELECT json_pretty(a) FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT json_table(1)", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT st_isvalid(1)", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT * FROM t JOIN JSON_TABLE(t.doc, '$[*]' COLUMNS (a INT PATH '$')) AS jt", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT format_bytes(1)", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT count (*) FROM t", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT now/**/()", "", "", P, Why::StoredFunction, "diverged"},
    {"SELECT IF (a, 1, 2), LEFT (b, 1) FROM t", "", "", R, Why::ReadOnlyStatement, ""},

    // Common table expressions.
    {"WITH x AS (SELECT 1) SELECT * FROM x", "", "", R, Why::ReadOnlyStatement, ""},
    {"WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r", "", "", R, Why::ReadOnlyStatement, ""},
    {"WITH x (a, b) AS (SELECT 1, 2), y AS (SELECT 3) SELECT * FROM x, y", "", "", R, Why::ReadOnlyStatement, ""},
    {"WITH x AS (SELECT id FROM t) UPDATE t SET a = 1 WHERE id IN (SELECT id FROM x)", "", "", P, Why::WriteStatement, ""},
    {"WITH x AS (SELECT id FROM t) DELETE FROM t WHERE id IN (SELECT id FROM x)", "", "", P, Why::WriteStatement, ""},
    {"WITH x AS (SELECT 1 FROM t FOR UPDATE) SELECT * FROM x", "", "", P, Why::LockingRead, ""},

    // UNION, INTERSECT, EXCEPT, parentheses.
    {"SELECT a FROM t UNION SELECT b FROM u", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1", "", "", R, Why::ReadOnlyStatement, ""},
    {"(SELECT a FROM t) UNION (SELECT b FROM u)", "", "", R, Why::ReadOnlyStatement, ""},
    {"((SELECT 1))", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT a FROM t INTERSECT SELECT a FROM u", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT a FROM t EXCEPT SELECT a FROM u", "", "", R, Why::ReadOnlyStatement, ""},

    // Writes and administration.
    {"INSERT INTO t VALUES (1)", "", "", P, Why::WriteStatement, ""},
    {"insert into t (a, b) values (1, 2)", "", "", P, Why::WriteStatement, ""},
    {"INSERT INTO t SELECT * FROM u", "", "", P, Why::WriteStatement, ""},
    {"INSERT INTO t SELECT @n := @n + 1 FROM u", "", "", P, Why::WriteStatement, "diverged"},
    {"UPDATE t SET a = 1 WHERE id = 1 AND (@old := a) IS NOT NULL", "", "", P, Why::WriteStatement, "diverged"},
    {"INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = VALUES(a)", "", "", P, Why::WriteStatement, ""},
    {"REPLACE INTO t VALUES (1)", "", "", P, Why::WriteStatement, ""},
    {"UPDATE t SET a = 1", "", "", P, Why::WriteStatement, ""},
    {"DELETE FROM t WHERE a = 1", "", "", P, Why::WriteStatement, ""},
    {"LOAD DATA INFILE '/tmp/x' INTO TABLE t", "", "", P, Why::WriteStatement, ""},
    {"LOAD DATA LOCAL INFILE 'x' INTO TABLE t", "", "", P, Why::WriteStatement, ""},
    {"CREATE TABLE t (a INT)", "", "", P, Why::WriteStatement, ""},
    {"ALTER TABLE t ADD COLUMN b INT", "", "", P, Why::WriteStatement, ""},
    {"DROP TABLE t", "", "", P, Why::WriteStatement, "temp-:t"},
    {"TRUNCATE TABLE t", "", "", P, Why::WriteStatement, ""},
    {"TRUNCATE t", "", "", P, Why::WriteStatement, ""},
    {"RENAME TABLE a TO b", "", "", P, Why::WriteStatement, ""},
    {"ANALYZE TABLE t", "", "", P, Why::WriteStatement, ""},
    {"ANALYZE SELECT * FROM t", "", "", P, Why::WriteStatement, ""},
    {"OPTIMIZE TABLE t", "", "", P, Why::WriteStatement, ""},
    {"CHECK TABLE t", "", "", P, Why::WriteStatement, ""},
    {"REPAIR TABLE t", "", "", P, Why::WriteStatement, ""},
    {"FLUSH PRIVILEGES", "", "", P, Why::WriteStatement, ""},
    {"FLUSH TABLES", "", "", P, Why::WriteStatement, ""},
    {"GRANT SELECT ON db.* TO 'u'@'%'", "", "", P, Why::WriteStatement, ""},
    {"CREATE USER 'u'@'%' IDENTIFIED BY 'p'", "", "", P, Why::WriteStatement, ""},
    {"PURGE BINARY LOGS TO 'x'", "", "", P, Why::WriteStatement, ""},
    {"START SLAVE", "", "", P, Why::WriteStatement, ""},
    {"CHANGE MASTER TO MASTER_HOST='h'", "", "", P, Why::WriteStatement, ""},
    {"SHUTDOWN", "", "", P, Why::WriteStatement, ""},
    {"UPDATE t SET a = 1", "trx", "", P, Why::WriteStatement, ""},

    // EXPLAIN and DESCRIBE.
    {"EXPLAIN SELECT * FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"EXPLAIN FORMAT=JSON SELECT * FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"EXPLAIN EXTENDED SELECT 1", "", "", R, Why::ReadOnlyStatement, ""},
    {"EXPLAIN t", "", "", R, Why::ReadOnlyStatement, ""},
    {"DESCRIBE t", "", "", R, Why::ReadOnlyStatement, ""},
    {"DESC t", "", "", R, Why::ReadOnlyStatement, ""},
    {"DESCRIBE SELECT * FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"DESCRIBE ANALYZE SELECT * FROM t", "", "", P, Why::UnknownStatement, ""},
    {"DESC UPDATE t SET a = 1", "", "", P, Why::WriteStatement, ""},
    {"EXPLAIN UPDATE t SET a = 1", "", "", P, Why::WriteStatement, ""},
    {"EXPLAIN DELETE FROM t", "", "", P, Why::WriteStatement, ""},
    {"EXPLAIN ANALYZE SELECT * FROM t", "", "", P, Why::UnknownStatement, ""},
    {"EXPLAIN FOR CONNECTION 5", "", "", P, Why::UnknownStatement, ""},

    // Unknown and empty.
    {"FOO BAR", "", "", P, Why::UnknownStatement, ""},
    {"HELP 'select'", "", "", P, Why::UnknownStatement, ""},
    {"123", "", "", P, Why::UnknownStatement, ""},
    {"", "", "", P, Why::Empty, ""},
    {"   ", "", "", P, Why::Empty, ""},
    {"/* only a comment */", "", "", P, Why::Empty, ""},
    {";", "", "", P, Why::Empty, ""},

    // CALL and DO.
    {"CALL p()", "", "", P, Why::StoredProcedure, "diverged"},
    {"call db.p(1, @out)", "", "", P, Why::StoredProcedure, "diverged"},
    {"DO 1", "", "", P, Why::DoStatement, ""},
    {"DO GET_LOCK('x', 1)", "", "", P, Why::DoStatement, ""},
    {"DO SLEEP(1)", "", "", P, Why::DoStatement, ""},

    // SHOW.
    {"SHOW TABLES", "", "", R, Why::ReadOnlyStatement, ""},
    {"show databases", "", "", R, Why::ReadOnlyStatement, ""},
    {"SHOW FULL TABLES FROM db LIKE 'x%'", "", "", R, Why::ReadOnlyStatement, ""},
    {"SHOW COLUMNS FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SHOW CREATE TABLE t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SHOW INDEX FROM t", "", "", R, Why::ReadOnlyStatement, ""},
    {"SHOW TABLE STATUS", "", "", R, Why::ReadOnlyStatement, ""},
    {"SHOW VARIABLES LIKE 'sql_mode'", "", "", R, Why::ReadOnlyStatement, ""},
    {"SHOW SESSION VARIABLES", "", "", R, Why::ReadOnlyStatement, ""},
    {"SHOW GRANTS FOR CURRENT_USER()", "", "", R, Why::ReadOnlyStatement, ""},
    {"SHOW COLLATION", "", "", R, Why::ReadOnlyStatement, ""},
    {"SHOW CHARACTER SET", "", "", R, Why::ReadOnlyStatement, ""},
    {"SHOW WARNINGS", "", "", P, Why::PreviousStatementState, "previous"},
    {"SHOW ERRORS", "", "", P, Why::PreviousStatementState, "previous"},
    {"SHOW COUNT(*) WARNINGS", "", "", P, Why::PreviousStatementState, "previous"},
    {"SHOW MASTER STATUS", "", "", P, Why::ServerState, ""},
    {"SHOW BINLOG STATUS", "", "", P, Why::ServerState, ""},
    {"SHOW SLAVE STATUS", "", "", P, Why::ServerState, ""},
    {"SHOW ALL SLAVES STATUS", "", "", P, Why::ServerState, ""},
    {"SHOW PROCESSLIST", "", "", P, Why::ServerState, ""},
    {"SHOW FULL PROCESSLIST", "", "", P, Why::ServerState, ""},
    {"SHOW GLOBAL STATUS", "", "", P, Why::ServerState, ""},
    {"SHOW ENGINE INNODB STATUS", "", "", P, Why::ServerState, ""},
    {"SHOW FOO", "", "", P, Why::UnknownStatement, ""},
    {"SHOW TABLES", "trx", "", P, Why::InTransaction, ""},

    // SET: session commands, replayable or not.
    {"SET NAMES utf8mb4", "", "", A, Why::SessionCommand, "session,lexing"},
    {"SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci", "", "", A, Why::SessionCommand, "session,lexing"},
    {"SET CHARACTER SET utf8", "", "", A, Why::SessionCommand, "session,lexing"},
    {"SET CHARSET utf8", "", "", A, Why::SessionCommand, "session,lexing"},
    {"SET @v = 1", "", "", A, Why::SessionCommand, "session"},
    {"SET @v := 'a', @w = @v", "", "", A, Why::SessionCommand, "session"},
    {"SET @v = 1", "diverged", "", A, Why::SessionCommand, "session"},
    {"SET @v = 1", "trx", "", A, Why::SessionCommand, "session"},
    {"SET @w = @v", "diverged", "", P, Why::NonReplayableSet, "diverged"},
    {"SET @v := (SELECT MAX(id) FROM t)", "", "", P, Why::NonReplayableSet, "diverged"},
    {"SET @v = NOW()", "", "", P, Why::NonReplayableSet, "diverged"},
    {"SET @v = CURRENT_TIMESTAMP", "", "", P, Why::NonReplayableSet, "diverged"},
    {"SET @id = LAST_INSERT_ID()", "", "", P, Why::NonReplayableSet, "diverged"},
    {"SET @x = @@server_id", "", "", P, Why::NonReplayableSet, "diverged"},
    {"SET @l = GET_LOCK('x', 1)", "", "", P, Why::NonReplayableSet, "diverged"},
    {"SET @f = my_func()", "", "", P, Why::NonReplayableSet, "diverged"},
    {"SET @f = my_func()", "", "sf", P, Why::NonReplayableSet, "diverged"},
    {"SET sql_mode = 'STRICT_ALL_TABLES'", "", "", A, Why::SessionCommand, "session,lexing"},
    {"SET @@session.character_set_client = gbk", "", "", A, Why::SessionCommand, "session,lexing"},
    {"SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_ZERO_DATE')", "", "", A, Why::SessionCommand, "session,lexing"},
    {"SET @@session.time_zone = '+00:00'", "", "", A, Why::SessionCommand, "session"},
    {"SET LOCAL wait_timeout = 60", "", "", A, Why::SessionCommand, "session"},
    {"SET sql_log_bin = 0", "", "", A, Why::SessionCommand, "session"},
    {"SET time_zone = (SELECT tz FROM t LIMIT 1)", "", "", P, Why::NonReplayableSet, "pin"},
    {"SET @a = NOW(), time_zone = '+00:00'", "", "", P, Why::NonReplayableSet, "diverged,pin"},
    {"SET GLOBAL max_connections = 100", "", "", P, Why::GlobalState, ""},
    {"SET @@global.max_connections = 100", "", "", P, Why::GlobalState, ""},
    {"SET PERSIST max_connections = 100", "", "", P, Why::GlobalState, ""},
    {"SET @@persist.max_connections = 100", "", "", P, Why::GlobalState, ""},
    {"SET GLOBAL x = 1, @v = 2", "", "", P, Why::GlobalState, "diverged"},
    {"SET autocommit = 0", "", "", A, Why::SessionCommand, "session,autocommit=0"},
    {"SET autocommit=1", "", "", A, Why::SessionCommand, "session,autocommit=1"},
    {"SET autocommit = 1", "trx", "", A, Why::SessionCommand, "session,autocommit=1,end"},
    {"set @@autocommit = OFF", "", "", A, Why::SessionCommand, "session,autocommit=0"},
    {"SET SESSION autocommit = ON", "", "", A, Why::SessionCommand, "session,autocommit=1"},
    {"SET autocommit = @x", "", "", A, Why::SessionCommand, "session"},
    {"SET TRANSACTION ISOLATION LEVEL READ COMMITTED", "", "", P, Why::TransactionControl, ""},
    {"SET TRANSACTION READ ONLY", "", "", P, Why::TransactionControl, ""},
    {"SET SESSION TRANSACTION READ ONLY", "", "", A, Why::SessionCommand, "session"},
    {"SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE", "", "", A, Why::SessionCommand, "session"},
    {"SET GLOBAL TRANSACTION ISOLATION LEVEL SERIALIZABLE", "", "", P, Why::GlobalState, ""},
    {"SET PASSWORD = PASSWORD('x')", "", "", P, Why::WriteStatement, ""},
    {"SET ROLE r1", "", "", A, Why::SessionCommand, "session"},
    {"SET DEFAULT ROLE r1 FOR u", "", "", P, Why::WriteStatement, ""},
    {"SET STATEMENT max_statement_time = 1 FOR SELECT 1", "", "", P, Why::UnknownStatement, ""},
    {"SET", "", "", P, Why::UnknownStatement, ""},
    {"SET x", "", "", P, Why::UnknownStatement, ""},
    {"/*!40101 SET NAMES utf8 */", "v101106", "", A, Why::SessionCommand, "session,lexing"},
    {"/*!40101 SET NAMES utf8 */", "", "", P, Why::Unparseable, "pin"},
    {"/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */", "v101106", "", A, Why::SessionCommand, "session,lexing"},
    {"/*M! SET NAMES utf8 */", "v101106", "", A, Why::SessionCommand, "session,lexing"},
    {"/*M! SET NAMES utf8 */", "", "", P, Why::Unparseable, "pin"},

    // USE.
    {"USE db", "", "", A, Why::SessionCommand, "session,use:db"},
    {"use `my db`", "", "", A, Why::SessionCommand, "session,use:my db"},
    {"USE", "", "", P, Why::UnknownStatement, ""},

    // Transactions: explicit control, and the session's state from the server's status flags.
    {"BEGIN", "", "", P, Why::TransactionControl, "begin"},
    {"begin work", "", "", P, Why::TransactionControl, "begin"},
    {"START TRANSACTION", "", "", P, Why::TransactionControl, "begin"},
    {"START TRANSACTION READ ONLY", "", "", P, Why::TransactionControl, "begin,read_only"},
    {"START TRANSACTION READ WRITE", "", "", P, Why::TransactionControl, "begin"},
    {"START TRANSACTION WITH CONSISTENT SNAPSHOT", "", "", P, Why::TransactionControl, "begin"},
    {"START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", "", "", P, Why::TransactionControl, "begin,read_only"},
    {"COMMIT", "", "", P, Why::TransactionControl, "end"},
    {"COMMIT", "trx", "", P, Why::TransactionControl, "end"},
    {"COMMIT WORK", "", "", P, Why::TransactionControl, "end"},
    {"COMMIT AND CHAIN", "", "", P, Why::TransactionControl, "restart"},
    {"COMMIT AND NO CHAIN", "", "", P, Why::TransactionControl, "end"},
    {"ROLLBACK", "", "", P, Why::TransactionControl, "end"},
    {"ROLLBACK WORK", "", "", P, Why::TransactionControl, "end"},
    {"ROLLBACK TO SAVEPOINT s1", "", "", P, Why::TransactionControl, ""},
    {"ROLLBACK TO s1", "", "", P, Why::TransactionControl, ""},
    {"SAVEPOINT s1", "", "", P, Why::TransactionControl, ""},
    {"RELEASE SAVEPOINT s1", "", "", P, Why::TransactionControl, ""},
    {"BEGIN NOT ATOMIC SELECT 1; END", "", "", P, Why::MultiStatement, ""},
    {"SELECT 1", "trx", "", P, Why::InTransaction, ""},
    {"SELECT 1", "ac0", "", P, Why::AutocommitOff, ""},
    {"SELECT * FROM t", "trx,ro", "", P, Why::InTransaction, ""},

    // XA.
    {"XA START 'x'", "", "", P, Why::TransactionControl, "begin"},
    {"XA BEGIN 'x'", "", "", P, Why::TransactionControl, "begin"},
    {"XA END 'x'", "", "", P, Why::TransactionControl, ""},
    {"XA PREPARE 'x'", "", "", P, Why::TransactionControl, ""},
    {"XA COMMIT 'x'", "", "", P, Why::TransactionControl, "end"},
    {"XA ROLLBACK 'x'", "", "", P, Why::TransactionControl, "end"},
    {"XA RECOVER", "", "", P, Why::TransactionControl, ""},

    // LOCK TABLES.
    {"LOCK TABLES t READ", "", "", P, Why::LockTables, "locks"},
    {"LOCK TABLE t WRITE, u READ", "", "", P, Why::LockTables, "locks"},
    {"UNLOCK TABLES", "", "", P, Why::LockTables, "unlocks"},
    {"FLUSH TABLES WITH READ LOCK", "", "", P, Why::LockTables, "locks"},
    {"FLUSH TABLES t FOR EXPORT", "", "", P, Why::LockTables, "locks"},
    {"SELECT 1", "locked", "", P, Why::LockedTables, ""},
    {"LOCK", "", "", P, Why::UnknownStatement, ""},

    // HANDLER.
    {"HANDLER t OPEN", "", "", P, Why::Handler, ""},
    {"HANDLER t READ FIRST", "", "", P, Why::Handler, ""},
    {"HANDLER t CLOSE", "", "", P, Why::Handler, ""},

    // Temporary tables.
    {"CREATE TEMPORARY TABLE t (a INT)", "", "", P, Why::TemporaryTable, "temp+:t"},
    {"CREATE TEMPORARY TABLE IF NOT EXISTS db.t (a INT)", "", "", P, Why::TemporaryTable, "temp+:db.t"},
    {"CREATE OR REPLACE TEMPORARY TABLE `t 1` AS SELECT 1", "", "", P, Why::TemporaryTable, "temp+:t 1"},
    {"CREATE TEMPORARY SEQUENCE s", "", "", P, Why::TemporaryTable, "temp+:s"},
    {"DROP TEMPORARY SEQUENCE s", "", "", P, Why::TemporaryTable, "temp-:s"},
    {"SELECT * FROM s", "temp:s", "", P, Why::TemporaryTable, ""},
    {"DROP TEMPORARY TABLE t", "", "", P, Why::TemporaryTable, "temp-:t"},
    {"DROP TEMPORARY TABLE IF EXISTS t, db.u", "", "", P, Why::TemporaryTable, "temp-:t,temp-:db.u"},
    {"DROP TABLE t", "temp:t", "", P, Why::TemporaryTable, "temp-:t"},
    {"SELECT * FROM t", "temp:t", "", P, Why::TemporaryTable, ""},
    {"select * from T", "temp:t", "", P, Why::TemporaryTable, ""},
    {"SELECT * FROM `t`", "temp:t", "", P, Why::TemporaryTable, ""},
    {"SELECT * FROM \"t\"", "temp:t", "", P, Why::TemporaryTable, ""},
    {"SELECT * FROM \"t\"", "temp:t,ansi,mode", "", P, Why::TemporaryTable, ""},
    {"SELECT * FROM db.t", "temp:db.t", "", P, Why::TemporaryTable, ""},
    {"SELECT * FROM other.t", "temp:db.t", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT * FROM db.t", "temp:t", "", P, Why::TemporaryTable, ""},
    {"SELECT * FROM real JOIN t ON real.id = t.id", "temp:t", "", P, Why::TemporaryTable, ""},
    {"SELECT * FROM u WHERE id IN (SELECT id FROM t)", "temp:t", "", P, Why::TemporaryTable, ""},
    {"SELECT * FROM tt", "temp:t", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 't' FROM u", "temp:t", "", R, Why::ReadOnlyStatement, ""},
    {"SHOW CREATE TABLE tmp", "temp:tmp", "", P, Why::TemporaryTable, ""},
    {"SHOW COLUMNS FROM tmp", "temp:tmp", "", P, Why::TemporaryTable, ""},
    {"INSERT INTO t VALUES (1)", "temp:t", "", P, Why::WriteStatement, ""},
    {"RENAME TABLE t TO u", "temp:t", "", P, Why::TemporaryTable, "temp-:t,temp+:u"},
    {"ALTER TABLE t RENAME TO u", "temp:t", "", P, Why::TemporaryTable, "pin"},
    {"SET @c = (SELECT COUNT(*) FROM t)", "temp:t", "", P, Why::NonReplayableSet, "diverged"},

    // Multi-statements: a replica only when every statement is a plain read.
    {"SELECT 1; SELECT 2", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 1 ; SELECT 'a;b'", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 1; SELECT 2", "", "nomulti", P, Why::MultiStatement, ""},
    {"SELECT 1; SELECT 2", "trx", "", P, Why::InTransaction, ""},
    {"SELECT 1; UPDATE t SET a = 1", "", "", P, Why::MultiStatement, ""},
    {"UPDATE t SET a = 1; SELECT 1", "", "", P, Why::MultiStatement, ""},
    {"SELECT 1; SELECT 2 FOR UPDATE", "", "", P, Why::MultiStatement, ""},
    {"SET @a = 1; SELECT @a", "", "", P, Why::MultiStatement, "pin"},
    {"USE db; SELECT 1", "", "", P, Why::MultiStatement, "use:db,pin"},
    {"SET autocommit = 1; SET NAMES utf8mb4", "", "", A, Why::SessionCommand, "session,autocommit=1,lexing"},
    {"SET NAMES utf8mb4; SET autocommit = 1", "", "", P, Why::MultiStatement, "autocommit=1,pin,lexing"},
    {"SET NAMES gbk; SET @a = 'x\xbf\\'; UPDATE t SET a = 1; -- '", "", "", P, Why::MultiStatement, "pin,lexing"},
    {"SET sql_mode = 'NO_BACKSLASH_ESCAPES'; SET @a = '\\'; UPDATE t SET a = 1; -- '", "", "", P, Why::MultiStatement, "pin,lexing"},
    {"USE db; SET @a = 1;", "", "", A, Why::SessionCommand, "session,use:db"},
    {"SET NAMES utf8mb4; SET @t = NOW()", "", "", P, Why::MultiStatement, "diverged,pin,lexing"},
    {"BEGIN; UPDATE t SET a = 1; COMMIT", "", "", P, Why::MultiStatement, "end"},
    {"CREATE TEMPORARY TABLE t (a INT); SELECT * FROM t", "", "", P, Why::MultiStatement, "temp+:t"},
    {"SELECT 1; /* weir:primary */ SELECT 2", "", "", P, Why::RoutingHint, ""},

    // The routing hint.
    {"/* weir:primary */ SELECT 1", "", "", P, Why::RoutingHint, ""},
    {"-- weir:primary\nSELECT 1", "", "", P, Why::RoutingHint, ""},
    {"# weir:primary\nSELECT 1", "", "", P, Why::RoutingHint, ""},
    {"/*weir:primary*/SELECT 1", "", "", P, Why::RoutingHint, ""},
    {"SELECT 1 /* weir:primary */", "", "", P, Why::RoutingHint, ""},
    {"SELECT '/* weir:primary */'", "", "", R, Why::ReadOnlyStatement, ""},
    {"/* weir:replica */ SELECT 1", "", "", R, Why::ReadOnlyStatement, ""},
    {"/* weir:primary */ SET @v = 1", "", "", A, Why::SessionCommand, "session"},
    {"/* weir:primary */ UPDATE t SET a = 1", "", "", P, Why::WriteStatement, ""},

    // SQL-level prepared statements and KILL.
    {"PREPARE s FROM 'SELECT 1'", "", "", P, Why::SqlPreparedStatement, "prepare"},
    {"EXECUTE s", "", "", P, Why::SqlPreparedStatement, "diverged,execute"},
    {"EXECUTE s USING @a", "", "", P, Why::SqlPreparedStatement, "diverged,execute"},
    {"EXECUTE IMMEDIATE 'SELECT 1'", "", "", P, Why::SqlPreparedStatement, "diverged,execute"},
    {"DEALLOCATE PREPARE s", "", "", P, Why::SqlPreparedStatement, "dealloc"},
    {"DROP PREPARE s", "", "", P, Why::SqlPreparedStatement, "dealloc"},
    {"KILL 42", "", "", P, Why::Kill, "kill"},
    {"KILL QUERY 42", "", "", P, Why::Kill, "kill"},
    {"KILL CONNECTION 42", "", "", P, Why::Kill, "kill"},

    // Text that cannot be proven read-safe.
    {"SELECT 'unterminated", "", "", P, Why::Unparseable, ""},
    {"SELECT \"unterminated", "", "", P, Why::Unparseable, ""},
    {"SELECT `unterminated", "", "", P, Why::Unparseable, ""},
    {"SELECT 1 /* unterminated", "", "", P, Why::Unparseable, ""},
    {"SELECT 1 /*! unterminated", "", "", P, Why::Unparseable, ""},
    {"SELECT 'a\\'", "", "", P, Why::Unparseable, ""},
    {"SELECT 'a\\'", "nbe", "", R, Why::ReadOnlyStatement, ""},
    {"SET @v = 'unterminated", "", "", P, Why::Unparseable, ""},
    {"SELECT \"a\\\" FOR UPDATE -- \"", "", "", P, Why::Unparseable, ""},
    {"SELECT \"a\\\" FOR UPDATE -- \"", "mode", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT \"a\\\" FOR UPDATE -- \"", "mode,ansi", "", P, Why::LockingRead, ""},
    {"SELECT 'x\xbf\\' FOR UPDATE -- '", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 'x\xbf\\' FOR UPDATE -- '", "mbcs", "", P, Why::Unparseable, ""},
    {"SELECT 'x\xbf\\' FOR UPDATE -- '", "mbcs,nbe", "", P, Why::LockingRead, ""},
    {"SELECT 'caf\xc3\xa9' FROM t", "mbcs", "", R, Why::ReadOnlyStatement, ""},
    // A character whose second byte is a backtick or ']' (big5 0xa1 0x60) ends where weir would not.
    {"SELECT `a\xa1` FROM t; DELETE FROM t; -- `", "mbcs", "", P, Why::Unparseable, ""},
    {"SELECT a\xa1`b FROM t; DELETE FROM t; -- `", "mbcs", "", P, Why::Unparseable, ""},
    {"SELECT [a\xa1] FROM t; DELETE FROM t; -- ]", "mbcs,mode,ansi,mssql", "", P, Why::Unparseable, ""},
    // Where MariaDB 10.11 reads comments, identifiers and bytes otherwise than a naive lexer (issue 15);
    // each text was a hidden write on a replica.
    {"SELECT 1 /*!99999 /* */ '*/; DELETE FROM t; -- '", "v101106", "", P, Why::MultiStatement, ""},
    {"SELECT 1 /*!99999 /* */ '*/; DELETE FROM t; -- '", "", "", P, Why::Unparseable, ""},
    {"SELECT 1 /*M!50800 , 2 */", "v101106", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 1 /*M!50800 FOR UPDATE */", "v101106", "", P, Why::LockingRead, ""},
    {"SELECT 1 --\x7f '\n; DELETE FROM t; -- '", "", "", P, Why::Unparseable, ""},
    {"SELECT 1 --\xa0 '\n; DELETE FROM t; -- '", "", "", P, Why::Unparseable, ""},
    {"SELECT 1 --\x01 '\n; DELETE FROM t", "", "", P, Why::MultiStatement, ""},
    {"SELECT 1 --\x0b x\n", "", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 1 FOR\xa0UPDATE", "", "", P, Why::Unparseable, ""},
    {"SELECT @`a\\`; DELETE FROM t; -- `", "", "", P, Why::MultiStatement, ""},
    {"SELECT @\"a\\\"; DELETE FROM t; -- \"", "mode,ansi", "", P, Why::MultiStatement, ""},
    {"SELECT @\"a\\\"; DELETE FROM t; -- \"", "", "", P, Why::Unparseable, ""},
    {"SELECT 1 AS [a']; DELETE FROM t; -- '", "mode,ansi,mssql", "", P, Why::MultiStatement, ""},
    {"SELECT 1 AS [a']; DELETE FROM t; -- '", "", "", P, Why::Unparseable, ""},
    // Outside MSSQL mode '[' is a syntax error for the server: nothing runs.
    {"SELECT 1 AS [a']; DELETE FROM t; -- '", "mode", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT 1 AS [a]]b], [c]", "mode,ansi,mssql", "", R, Why::ReadOnlyStatement, ""},
    {"SELECT a[1] FROM t", "mode", "", R, Why::ReadOnlyStatement, ""},
    {"/*! SELECT 1; SELECT 2 */* ' */ 3; DELETE FROM t; -- '", "", "", P, Why::Unparseable, ""},
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
