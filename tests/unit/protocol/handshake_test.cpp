// Byte tables for the greeting, SSLRequest and HandshakeResponse41. Fixtures marked "captured" were
// recorded from MariaDB 10.11.19 (Debian) talking to libmariadb 3.3.20 (the `mariadb` CLI) and to
// mysql-connector-python 9.1.0 (pure Python) through a logging relay.
#include "weir/protocol/handshake.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "handshake_test_util.hpp"

namespace weir::protocol {
namespace {

using testing_hex::bin;
using testing_hex::to_hex;
using testing_hex::unhex;

constexpr const char* kVersionHex =
    "352e352e352d31302e31312e31392d4d6172696144422d302b64656231327531";  // 5.5.5-10.11.19-MariaDB-0+deb12u1
constexpr const char* kMariadbVersion = "5.5.5-10.11.19-MariaDB-0+deb12u1";
constexpr const char* kNativeHex = "6d7973716c5f6e61746976655f70617373776f7264";  // mysql_native_password
constexpr const char* kSha2Hex = "63616368696e675f736861325f70617373776f7264";    // caching_sha2_password

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s += p;
  return s;
}

// ---------------------------------------------------------------- HandshakeV10

struct GreetingCase {
  const char* name;
  std::string wire;
  HandshakeV10 expected;
};

std::vector<GreetingCase> greeting_cases() {
  std::vector<GreetingCase> cases;
  // captured: MariaDB with TLS configured, connection 4
  cases.push_back({"captured_mariadb_tls",
                   cat({"0a", kVersionHex, "00", "04000000", "2462456f22566c3c", "00", "feff", "08", "0200", "ff81",
                        "15", "000000000000", "1d000000", "264771286e7378223c462e51", "00", kNativeHex, "00"}),
                   {kMariadbVersion, 4, bin("2462456f22566c3c264771286e7378223c462e51"),
                    0x81fffffeULL | (0x1dULL << 32), 8, 2, "mysql_native_password"}});
  // captured: MariaDB without TLS, connection 9
  cases.push_back({"captured_mariadb_plain",
                   cat({"0a", kVersionHex, "00", "09000000", "52255e2b585d4833", "00", "fef7", "08", "0200", "ff81",
                        "15", "000000000000", "1d000000", "65247d6e30423b4174453d42", "00", kNativeHex, "00"}),
                   {kMariadbVersion, 9, bin("52255e2b585d483365247d6e30423b4174453d42"),
                    0x81fff7feULL | (0x1dULL << 32), 8, 2, "mysql_native_password"}});
  // MySQL 8 shape: CLIENT_LONG_PASSWORD set, so the reserved bytes are all zero
  cases.push_back({"mysql8_caching_sha2",
                   cat({"0a", "382e302e3336", "00", "02010000", "0102030405060708", "00", "ffff", "ff", "0200", "ffdf",
                        "15", "00000000000000000000", "090a0b0c0d0e0f1011121314", "00", kSha2Hex, "00"}),
                   {"8.0.36", 0x0102, bin("0102030405060708090a0b0c0d0e0f1011121314"), 0xdfffffffULL, 0xff, 2,
                    "caching_sha2_password"}});
  // MariaDB 11 shape without the replication prefix and every extended capability defined
  cases.push_back(
      {"mariadb_all_extended",
       cat({"0a", "31312e342e322d4d617269614442", "00", "ffffffff", "6161616161616161", "00", "fef7", "2d", "2200",
            "ff81", "15", "000000000000", "5f000000", "626262626262626262626262", "00", kNativeHex, "00"}),
       {"11.4.2-MariaDB", 0xffffffff, "aaaaaaaabbbbbbbbbbbb", 0x81fff7feULL | (0x5fULL << 32), 0x2d, 0x22,
        "mysql_native_password"}});
  // 4.1 shape: no CLIENT_PLUGIN_AUTH, so data length 0 and no plugin name
  cases.push_back({"no_plugin_auth",
                   cat({"0a", "342e312e3232", "00", "01000000", "0102030405060708", "00", "0da2", "21", "0200", "0000",
                        "00", "00000000000000000000", "090a0b0c0d0e0f1011121314", "00"}),
                   {"4.1.22", 1, bin("0102030405060708090a0b0c0d0e0f1011121314"), 0xa20d, 0x21, 2, ""}});
  // no CLIENT_SECURE_CONNECTION: only the 8-byte part 1
  cases.push_back({"no_secure_connection",
                   cat({"0a", "352e302e30", "00", "02000000", "0102030405060708", "00", "0d02", "08", "0200", "0000",
                        "00", "00000000000000000000"}),
                   {"5.0.0", 2, bin("0102030405060708"), 0x020d, 8, 2, ""}});
  // a longer nonce: data length 0x1e -> part 2 is 22 bytes incl. its NUL
  cases.push_back(
      {"long_nonce",
       cat({"0a", "78", "00", "03000000", "0102030405060708", "00", "0082", "08", "0000", "0800", "1e",
            "00000000000000000000", "090a0b0c0d0e0f101112131415161718191a1b1c1d", "00", "7000"}),
       {"x", 3, bin("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d"), 0x00088200ULL, 8, 0, "p"}});
  return cases;
}

class GreetingTable : public ::testing::TestWithParam<GreetingCase> {};

TEST_P(GreetingTable, Parses) {
  const Buffer wire = unhex(GetParam().wire);
  const auto parsed = parse_handshake_v10(wire);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, GetParam().expected);
}

