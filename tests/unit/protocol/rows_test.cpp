// Text and binary rows. The byte tables come from a MariaDB 10.11.19 server (see
// resultset_test.cpp for how they were recorded) unless marked as built by hand.
#include "weir/protocol/rows.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

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

using Values = std::vector<Value>;
constexpr Value kNull = std::monostate{};

Value str(std::string_view s) { return s; }

// ---------------------------------------------------------------------------------------------
// Text rows

struct TextCase {
  const char* what;
  const char* wire;
  Values expected;
};

const std::string kLong300(300, 'x');
const std::string kLong70000(70000, 'y');

Buffer long_text_row() {  // by hand: lengths with 3- and 4-byte prefixes
  Buffer b = unhex("fc2c01");
  b.insert(b.end(), kLong300.begin(), kLong300.end());
  const Buffer p = unhex("fd701101");
  b.insert(b.end(), p.begin(), p.end());
  b.insert(b.end(), kLong70000.begin(), kLong70000.end());
  return b;
}

const TextCase kTextCases[] = {
    // SELECT 1 AS a, NULL AS b, 'x' AS c UNION ALL SELECT 2, 'yz', NULL
    {"first row with null", "0131 fb 0178", {str("1"), kNull, str("x")}},
    {"second row with null", "0132 02797a fb", {str("2"), str("yz"), kNull}},
    // SELECT id, doc, addr FROM j (JSON and INET6)
    {"json and inet6", "0131 077b2261223a317d 033a3a31", {str("1"), str("{\"a\":1}"), str("::1")}},
    // by hand: an empty string and all NULLs
    {"empty string", "00 fb fb", {str(""), kNull, kNull}},
};

class TextRowTable : public ::testing::TestWithParam<TextCase> {};

TEST_P(TextRowTable, ParsesChecksAndSerializesBack) {
  const TextCase& c = GetParam();
  const Buffer wire = unhex(c.wire);
  EXPECT_EQ(describe(check_text_row(wire, c.expected.size())), "no error");
  const auto parsed = parse_text_row(wire, c.expected.size());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, c.expected);
  Buffer out;
  serialize_text_row(*parsed, out);
  EXPECT_EQ(to_hex(Bytes(out)), to_hex(Bytes(wire)));
}

TEST_P(TextRowTable, EveryTruncationIsAnError) {
  const TextCase& c = GetParam();
  const Buffer wire = unhex(c.wire);
  for (std::size_t n = 0; n < wire.size(); ++n) {
    const auto error = check_text_row(Bytes(wire).first(n), c.expected.size());
    ASSERT_TRUE(error.has_value()) << "prefix of " << n << " bytes";
    EXPECT_LE(error->offset, n);
    EXPECT_FALSE(parse_text_row(Bytes(wire).first(n), c.expected.size()).ok());
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, TextRowTable, ::testing::ValuesIn(kTextCases), [](const auto& param_info) {
  std::string name;
  for (const char ch : std::string_view(param_info.param.what)) name += ch == ' ' ? '_' : ch;
  return name;
});

TEST(TextRow, LongLengthPrefixes) {
  const Buffer wire = long_text_row();
  const auto parsed = parse_text_row(wire, 2);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, (Values{str(kLong300), str(kLong70000)}));
  Buffer out;
  serialize_text_row(*parsed, out);
  EXPECT_EQ(out, wire);
}

TEST(TextRow, ReaderWalksFields) {
  const Buffer wire = unhex("0131fb0178");
  TextRowReader reader(wire);
  TextField f;
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f, "1");
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f, std::nullopt);
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f, "x");
  EXPECT_FALSE(reader.next(f));
  EXPECT_TRUE(reader.at_end());
  EXPECT_FALSE(reader.error().has_value());
}

TEST(TextRow, MalformedRowsAreErrors) {
  // 0xff is no length prefix
  EXPECT_EQ(describe(check_text_row(unhex("0131ff"), 2)), describe(Error{Errc::bad_value, "text_row.field", 2}));
  // fewer fields than columns
  EXPECT_EQ(describe(check_text_row(unhex("0131"), 2)), describe(Error{Errc::truncated, "text_row.field", 2}));
  // more fields than columns
  EXPECT_EQ(describe(check_text_row(unhex("01310132"), 1)), describe(Error{Errc::trailing_bytes, "text row", 2}));
  // a 2-byte length past the end
  EXPECT_EQ(describe(check_text_row(unhex("fc0001"), 1)), describe(Error{Errc::truncated, "text_row.field", 0}));
  // a length prefix cut short
  EXPECT_EQ(describe(check_text_row(unhex("fd01"), 1)), describe(Error{Errc::truncated, "text_row.field", 0}));
  // the reader stays failed
  const Buffer wire = unhex("ff0131");
  TextRowReader reader(wire);
  TextField f;
  EXPECT_FALSE(reader.next(f));
  EXPECT_FALSE(reader.next(f));
  EXPECT_TRUE(reader.error().has_value());
}

