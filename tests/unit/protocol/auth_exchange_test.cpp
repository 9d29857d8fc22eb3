// Byte tables for the authentication exchange and COM_CHANGE_USER. "captured" fixtures were recorded
// from MariaDB 10.11.19 talking to libmariadb 3.3.20 and mysql-connector-python 9.1.0.
#include "weir/protocol/auth_exchange.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "handshake_test_util.hpp"

namespace weir::protocol {
namespace {

using testing_hex::bin;
using testing_hex::CaseName;
using testing_hex::to_hex;
using testing_hex::unhex;

constexpr const char* kNativeHex = "6d7973716c5f6e61746976655f70617373776f7264";  // mysql_native_password
constexpr const char* kSha2Hex = "63616368696e675f736861325f70617373776f7264";    // caching_sha2_password

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s += p;
  return s;
}

struct BadCase {
  const char* name;
  std::string wire;
  Error error;
};

// ---------------------------------------------------------------- classification

struct KindCase {
  const char* name;
  std::string wire;
  AuthReplyKind kind;
};

class AuthReplyKinds : public ::testing::TestWithParam<KindCase> {};

TEST_P(AuthReplyKinds, Classifies) { EXPECT_EQ(classify_auth_reply(unhex(GetParam().wire)), GetParam().kind); }

INSTANTIATE_TEST_SUITE_P(
    AuthExchange, AuthReplyKinds,
    ::testing::Values(KindCase{"ok", "00000002000000", AuthReplyKind::ok},
                      KindCase{"err", "ff15042332383030304163636573732064656e696564", AuthReplyKind::err},
                      KindCase{"switch", cat({"fe", kNativeHex, "00", "0102"}), AuthReplyKind::auth_switch},
                      KindCase{"old_switch", "fe", AuthReplyKind::old_auth_switch},
                      KindCase{"more_data", "0103", AuthReplyKind::more_data},
                      KindCase{"empty", "", AuthReplyKind::unknown}, KindCase{"other", "02", AuthReplyKind::unknown}),
    CaseName{});

// ---------------------------------------------------------------- AuthSwitchRequest

struct SwitchCase {
  const char* name;
  std::string wire;
  AuthSwitchRequest expected;
};

class AuthSwitchRequestTable : public ::testing::TestWithParam<SwitchCase> {};

TEST_P(AuthSwitchRequestTable, ParsesSerializesAndRejectsTruncation) {
  const Buffer wire = unhex(GetParam().wire);
  const auto parsed = parse_auth_switch_request(wire);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, GetParam().expected);
  Buffer out;
  serialize(GetParam().expected, out);
  EXPECT_EQ(to_hex(out), to_hex(wire));
  // Any cut inside the header or the plugin name fails; cuts inside plugin data are
  // indistinguishable from shorter data (the data runs to the end of the packet).
  const std::size_t data_start = 1 + GetParam().expected.plugin_name.size() + 1;
  for (std::size_t n = 0; n < data_start; ++n) {
    const auto cut = parse_auth_switch_request(Bytes(wire).first(n));
    ASSERT_FALSE(cut.ok()) << n;
    EXPECT_STRNE(cut.error().field, "");
  }
}

INSTANTIATE_TEST_SUITE_P(
    AuthExchange, AuthSwitchRequestTable,
    ::testing::Values(
        // captured: MariaDB switching libmariadb from caching_sha2_password to mysql_native_password
        SwitchCase{"captured_to_native",
                   cat({"fe", kNativeHex, "00", "556c42446f22576f4c6b5753792a60263b374224", "00"}),
                   {"mysql_native_password", bin("556c42446f22576f4c6b5753792a60263b37422400")}},
        SwitchCase{"to_caching_sha2",
                   cat({"fe", kSha2Hex, "00", "0102030405060708090a0b0c0d0e0f1011121314", "00"}),
                   {"caching_sha2_password", bin("0102030405060708090a0b0c0d0e0f101112131400")}},
        SwitchCase{
            "clear_password_no_data", "fe6d7973716c5f636c6561725f70617373776f726400", {"mysql_clear_password", ""}},
        SwitchCase{"empty_plugin_name", "fe00", {"", ""}}),
    CaseName{});

class AuthSwitchRequestRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(AuthSwitchRequestRejects, WithError) {
  const auto parsed = parse_auth_switch_request(unhex(GetParam().wire));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error(), GetParam().error) << parsed.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    AuthExchange, AuthSwitchRequestRejects,
    ::testing::Values(BadCase{"old_password_switch", "fe", {Errc::bad_value, "old_auth_switch_request", 0}},
                      BadCase{"empty", "", {Errc::truncated, "auth_switch_header", 0}},
                      BadCase{"ok_packet", "00000002000000", {Errc::unexpected_message, "auth_switch_header", 0}},
                      BadCase{"unterminated_name", "fe6d7973716c", {Errc::truncated, "plugin_name", 1}}),
    CaseName{});