TEST_P(GreetingTable, Serializes) {
  Buffer out;
  serialize(GetParam().expected, out);
  EXPECT_EQ(to_hex(out), to_hex(unhex(GetParam().wire)));
}

TEST_P(GreetingTable, RoundTripsFromStruct) {
  Buffer out;
  serialize(GetParam().expected, out);
  const auto again = parse_handshake_v10(out);
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(*again, GetParam().expected);
}

TEST_P(GreetingTable, EveryTruncationFailsWithAField) {
  const Buffer wire = unhex(GetParam().wire);
  for (std::size_t n = 0; n < wire.size(); ++n) {
    const auto parsed = parse_handshake_v10(Bytes(wire).first(n));
    ASSERT_FALSE(parsed.ok()) << "prefix of " << n << " bytes parsed";
    EXPECT_EQ(parsed.error().code, Errc::truncated) << n;
    EXPECT_STRNE(parsed.error().field, "") << n;
    EXPECT_LE(parsed.error().offset, n);
  }
}

INSTANTIATE_TEST_SUITE_P(Handshake, GreetingTable, ::testing::ValuesIn(greeting_cases()), testing_hex::CaseName{});

struct TruncatedField {
  std::size_t length;
  const char* field;
  std::size_t offset;
};

class GreetingTruncatedField : public ::testing::TestWithParam<TruncatedField> {};

TEST_P(GreetingTruncatedField, NamesTheField) {
  const Buffer wire = unhex(greeting_cases()[0].wire);
  ASSERT_EQ(wire.size(), 100u);
  const auto parsed = parse_handshake_v10(Bytes(wire).first(GetParam().length));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error(), (Error{Errc::truncated, GetParam().field, GetParam().offset}));
}

INSTANTIATE_TEST_SUITE_P(
    Handshake, GreetingTruncatedField,
    ::testing::Values(TruncatedField{0, "protocol_version", 0}, TruncatedField{5, "server_version", 1},
                      TruncatedField{35, "connection_id", 34}, TruncatedField{40, "auth_plugin_data_part_1", 38},
                      TruncatedField{46, "filler", 46}, TruncatedField{48, "capability_flags_lower", 47},
                      TruncatedField{49, "character_set", 49}, TruncatedField{51, "status_flags", 50},
                      TruncatedField{53, "capability_flags_upper", 52},
                      TruncatedField{54, "auth_plugin_data_length", 54}, TruncatedField{58, "reserved", 55},
                      TruncatedField{63, "mariadb_extended_capabilities", 61},
                      TruncatedField{70, "auth_plugin_data_part_2", 65}, TruncatedField{99, "auth_plugin_name", 78}));

