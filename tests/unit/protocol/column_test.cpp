// Column definitions: byte tables taken from a MariaDB 10.11.19 server (see resultset_test.cpp for
// how they were recorded), parsed, serialized back, and cut at every byte.
#include "weir/protocol/column.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <optional>
#include <string>

#include "handshake_test_util.hpp"

namespace weir::protocol {
namespace {

using testing_hex::to_hex;
using testing_hex::unhex;

// Errors are compared by text: equal string literals need not share an address (sanitizer builds).
std::string describe(const std::optional<Error>& e) {
  if (!e) return "no error";
  return std::string(errc_name(e->code)) + " | " + e->field + " | " + std::to_string(e->offset);
}

constexpr CapabilityFlags kBase = cap::kProtocol41 | cap::kDeprecateEof;
constexpr CapabilityFlags kExtended = kBase | cap::kMariadbExtendedTypeInfo;

struct ColumnCase {
  const char* what;
  const char* wire;
  CapabilityFlags caps;
  bool field_list;
  ColumnDefinition expected;
};

ColumnDefinition column(std::string_view schema, std::string_view table, std::string_view name, std::uint16_t charset,
                        std::uint32_t length, ColumnType type, std::uint16_t flags, std::uint8_t decimals) {
  ColumnDefinition c;
  c.schema = schema;
  c.table = table;
  c.org_table = table;
  c.name = name;
  c.org_name = name;
  c.charset = charset;
  c.column_length = length;
  c.type = type;
  c.flags = flags;
  c.decimals = decimals;
  return c;
}

ColumnDefinition with_aliases(ColumnDefinition c, std::string_view table, std::string_view org_table,
                              std::string_view name, std::string_view org_name) {
  c.table = table;
  c.org_table = org_table;
  c.name = name;
  c.org_name = org_name;
  return c;
}

ColumnDefinition with_extended(ColumnDefinition c, std::string_view block) {
  c.extended_info = block;
  return c;
}

ColumnDefinition with_default(ColumnDefinition c, std::optional<std::string_view> value) {
  c.has_default_field = true;
  c.default_value = value;
  return c;
}

using namespace column_flag;

const ColumnCase kCases[] = {
    // SELECT 1 AS a: no table, BINARY NOT NULL LONG of length 2
    {"select 1 as a", "03646566 00 00 00 0161 00 0c 3f00 02000000 03 8100 00 0000", kBase, false,
     with_aliases(column("", "", "a", 63, 2, ColumnType::long_, kNotNull | kBinary, 0), "", "", "a", "")},
    // SELECT NULL AS b (text protocol): VAR_STRING, utf8mb4 (45), 39 decimals = "not fixed"
    {"select null as b", "03646566 00 00 00 0162 00 0c 2d00 08000000 fd 0000 27 0000", kBase, false,
     with_aliases(column("", "", "b", 45, 8, ColumnType::var_string, 0, 39), "", "", "b", "")},
    // t.types.id INT PRIMARY KEY
    {"int primary key", "03646566 0174 057479706573 057479706573 026964 026964 0c 3f00 0b000000 03 0350 00 0000", kBase,
     false,
     column("t", "types", "id", 63, 11, ColumnType::long_, kNotNull | kPrimaryKey | kNoDefaultValue | kPartKey, 0)},
    // SMALLINT UNSIGNED
    {"smallint unsigned", "03646566 0174 057479706573 057479706573 027369 027369 0c 3f00 05000000 02 2000 00 0000",
     kBase, false, column("t", "types", "si", 63, 5, ColumnType::short_, kUnsigned, 0)},
    // DECIMAL(10,2) is sent as NEWDECIMAL
    {"decimal(10,2)", "03646566 0174 057479706573 057479706573 0464656331 0464656331 0c 3f00 0c000000 f6 0000 02 0000",
     kBase, false, column("t", "types", "dec1", 63, 12, ColumnType::newdecimal, 0, 2)},
    // DATETIME(6)
    {"datetime(6)", "03646566 0174 057479706573 057479706573 0364746d 0364746d 0c 3f00 1a000000 0c 8000 06 0000", kBase,
     false, column("t", "types", "dtm", 63, 26, ColumnType::datetime, kBinary, 6)},
    // BLOB: length 65535
    {"blob", "03646566 0174 057479706573 057479706573 02626c 02626c 0c 3f00 ffff0000 fc 9000 00 0000", kBase, false,
     column("t", "types", "bl", 63, 65535, ColumnType::blob, kBlob | kBinary, 0)},
    // VARCHAR(20) utf8mb4: 80 bytes
    {"varchar(20)", "03646566 0174 057479706573 057479706573 027663 027663 0c 2d00 50000000 fd 0000 00 0000", kBase,
     false, column("t", "types", "vc", 45, 80, ColumnType::var_string, 0, 0)},
    // COM_STMT_PREPARE parameter: "?" of type NULL
    {"prepare parameter", "03646566 00 00 00 013f 00 0c 3f00 00000000 06 8000 00 0000", kBase, false,
     with_aliases(column("", "", "?", 63, 0, ColumnType::null, kBinary, 0), "", "", "?", "")},
    // MariaDB extended type info: a column without entries
    {"extended, no entries", "03646566 0174 016a 016a 026964 026964 00 0c 3f00 0b000000 03 0000 00 0000", kExtended,
     false, column("t", "j", "id", 63, 11, ColumnType::long_, 0, 0)},
    // JSON column: a LONGBLOB with format "json"
    {"extended, json format",
     "03646566 0174 016a 016a 03646f63 03646f63 06 01 046a736f6e 0c 2d00 ffffffff fc 9000 00 0000", kExtended, false,
     with_extended(column("t", "j", "doc", 45, 0xffffffff, ColumnType::blob, kBlob | kBinary, 0), "\x01\x04json")},
    // INET6 column: a STRING with type name "inet6"
    {"extended, inet6 type",
     "03646566 0174 016a 016a 0461646472 0461646472 07 00 05696e657436 0c 2d00 9c000000 fe a000 00 0000", kExtended,
     false,
     with_extended(column("t", "j", "addr", 45, 156, ColumnType::string, kUnsigned | kBinary, 0),
                   std::string_view("\x00\x05inet6", 7))},
    // COM_FIELD_LIST r: NULL default value
    {"field list, NULL default", "03646566 0174 0172 0172 0176 0176 0c 3f00 0b000000 03 0000 00 0000 fb", kBase, true,
     with_default(column("t", "r", "v", 63, 11, ColumnType::long_, 0, 0), std::nullopt)},
    // COM_FIELD_LIST with a default value "42"
    {"field list, default 42", "03646566 0174 0172 0172 0176 0176 0c 3f00 0b000000 03 0000 00 0000 023432", kBase, true,
     with_default(column("t", "r", "v", 63, 11, ColumnType::long_, 0, 0), "42")},
};

class ColumnTable : public ::testing::TestWithParam<ColumnCase> {};

TEST_P(ColumnTable, ParsesAndSerializesBack) {
  const ColumnCase& c = GetParam();
  const Buffer wire = unhex(c.wire);
  const auto parsed = parse_column_definition(wire, c.caps, {c.field_list});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, c.expected);
  Buffer out;
  serialize(*parsed, c.caps, out);
  EXPECT_EQ(to_hex(Bytes(out)), to_hex(Bytes(wire)));
}

TEST_P(ColumnTable, EveryTruncationIsAnError) {
  const ColumnCase& c = GetParam();
  const Buffer wire = unhex(c.wire);
  for (std::size_t n = 0; n < wire.size(); ++n) {
    const auto parsed = parse_column_definition(Bytes(wire).first(n), c.caps, {c.field_list});
    ASSERT_FALSE(parsed.ok()) << "prefix of " << n << " bytes";
    EXPECT_LE(parsed.error().offset, n);
  }
}

INSTANTIATE_TEST_SUITE_P(MariaDB, ColumnTable, ::testing::ValuesIn(kCases), [](const auto& param_info) {
  std::string name;
  for (const char ch : std::string_view(param_info.param.what))
    name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return name;
});

TEST(ColumnDefinition, ExtendedEntriesAreLookedUp) {
  const Buffer wire = unhex(
      "03646566 0174 016a 016a 03646f63 03646f63 0c 00 04757569 64 01 046a736f6e 0c 2d00 ffffffff fc 9000 00 0000");
  // type name "uuid" then format "json"
  const auto parsed = parse_column_definition(wire, kExtended);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->extended(ExtendedTypeKey::type_name), "uuid");
  EXPECT_EQ(parsed->extended(ExtendedTypeKey::format_name), "json");
  Buffer block;
  append_extended_info_entry(block, ExtendedTypeKey::type_name, "uuid");
  append_extended_info_entry(block, ExtendedTypeKey::format_name, "json");
  EXPECT_EQ(as_string(Bytes(block)), parsed->extended_info);
}