TEST(AuthSwitchRequest, NonceHelpers) {
  const AuthSwitchRequest req =
      make_auth_switch_request(kMysqlNativePassword, bin("0102030405060708090a0b0c0d0e0f1011121314"));
  Buffer out;
  serialize(req, out);
  EXPECT_EQ(to_hex(out), cat({"fe", kNativeHex, "00", "0102030405060708090a0b0c0d0e0f1011121314", "00"}));
  EXPECT_EQ(to_hex(auth_switch_nonce(req)), "0102030405060708090a0b0c0d0e0f1011121314");
  EXPECT_EQ(auth_switch_nonce(AuthSwitchRequest{"x", "abc"}), "abc");
  EXPECT_EQ(auth_switch_nonce(AuthSwitchRequest{"x", ""}), "");
}

// ---------------------------------------------------------------- AuthSwitchResponse / AuthMoreData

TEST(AuthSwitchResponse, IsRawData) {
  // captured: libmariadb's mysql_native_password answer to the request above (password "secret")
  const Buffer wire = unhex("42962e195bb325e5132a1ed2d025ea4dc00fbf3b");
  const auto parsed = parse_auth_switch_response(wire);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->data, bin("42962e195bb325e5132a1ed2d025ea4dc00fbf3b"));
  Buffer out;
  serialize(*parsed, out);
  EXPECT_EQ(out, wire);
  EXPECT_EQ(parse_auth_switch_response({})->data, "");
}

struct MoreDataCase {
  const char* name;
  std::string wire;
  AuthMoreData expected;
  caching_sha2::Signal signal;
};

class AuthMoreDataTable : public ::testing::TestWithParam<MoreDataCase> {};

TEST_P(AuthMoreDataTable, ParsesAndSerializes) {
  const Buffer wire = unhex(GetParam().wire);
  const auto parsed = parse_auth_more_data(wire);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, GetParam().expected);
  EXPECT_EQ(caching_sha2::signal_of(*parsed), GetParam().signal);
  Buffer out;
  serialize(GetParam().expected, out);
  EXPECT_EQ(to_hex(out), to_hex(wire));
}

INSTANTIATE_TEST_SUITE_P(
    AuthExchange, AuthMoreDataTable,
    ::testing::Values(MoreDataCase{"fast_auth_success", "0103", caching_sha2::fast_auth_success(),
                                   caching_sha2::Signal::fast_auth_success},
                      MoreDataCase{"perform_full_auth", "0104", caching_sha2::perform_full_authentication(),
                                   caching_sha2::Signal::perform_full_authentication},
                      MoreDataCase{"public_key", "012d2d2d2d2d424547494e", {"-----BEGIN"}, caching_sha2::Signal::other},
                      MoreDataCase{"empty", "01", {""}, caching_sha2::Signal::other},
                      MoreDataCase{"other_byte", "0105", {"\x05"}, caching_sha2::Signal::other},
                      MoreDataCase{
                          "three_then_more", "010300", {std::string("\x03\x00", 2)}, caching_sha2::Signal::other}),
    CaseName{});

TEST(AuthMoreData, Rejects) {
  EXPECT_EQ(parse_auth_more_data({}).error(), (Error{Errc::truncated, "auth_more_data_header", 0}));
  EXPECT_EQ(parse_auth_more_data(unhex("0203")).error(), (Error{Errc::unexpected_message, "auth_more_data_header", 0}));
}

TEST(CachingSha2, PublicKeyRequest) {
  EXPECT_TRUE(caching_sha2::is_public_key_request(unhex("02")));
  EXPECT_FALSE(caching_sha2::is_public_key_request(unhex("01")));
  EXPECT_FALSE(caching_sha2::is_public_key_request(unhex("0200")));
  EXPECT_FALSE(caching_sha2::is_public_key_request({}));
}

// ---------------------------------------------------------------- COM_CHANGE_USER

// mysql-connector-python's session: LONG_PASSWORD|SECURE_CONNECTION|PLUGIN_AUTH|CONNECT_ATTRS|...
constexpr CapabilityFlags kConnectorCaps = 0x003ba20dULL;
constexpr CapabilityFlags kOldCaps = cap::kProtocol41 | cap::kLongPassword;  // no 1-byte length, no plugins

struct ChangeUserCase {
  const char* name;
  CapabilityFlags caps;
  std::string wire;
  ChangeUser expected;
  std::vector<std::size_t> complete_prefixes;
};