struct BadCase {
  const char* name;
  std::string wire;
  Error error;
};

class GreetingRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(GreetingRejects, WithError) {
  const Buffer wire = unhex(GetParam().wire);
  const auto parsed = parse_handshake_v10(wire);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error(), GetParam().error) << parsed.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Handshake, GreetingRejects,
    ::testing::Values(
        BadCase{"protocol_9", cat({"09", "78", "00"}), {Errc::bad_value, "protocol_version", 0}},
        BadCase{"err_packet_instead",
                "ff1004233038303034546f6f206d616e7920636f6e6e656374696f6e73",
                {Errc::unexpected_message, "protocol_version", 0}},
        BadCase{"trailing_byte", cat({greeting_cases()[2].wire, "00"}), {Errc::trailing_bytes, "handshake_v10", 74}},
        BadCase{"trailing_after_no_plugin",
                cat({greeting_cases()[4].wire, "41"}),
                {Errc::trailing_bytes, "handshake_v10", 52}}),
    testing_hex::CaseName{});

TEST(Handshake, ReservedBytesAreNotCapabilitiesWhenLongPasswordIsSet) {
  // A MySQL server (bit 0 set) with garbage in the reserved bytes: not MariaDB capabilities.
  const Buffer wire = unhex(cat({"0a", "3800", "02010000", "0102030405060708", "00", "ffff", "ff", "0200", "ffdf", "15",
                                 "0000000000005f000000", "090a0b0c0d0e0f1011121314", "00", kSha2Hex, "00"}));
  const auto parsed = parse_handshake_v10(wire);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->capabilities, 0xdfffffffULL);
}

TEST(Handshake, NonceHelpers) {
  const auto g = greeting_cases()[0].expected;
  EXPECT_EQ(to_hex(scramble_nonce(g)), "2462456f22566c3c264771286e7378223c462e51");
  EXPECT_EQ(strip_replication_prefix(kMariadbVersion), "10.11.19-MariaDB-0+deb12u1");
  EXPECT_EQ(strip_replication_prefix("8.0.36"), "8.0.36");
  EXPECT_EQ(strip_replication_prefix("5.5.5-"), "5.5.5-");
  EXPECT_EQ(strip_replication_prefix("5.5.50-log"), "5.5.50-log");
}

TEST(Handshake, ShortNonceIsPaddedWhenSerialized) {
  HandshakeV10 g{"v", 1, "abc", cap::kSecureConnection | cap::kProtocol41, 8, 0, ""};
  Buffer out;
  serialize(g, out);
  const auto parsed = parse_handshake_v10(out);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(to_hex(parsed->auth_plugin_data), "6162630000000000000000000000000000000000");
}

TEST(Handshake, NonceFillingTheLengthByteRoundTrips) {
  // Declared length 255: part 2 is 247 bytes and, here, has no NUL to strip.
  const std::string wire = cat({"0a", "7600", "01000000", "0102030405060708", "00", "0082", "08", "0000", "0800", "ff",
                                "00000000000000000000", std::string(2 * 247, 'a'), "7000"});
  const auto parsed = parse_handshake_v10(unhex(wire));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->auth_plugin_data.size(), 8u + 247u);
  EXPECT_EQ(parsed->auth_plugin_name, "p");
  Buffer out;
  serialize(*parsed, out);
  EXPECT_EQ(to_hex(out), to_hex(unhex(wire)));
  // With a NUL at the end of those 247 bytes it is stripped, and the NUL comes back on the wire.
  std::string with_nul = wire;
  with_nul.replace(with_nul.size() - 6, 2, "00");
  const auto stripped = parse_handshake_v10(unhex(with_nul));
  ASSERT_TRUE(stripped.ok()) << stripped.error().message();
  EXPECT_EQ(stripped->auth_plugin_data.size(), 8u + 246u);
  Buffer out2;
  serialize(*stripped, out2);
  EXPECT_EQ(to_hex(out2), to_hex(unhex(with_nul)));
}

