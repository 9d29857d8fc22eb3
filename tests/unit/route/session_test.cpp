#include "weir/route/classify.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace weir::route {
namespace {

namespace st = protocol::status;

TEST(ApplyStatusFlags, TransactionStateComesFromTheServer) {
  SessionView s;
  apply_status_flags(s, st::kAutocommit);
  EXPECT_FALSE(s.in_transaction);
  EXPECT_TRUE(s.autocommit);
  apply_status_flags(s, st::kInTrans | st::kAutocommit | st::kInTransReadonly);
  EXPECT_TRUE(s.in_transaction);
  EXPECT_TRUE(s.read_only_transaction);
  EXPECT_EQ(classify("SELECT 1", {}, s).reason, Reason::in_transaction);
  apply_status_flags(s, 0);
  EXPECT_FALSE(s.in_transaction);
  EXPECT_FALSE(s.autocommit);
  EXPECT_EQ(classify("SELECT 1", {}, s).reason, Reason::autocommit_off);
  apply_status_flags(s, st::kAutocommit | st::kNoBackslashEscapes);
  EXPECT_TRUE(s.no_backslash_escapes);
  EXPECT_EQ(classify("SELECT 'a\\'", {}, s).target, Target::replica);
}

// A transaction started by a statement weir did not parse as one (here a stored procedure) is
// still seen: the server's status flags say so, and the next read stays on the primary.
TEST(ApplyStatusFlags, TransactionOpenedInsideAProcedure) {
  SessionView s;
  EXPECT_EQ(classify("CALL open_trx()", {}, s).effects.transaction, TransactionChange::none);
  apply_status_flags(s, st::kInTrans | st::kAutocommit);
  EXPECT_EQ(classify("SELECT * FROM t", {}, s).target, Target::primary);
}

TEST(Names, EveryReasonAndTargetHasAName) {
  for (int r = 0; r <= static_cast<int>(Reason::server_state); ++r) {
    EXPECT_NE(to_string(static_cast<Reason>(r)), "?") << r;
  }
  EXPECT_EQ(to_string(Target::all_session_connections), "all");
}

// The hard guarantee as a property: a statement that contains any of these pieces (as SQL, not
// inside a string or comment) never reaches a replica, whatever surrounds it.
TEST(Guarantee, UnsafePiecesNeverReachAReplica) {
  const std::vector<std::string> safe = {"a",
                                         "1",
                                         "FROM t",
                                         "WHERE b = 1",
                                         "'FOR UPDATE'",
                                         "/* UPDATE */",
                                         "`delete`",
                                         "COUNT(*)",
                                         ",",
                                         "(SELECT 2)",
                                         "-- x FOR UPDATE\n",
                                         "NOW()",
                                         "\"GET_LOCK(1)\"",
                                         "#c INTO @v\n",
                                         "AS x",
                                         "UNION SELECT 3",
                                         "/*+ hint */",
                                         "@v",
                                         "@@version",
                                         "'it''s'",
                                         "'a\\'b'",
                                         "ORDER BY 1",
                                         "LIMIT 1"};
  const std::vector<std::string> unsafe = {"FOR UPDATE",
                                           "FOR SHARE",
                                           "LOCK IN SHARE MODE",
                                           "GET_LOCK('x', 1)",
                                           "RELEASE_LOCK('x')",
                                           "INTO @v",
                                           "INTO OUTFILE '/tmp/f'",
                                           "@v := 1",
                                           "NEXT VALUE FOR s",
                                           "NEXTVAL(s)",
                                           "SETVAL(s, 1)",
                                           "LAST_INSERT_ID()",
                                           "f(1)",
                                           "db.f(1)",
                                           "/*! FOR UPDATE */",
                                           "/*!50000 GET_LOCK('x', 1) */",
                                           "; UPDATE t SET a = 1",
                                           "UPDATE",
                                           "DELETE",
                                           "; INSERT INTO t VALUES (1)",
                                           "'unterminated",
                                           "/* unterminated",
                                           "; CALL p()",
                                           "; SET @a = 1",
                                           "@@last_insert_id",
                                           "; DO 1"};
  std::mt19937 rng(12345);  // fixed seed: the test is the same every run
  for (int i = 0; i < 4000; ++i) {
    std::string sql = "SELECT";
    const int n = static_cast<int>(rng() % 6);
    for (int j = 0; j < n; ++j) sql += " " + safe[rng() % safe.size()];
    const std::string& bad = unsafe[rng() % unsafe.size()];
    sql += " " + bad;
    const int m = static_cast<int>(rng() % 4);
    for (int j = 0; j < m && bad.front() != '\'' && bad.front() != '/'; ++j) sql += " " + safe[rng() % safe.size()];
    const Classification c = classify(sql, {}, {});
    ASSERT_NE(c.target, Target::replica) << sql;
  }
}

// Arbitrary bytes: no crash, no read past the end (run under ASan/UBSan in CI), and anything that
// reaches a replica is reported as a plain read.
TEST(Guarantee, RandomBytesAreHandled) {
  const std::string alphabet = "SELECT FROM UPDATE ()'\"`/*!-#@:=;,.\\ \n\t01aZ?";
  std::mt19937 rng(6789);
  for (int i = 0; i < 20000; ++i) {
    std::string sql;
    const int n = static_cast<int>(rng() % 40);
    for (int j = 0; j < n; ++j) {
      sql += (rng() % 8 == 0) ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
    }
    const Classification c = classify(sql, {}, {});
    if (c.target == Target::replica) {
      ASSERT_EQ(c.reason, Reason::read_only_statement) << sql;
    }
  }
}

}  // namespace
}  // namespace weir::route
