// mysql.user rows -> weir's accounts: every row is kept except roles and host names, which hashes
// parse, which plugins and kinds of account are marked unusable, and why.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/user_loader.hpp"
#include "weir/protocol/auth.hpp"

namespace weir::auth {
namespace {

namespace pa = weir::protocol::auth;

constexpr const char* kNative = "mysql_native_password";

UserRow native(std::string user, std::string host, const std::string& password) {
  return {std::move(user), std::move(host),
          kNative,         password.empty() ? "" : pa::format_native_hash(pa::native_stored_hash(password)),
          false,           false};
}

// One row set and what must come out of it: the rows kept (with the password whose hash they
// carry, "" for none, or marked unusable) and the (user, host) pairs listed as skipped with a
// word of their reason.
struct Expected {
  std::string name;
  std::string host;
  std::string password;  // "" and no_password: an account without password
  bool no_password = false;
  bool unusable = false;
  bool expired = false;
};
struct SkipExpected {
  std::string user;
  std::string host;
  std::string reason_contains;
};
struct RowsCase {
  const char* title;
  std::vector<UserRow> rows;
  std::vector<Expected> accounts;
  std::vector<SkipExpected> skipped;
};

std::vector<RowsCase> rows_cases() {
  const std::string ed_key = "Gv2JI8Env2fd5YGonZ082tX3UAW+yJYldOlj4R1bfK4";
  const std::string x_hash = pa::format_native_hash(pa::native_stored_hash("x"));
  return {
      {"one_native_account", {native("app", "%", "app-pw")}, {{"app", "%", "app-pw"}}, {}},
      {"lower_case_hash_is_accepted",
       {{"low", "%", kNative, "*b69027d44f6e5edc07f1aead1477967b16f28227", false, false}},
       {{"low", "%", "x"}},
       {}},
      {"no_password", {native("open", "%", "")}, {{"open", "%", "", true}}, {}},
      {"empty_plugin_means_native",
       {{"old", "%", "", pa::format_native_hash(pa::native_stored_hash("o")), false, false}},
       {{"old", "%", "o"}},
       {}},
      {"every_host_of_a_name_is_kept",
       {native("multi", "localhost", "b"), native("multi", "10.%", "c"), native("multi", "%", "a"),
        native("multi", "10.1.2.3", "d"), native("multi", "::1", ""), native("multi", "10.0.0.0/255.0.0.0", "e")},
       {{"multi", "localhost", "b"},
        {"multi", "10.%", "c"},
        {"multi", "%", "a"},
        {"multi", "10.1.2.3", "d"},
        {"multi", "::1", "", true},
        {"multi", "10.0.0.0/255.0.0.0", "e"}},
       {}},
      {"host_names_are_ignored_as_with_skip_name_resolve",
       {native("n", "app.example.com", "a"), native("n", "%.example.com", "b"), native("n", "LocalHost", "c")},
       {{"n", "%.example.com", "b"}, {"n", "LocalHost", "c"}},
       {{"n", "app.example.com", "host name"}}},
      {"other_plugins_are_kept_unusable",
       {{"ed", "%", "ed25519", ed_key, false, false},
        {"sock", "localhost", "unix_socket", "", false, false},
        {"sha", "%", "caching_sha2_password", "$A$005$x", false, false}},
       {{"ed", "%", "", false, true}, {"sock", "localhost", "", false, true}, {"sha", "%", "", false, true}},
       {{"ed", "%", "plugin ed25519"},
        {"sock", "localhost", "plugin unix_socket"},
        {"sha", "%", "plugin caching_sha2_password"}}},
      {"invalid_hashes_are_kept_unusable",
       {{"root", "localhost", kNative, "invalid", false, false},
        {"short", "%", kNative, "*B69027D44F6E5EDC07F1AEAD1477967B16F2822", false, false},
        {"nostar", "%", kNative, "B69027D44F6E5EDC07F1AEAD1477967B16F282277", false, false},
        {"nothex", "%", kNative, "*G69027D44F6E5EDC07F1AEAD1477967B16F28227", false, false},
        {"old", "%", kNative, "6f8c114b58f2ce9e", false, false}},
       {{"root", "localhost", "", false, true},
        {"short", "%", "", false, true},
        {"nostar", "%", "", false, true},
        {"nothex", "%", "", false, true},
        {"old", "%", "", false, true}},
       {{"root", "localhost", "not a mysql_native_password hash"},
        {"short", "%", "not a mysql_native_password hash"},
        {"nostar", "%", "not a mysql_native_password hash"},
        {"nothex", "%", "not a mysql_native_password hash"},
        {"old", "%", "not a mysql_native_password hash"}}},
      {"roles_go_anonymous_rows_stay_unusable_expired_rows_stay",
       {{"r1", "", "", "", true, false},
        {"PUBLIC", "", "", "", true, false},
        native("", "localhost", ""),
        {"mariadb.sys", "localhost", kNative, "", false, true},
        native("app", "%", "app-pw"),
        {"e", "%", kNative, x_hash, false, true}},
       {{"", "localhost", "", true, true},
        {"mariadb.sys", "localhost", "", true, false, true},
        {"app", "%", "app-pw"},
        {"e", "%", "x", false, false, true}},
       {{"", "localhost", "anonymous"}}},
  };
}

class AccountsFromRows : public ::testing::TestWithParam<RowsCase> {};

TEST_P(AccountsFromRows, LoadsAndSkipsAsDocumented) {
  const RowsCase& c = GetParam();
  const LoadedUsers out = accounts_from_rows(c.rows);
  ASSERT_EQ(out.accounts.size(), c.accounts.size());
  for (std::size_t i = 0; i < c.accounts.size(); ++i) {
    const Account& a = out.accounts[i];
    const Expected& want = c.accounts[i];
    EXPECT_EQ(a.name, want.name);
    EXPECT_EQ(a.host, want.host);
    EXPECT_FALSE(a.configured);
    EXPECT_FALSE(a.cleartext.has_value()) << "a loaded account never knows the password";
    EXPECT_EQ(a.password_expired, want.expired) << a.name << "@" << a.host;
    EXPECT_EQ(!a.unusable.empty(), want.unusable) << a.name << "@" << a.host << ": " << a.unusable;
    if (want.unusable) continue;
    if (want.no_password) {
      EXPECT_FALSE(a.stored_hash.has_value()) << a.name;
    } else {
      ASSERT_TRUE(a.stored_hash.has_value()) << a.name;
      EXPECT_EQ(*a.stored_hash, pa::native_stored_hash(want.password)) << a.name;
    }
  }
  ASSERT_EQ(out.skipped.size(), c.skipped.size());
  for (const auto& want : c.skipped) {
    bool found = false;
    for (const auto& s : out.skipped) {
      if (s.user == want.user && s.host == want.host) {
        found = true;
        EXPECT_NE(s.reason.find(want.reason_contains), std::string::npos)
            << s.user << "@" << s.host << ": " << s.reason;
      }
    }
    EXPECT_TRUE(found) << "not skipped: " << want.user << "@" << want.host;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, AccountsFromRows, ::testing::ValuesIn(rows_cases()),
                         [](const ::testing::TestParamInfo<RowsCase>& param_info) {
                           return std::string(param_info.param.title);
                         });

TEST(AccountsFromRows, TheLowerCaseHashIsTheSameDigest) {
  const LoadedUsers out =
      accounts_from_rows({{"low", "%", kNative, "*b69027d44f6e5edc07f1aead1477967b16f28227", false, false}});
  ASSERT_EQ(out.accounts.size(), 1U);
  EXPECT_EQ(pa::format_native_hash(*out.accounts[0].stored_hash), "*B69027D44F6E5EDC07F1AEAD1477967B16F28227");
}

TEST(UserSource, NamesThePrimaryAndTheLoadingAccount) {
  config::Config c;
  c.backends.static_backends = {{"r1", "10.0.0.2", 3307, config::Role::replica, 1},
                                {"db-0", "10.0.0.1", 3306, config::Role::primary, 1}};
  c.load_users_from_backend.user = "loader";
  c.load_users_from_backend.password.value = "secret";
  c.timeouts.connect = std::chrono::milliseconds(200);
  const UserSource s = user_source(c);
  EXPECT_EQ(s.endpoint_name, "db-0");
  EXPECT_EQ(s.host, "10.0.0.1");
  EXPECT_EQ(s.port, 3306U);
  EXPECT_EQ(s.user, "loader");
  EXPECT_EQ(s.password, "secret");
  EXPECT_EQ(s.timeout, std::chrono::milliseconds(1000)) << "libmariadb counts whole seconds";
}

TEST(LoadUsers, WithoutAnAccountIsAClearError) {
  UserSource s;
  s.endpoint_name = "primary";
  s.host = "127.0.0.1";
  const LoadUsersResult r = load_users(s);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("load_users_from_backend.user"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace weir::auth