// ---------------------------------------------------------------- SSLRequest

struct SslCase {
  const char* name;
  std::string wire;
  SslRequest expected;
};

class SslRequestTable : public ::testing::TestWithParam<SslCase> {};

TEST_P(SslRequestTable, ParsesAndSerializes) {
  const Buffer wire = unhex(GetParam().wire);
  EXPECT_TRUE(is_ssl_request(wire));
  const auto parsed = parse_ssl_request(wire);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, GetParam().expected);
  Buffer out;
  serialize(GetParam().expected, out);
  EXPECT_EQ(to_hex(out), to_hex(wire));
  for (std::size_t n = 0; n < wire.size(); ++n) {
    const auto cut = parse_ssl_request(Bytes(wire).first(n));
    ASSERT_FALSE(cut.ok()) << n;
    EXPECT_EQ(cut.error().code, Errc::truncated);
  }
}

INSTANTIATE_TEST_SUITE_P(Handshake, SslRequestTable,
                         ::testing::Values(
                             // captured: libmariadb with --ssl
                             SslCase{"captured_libmariadb",
                                     "84aabf00 00001000 21 00000000000000000000000000000000000000 1d000000",
                                     {0x00bfaa84ULL | (0x1dULL << 32), 0x100000, 0x21}},
                             SslCase{"connector_shape",
                                     "0daa3b00 00000040 2d 00000000000000000000000000000000000000 00000000",
                                     {0x003baa0dULL, 0x40000000, 0x2d}}),
                         testing_hex::CaseName{});

TEST(SslRequest, Rejects) {
  const Buffer no_ssl = unhex("84a2bf00 00001000 21 00000000000000000000000000000000000000 1d000000");
  EXPECT_FALSE(is_ssl_request(no_ssl));
  EXPECT_EQ(parse_ssl_request(no_ssl).error(), (Error{Errc::bad_value, "capability_flags", 0}));
  const Buffer no_41 = unhex("0408bf00 00001000 21 00000000000000000000000000000000000000 1d000000");
  EXPECT_EQ(parse_ssl_request(no_41).error(), (Error{Errc::bad_value, "capability_flags", 0}));
  Buffer longer = unhex("84aabf00 00001000 21 00000000000000000000000000000000000000 1d000000");
  longer.push_back(0);
  EXPECT_FALSE(is_ssl_request(longer));
  EXPECT_EQ(parse_ssl_request(longer).error(), (Error{Errc::trailing_bytes, "ssl_request", 32}));
  EXPECT_FALSE(is_ssl_request(Bytes(longer).first(31)));
  EXPECT_EQ(parse_ssl_request(Bytes(longer).first(31)).error(),
            (Error{Errc::truncated, "mariadb_extended_capabilities", 28}));
}

// ---------------------------------------------------------------- HandshakeResponse41

struct ResponseCase {
  const char* name;
  std::string wire;
  HandshakeResponse41 expected;
  std::vector<std::size_t> complete_prefixes;  // prefix lengths that are themselves valid messages
};

const ConnectAttributes kLibmariadbAttrs = {{"_os", "Linux"},
                                            {"_client_name", "libmariadb"},
                                            {"_pid", "7778"},
                                            {"_client_version", "3.3.20"},
                                            {"_platform", "x86_64"},
                                            {"program_name", "mysql"},
                                            {"_server_host", "127.0.0.1"}};
const ConnectAttributes kConnectorAttrs = {{"_pid", "6308"},
                                           {"_platform", "x86_64"},
                                           {"_source_host", "vm"},
                                           {"_client_name", "mysql-connector-python"},
                                           {"_client_license", "GPL-2.0"},
                                           {"_client_version", "9.1.0"},
                                           {"_os", "Debian-12"}};

