// Which mysql.user row a client is matched to, as MariaDB 10.11 picks it with skip-name-resolve:
// host patterns, the server's order of rows, anonymous rows, the host check before the greeting
// (ERROR 1130), and what a refresh must close in the pools.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/host_match.hpp"
#include "auth/user_directory.hpp"
#include "weir/protocol/auth.hpp"

namespace weir::auth {
namespace {

namespace pa = weir::protocol::auth;

struct MatchCase {
  const char* host;
  const char* address;
  bool matches;
};

class HostMatches : public ::testing::TestWithParam<MatchCase> {};

TEST_P(HostMatches, AsTheServerComparesAHostWithAnAddress) {
  EXPECT_EQ(host_matches(GetParam().host, GetParam().address), GetParam().matches)
      << "'" << GetParam().host << "' vs " << GetParam().address;
}

INSTANTIATE_TEST_SUITE_P(
    Table, HostMatches,
    ::testing::Values(
        MatchCase{"%", "10.1.2.3", true}, MatchCase{"", "10.1.2.3", true}, MatchCase{"%", "::1", true},
        MatchCase{"10.1.2.3", "10.1.2.3", true}, MatchCase{"10.1.2.3", "10.1.2.30", false},
        MatchCase{"10.1.%", "10.1.2.3", true}, MatchCase{"10.1.%", "10.10.2.3", false},
        MatchCase{"10.1.2._", "10.1.2.3", true}, MatchCase{"10.1.2._", "10.1.2.33", false},
        MatchCase{"10.%.3", "10.1.2.3", true}, MatchCase{"%.3", "10.1.2.3", true}, MatchCase{"%.4", "10.1.2.3", false},
        MatchCase{"10.1.2.3%", "10.1.2.3", true}, MatchCase{"10\\.1.2.3", "10.1.2.3", true},
        MatchCase{"10.1.2.\\_", "10.1.2.3", false}, MatchCase{"10.0.0.0/255.0.0.0", "10.200.1.1", true},
        MatchCase{"10.0.0.0/255.0.0.0", "11.0.0.1", false}, MatchCase{"127.0.0.0/255.255.255.0", "127.0.0.2", true},
        MatchCase{"127.0.0.0/255.255.255.0", "127.0.1.2", false},
        // A zero mask is no netmask: the text is compared, and never equals an address.
        MatchCase{"0.0.0.0/0.0.0.0", "10.1.2.3", false}, MatchCase{"10.0.0.0/255.0.0.0", "::1", false},
        // localhost is a name: with skip-name-resolve a TCP client never matches it.
        MatchCase{"localhost", "127.0.0.1", false}, MatchCase{"127.0.0.1", "127.0.0.1", true},
        MatchCase{"127.0.0.1", "127.0.0.2", false}, MatchCase{"::1", "::1", true}, MatchCase{"::1", "127.0.0.1", false},
        MatchCase{"fe80::%", "fe80::1", true}, MatchCase{"FE80::1", "fe80::1", false}),
    [](const ::testing::TestParamInfo<MatchCase>& p) { return "case_" + std::to_string(p.index); });

TEST(HostMatch, WildMatchIsLikeWithBackslashEscapes) {
  EXPECT_TRUE(wild_match("", ""));
  EXPECT_TRUE(wild_match("", "%"));
  EXPECT_FALSE(wild_match("", "_"));
  EXPECT_TRUE(wild_match("abc", "a%%c"));
  EXPECT_TRUE(wild_match("abcbc", "a%bc"));
  EXPECT_FALSE(wild_match("abcb", "a%bc"));
  EXPECT_TRUE(wild_match("a%c", "a\\%c"));
  EXPECT_FALSE(wild_match("abc", "a\\%c"));
  EXPECT_TRUE(wild_match("a\\", "a\\"));  // a trailing backslash is itself
}

TEST(HostMatch, NormalizesIpv4MappedAddresses) {
  EXPECT_EQ(normalized_client_address("::ffff:127.0.0.2"), "127.0.0.2");
  EXPECT_EQ(normalized_client_address("::FFFF:10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(normalized_client_address("::1"), "::1");
  EXPECT_EQ(normalized_client_address("10.1.2.3"), "10.1.2.3");
}

TEST(HostMatch, NamesAreNotMatchableButAddressesPatternsAndLocalhostAre) {
  for (const char* host :
       {"", "%", "localhost", "LOCALHOST", "10.1.2.3", "10.%", "db_%", "::1", "fe80::1", "10.0.0.0/255.0.0.0"}) {
    EXPECT_TRUE(host_is_matchable(host)) << host;
  }
  for (const char* host : {"vm", "app.example.com", "db-1"}) EXPECT_FALSE(host_is_matchable(host)) << host;
}

TEST(HostMatch, RanksSpecificHostsFirst) {
  // Lower first: literal and netmask (0), then patterns from the most to the least specific.
  EXPECT_EQ(host_user_rank("10.1.2.3", "u"), 0U);
  EXPECT_EQ(host_user_rank("10.0.0.0/255.0.0.0", "u"), 0U);
  EXPECT_LT(host_user_rank("10.1.2.3", "u"), host_user_rank("10.1.2._", "u"));
  EXPECT_LT(host_user_rank("10.1.2._", "u"), host_user_rank("10.1.2.%", "u"));
  EXPECT_LT(host_user_rank("10.1.2.%", "u"), host_user_rank("10.1.%", "u"));
  EXPECT_LT(host_user_rank("10.1.%", "u"), host_user_rank("%", "u"));
  EXPECT_EQ(host_user_rank("", "u"), host_user_rank("%", "u"));
  // A later first wildcard is more specific (the server's P, the length of the literal prefix).
  EXPECT_LT(host_user_rank("10.1.%", "u"), host_user_rank("%.1.2", "u"));
  // For the same host the anonymous user comes after a named one.
  EXPECT_LT(host_user_rank("%", "u"), host_user_rank("%", ""));
  EXPECT_LT(host_user_rank("10.%", ""), host_user_rank("%", "u"));
}

// ---------------------------------------------------------------------------------------------
// The directory: which account a client at an address gets.

Account row(std::string user, std::string host, const std::string& password) {
  Account a;
  a.name = std::move(user);
  a.host = std::move(host);
  if (!password.empty()) a.stored_hash = pa::native_stored_hash(password);
  return a;
}

Account configured(std::string user, const std::string& password) {
  Account a = row(std::move(user), "", password);
  a.configured = true;
  a.cleartext = password;
  return a;
}

struct FindCase {
  const char* title;
  std::vector<Account> rows;
  const char* user;
  const char* address;
  const char* want_user;  // nullptr: no account
  const char* want_host;
};

class Find : public ::testing::TestWithParam<FindCase> {};

TEST_P(Find, PicksTheRowTheServerPicks) {
  const FindCase& c = GetParam();
  const UserDirectory directory(c.rows);
  const Account* a = directory.find(c.user, c.address);
  if (c.want_user == nullptr) {
    EXPECT_EQ(a, nullptr) << a->name << "@" << a->host;
    return;
  }
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->name, c.want_user);
  EXPECT_EQ(a->host, c.want_host);
}

std::vector<Account> stock_install() {
  // mariadb-install-db's root rows, with a password set on two of them.
  return {row("root", "localhost", "rootpw"), row("root", "vm", ""), row("root", "127.0.0.1", "rootpw"),
          row("root", "::1", ""), row("mariadb.sys", "localhost", "")};
}

std::vector<FindCase> find_cases() {
  return {
      {"stock_root_from_127_0_0_1_gets_the_row_with_password", stock_install(), "root", "127.0.0.1", "root",
       "127.0.0.1"},
      {"stock_root_from_ipv6_loopback_gets_the_row_without", stock_install(), "root", "::1", "root", "::1"},
      {"stock_root_from_elsewhere_gets_nothing", stock_install(), "root", "10.1.2.3", nullptr, nullptr},
      {"localhost_never_matches_tcp", {row("lo", "localhost", "a")}, "lo", "127.0.0.1", nullptr, nullptr},
      {"literal_before_pattern",
       {row("app", "%", "a"), row("app", "10.1.2.3", "b"), row("app", "10.1.%", "c")},
       "app",
       "10.1.2.3",
       "app",
       "10.1.2.3"},
      {"narrower_pattern_first", {row("app", "%", "a"), row("app", "10.1.%", "c")}, "app", "10.1.9.9", "app", "10.1.%"},
      {"fallback_to_percent", {row("app", "%", "a"), row("app", "10.1.%", "c")}, "app", "10.2.0.1", "app", "%"},
      {"restricted_account_refuses_other_addresses", {row("app", "10.1.%", "c")}, "app", "10.2.0.1", nullptr, nullptr},
      {"netmask_as_specific_as_a_literal_then_host_descending",
       {row("n", "10.0.0.0/255.0.0.0", "m"), row("n", "10.1.2.3", "l")},
       "n",
       "10.1.2.3",
       "n",
       "10.1.2.3"},
      {"netmask_matches",
       {row("n", "10.0.0.0/255.0.0.0", "m"), row("n", "%", "p")},
       "n",
       "10.9.9.9",
       "n",
       "10.0.0.0/255.0.0.0"},
      {"names_are_case_sensitive", {row("App", "%", "a")}, "app", "10.0.0.1", nullptr, nullptr},
      {"a_more_specific_anonymous_row_wins",
       {row("app", "%", "a"), row("", "10.1.%", "")},
       "app",
       "10.1.2.3",
       "",
       "10.1.%"},
      {"an_equally_specific_anonymous_row_does_not",
       {row("app", "10.1.%", "a"), row("", "10.1.%", "")},
       "app",
       "10.1.2.3",
       "app",
       "10.1.%"},
      {"anonymous_row_for_an_unknown_name", {row("", "%", "")}, "nobody", "10.1.2.3", "", "%"},
      {"configured_accounts_match_any_host", {configured("cfg", "c")}, "cfg", "203.0.113.9", "cfg", ""},
      {"configured_accounts_hide_loaded_rows",
       {row("cfg", "10.%", "x"), configured("cfg", "c")},
       "cfg",
       "10.0.0.1",
       "cfg",
       ""},
      {"ipv4_mapped_client_address", {row("lo", "127.0.0.1", "a")}, "lo", "::ffff:127.0.0.1", "lo", "127.0.0.1"},
  };
}

INSTANTIATE_TEST_SUITE_P(Table, Find, ::testing::ValuesIn(find_cases()),
                         [](const ::testing::TestParamInfo<FindCase>& p) { return std::string(p.param.title); });

TEST(UserDirectory, ConfiguredAccountsHideLoadedRowsAfterAMerge) {
  const auto base = std::make_shared<const UserDirectory>(std::vector<Account>{configured("cfg", "c")});
  const auto merged = base->merged_with({row("cfg", "%", "server"), row("other", "%", "o")});
  const Account* a = merged->find("cfg", "10.0.0.1");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->configured);
  EXPECT_EQ(merged->size(), 2U);
  EXPECT_NE(merged->find("other", "10.0.0.1"), nullptr);
}

TEST(UserDirectory, AdmitsAnAddressWhenAnyRowOfAnyUserMatchesIt) {
  const UserDirectory stock(stock_install());
  EXPECT_TRUE(stock.admits("127.0.0.1"));
  EXPECT_TRUE(stock.admits("::1"));
  EXPECT_FALSE(stock.admits("127.0.0.2")) << "localhost is no address";
  EXPECT_FALSE(stock.admits("10.1.2.3"));
  const UserDirectory patterns({row("a", "10.1.%", "x"), row("b", "192.168.0.0/255.255.0.0", "y")});
  EXPECT_TRUE(patterns.admits("10.1.7.7"));
  EXPECT_TRUE(patterns.admits("192.168.3.4"));
  EXPECT_FALSE(patterns.admits("10.2.7.7"));
  EXPECT_TRUE(UserDirectory({row("a", "%", "x")}).admits("203.0.113.9"));
  EXPECT_TRUE(UserDirectory({configured("cfg", "c")}).admits("203.0.113.9"));
  EXPECT_TRUE(UserDirectory({row("a", "Fe80::1", "x")}).admits("fe80::1")) << "literal hosts compare without case";
}

TEST(UserDirectory, PoolsOnlyNamesWithOneCredential) {
  const UserDirectory d({row("root", "127.0.0.1", "pw"), row("root", "::1", ""), row("app", "%", "a"),
                         row("app", "10.%", "a"), configured("cfg", "c")});
  EXPECT_FALSE(d.poolable("root")) << "a connection logged in with the password must not serve a client without";
  EXPECT_TRUE(d.poolable("app"));
  EXPECT_TRUE(d.poolable("cfg"));
  EXPECT_FALSE(d.poolable("nobody"));
  Account plugin = row("ed", "%", "");
  plugin.unusable = "plugin ed25519 is not mysql_native_password";
  EXPECT_FALSE(UserDirectory({plugin}).poolable("ed"));
}

TEST(UserDirectory, ChangedNamesAreThoseWhoseRowsDiffer) {
  Account locked = row("lk", "%", "l");
  const UserDirectory before(
      {row("a", "%", "1"), row("b", "%", "2"), row("c", "%", "3"), row("c", "10.%", "3"), row("lk", "%", "l")});
  locked.locked = true;
  const UserDirectory after(
      {row("a", "%", "changed"), row("c", "10.%", "3"), row("c", "%", "3"), locked, row("new", "%", "n")});
  EXPECT_EQ(changed_names(before, after), (std::vector<std::string>{"a", "b", "lk", "new"}));
  EXPECT_TRUE(changed_names(before, before).empty());
}

}  // namespace
}  // namespace weir::auth
