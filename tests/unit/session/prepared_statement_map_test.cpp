#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "session/prepared_statement_map.hpp"

namespace weir::session {
namespace {

using protocol::Buffer;

// COM_STMT_EXECUTE of statement 7 with two parameters: flags 0, iteration 1, null bitmap 0x00,
// then new_params_bound and (when bound) the types, then the values.
Buffer execute(bool with_types, std::uint8_t flags = 0) {
  Buffer p = {0x17, 7, 0, 0, 0, flags, 1, 0, 0, 0, 0x00};
  p.push_back(with_types ? 1 : 0);
  if (with_types) p.insert(p.end(), {0x03, 0x00, 0xfd, 0x00});  // LONG, VAR_STRING
  p.insert(p.end(), {42, 0, 0, 0, 2, 'h', 'i'});
  return p;
}

TEST(ExecuteLayout, FindsTheTypesFlagAfterTheNullBitmap) {
  const auto bound = execute(true);
  const auto layout = read_execute_layout(bound, 2);
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(layout->statement_id, 7U);
  EXPECT_EQ(layout->bound_flag_offset, 11U);
  EXPECT_TRUE(layout->types_included);
  const auto types = types_of(bound, *layout, 2);
  EXPECT_EQ(Buffer(types.begin(), types.end()), (Buffer{0x03, 0x00, 0xfd, 0x00}));

  const auto unbound = read_execute_layout(execute(false), 2);
  ASSERT_TRUE(unbound.has_value());
  EXPECT_FALSE(unbound->types_included);
}

TEST(ExecuteLayout, NoParametersNoTypes) {
  const Buffer p = {0x17, 9, 0, 0, 0, 0, 1, 0, 0, 0};
  const auto layout = read_execute_layout(p, 0);
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(layout->bound_flag_offset, 0U);
  Buffer out;
  execute_for_backend(p, *layout, 3, nullptr, out);
  EXPECT_EQ(out, (Buffer{0x17, 3, 0, 0, 0, 0, 1, 0, 0, 0}));
}

TEST(ExecuteLayout, RefusesWhatItCannotRewrite) {
  EXPECT_FALSE(read_execute_layout(Buffer{0x17, 7, 0, 0}, 0).has_value());        // truncated
  EXPECT_FALSE(read_execute_layout(Buffer{0x16, 7, 0, 0, 0, 0, 1, 0, 0, 0}, 0));  // not EXECUTE
  EXPECT_FALSE(read_execute_layout(execute(true, 0x08), 2).has_value());          // MySQL parameter count
  auto cut = execute(true);
  cut.resize(13);  // types cut short
  EXPECT_FALSE(read_execute_layout(cut, 2).has_value());
  EXPECT_FALSE(read_execute_layout(Buffer{0x17, 7, 0, 0, 0, 0, 1, 0, 0, 0, 0}, 2).has_value());  // no flag byte
}

TEST(ExecuteForBackend, RewritesTheIdAndAddsMissingTypes) {
  const auto unbound = execute(false);
  const auto layout = *read_execute_layout(unbound, 2);
  const Buffer types = {0x03, 0x00, 0xfd, 0x00};
  Buffer out;
  execute_for_backend(unbound, layout, 0x01020304, &types, out);
  auto expected = execute(true);
  expected[1] = 0x04;
  expected[2] = 0x03;
  expected[3] = 0x02;
  expected[4] = 0x01;
  EXPECT_EQ(out, expected);
  // Already carrying types: only the id changes; the buffer of the previous execution is reused.
  const auto bound = execute(true);
  const auto* storage = out.data();
  execute_for_backend(bound, *read_execute_layout(bound, 2), 0x01020304, &types, out);
  EXPECT_EQ(out, expected);
  EXPECT_EQ(out.data(), storage);
}

PreparedStatementMap::Statement statement(std::string sql, std::string scope = "0:", std::uint64_t commands = 0) {
  PreparedStatementMap::Statement s;
  s.sql = std::move(sql);
  s.scope = std::move(scope);
  s.commands = commands;
  s.params = 1;
  return s;
}

TEST(PreparedStatementMap, TypesFollowTheStatementAcrossServerStatements) {
  PreparedStatementMap map;
  const auto id = map.next_id();
  map.add(id, statement("SELECT ?"));
  auto* s = map.find(id);
  ASSERT_NE(s, nullptr);
  backend::PreparedStatements primary;
  backend::PreparedStatements replica;
  std::vector<std::uint32_t> to_close;
  auto& on_primary = primary.add("SELECT ?", "0:", 7, to_close);
  auto& on_replica = replica.add("SELECT ?", "0:", 3, to_close);
  // The first execution carries types, on the replica's statement.
  const Buffer long_type{0x03, 0x00};
  PreparedStatementMap::note_types(*s, long_type);
  EXPECT_EQ(PreparedStatementMap::types_to_add(*s, on_replica, true, long_type), nullptr);
  EXPECT_EQ(on_replica.types, long_type);
  // The next one without types goes to the primary's, which has never been sent them: added.
  const auto* add = PreparedStatementMap::types_to_add(*s, on_primary, false, {});
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(*add, long_type);
  // Both have the latest now.
  EXPECT_EQ(PreparedStatementMap::types_to_add(*s, on_primary, false, {}), nullptr);
  EXPECT_EQ(PreparedStatementMap::types_to_add(*s, on_replica, false, {}), nullptr);
  // Another session sends other types to the replica's statement (it shares it): this one's
  // next execution there carries its own again.
  on_replica.types = {0xfd, 0x00};
  add = PreparedStatementMap::types_to_add(*s, on_replica, false, {});
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(*add, long_type);
}

TEST(PreparedStatementMap, IdsAreNeverZeroNorInUse) {
  PreparedStatementMap map;
  const auto first = map.next_id();
  EXPECT_EQ(first, 1U);
  map.add(first, statement("SELECT 1"));
  const auto second = map.next_id();
  EXPECT_EQ(second, 2U);
  map.add(second, statement("SELECT 2"));
  map.remove(first);
  EXPECT_EQ(map.find(first), nullptr);
  EXPECT_NE(map.find(second), nullptr);
  EXPECT_EQ(map.size(), 1U);
  map.clear();
  EXPECT_EQ(map.size(), 0U);
}

TEST(PreparedStatementMap, SharedServerStatementsAndWhatHoldsTheConnection) {
  PreparedStatementMap map;
  map.add(1, statement("SELECT ?", "0:", 4));
  map.add(2, statement("SELECT ?", "0:", 4));
  map.add(3, statement("SELECT ?", "2:db", 4));
  EXPECT_TRUE(map.shares_server_statement(1, *map.find(1)));
  EXPECT_FALSE(map.shares_server_statement(3, *map.find(3)));
  EXPECT_FALSE(map.holds_connection(4));
  // A session command after they were prepared: they could not be prepared again in their scope.
  EXPECT_TRUE(map.holds_connection(5));
  map.find(2)->long_data = true;
  EXPECT_TRUE(map.holds_connection(4));
  map.find(2)->long_data = false;
  map.find(3)->cursor = true;
  EXPECT_TRUE(map.holds_connection(4));
}

TEST(PreparedStatementMap, LookUpsThroughTheRecentCacheAgreeWithTheMap) {
  // Generated adds, removes, clears and look-ups (ids colliding in the cache's slots, removed
  // ones, ones never added) against a plain map of what each id holds.
  std::mt19937 random(17);
  PreparedStatementMap map;
  std::map<std::uint32_t, std::string> model;
  for (int step = 0; step < 20000; ++step) {
    const auto id = static_cast<std::uint32_t>(random() % 40);
    switch (random() % 10) {
      case 0:
        if (id == 0) break;
        map.add(id, statement("SELECT " + std::to_string(step)));
        model[id] = "SELECT " + std::to_string(step);
        break;
      case 1:
        map.remove(id);
        model.erase(id);
        break;
      case 2:
        if (random() % 50 == 0) {
          map.clear();
          model.clear();
        }
        break;
      default: {
        const auto* found = map.find(id);
        const auto expected = model.find(id);
        if (expected == model.end()) {
          ASSERT_EQ(found, nullptr) << "step " << step << ", id " << id;
        } else {
          ASSERT_NE(found, nullptr) << "step " << step << ", id " << id;
          ASSERT_EQ(found->sql, expected->second) << "step " << step << ", id " << id;
        }
      }
    }
  }
  EXPECT_EQ(map.size(), model.size());
}

}  // namespace
}  // namespace weir::session