std::vector<ResponseCase> response_cases() {
  std::vector<ResponseCase> cases;
  // captured: libmariadb, answers greeting "captured_mariadb_tls" with password "secret", db shop
  cases.push_back(
      {"captured_libmariadb",
       "8ca2bf000000100021000000000000000000000000000000000000001d00000061707000149795d01c8bffac97c5baa020fbfe78d"
       "fb19ac2b973686f70006d7973716c5f6e61746976655f70617373776f7264007e035f6f73054c696e75780c5f636c69656e745f6e"
       "616d650a6c69626d617269616462045f70696404373737380f5f636c69656e745f76657273696f6e06332e332e3230095f706c6174"
       "666f726d067838365f36340c70726f6772616d5f6e616d65056d7973716c0c5f7365727665725f686f7374093132372e302e302e31",
       {0x00bfa28cULL | (0x1dULL << 32), 0x100000, 0x21, "app", bin("9795d01c8bffac97c5baa020fbfe78dfb19ac2b9"), "shop",
        "mysql_native_password", kLibmariadbAttrs, std::nullopt},
       {57, 62, 84}});
  // captured: libmariadb forced to start with caching_sha2_password: empty response, no database
  cases.push_back(
      {"captured_libmariadb_caching_sha2",
       "84a2bf000000100021000000000000000000000000000000000000001d000000617070000063616368696e675f736861325f7061"
       "7373776f7264007e035f6f73054c696e75780c5f636c69656e745f6e616d650a6c69626d617269616462045f7069640437373832"
       "0f5f636c69656e745f76657273696f6e06332e332e3230095f706c6174666f726d067838365f36340c70726f6772616d5f6e616d"
       "65056d7973716c0c5f7365727665725f686f7374093132372e302e302e31",
       {0x00bfa284ULL | (0x1dULL << 32), 0x100000, 0x21, "app", "", "", "caching_sha2_password",
        [] {
          auto a = kLibmariadbAttrs;
          a[2].second = "7782";
          return a;
        }(),
        std::nullopt},
       {37, 59}});
  // captured: mysql-connector-python (CLIENT_LONG_PASSWORD set, so bytes 28..31 are filler)
  cases.push_back(
      {"captured_connector_python",
       "0da23b00000000402d0000000000000000000000000000000000000000000000617070001491d3020d3d078c9440c0539857fb4c4f"
       "480c6ace73686f70006d7973716c5f6e61746976655f70617373776f7264008b045f7069640436333038095f706c6174666f726d06"
       "7838365f36340c5f736f757263655f686f737402766d0c5f636c69656e745f6e616d65166d7973716c2d636f6e6e6563746f722d70"
       "7974686f6e0f5f636c69656e745f6c6963656e73650747504c2d322e300f5f636c69656e745f76657273696f6e05392e312e30035f"
       "6f730944656269616e2d3132",
       {0x003ba20dULL, 0x40000000, 0x2d, "app", bin("91d3020d3d078c9440c0539857fb4c4f480c6ace"), "shop",
        "mysql_native_password", kConnectorAttrs, std::nullopt},
       {57, 62, 84}});
  // 1-byte auth length (CLIENT_SECURE_CONNECTION without the lenenc flag), db and plugin, no attributes
  cases.push_back({"secure_connection_1byte",
                   cat({"09820800", "00000001", "21", "00000000000000000000000000000000000000", "00000000",
                        "726f6f7400", "03616263", "7465737400", kNativeHex, "00"}),
                   {0x00088209ULL, 0x01000000, 0x21, "root", "abc", "test", "mysql_native_password", {}, std::nullopt},
                   {41, 46}});
  // neither length flag: the auth response is NUL-terminated
  cases.push_back(
      {"nul_terminated_auth",
       cat({"01020000", "ffffff00", "08", "0000000000000000000000000000000000000000000000", "7500", "707700"}),
       {0x00000201ULL, 0x00ffffff, 8, "u", "pw", "", "", {}, std::nullopt},
       {}});
  // zstd level after an empty attribute block
  cases.push_back({"zstd_level",
                   cat({"01823804", "00000040", "ff", "00000000000000000000000000000000000000", "00000000", "7a00",
                        "00", kSha2Hex, "00", "00", "03"}),
                   {0x04388201ULL, 0x40000000, 0xff, "z", "", "", "caching_sha2_password", {}, std::uint8_t{3}},
                   {35, 57, 58}});
  // MariaDB extended capabilities, every bit weir knows
  cases.push_back({"mariadb_extended",
                   cat({"00820800", "00000001", "21", "00000000000000000000000000000000000000", "5f000000", "6d00",
                        "00", "636c69656e745f6564323535313900"}),
                   {0x00088200ULL | (0x5fULL << 32), 0x01000000, 0x21, "m", "", "", "client_ed25519", {}, std::nullopt},
                   {35}});
  // attributes with empty key/value and a repeated key, order kept
  cases.push_back({"attributes_order",
                   cat({"00821000", "00000001", "21", "00000000000000000000000000000000000000", "00000000", "6100",
                        "00", "0a", "0000", "016b0131", "016b0132"}),
                   {0x00108200ULL, 0x01000000, 0x21, "a", "", "", "", {{"", ""}, {"k", "1"}, {"k", "2"}}, std::nullopt},
                   {35}});
  return cases;
}