TEST(TextRow, TypedValuesAreWrittenAsText) {
  const Values values{std::int64_t{-42},
                      std::uint64_t{18446744073709551615ULL},
                      1.5,
                      Date{2024, 2, 29},
                      DateTime{2024, 1, 2, 3, 4, 5, 6},
                      Time{true, 1, 1, 30, 15, 125000},
                      kNull};
  Buffer out;
  serialize_text_row(values, out);
  const auto parsed = parse_text_row(out, values.size());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, (Values{str("-42"), str("18446744073709551615"), str("1.5"), str("2024-02-29"),
                             str("2024-01-02 03:04:05.000006"), str("-25:30:15.125000"), kNull}));
  EXPECT_EQ(to_text(Value{Time{}}), "00:00:00");
  EXPECT_EQ(to_text(Value{DateTime{}}), "0000-00-00 00:00:00");
  EXPECT_EQ(to_text(kNull), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// Binary rows: SELECT * FROM types WHERE id >= ? ORDER BY id, executed as a prepared statement.
//   CREATE TABLE types (id INT PRIMARY KEY, ti TINYINT, si SMALLINT UNSIGNED, i INT, bi BIGINT,
//     f FLOAT, d DOUBLE, dec1 DECIMAL(10,2), dt DATE, tm TIME(3), dtm DATETIME(6),
//     ts TIMESTAMP NULL, vc VARCHAR(20), bl BLOB, yr YEAR);
//   (1, -5, 65000, -123456, 9000000000, 1.5, -2.25, 123.45, '2024-02-29', '-25:30:15.125',
//    '2024-01-02 03:04:05.678901', '2020-05-06 07:08:09', 'hello', x'00ff', 2024)
//   (2, NULL x7, '0000-00-00', '00:00:00', '2024-01-02 00:00:00', NULL, '', NULL, NULL)

const char* const kTypesColumns[] = {
    "0364656601740574797065730574797065730269640269640c3f000b000000030350000000",
    "0364656601740574797065730574797065730274690274690c3f0004000000010000000000",
    "0364656601740574797065730574797065730273690273690c3f0005000000022000000000",
    "036465660174057479706573057479706573016901690c3f000b000000030000000000",
    "0364656601740574797065730574797065730262690262690c3f0014000000080000000000",
    "036465660174057479706573057479706573016601660c3f000c0000000400001f0000",
    "036465660174057479706573057479706573016401640c3f00160000000500001f0000",
    "036465660174057479706573057479706573046465633104646563310c3f000c000000f60000020000",
    "0364656601740574797065730574797065730264740264740c3f000a0000000a8000000000",
    "03646566017405747970657305747970657302746d02746d0c3f000e0000000b8000030000",
    "0364656601740574797065730574797065730364746d0364746d0c3f001a0000000c8000060000",
    "0364656601740574797065730574797065730274730274730c3f001300000007a000000000",
    "0364656601740574797065730574797065730276630276630c2d0050000000fd0000000000",
    "03646566017405747970657305747970657302626c02626c0c3f00ffff0000fc9000000000",
    "0364656601740574797065730574797065730279720279720c3f00040000000d6000000000",
};

class BinaryRows : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* hex : kTypesColumns) wires_.push_back(unhex(hex));
    for (const Buffer& w : wires_) {
      const auto c = parse_column_definition(w, cap::kProtocol41);
      ASSERT_TRUE(c.ok()) << c.error().message();
      columns_.push_back(*c);
    }
  }
  std::vector<Buffer> wires_;
  std::vector<ColumnDefinition> columns_;
};

const char* const kRow1 =
    "00 000000 01000000 fb e8fd c01dfeff 001a711802000000 0000c03f 00000000000002c0 063132332e3435 04e807021d "
    "0c0101000000011e0f48e80100 0be8070102030405f55b0a00 07e40705060708 090568656c6c6f 0200ff e807";
const char* const kRow2 = "00 f8a301 02000000 00 00 04e8070102 00";

Values row1_values() {
  return {std::int64_t{1},
          std::int64_t{-5},
          std::uint64_t{65000},
          std::int64_t{-123456},
          std::int64_t{9000000000},
          1.5F,
          -2.25,
          str("123.45"),
          Date{2024, 2, 29},
          Time{true, 1, 1, 30, 15, 125000},
          DateTime{2024, 1, 2, 3, 4, 5, 678901},
          DateTime{2020, 5, 6, 7, 8, 9, 0},
          str("hello"),
          str(std::string_view("\x00\xff", 2)),
          std::uint64_t{2024}};
}

Values row2_values() {
  return {std::int64_t{2},
          kNull,
          kNull,
          kNull,
          kNull,
          kNull,
          kNull,
          kNull,
          Date{},
          Time{},
          DateTime{2024, 1, 2, 0, 0, 0, 0},
          kNull,
          str(""),
          kNull,
          kNull};
}

