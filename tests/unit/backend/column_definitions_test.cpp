#include "backend/column_definitions.hpp"

#include <gtest/gtest.h>

#include <string>

#include "backend/prepared_statements.hpp"

namespace weir::backend {
namespace {

namespace proto = weir::protocol;

proto::Bytes bytes_of(const std::string& s) { return proto::as_bytes(s); }

TEST(SipHash24, MatchesTheReferenceVectors) {
  // The reference implementation's vectors: key 00 01 .. 0f, messages 00 01 .. (n-1).
  const std::uint64_t k0 = 0x0706050403020100ULL;
  const std::uint64_t k1 = 0x0f0e0d0c0b0a0908ULL;
  std::string message;
  for (int i = 0; i < 16; ++i) message.push_back(static_cast<char>(i));
  EXPECT_EQ(siphash24(k0, k1, bytes_of(message.substr(0, 0))), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(siphash24(k0, k1, bytes_of(message.substr(0, 1))), 0x74f839c593dc67fdULL);
  EXPECT_EQ(siphash24(k0, k1, bytes_of(message.substr(0, 8))), 0x93f5f5799a932462ULL);
  EXPECT_EQ(siphash24(k0, k1, bytes_of(message.substr(0, 15))), 0xa129ca6149be45e5ULL);
}

TEST(ColumnDefinitions, KeepsTheDefinitionsAndWritesThemRenumbered) {
  ColumnDefinitions columns;
  EXPECT_FALSE(columns.known());
  columns.append(bytes_of("first"));
  columns.append(bytes_of("second one"));
  EXPECT_FALSE(columns.known()) << "known only once finished";
  columns.finish();
  ASSERT_TRUE(columns.known());
  EXPECT_EQ(columns.count(), 2U);
  proto::Buffer out = {0xaa};
  EXPECT_EQ(columns.write_frames(254, out), 0) << "sequence ids count modulo 256";
  const proto::Buffer expected = {0xaa, 5,   0,   0,   254, 'f', 'i', 'r', 's', 't', 10,  0,
                                  0,    255, 's', 'e', 'c', 'o', 'n', 'd', ' ', 'o', 'n', 'e'};
  EXPECT_EQ(out, expected);
}

TEST(ColumnDefinitions, TheFingerprintTellsDifferentDefinitionsApart) {
  const auto finished = [](std::initializer_list<std::string> payloads) {
    ColumnDefinitions c;
    for (const auto& p : payloads) c.append(bytes_of(p));
    c.finish();
    return c.fingerprint();
  };
  EXPECT_EQ(finished({"a", "b"}), finished({"a", "b"}));
  EXPECT_NE(finished({"a", "b"}), finished({"b", "a"}));
  EXPECT_NE(finished({"ab"}), finished({"a", "b"})) << "where one definition ends counts";
  EXPECT_NE(finished({}), 0U) << "no columns is known too";
  EXPECT_NE(finished({}), finished({""}));
}

TEST(ColumnDefinitions, DefinitionsNotAllAtHandOrOverTheLimitAreUnknown) {
  ColumnDefinitions partial;
  partial.append(bytes_of("a"));
  partial.append(bytes_of("head of a long one"), false);
  partial.append(bytes_of("c"));
  partial.finish();
  EXPECT_FALSE(partial.known());
  EXPECT_EQ(partial.size(), 0U) << "nothing kept of them";

  ColumnDefinitions big;
  const std::string definition(64 * 1024 - 10, 'x');
  for (std::size_t i = 0; i * definition.size() < ColumnDefinitions::kMaxBytes + definition.size(); ++i) {
    big.append(bytes_of(definition));
  }
  big.finish();
  EXPECT_FALSE(big.known());
  EXPECT_EQ(big.size(), 0U);
  // Cleared, the storage serves the next.
  big.clear();
  big.append(bytes_of("a"));
  big.finish();
  EXPECT_TRUE(big.known());
}

ColumnDefinitions of_size(std::size_t bytes) {
  ColumnDefinitions c;
  const std::string definition(60 * 1024, 'd');
  for (std::size_t kept = 0; kept + definition.size() + 4 <= bytes; kept += definition.size() + 4) {
    c.append(bytes_of(definition));
  }
  c.finish();
  return c;
}

TEST(PreparedStatementColumns, ConnectionKeepsColumnsWithinItsBudgetEvictingTheLeastRecentlyUsed) {
  PreparedStatements cache;
  std::vector<std::uint32_t> to_close;
  const std::size_t each = 1U << 20;
  const std::uint32_t fit = PreparedStatements::kColumnBytes / each;  // the budget holds this many
  ASSERT_GE(fit, 3U);
  const auto give = [&cache, &to_close, each](std::uint32_t id) {
    auto& entry = cache.add("SELECT " + std::to_string(id), "", id, to_close);
    auto columns = of_size(each);
    ASSERT_TRUE(columns.known());
    cache.set_columns(entry, columns, to_close);
  };
  for (std::uint32_t id = 1; id <= fit; ++id) give(id);
  EXPECT_TRUE(to_close.empty());
  EXPECT_LE(cache.column_bytes(), PreparedStatements::kColumnBytes);
  cache.find("SELECT 1", "");                   // used: 2 is now the least recently used
  cache.hold(*cache.find("SELECT 2", ""), 77);  // held for its cursor: stays
  give(fit + 1);
  EXPECT_EQ(to_close, (std::vector<std::uint32_t>{3}));
  EXPECT_EQ(cache.find("SELECT 3", ""), nullptr);
  EXPECT_NE(cache.find("SELECT 2", "", 77), nullptr);
  EXPECT_NE(cache.find("SELECT " + std::to_string(fit + 1), ""), nullptr);
  EXPECT_LE(cache.column_bytes(), PreparedStatements::kColumnBytes);
  // Removing and clearing give their bytes back.
  cache.remove("SELECT 2", "", 77);
  EXPECT_LT(cache.column_bytes(), PreparedStatements::kColumnBytes - each);
  cache.clear();
  EXPECT_EQ(cache.column_bytes(), 0U);
}

TEST(PreparedStatementColumns, PreparingTheTextAgainForgetsTheEarlierColumns) {
  PreparedStatements cache;
  std::vector<std::uint32_t> to_close;
  auto& entry = cache.add("SELECT 1", "", 1, to_close);
  auto columns = of_size(100 * 1024);
  cache.set_columns(entry, columns, to_close);
  EXPECT_TRUE(cache.find("SELECT 1", "")->columns.known());
  cache.add("SELECT 1", "", 2, to_close);
  EXPECT_FALSE(cache.find("SELECT 1", "")->columns.known());
  EXPECT_EQ(cache.column_bytes(), 0U);
}

}  // namespace
}  // namespace weir::backend