TEST(ColumnDefinition, WithoutTheCapabilityTheExtendedBlockIsNotRead) {
  // The same bytes as "extended, json format": without MARIADB_CLIENT_EXTENDED_TYPE_INFO the block
  // is taken for the fixed-fields length and rejected.
  const Buffer wire =
      unhex("03646566 0174 016a 016a 03646f63 03646f63 06 01 046a736f6e 0c 2d00 ffffffff fc 9000 00 0000");
  const auto parsed = parse_column_definition(wire, kBase);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, Errc::bad_value);
  EXPECT_STREQ(parsed.error().field, "column.fixed_fields_length");
  EXPECT_EQ(parsed.error().offset, 18u);
}

TEST(ColumnDefinition, MalformedExtendedBlockPointsIntoIt) {
  // block of 3 bytes: key 01, a string of 5 bytes that has only 1
  const Buffer wire = unhex("03646566 00 00 00 0161 00 03 01 05 6a 0c 3f00 02000000 03 8100 00 0000");
  const auto parsed = parse_column_definition(wire, kExtended);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, Errc::truncated);
  EXPECT_STREQ(parsed.error().field, "extended_type_info.value");
  EXPECT_EQ(parsed.error().offset, 13u);
}

TEST(ColumnDefinition, TrailingBytesAreAnError) {
  const Buffer wire = unhex("03646566 00 00 00 0161 00 0c 3f00 02000000 03 8100 00 0000 00");
  const auto parsed = parse_column_definition(wire, kBase);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, Errc::trailing_bytes);
  EXPECT_EQ(parsed.error().offset, 23u);
}