class ResponseTable : public ::testing::TestWithParam<ResponseCase> {};

TEST_P(ResponseTable, Parses) {
  const Buffer wire = unhex(GetParam().wire);
  EXPECT_FALSE(is_ssl_request(wire));
  const auto parsed = parse_handshake_response(wire);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, GetParam().expected);
}

TEST_P(ResponseTable, Serializes) {
  Buffer out;
  serialize(GetParam().expected, out);
  EXPECT_EQ(to_hex(out), to_hex(unhex(GetParam().wire)));
}

TEST_P(ResponseTable, RoundTripsFromStruct) {
  Buffer out;
  serialize(GetParam().expected, out);
  const auto again = parse_handshake_response(out);
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(*again, GetParam().expected);
}

TEST_P(ResponseTable, TruncationFailsExceptAtOptionalFieldBoundaries) {
  const Buffer wire = unhex(GetParam().wire);
  const auto& allowed = GetParam().complete_prefixes;
  for (std::size_t n = 0; n < wire.size(); ++n) {
    const auto parsed = parse_handshake_response(Bytes(wire).first(n));
    const bool may_succeed = std::find(allowed.begin(), allowed.end(), n) != allowed.end();
    if (may_succeed) {
      EXPECT_TRUE(parsed.ok()) << "prefix " << n << ": " << parsed.error().message();
      continue;
    }
    ASSERT_FALSE(parsed.ok()) << "prefix of " << n << " bytes parsed";
    EXPECT_STRNE(parsed.error().field, "") << n;
    EXPECT_LE(parsed.error().offset, n);
  }
}

INSTANTIATE_TEST_SUITE_P(Handshake, ResponseTable, ::testing::ValuesIn(response_cases()), testing_hex::CaseName{});

// What servers accept although it is not what a serializer writes.
struct TolerantCase {
  const char* name;
  std::string wire;
  HandshakeResponse41 expected;
};

class ResponseTolerates : public ::testing::TestWithParam<TolerantCase> {};

TEST_P(ResponseTolerates, Parses) {
  const Buffer wire = unhex(GetParam().wire);
  const auto parsed = parse_handshake_response(wire);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Handshake, ResponseTolerates,
    ::testing::Values(
        TolerantCase{"plugin_name_missing",
                     cat({"09820800", "00000001", "21", "00000000000000000000000000000000000000", "00000000",
                          "726f6f7400", "03616263", "7465737400"}),
                     {0x00088209ULL, 0x01000000, 0x21, "root", "abc", "test", "", {}, std::nullopt}},
        TolerantCase{
            "trailing_zeros",
            cat({"09820800", "00000001", "21", "00000000000000000000000000000000000000", "00000000", "726f6f7400",
                 "03616263", "7465737400", kNativeHex, "00", "0000"}),
            {0x00088209ULL, 0x01000000, 0x21, "root", "abc", "test", "mysql_native_password", {}, std::nullopt}},
        TolerantCase{"attributes_missing",
                     cat({"01823804", "00000040", "ff", "00000000000000000000000000000000000000", "00000000", "7a00",
                          "00", kSha2Hex, "00"}),
                     {0x04388201ULL, 0x40000000, 0xff, "z", "", "", "caching_sha2_password", {}, std::nullopt}},
        TolerantCase{
            "filler_not_zero_with_long_password",
            cat({"01020000", "ffffff00", "08", "0000000000000000000000000000000000000011223344", "7500", "707700"}),
            {0x00000201ULL, 0x00ffffff, 8, "u", "pw", "", "", {}, std::nullopt}}),
    testing_hex::CaseName{});

class ResponseRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(ResponseRejects, WithError) {
  const Buffer wire = unhex(GetParam().wire);
  const auto parsed = parse_handshake_response(wire);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error(), GetParam().error) << parsed.error().message();
}

const std::string kPrefix41 = cat({"00821000", "00000001", "21", "00000000000000000000000000000000000000", "00000000"});

INSTANTIATE_TEST_SUITE_P(
    Handshake, ResponseRejects,
    ::testing::Values(
        BadCase{"pre_41",
                cat({"01000000", "00000001", "21", "00000000000000000000000000000000000000", "00000000", "7500", "00"}),
                {Errc::bad_value, "capability_flags", 0}},
        BadCase{"trailing_garbage",
                cat({response_cases()[3].wire, "ff"}),
                {Errc::trailing_bytes, "handshake_response", 68}},
        BadCase{"username_unterminated", cat({kPrefix41, "6162"}), {Errc::truncated, "username", 32}},
        BadCase{"auth_1byte_too_long", cat({kPrefix41, "6100", "30616263"}), {Errc::truncated, "auth_response", 35}},
        BadCase{"auth_lenenc_ff",
                cat({"00822000", "00000001", "21", "00000000000000000000000000000000000000", "00000000", "6100", "ff"}),
                {Errc::bad_value, "auth_response", 34}},
        BadCase{"attrs_longer_than_packet",
                cat({kPrefix41, "6100", "00", "09", "016b0131"}),
                {Errc::truncated, "connect_attrs", 36}},
        BadCase{"attr_overruns_block",
                cat({kPrefix41, "6100", "00", "02", "016b", "053132333435"}),
                {Errc::bad_value, "connect_attr_value", 44}},
        BadCase{"attr_value_truncated",
                cat({kPrefix41, "6100", "00", "03", "016b", "05"}),
                {Errc::truncated, "connect_attr_value", 39}},
        BadCase{
            "attrs_length_null", cat({kPrefix41, "6100", "00", "fb"}), {Errc::bad_value, "connect_attrs_length", 35}}),
    testing_hex::CaseName{});

TEST(HandshakeResponse, LargeFieldsUseLongLengthEncodings) {
  HandshakeResponse41 r;
  r.capabilities = cap::kProtocol41 | cap::kSecureConnection | cap::kPluginAuthLenencClientData | cap::kConnectAttrs |
                   cap::kPluginAuth;
  r.username = "big";
  r.auth_response = std::string(300, '\x07');  // e.g. an RSA-encrypted password
  r.auth_plugin_name = "sha256_password";
  r.connect_attributes = {{"k", std::string(70000, 'v')}};
  Buffer out;
  serialize(r, out);
  // 0xfc + 2 bytes for the response, 0xfd + 3 bytes for the attribute block and its value
  EXPECT_EQ(to_hex(Bytes(out).subspan(36, 3)), "fc2c01");
  const auto parsed = parse_handshake_response(out);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, r);
}

TEST(HandshakeResponse, OneByteLengthCutsAt255) {
  HandshakeResponse41 r;
  r.capabilities = cap::kProtocol41 | cap::kSecureConnection;
  r.username = "u";
  r.auth_response = std::string(300, 'x');
  Buffer out;
  serialize(r, out);
  const auto parsed = parse_handshake_response(out);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->auth_response.size(), 255u);
}

}  // namespace
}  // namespace weir::protocol