std::vector<ChangeUserCase> change_user_cases() {
  std::vector<ChangeUserCase> cases;
  // captured: mysql-connector-python cmd_change_user(app, secret, database=mysql)
  cases.push_back(
      {"captured_connector_python",
       kConnectorCaps,
       "11617070001491d3020d3d078c9440c0539857fb4c4f480c6ace6d7973716c002d006d7973716c5f6e61746976655f70617373776f72"
       "64008b045f7069640436333038095f706c6174666f726d067838365f36340c5f736f757263655f686f737402766d0c5f636c69656e74"
       "5f6e616d65166d7973716c2d636f6e6e6563746f722d707974686f6e0f5f636c69656e745f6c6963656e73650747504c2d322e300f5f"
       "636c69656e745f76657273696f6e05392e312e30035f6f730944656269616e2d3132",
       {"app", bin("91d3020d3d078c9440c0539857fb4c4f480c6ace"), "mysql", std::uint16_t{0x2d}, "mysql_native_password",
        ConnectAttributes{{"_pid", "6308"},
                          {"_platform", "x86_64"},
                          {"_source_host", "vm"},
                          {"_client_name", "mysql-connector-python"},
                          {"_client_license", "GPL-2.0"},
                          {"_client_version", "9.1.0"},
                          {"_os", "Debian-12"}}},
       {32, 34, 56}});
  cases.push_back({"no_character_set",
                   kConnectorCaps,
                   "11726f6f7400036162637465737400",
                   {"root", "abc", "test", std::nullopt, "", {}},
                   {}});
  cases.push_back({"nul_terminated_auth",
                   kOldCaps,
                   cat({"11", "7500", "707700", "00", "2100"}),
                   {"u", "pw", "", std::uint16_t{0x21}, "", {}},
                   {7}});
  cases.push_back({"empty_everything",
                   cap::kProtocol41 | cap::kSecureConnection | cap::kPluginAuth | cap::kConnectAttrs,
                   cat({"11", "00", "00", "00", "0800", "00", "00"}),
                   {"", "", "", std::uint16_t{8}, "", {}},
                   {4, 6, 7}});
  return cases;
}

class ChangeUserTable : public ::testing::TestWithParam<ChangeUserCase> {};

TEST_P(ChangeUserTable, Parses) {
  const auto parsed = parse_change_user(unhex(GetParam().wire), GetParam().caps);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, GetParam().expected);
}

TEST_P(ChangeUserTable, Serializes) {
  Buffer out;
  serialize(GetParam().expected, GetParam().caps, out);
  EXPECT_EQ(to_hex(out), to_hex(unhex(GetParam().wire)));
}

TEST_P(ChangeUserTable, TruncationFailsExceptAtOptionalFieldBoundaries) {
  const Buffer wire = unhex(GetParam().wire);
  const auto& allowed = GetParam().complete_prefixes;
  for (std::size_t n = 0; n < wire.size(); ++n) {
    const auto parsed = parse_change_user(Bytes(wire).first(n), GetParam().caps);
    if (std::find(allowed.begin(), allowed.end(), n) != allowed.end()) {
      EXPECT_TRUE(parsed.ok()) << "prefix " << n << ": " << parsed.error().message();
      continue;
    }
    ASSERT_FALSE(parsed.ok()) << "prefix of " << n << " bytes parsed";
    EXPECT_STRNE(parsed.error().field, "") << n;
    EXPECT_LE(parsed.error().offset, n);
  }
}

INSTANTIATE_TEST_SUITE_P(AuthExchange, ChangeUserTable, ::testing::ValuesIn(change_user_cases()), CaseName{});

class ChangeUserRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(ChangeUserRejects, WithError) {
  const auto parsed = parse_change_user(unhex(GetParam().wire), kConnectorCaps);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error(), GetParam().error) << parsed.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    AuthExchange, ChangeUserRejects,
    ::testing::Values(BadCase{"not_change_user", "03736c656374", {Errc::unexpected_message, "command", 0}},
                      BadCase{"empty", "", {Errc::truncated, "command", 0}},
                      BadCase{"half_character_set",
                              "1175000000"
                              "21",
                              {Errc::truncated, "character_set", 5}},
                      BadCase{"auth_longer_than_packet", "11750005616263", {Errc::truncated, "auth_response", 4}},
                      BadCase{"database_unterminated", "117500006462", {Errc::truncated, "database", 4}},
                      BadCase{"attrs_overrun",
                              "117500000021007000"
                              "05"
                              "016b0131",
                              {Errc::truncated, "connect_attrs", 10}}),
    CaseName{});

TEST(ChangeUser, TrailingBytesWithoutPluginCapabilities) {
  const Buffer wire = unhex(cat({"11", "7500", "707700", "00", "2100", "ff"}));
  EXPECT_EQ(parse_change_user(wire, kOldCaps).error(), (Error{Errc::trailing_bytes, "change_user", 9}));
}

TEST(ChangeUser, LongResponseIsCutAt255UnderSecureConnection) {
  ChangeUser c{"u", std::string(400, 'x'), "", std::uint16_t{8}, "p", {}};
  Buffer out;
  serialize(c, kConnectorCaps, out);
  const auto parsed = parse_change_user(out, kConnectorCaps);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->auth_response.size(), 255u);
}

}  // namespace
}  // namespace weir::protocol
