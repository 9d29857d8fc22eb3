// Accounts loaded from a real server's mysql.user: what load_users reads, what the refresher
// publishes as accounts are created, changed and dropped, what happens when the loading account
// cannot log in, and that a published account authenticates a client's scramble exactly as the
// server would (the password set on the server accepted, any other refused).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "auth/client_auth.hpp"
#include "auth/user_refresher.hpp"
#include "proxy_support.hpp"
#include "weir/config/config.hpp"
#include "weir/protocol/auth.hpp"
#include "weir/testing/tls_certificates.hpp"

namespace weir::testing::proxy_tests {
namespace {

namespace pa = weir::protocol::auth;
using namespace std::chrono_literals;

constexpr const char* kLoader = "weir_loader";
constexpr const char* kLoaderPassword = "loader-pw";
constexpr const char* kLocal = "127.0.0.1";  // the address of a client on this machine

// A server with the loading account (SELECT on mysql.user only) and a few accounts of each kind.
void prepare_accounts(MariadbServer& server) {
  server.execute(std::string("CREATE USER ") + kLoader + "@'%' IDENTIFIED BY '" + kLoaderPassword + "'");
  server.execute(std::string("GRANT SELECT ON mysql.user TO ") + kLoader + "@'%'");
  server.create_user(kApp, kAppPassword, "ALL PRIVILEGES", "*.*");
  server.execute("CREATE USER sock@'%' IDENTIFIED VIA unix_socket");
  server.execute("CREATE USER nopw@'%'");
  server.execute("CREATE ROLE reader");
  server.execute("CREATE USER two@'%' IDENTIFIED BY 'two-remote'");
  server.execute("CREATE USER two@'127.0.0.1' IDENTIFIED BY 'two-local'");
  server.execute("CREATE USER onlylocal@'127.0.0.1' IDENTIFIED BY 'local-pw'");
  // What mariadb-install-db gives root: a native account whose "hash" no password matches.
  server.execute("CREATE USER locked_out@'%' IDENTIFIED VIA mysql_native_password USING 'invalid'");
}

std::shared_ptr<const config::Config> config_for(const MariadbServer& server, const std::string& monitor_password,
                                                 const std::string& extra = "") {
  const std::string yaml =
      "users:\n  - name: cfg\n    password: cfg-pw\n"
      "load_users_from_backend:\n  enabled: true\n  refresh_interval: 1h\n"
      "monitor:\n  user: " +
      std::string(kLoader) + "\n  password: \"" + monitor_password +
      "\"\n"
      "backends:\n  discovery: static\n  static:\n    - name: db-primary\n      host: 127.0.0.1\n"
      "      port: " +
      std::to_string(server.port()) + "\n      role: primary\n" + extra;
  auto result = config::parse_config(yaml, "load_users_test.yaml");
  EXPECT_TRUE(result.ok()) << result.error_text();
  return result.config;
}

std::string random_nonce() {
  std::random_device rd;
  std::string nonce(20, '\0');
  for (auto& c : nonce) c = static_cast<char>(1 + rd() % 126);  // no NUL, as servers send
  return nonce;
}

// What weir's login decides for `password` against the directory's account `user`.
auth::AuthStep login_step(const auth::UserDirectory& directory, const std::string& user, const std::string& password) {
  const std::string nonce = random_nonce();
  const std::string response = pa::native_scramble(password, nonce);
  return auth::decide_first_response(directory.find(user, kLocal), "mysql_native_password", response, nonce).step;
}

bool has_hash_of(const auth::UserDirectory& d, const std::string& user, const std::string& password,
                 const char* address = kLocal) {
  const auth::Account* a = d.find(user, address);
  return a != nullptr && a->stored_hash && *a->stored_hash == pa::native_stored_hash(password);
}

class Latest {
 public:
  auth::UserRefresher::Publish sink() {
    return [this](std::shared_ptr<const auth::UserDirectory> d) {
      std::lock_guard lock(mutex_);
      latest_ = std::move(d);
    };
  }
  std::shared_ptr<const auth::UserDirectory> get() const {
    std::lock_guard lock(mutex_);
    return latest_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const auth::UserDirectory> latest_;
};

TEST(LoadUsers, ReadsEveryRowAndMarksTheOnesWeirCannotServe) {
  MariadbServer server;
  prepare_accounts(server);
  const auto config = config_for(server, kLoaderPassword);
  ASSERT_NE(config, nullptr);
  const auth::LoadUsersResult result = auth::load_users(*config);
  ASSERT_TRUE(result.ok()) << result.error;
  const auth::UserDirectory directory(result.users->accounts);
  EXPECT_TRUE(has_hash_of(directory, kApp, kAppPassword));
  EXPECT_TRUE(has_hash_of(directory, kLoader, kLoaderPassword));
  // Every row is loaded: a client gets the one the server would pick for its address.
  EXPECT_TRUE(has_hash_of(directory, "two", "two-local")) << "the literal address wins";
  EXPECT_TRUE(has_hash_of(directory, "two", "two-remote", "10.1.2.3"));
  ASSERT_NE(directory.find("nopw", kLocal), nullptr);
  EXPECT_FALSE(directory.find("nopw", kLocal)->stored_hash.has_value());
  ASSERT_NE(directory.find("sock", kLocal), nullptr);
  EXPECT_NE(directory.find("sock", kLocal)->unusable, "") << "kept, so that it is matched and refused";
  EXPECT_EQ(directory.find("reader", kLocal), nullptr);
  ASSERT_NE(directory.find("locked_out", kLocal), nullptr);
  EXPECT_NE(directory.find("locked_out", kLocal)->unusable, "") << "'invalid' is no hash";
  EXPECT_TRUE(has_hash_of(directory, "onlylocal", "local-pw"));
  EXPECT_EQ(directory.find("onlylocal", "10.1.2.3"), nullptr);
  EXPECT_EQ(directory.find("mariadb.sys", kLocal), nullptr) << "localhost matches no TCP client";
  EXPECT_FALSE(result.users->locks_known) << "SELECT on mysql.user only";
  bool sock_skipped = false;
  bool invalid_skipped = false;
  for (const auto& s : result.users->skipped) {
    if (s.user == "sock") sock_skipped = s.reason.find("unix_socket") != std::string::npos;
    if (s.user == "locked_out") invalid_skipped = s.reason.find("hash") != std::string::npos;
  }
  EXPECT_TRUE(sock_skipped);
  EXPECT_TRUE(invalid_skipped);
}

TEST(LoadUsers, ReadsLocksWhenTheLoadingAccountMaySeeGlobalPriv) {
  MariadbServer server;
  prepare_accounts(server);
  server.execute("CREATE USER lk@'%' IDENTIFIED BY 'lk-pw' ACCOUNT LOCK");
  server.execute(std::string("GRANT SELECT ON mysql.global_priv TO ") + kLoader + "@'%'");
  const auth::LoadUsersResult result = auth::load_users(*config_for(server, kLoaderPassword));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(result.users->locks_known);
  const auth::UserDirectory directory(result.users->accounts);
  ASSERT_NE(directory.find("lk", kLocal), nullptr);
  EXPECT_TRUE(directory.find("lk", kLocal)->locked);
  ASSERT_NE(directory.find(kApp, kLocal), nullptr);
  EXPECT_FALSE(directory.find(kApp, kLocal)->locked);
}

TEST(LoadUsers, AnAccountWithoutTheGrantGetsAnErrorSayingWhatIsMissing) {
  MariadbServer server;
  prepare_accounts(server);
  server.execute(std::string("REVOKE SELECT ON mysql.user FROM ") + kLoader + "@'%'");
  const auth::LoadUsersResult result = auth::load_users(*config_for(server, kLoaderPassword));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find("SELECT"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("1142"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("db-primary"), std::string::npos) << result.error;
}

TEST(LoadUsers, AWrongPasswordNamesTheBackendAndTheAccount) {
  MariadbServer server;
  prepare_accounts(server);
  const auth::LoadUsersResult result = auth::load_users(*config_for(server, "not-the-password"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find("1045"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("db-primary"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find(kLoader), std::string::npos) << result.error;
}

TEST(LoadUsers, ABackendThatIsDownIsAnErrorNotAHang) {
  const std::uint16_t port = free_loopback_port();
  const std::string yaml =
      "load_users_from_backend:\n  enabled: true\nmonitor:\n  user: m\n  password: p\n"
      "timeouts:\n  connect: 1s\n"
      "backends:\n  discovery: static\n  static:\n    - host: 127.0.0.1\n      port: " +
      std::to_string(port) + "\n      role: primary\n";
  auto parsed = config::parse_config(yaml, "down.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.error_text();
  const auth::LoadUsersResult result = auth::load_users(*parsed.config);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << result.error;
}

TEST(UserRefresherAgainstAServer, FollowsCreatedChangedAndDroppedAccounts) {
  MariadbServer server;
  prepare_accounts(server);
  Latest latest;
  auth::UserRefresher refresher(config_for(server, kLoaderPassword), latest.sink());
  refresher.start();
  ASSERT_TRUE(refresher.wait_until_served(refresher.refresh_now(), 20s));
  ASSERT_NE(latest.get(), nullptr);
  EXPECT_TRUE(has_hash_of(*latest.get(), kApp, kAppPassword));
  EXPECT_TRUE(has_hash_of(*latest.get(), "cfg", "cfg-pw")) << "configured users are published too";

  server.execute("CREATE USER newcomer@'%' IDENTIFIED BY 'new-pw'");
  ASSERT_TRUE(refresher.wait_until_served(refresher.refresh_now(), 20s));
  EXPECT_TRUE(has_hash_of(*latest.get(), "newcomer", "new-pw"));

  server.execute("ALTER USER newcomer@'%' IDENTIFIED BY 'changed-pw'");
  ASSERT_TRUE(refresher.wait_until_served(refresher.refresh_now(), 20s));
  EXPECT_TRUE(has_hash_of(*latest.get(), "newcomer", "changed-pw"));

  server.execute("DROP USER newcomer@'%'");
  ASSERT_TRUE(refresher.wait_until_served(refresher.refresh_now(), 20s));
  EXPECT_EQ(latest.get()->find("newcomer", kLocal), nullptr);
  EXPECT_EQ(refresher.status().failures, 0U) << refresher.status().last_error;
}

TEST(UserRefresherAgainstAServer, AWrongMonitorPasswordKeepsThePreviousDirectory) {
  MariadbServer server;
  prepare_accounts(server);
  Latest latest;
  auth::UserRefresher refresher(config_for(server, kLoaderPassword), latest.sink());
  refresher.start();
  ASSERT_TRUE(refresher.wait_until_served(refresher.refresh_now(), 20s));
  ASSERT_TRUE(has_hash_of(*latest.get(), kApp, kAppPassword));

  // The loading account's password changes on the server: loads fail, the accounts stay.
  server.execute(std::string("ALTER USER ") + kLoader + "@'%' IDENTIFIED BY 'rotated-pw'");
  server.execute("CREATE USER late@'%' IDENTIFIED BY 'late-pw'");
  ASSERT_TRUE(refresher.wait_until_served(refresher.refresh_now(), 20s));
  auto status = refresher.status();
  EXPECT_EQ(status.failures, 1U);
  EXPECT_NE(status.last_error.find("1045"), std::string::npos) << status.last_error;
  EXPECT_TRUE(has_hash_of(*latest.get(), kApp, kAppPassword));
  EXPECT_EQ(latest.get()->find("late", kLocal), nullptr);

  // A reload with the new password (SIGHUP) loads again.
  ASSERT_TRUE(refresher.wait_until_served(refresher.reconfigure(config_for(server, "rotated-pw")), 20s));
  status = refresher.status();
  EXPECT_TRUE(status.last_error.empty()) << status.last_error;
  EXPECT_TRUE(has_hash_of(*latest.get(), "late", "late-pw"));
}

TEST(UserRefresherAgainstAServer, APublishedAccountAuthenticatesWithTheServersPassword) {
  MariadbServer server;
  prepare_accounts(server);
  server.execute("CREATE USER shopper@'%' IDENTIFIED BY 'set-on-the-server'");
  Latest latest;
  auth::UserRefresher refresher(config_for(server, kLoaderPassword), latest.sink());
  refresher.start();
  ASSERT_TRUE(refresher.wait_until_served(refresher.refresh_now(), 20s));
  const auto directory = latest.get();
  ASSERT_NE(directory, nullptr);
  EXPECT_EQ(login_step(*directory, "shopper", "set-on-the-server"), auth::AuthStep::accept);
  EXPECT_EQ(login_step(*directory, "shopper", "wrong"), auth::AuthStep::deny);
  EXPECT_EQ(login_step(*directory, "shopper", ""), auth::AuthStep::deny);
  EXPECT_EQ(login_step(*directory, "nobody", "set-on-the-server"), auth::AuthStep::deny);
  // The stage1 weir recovers is what it logs in to the backend with: SHA1 of the server's password.
  const std::string nonce = random_nonce();
  const auto decision = auth::decide_first_response(directory->find("shopper", kLocal), "mysql_native_password",
                                                    pa::native_scramble("set-on-the-server", nonce), nonce);
  ASSERT_TRUE(decision.stage1.has_value());
  EXPECT_EQ(*decision.stage1, pa::native_stage1("set-on-the-server"));
  // The server agrees with weir about both passwords.
  EXPECT_NO_THROW(server.connect_as("shopper", "set-on-the-server"));
  EXPECT_ANY_THROW(server.connect_as("shopper", "wrong"));
  // An account without password accepts only the empty answer, as the server does.
  EXPECT_EQ(login_step(*directory, "nopw", ""), auth::AuthStep::accept);
  EXPECT_EQ(login_step(*directory, "nopw", "something"), auth::AuthStep::deny);
}

std::string backend_tls_yaml(const std::string& verify, const std::string& ca_file, bool enabled = true) {
  std::string yaml =
      "tls:\n  backend:\n    enabled: " + std::string(enabled ? "true" : "false") + "\n    verify: " + verify + "\n";
  if (!ca_file.empty()) yaml += "    ca_file: " + ca_file + "\n";
  return yaml;
}

// The loader follows tls.backend like the sessions do, with an account that must use TLS: none = encrypted only, ca = +
// the chain, full = + the host name.
TEST(LoadUsers, UsesTheBackendTlsSettings) {
  const TestCertificates certs;
  MariadbServer server(certs.server_options("server"));
  MariadbServer misnamed(certs.server_options("misnamed"));
  for (MariadbServer* s : {&server, &misnamed}) {
    prepare_accounts(*s);
    s->execute(std::string("ALTER USER ") + kLoader + "@'%' REQUIRE SSL");
  }

  struct Case {
    const MariadbServer* server;
    std::string tls;
    bool loads;
  };
  const Case cases[] = {
      {&server, backend_tls_yaml("full", certs.ca(), false), false},  // plain: refused by the server
      {&server, backend_tls_yaml("full", certs.ca()), true},
      {&server, backend_tls_yaml("ca", certs.other_ca()), false},
      {&server, backend_tls_yaml("ca", ""), false},  // the system's CAs: the test CA is not one of them
      {&server, backend_tls_yaml("ca", certs.ca()), true},
      {&server, backend_tls_yaml("full", certs.other_ca()), false},
      {&misnamed, backend_tls_yaml("full", certs.ca()), false},
      {&misnamed, backend_tls_yaml("ca", certs.ca()), true},
      {&misnamed, backend_tls_yaml("none", ""), true},
  };
  for (const auto& c : cases) {
    const auto config = config_for(*c.server, kLoaderPassword, c.tls);
    ASSERT_NE(config, nullptr);
    const auth::LoadUsersResult result = auth::load_users(*config);
    EXPECT_EQ(result.ok(), c.loads) << c.tls << (c.server == &misnamed ? "(misnamed server)\n" : "\n") << result.error;
    if (result.ok()) {
      EXPECT_NE(auth::UserDirectory(result.users->accounts).find(kApp, kLocal), nullptr);
    } else {
      EXPECT_NE(result.error.find("db-primary"), std::string::npos) << result.error;
    }
  }
}

}  // namespace
}  // namespace weir::testing::proxy_tests