TEST(ColumnDefinition, FixedFieldsLengthMustBe12) {
  const Buffer wire = unhex("03646566 00 00 00 0161 00 0b 3f00 02000000 03 8100 00 0000");
  const auto parsed = parse_column_definition(wire, kBase);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(describe(parsed.error()), describe(Error{Errc::bad_value, "column.fixed_fields_length", 10}));
}

TEST(ColumnType, NamesAndBinaryEncodings) {
  EXPECT_STREQ(column_type_name(ColumnType::longlong), "LONGLONG");
  EXPECT_STREQ(column_type_name(static_cast<ColumnType>(0x30)), "UNKNOWN");
  EXPECT_EQ(binary_encoding(ColumnType::tiny), BinaryEncoding::int1);
  EXPECT_EQ(binary_encoding(ColumnType::year), BinaryEncoding::int2);
  EXPECT_EQ(binary_encoding(ColumnType::int24), BinaryEncoding::int4);
  EXPECT_EQ(binary_encoding(ColumnType::longlong), BinaryEncoding::int8);
  EXPECT_EQ(binary_encoding(ColumnType::float_), BinaryEncoding::float4);
  EXPECT_EQ(binary_encoding(ColumnType::double_), BinaryEncoding::double8);
  EXPECT_EQ(binary_encoding(ColumnType::timestamp), BinaryEncoding::date_time);
  EXPECT_EQ(binary_encoding(ColumnType::date), BinaryEncoding::date_time);
  EXPECT_EQ(binary_encoding(ColumnType::time), BinaryEncoding::time);
  EXPECT_EQ(binary_encoding(ColumnType::newdecimal), BinaryEncoding::lenenc);
  EXPECT_EQ(binary_encoding(ColumnType::json), BinaryEncoding::lenenc);
  EXPECT_EQ(binary_encoding(ColumnType::null), BinaryEncoding::none);
}

}  // namespace
}  // namespace weir::protocol
