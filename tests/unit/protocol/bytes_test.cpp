#include "weir/protocol/bytes.hpp"
#include "weir/testing/hex.hpp"

#include <gtest/gtest.h>

#include <string>

namespace weir::protocol {
namespace {

using weir::testing::to_hex;
using weir::testing::unhex;

struct LenencCase {
  std::uint64_t value;
  const char* wire;
};

class LenencIntTest : public ::testing::TestWithParam<LenencCase> {};

TEST_P(LenencIntTest, RoundTrip) {
  const auto& c = GetParam();
  Buffer out;
  Writer(out).lenenc_int(c.value);
  EXPECT_EQ(to_hex(out), c.wire);
  EXPECT_EQ(out.size(), lenenc_int_size(c.value));
  const Buffer wire = unhex(c.wire);
  Reader r{Bytes(wire)};
  EXPECT_EQ(r.lenenc_int("v"), c.value);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
}

INSTANTIATE_TEST_SUITE_P(Table, LenencIntTest,
                         ::testing::Values(LenencCase{0, "00"}, LenencCase{1, "01"}, LenencCase{250, "fa"},
                                           LenencCase{251, "fcfb00"}, LenencCase{0xffff, "fcffff"},
                                           LenencCase{0x10000, "fd000001"}, LenencCase{0xffffff, "fdffffff"},
                                           LenencCase{0x1000000, "fe0000000100000000"},
                                           LenencCase{0xffffffffffffffffULL, "feffffffffffffffff"}));

TEST(Reader, FixedIntegersAreLittleEndian) {
  const Buffer wire = unhex("0102030405060708090a0b0c0d0e0f10111213141516");
  Reader r{Bytes(wire)};
  EXPECT_EQ(r.int1("a"), 0x01);
  EXPECT_EQ(r.int2("b"), 0x0302);
  EXPECT_EQ(r.int3("c"), 0x060504u);
  EXPECT_EQ(r.int4("d"), 0x0a090807u);
  EXPECT_EQ(r.int8("e"), 0x1211100f0e0d0c0bULL);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 4u);
}

TEST(Reader, TruncationNamesFieldAndOffset) {
  const Buffer wire = unhex("0102");
  Reader r{Bytes(wire)};
  r.int1("first");
  r.int4("second");
  r.int1("third");  // sticky: the first error stays
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::truncated);
  EXPECT_EQ(r.error().offset, 1u);
  EXPECT_STREQ(r.error().field, "second");
  EXPECT_EQ(r.error().message(), "truncated input at offset 1 while reading second");
}

TEST(Reader, LenencNullIsNotAnInteger) {
  const Buffer wire = unhex("fb");
  Reader r{Bytes(wire)};
  r.lenenc_int("count");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::bad_value);
  std::uint64_t v = 7;
  Reader r2{Bytes(wire)};
  EXPECT_FALSE(r2.lenenc_nullable(v, "value"));
  EXPECT_TRUE(r2.ok());
  EXPECT_TRUE(r2.at_end());
}

TEST(Reader, LenencFfIsInvalid) {
  const Buffer wire = unhex("ff");
  Reader r{Bytes(wire)};
  r.lenenc_int("count");
  EXPECT_EQ(r.error().code, Errc::bad_value);
}

TEST(Reader, Strings) {
  const Buffer wire = unhex(
      "03616263"
      "78797a00"
      "7171");
  Reader r{Bytes(wire)};
  EXPECT_EQ(r.lenenc_str("a"), "abc");
  EXPECT_EQ(r.nul_str("b"), "xyz");
  EXPECT_EQ(r.rest(), "qq");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
}

TEST(Reader, UnterminatedNulString) {
  const Buffer wire = unhex("7878");
  Reader r{Bytes(wire)};
  r.nul_str("user");
  EXPECT_EQ(r.error().code, Errc::truncated);
  EXPECT_STREQ(r.error().field, "user");
}

TEST(Reader, LenencStringLongerThanInput) {
  const Buffer wire = unhex("0561");
  Reader r{Bytes(wire)};
  r.lenenc_str("name");
  EXPECT_EQ(r.error().code, Errc::truncated);
}

TEST(Reader, ExpectEnd) {
  const Buffer wire = unhex("0102");
  Reader r{Bytes(wire)};
  r.int1("a");
  r.expect_end("Thing");
  EXPECT_EQ(r.error().code, Errc::trailing_bytes);
  EXPECT_EQ(r.error().offset, 1u);
}

TEST(Writer, Strings) {
  Buffer out;
  Writer(out).lenenc_str("abc").nul_str("xy").raw(std::string_view("z")).int2(0x0102).zeros(2).lenenc_null();
  EXPECT_EQ(to_hex(out), "036162637879007a02010000fb");
}

}  // namespace
}  // namespace weir::protocol
