#include "backend/prepared_statements.hpp"

#include <gtest/gtest.h>

namespace weir::backend {
namespace {

TEST(PreparedStatements, FindsAStatementByItsTextInTheScopeItWasPreparedIn) {
  PreparedStatements cache;
  std::vector<std::uint32_t> to_close;
  cache.add("SELECT c FROM t WHERE id=?", "db1", 5, to_close);
  EXPECT_TRUE(to_close.empty());
  ASSERT_NE(cache.find("SELECT c FROM t WHERE id=?", "db1"), nullptr);
  EXPECT_EQ(cache.find("SELECT c FROM t WHERE id=?", "db1")->id, 5U);
  // Another database (or sql_mode, ...) resolves the same text differently: not shared.
  EXPECT_EQ(cache.find("SELECT c FROM t WHERE id=?", "db2"), nullptr);
  EXPECT_EQ(cache.find("SELECT c FROM t WHERE id = ?", "db1"), nullptr);
  // Both can live side by side.
  cache.add("SELECT c FROM t WHERE id=?", "db2", 6, to_close);
  EXPECT_TRUE(to_close.empty());
  EXPECT_EQ(cache.find("SELECT c FROM t WHERE id=?", "db1")->id, 5U);
  EXPECT_EQ(cache.find("SELECT c FROM t WHERE id=?", "db2")->id, 6U);
  EXPECT_EQ(cache.text_of(6), "SELECT c FROM t WHERE id=?");
  EXPECT_EQ(cache.text_of(7), "");
}

TEST(PreparedStatements, PreparingTheSameTextAgainClosesTheEarlierStatement) {
  PreparedStatements cache;
  std::vector<std::uint32_t> to_close;
  cache.add("SELECT 1", "", 1, to_close);
  cache.find("SELECT 1", "")->types = {0x03, 0x00};
  cache.add("SELECT 1", "", 2, to_close);
  EXPECT_EQ(to_close, (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(cache.find("SELECT 1", "")->id, 2U);
  EXPECT_TRUE(cache.find("SELECT 1", "")->types.empty()) << "the new statement has been sent no types";
  EXPECT_EQ(cache.size(), 1U);
}

TEST(PreparedStatements, OverCapacityTheLeastRecentlyUsedIsClosed) {
  PreparedStatements cache(3);
  std::vector<std::uint32_t> to_close;
  cache.add("a", "", 1, to_close);
  cache.add("b", "", 2, to_close);
  cache.add("c", "", 3, to_close);
  ASSERT_NE(cache.find("a", ""), nullptr);  // b is now the least recently used
  cache.add("d", "", 4, to_close);
  EXPECT_EQ(to_close, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(cache.find("b", ""), nullptr);
  EXPECT_NE(cache.find("a", ""), nullptr);
  EXPECT_EQ(cache.size(), 3U);
}

// A statement with a cursor open or long data waiting is its holder's alone: another of the same
// text gets (or is prepared as) another server statement, and it is neither replaced nor evicted.
TEST(PreparedStatements, AHeldStatementServesOnlyItsHolderUntilReleased) {
  PreparedStatements cache(2);
  std::vector<std::uint32_t> to_close;
  PreparedStatements::hold(cache.add("SELECT 1", "", 1, to_close), 101);
  EXPECT_EQ(cache.find("SELECT 1", "", 101)->id, 1U);
  EXPECT_EQ(cache.find("SELECT 1", "", 102), nullptr) << "another statement must prepare its own";
  EXPECT_EQ(cache.find("SELECT 1", ""), nullptr);
  // Preparing the text again adds a second server statement beside the held one.
  cache.add("SELECT 1", "", 2, to_close);
  EXPECT_TRUE(to_close.empty());
  EXPECT_EQ(cache.find("SELECT 1", "", 102)->id, 2U);
  EXPECT_EQ(cache.find("SELECT 1", "", 101)->id, 1U) << "the holder keeps its own";
  // Over capacity, only what nobody holds is evicted: statement 2, not the held 1.
  cache.add("SELECT 2", "", 3, to_close);
  EXPECT_EQ(to_close, (std::vector<std::uint32_t>{2}));
  to_close.clear();
  EXPECT_EQ(cache.find("SELECT 1", "", 101)->id, 1U);
  // Released, it is anyone's again (and a new prepare of the text replaces it).
  cache.release(101);
  EXPECT_EQ(cache.find("SELECT 1", "", 102)->id, 1U);
  cache.add("SELECT 1", "", 4, to_close);
  EXPECT_EQ(to_close, (std::vector<std::uint32_t>{1}));
  // remove() takes the holder's own when it holds one.
  to_close.clear();
  PreparedStatements::hold(*cache.find("SELECT 1", "", 101), 101);
  cache.add("SELECT 1", "", 5, to_close);
  EXPECT_EQ(cache.remove("SELECT 1", "", 101), 4U);
  EXPECT_EQ(cache.remove("SELECT 1", "", 101), 5U);
}

TEST(PreparedStatements, RemoveAndClear) {
  PreparedStatements cache;
  std::vector<std::uint32_t> to_close;
  cache.add("a", "s", 1, to_close);
  cache.add("b", "s", 2, to_close);
  EXPECT_EQ(cache.remove("a", "other"), 0U);
  EXPECT_EQ(cache.remove("a", "s"), 1U);
  EXPECT_EQ(cache.remove("a", "s"), 0U);
  EXPECT_EQ(cache.size(), 1U);
  EXPECT_EQ(cache.text_of(2), "b");
  cache.clear();
  EXPECT_EQ(cache.size(), 0U);
  EXPECT_EQ(cache.find("b", "s"), nullptr);
}

}  // namespace
}  // namespace weir::backend