TEST_F(BinaryRows, RealRowsParseAndSerializeBack) {
  const std::pair<const char*, Values> cases[] = {{kRow1, row1_values()}, {kRow2, row2_values()}};
  for (const auto& [hex, expected] : cases) {
    const Buffer wire = unhex(hex);
    EXPECT_EQ(describe(check_binary_row(wire, columns_)), "no error");
    const auto parsed = parse_binary_row(wire, columns_);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    EXPECT_EQ(*parsed, expected);
    Buffer out;
    EXPECT_EQ(describe(serialize_binary_row(*parsed, columns_, out)), "no error");
    EXPECT_EQ(to_hex(Bytes(out)), to_hex(Bytes(wire)));
  }
}

TEST_F(BinaryRows, EveryTruncationIsAnError) {
  for (const char* hex : {kRow1, kRow2}) {
    const Buffer wire = unhex(hex);
    for (std::size_t n = 0; n < wire.size(); ++n) {
      const auto error = check_binary_row(Bytes(wire).first(n), columns_);
      ASSERT_TRUE(error.has_value()) << "prefix of " << n << " bytes";
      EXPECT_LE(error->offset, n);
      EXPECT_FALSE(parse_binary_row(Bytes(wire).first(n), columns_).ok()) << "prefix of " << n << " bytes";
    }
  }
}

TEST_F(BinaryRows, MalformedRowsAreErrors) {
  Buffer wire = unhex(kRow2);
  wire[0] = 0x01;  // header
  EXPECT_EQ(describe(check_binary_row(wire, columns_)), describe(Error{Errc::bad_value, "binary_row.header", 0}));
  EXPECT_EQ(describe(parse_binary_row(wire, columns_).error()),
            describe(Error{Errc::bad_value, "binary_row.header", 0}));
  wire = unhex(kRow2);
  wire[8] = 0x05;  // DATE of length 5
  EXPECT_EQ(describe(check_binary_row(wire, columns_)),
            describe(Error{Errc::bad_value, "binary_row.temporal_length", 8}));
  EXPECT_FALSE(parse_binary_row(wire, columns_).ok());
  wire = unhex(kRow2);
  wire[9] = 0x07;  // TIME of length 7
  EXPECT_EQ(describe(check_binary_row(wire, columns_)),
            describe(Error{Errc::bad_value, "binary_row.temporal_length", 9}));
  EXPECT_FALSE(parse_binary_row(wire, columns_).ok());
  wire = unhex(kRow2);
  wire.push_back(0);
  EXPECT_EQ(describe(check_binary_row(wire, columns_)), describe(Error{Errc::trailing_bytes, "binary row", 16}));
  EXPECT_EQ(parse_binary_row(wire, columns_).error().code, Errc::trailing_bytes);
}

TEST_F(BinaryRows, ValuesThatDoNotFitTheirColumnAreRefused) {
  Values values = row1_values();
  values[8] = std::int64_t{3};  // an integer for the DATE column
  Buffer out;
  EXPECT_EQ(describe(serialize_binary_row(values, columns_, out)),
            describe(Error{Errc::bad_value, "binary_row.value", 8}));
  values = row1_values();
  values.pop_back();
  EXPECT_EQ(describe(serialize_binary_row(values, columns_, out)),
            describe(Error{Errc::bad_value, "binary_row.column_count", 14}));
}

TEST(BinaryRow, NullBitmapSizes) {
  EXPECT_EQ(binary_null_bitmap_size(1), 1u);
  EXPECT_EQ(binary_null_bitmap_size(6), 1u);
  EXPECT_EQ(binary_null_bitmap_size(7), 2u);
  EXPECT_EQ(binary_null_bitmap_size(14), 2u);
  EXPECT_EQ(binary_null_bitmap_size(15), 3u);
}

TEST(BinaryRow, AllTemporalLengthsRoundTrip) {  // built by hand
  ColumnDefinition dt;
  dt.type = ColumnType::datetime;
  ColumnDefinition tm;
  tm.type = ColumnType::time;
  const std::vector<ColumnDefinition> columns{dt, tm};
  const std::pair<const char*, Values> cases[] = {
      {"00 00 00 00", {DateTime{}, Time{}}},
      {"00 00 04e8070102 08 0000000000010203", {DateTime{2024, 1, 2, 0, 0, 0, 0}, Time{false, 0, 1, 2, 3, 0}}},
      {"00 00 07e8070102030405 0c 01ffffffff01020340420f00",
       {DateTime{2024, 1, 2, 3, 4, 5, 0}, Time{true, 0xffffffff, 1, 2, 3, 1000000}}},
      {"00 00 0be807010203040501000000 00", {DateTime{2024, 1, 2, 3, 4, 5, 1}, Time{}}},
  };
  for (const auto& [hex, values] : cases) {
    const Buffer wire = unhex(hex);
    const auto parsed = parse_binary_row(wire, columns);
    ASSERT_TRUE(parsed.ok()) << hex << ": " << parsed.error().message();
    EXPECT_EQ(*parsed, values) << hex;
    Buffer out;
    EXPECT_EQ(describe(serialize_binary_row(values, columns, out)), "no error");
    EXPECT_EQ(to_hex(Bytes(out)), to_hex(Bytes(wire)));
  }
}

}  // namespace
}  // namespace weir::protocol
