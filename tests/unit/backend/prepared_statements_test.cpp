#include "backend/prepared_statements.hpp"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <random>
#include <string>

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
  cache.hold(cache.add("SELECT 1", "", 1, to_close), 101);
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
  cache.hold(*cache.find("SELECT 1", "", 101), 101);
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

TEST(PreparedStatements, ARememberedAnswerIsReusedUntilTheCacheChanges) {
  PreparedStatements cache;
  std::vector<std::uint32_t> to_close;
  cache.add("SELECT 1", "", 1, to_close);
  PreparedStatements::Remembered remembered;
  PreparedStatements::Entry* first = cache.find("SELECT 1", "", 0, remembered);
  ASSERT_NE(first, nullptr);
  // Answered from memory: even a text it no longer asks about gets the remembered statement,
  // which is why a client statement keeps its own memory.
  EXPECT_EQ(cache.find("not looked up", "", 0, remembered), first);
  cache.add("SELECT 2", "", 2, to_close);  // a change: looked up again
  EXPECT_EQ(cache.find("not looked up", "", 0, remembered), nullptr);
  EXPECT_EQ(cache.find("SELECT 1", "", 0, remembered)->id, 1U);
  // Another cache made where this one was (same address) does not answer from it.
  std::optional<PreparedStatements> other(std::in_place);
  PreparedStatements::Remembered in_other;
  other->add("SELECT 1", "", 7, to_close);
  ASSERT_EQ(other->find("SELECT 1", "", 0, in_other)->id, 7U);
  other.reset();
  other.emplace();
  EXPECT_EQ(other->find("SELECT 1", "", 0, in_other), nullptr);
}

// Generated operations on a cache looked up with memories and on a twin looked up without: every
// answer is the same statement (the same server id), whatever happened between.
TEST(PreparedStatements, RememberedAnswersMatchFreshLookupsUnderGeneratedOperations) {
  const std::array<std::string, 4> texts{"SELECT 1", "SELECT 2", "SELECT 3", "SELECT 4"};
  const std::array<std::string, 2> scopes{"", "db"};
  const std::array<std::uint64_t, 3> holders{0, 11, 12};
  for (std::uint32_t seed = 1; seed <= 200; ++seed) {
    std::mt19937 random(seed);
    auto pick = [&random](std::size_t n) { return static_cast<std::size_t>(random() % n); };
    std::optional<PreparedStatements> remembering(std::in_place, 3);
    std::optional<PreparedStatements> plain(std::in_place, 3);
    // One memory per client statement: (text, scope, holder).
    std::array<PreparedStatements::Remembered, texts.size() * scopes.size() * holders.size()> memories{};
    std::uint32_t next_id = 1;
    std::vector<std::uint32_t> closed_a;
    std::vector<std::uint32_t> closed_b;
    for (int step = 0; step < 300; ++step) {
      const std::size_t t = pick(texts.size());
      const std::size_t s = pick(scopes.size());
      const std::size_t h = pick(holders.size());
      const std::uint64_t holder = holders[h];
      switch (pick(10)) {
        case 0: {
          const std::uint32_t id = next_id++;
          closed_a.clear();
          closed_b.clear();
          remembering->add(texts[t], scopes[s], id, closed_a);
          plain->add(texts[t], scopes[s], id, closed_b);
          ASSERT_EQ(closed_a, closed_b) << "seed " << seed << " step " << step;
          break;
        }
        case 1:
          if (holder != 0) {
            auto* a = remembering->find(texts[t], scopes[s], holder);
            auto* b = plain->find(texts[t], scopes[s], holder);
            ASSERT_EQ(a == nullptr, b == nullptr);
            if (a != nullptr) {
              remembering->hold(*a, holder);
              plain->hold(*b, holder);
            }
          }
          break;
        case 2:
          remembering->release(holder);
          plain->release(holder);
          break;
        case 3:
          ASSERT_EQ(remembering->remove(texts[t], scopes[s], holder), plain->remove(texts[t], scopes[s], holder));
          break;
        case 4:
          if (pick(8) == 0) {  // the connection reset, or a new connection in its place
            if (pick(2) == 0) {
              remembering->clear();
              plain->clear();
            } else {
              remembering.reset();
              remembering.emplace(3);
              plain.reset();
              plain.emplace(3);
            }
          }
          break;
        default: {
          auto& memory = memories[(t * scopes.size() + s) * holders.size() + h];
          const auto* a = remembering->find(texts[t], scopes[s], holder, memory);
          const auto* b = plain->find(texts[t], scopes[s], holder);
          ASSERT_EQ(a == nullptr, b == nullptr) << "seed " << seed << " step " << step;
          if (a != nullptr) {
            ASSERT_EQ(a->id, b->id) << "seed " << seed << " step " << step;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace weir::backend
