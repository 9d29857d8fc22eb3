#include <gtest/gtest.h>

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

TEST(PreparedStatementMap, TypesFollowTheStatementAcrossConnections) {
  PreparedStatementMap map;
  map.add(7, "SELECT ?", {}, 1, 1);
  auto* s = map.find(7);
  ASSERT_NE(s, nullptr);
  ASSERT_NE(PreparedStatementMap::on(*s, 1), nullptr);
  EXPECT_EQ(PreparedStatementMap::on(*s, 1)->backend_id, 7U);
  // First execution with types on the replica connection 2 (prepared there as 3).
  s->prepared.push_back({2, 3, 0});
  PreparedStatementMap::note_types(*s, Buffer{0x03, 0x00});
  EXPECT_EQ(PreparedStatementMap::types_to_add(*s, *PreparedStatementMap::on(*s, 2), true), nullptr);
  // Next one without types goes to the primary, which has never seen them: they are added.
  const auto* add = PreparedStatementMap::types_to_add(*s, *PreparedStatementMap::on(*s, 1), false);
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(*add, (Buffer{0x03, 0x00}));
  // Both have the latest now.
  EXPECT_EQ(PreparedStatementMap::types_to_add(*s, *PreparedStatementMap::on(*s, 1), false), nullptr);
  EXPECT_EQ(PreparedStatementMap::types_to_add(*s, *PreparedStatementMap::on(*s, 2), false), nullptr);
  // New types on the primary: the replica connection is behind again.
  PreparedStatementMap::note_types(*s, Buffer{0x08, 0x00});
  EXPECT_EQ(PreparedStatementMap::types_to_add(*s, *PreparedStatementMap::on(*s, 1), true), nullptr);
  add = PreparedStatementMap::types_to_add(*s, *PreparedStatementMap::on(*s, 2), false);
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(*add, (Buffer{0x08, 0x00}));
}

TEST(PreparedStatementMap, ForgetLinkAndRemove) {
  PreparedStatementMap map;
  map.add(7, "SELECT 1", {}, 0, 1);
  map.add(8, "SELECT 2", {}, 0, 1);
  map.find(7)->prepared.push_back({2, 5, 0});
  map.forget_link(2);
  EXPECT_EQ(PreparedStatementMap::on(*map.find(7), 2), nullptr);
  EXPECT_NE(PreparedStatementMap::on(*map.find(7), 1), nullptr);
  map.remove(7);
  EXPECT_EQ(map.find(7), nullptr);
  EXPECT_EQ(map.size(), 1U);
  map.clear();
  EXPECT_EQ(map.size(), 0U);
}

}  // namespace
}  // namespace weir::session
