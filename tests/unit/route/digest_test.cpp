#include <gtest/gtest.h>

#include "weir/route/digest.hpp"

namespace weir::route {
namespace {

struct Case {
  const char* sql;
  const char* digest;
};

const Case kCases[] = {
    {"SELECT 1", "SELECT ?"},
    {"select * from t where id = 42", "select * from t where id = ?"},
    {"SELECT * FROM t WHERE id = 42 AND name IN ('a', 'b', 'c')", "SELECT * FROM t WHERE id = ? AND name IN (?...)"},
    {"SELECT * FROM t WHERE name IN ('a')", "SELECT * FROM t WHERE name IN (?)"},
    {"  SELECT   a ,b FROM  db.t  -- comment\n", "SELECT a, b FROM db.t"},
    {"/* hello */ UPDATE t SET v = 'x''y' WHERE k = 1.5e3", "UPDATE t SET v = ? WHERE k = ?"},
    {"INSERT INTO t VALUES (1, 'a'), (2, 'b')", "INSERT INTO t VALUES (?...), (?...)"},
    {"SELECT COUNT(*) FROM t", "SELECT COUNT(*) FROM t"},
    {"SELECT f(?, ?)", "SELECT f(?...)"},
    {"SELECT 'unterminated", "SELECT"},
};

class DigestTable : public ::testing::TestWithParam<Case> {};

TEST_P(DigestTable, Shape) { EXPECT_EQ(digest(GetParam().sql).text, GetParam().digest) << GetParam().sql; }

INSTANTIATE_TEST_SUITE_P(Cases, DigestTable, ::testing::ValuesIn(kCases));

TEST(Digest, SameShapeSameHash) {
  EXPECT_EQ(digest("SELECT * FROM t WHERE id = 1").hash, digest("SELECT  *  FROM t WHERE id = 'x'").hash);
  EXPECT_NE(digest("SELECT a FROM t").hash, digest("SELECT b FROM t").hash);
}

TEST(Digest, LongStatementsAreCut) {
  std::string sql = "SELECT ";
  for (int i = 0; i < 1000; ++i) sql += "column_" + std::to_string(i) + ", ";
  sql += "x FROM t";
  const auto d = digest(sql, 100);
  EXPECT_LE(d.text.size(), 103U);
  EXPECT_EQ(d.text.substr(d.text.size() - 3), "...");
}

}  // namespace
}  // namespace weir::route
