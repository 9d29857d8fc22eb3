// The refresher's bookkeeping with a scripted loader: what it publishes at start, after loads,
// after failures (the last good accounts stay), after a reconfigure, and that stop() ends it.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/user_refresher.hpp"
#include "weir/protocol/auth.hpp"

namespace weir::auth {
namespace {

namespace pa = weir::protocol::auth;
using namespace std::chrono_literals;

std::shared_ptr<const config::Config> make_config(bool enabled, const std::vector<std::string>& configured = {"cfg"}) {
  auto c = std::make_shared<config::Config>();
  for (auto& name : configured) {
    config::User u;
    u.name = name;
    u.password = config::Secret{"configured-pw", config::Secret::Source::inline_value, ""};
    c->users.push_back(u);
  }
  c->load_users_from_backend.enabled = enabled;
  c->load_users_from_backend.user = "monitor";
  c->load_users_from_backend.refresh_interval = std::chrono::hours(1);  // loads only when asked
  return c;
}

Account loaded(const std::string& name, const std::string& password) {
  Account account;
  account.name = name;
  account.host = "%";
  account.stored_hash = pa::native_stored_hash(password);
  return account;
}

// A loader that answers from a script (the last answer repeats) and counts its calls.
class ScriptedLoader {
 public:
  void push(LoadUsersResult r) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(r));
  }
  UserRefresher::Loader loader() {
    return [this](const config::Config&) {
      std::lock_guard lock(mutex_);
      ++calls_;
      if (script_.size() > 1) {
        auto r = script_.front();
        script_.pop_front();
        return r;
      }
      return script_.empty() ? LoadUsersResult{std::nullopt, "no script"} : script_.front();
    };
  }
  int calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  mutable std::mutex mutex_;
  std::deque<LoadUsersResult> script_;
  int calls_ = 0;
};

LoadUsersResult ok(std::vector<Account> accounts) { return {LoadedUsers{std::move(accounts), {}}, {}}; }
LoadUsersResult failed(std::string error) { return {std::nullopt, std::move(error)}; }

// The latest directory published.
class Published {
 public:
  UserRefresher::Publish sink() {
    return [this](std::shared_ptr<const UserDirectory> d) {
      std::lock_guard lock(mutex_);
      latest_ = std::move(d);
      ++count_;
    };
  }
  std::shared_ptr<const UserDirectory> latest() const {
    std::lock_guard lock(mutex_);
    return latest_;
  }
  int count() const {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const UserDirectory> latest_;
  int count_ = 0;
};

bool accepts(const UserDirectory& d, const std::string& name, const std::string& password) {
  const Account* a = d.find(name, "10.0.0.1");
  return a != nullptr && a->stored_hash && *a->stored_hash == pa::native_stored_hash(password);
}

TEST(UserRefresher, PublishesConfiguredAndLoadedAccountsAtStart) {
  ScriptedLoader script;
  script.push(ok({loaded("app", "app-pw"), loaded("cfg", "server-pw")}));
  Published published;
  UserRefresher r(make_config(true), published.sink(), script.loader());
  r.start();
  ASSERT_TRUE(r.wait_until_served(r.refresh_now(), 5s));
  const auto d = published.latest();
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(accepts(*d, "app", "app-pw"));
  EXPECT_TRUE(accepts(*d, "cfg", "configured-pw")) << "configured users win on equal names";
  EXPECT_EQ(r.status().loaded_accounts, 2U);
  EXPECT_EQ(r.status().failures, 0U);
}

TEST(UserRefresher, AFailedLoadKeepsTheLastGoodAccounts) {
  ScriptedLoader script;
  script.push(ok({loaded("app", "app-pw")}));
  script.push(failed("cannot log in: 1045 Access denied"));
  Published published;
  UserRefresher r(make_config(true), published.sink(), script.loader());
  r.start();
  ASSERT_TRUE(r.wait_until_served(r.refresh_now(), 5s));
  ASSERT_TRUE(r.wait_until_served(r.refresh_now(), 5s));
  const auto status = r.status();
  EXPECT_GE(status.failures, 1U);
  EXPECT_EQ(status.last_error, "cannot log in: 1045 Access denied");
  EXPECT_EQ(status.loaded_accounts, 1U);
  EXPECT_TRUE(accepts(*published.latest(), "app", "app-pw"));
}

TEST(UserRefresher, AFirstFailureStillPublishesTheConfiguredUsers) {
  ScriptedLoader script;
  script.push(failed("cannot connect"));
  Published published;
  UserRefresher r(make_config(true), published.sink(), script.loader());
  r.start();
  ASSERT_TRUE(r.wait_until_served(r.refresh_now(), 5s));
  ASSERT_NE(published.latest(), nullptr);
  EXPECT_TRUE(accepts(*published.latest(), "cfg", "configured-pw"));
  EXPECT_EQ(published.latest()->size(), 1U);
  EXPECT_EQ(r.status().last_error, "cannot connect");
}

TEST(UserRefresher, ChangedAccountsArePublishedAndDroppedOnesVanish) {
  ScriptedLoader script;
  script.push(ok({loaded("a", "1"), loaded("b", "2")}));
  script.push(ok({loaded("a", "changed")}));
  Published published;
  UserRefresher r(make_config(true), published.sink(), script.loader());
  r.start();
  ASSERT_TRUE(r.wait_until_served(r.refresh_now(), 5s));
  ASSERT_TRUE(r.wait_until_served(r.refresh_now(), 5s));
  const auto d = published.latest();
  EXPECT_TRUE(accepts(*d, "a", "changed"));
  EXPECT_EQ(d->find("b", "10.0.0.1"), nullptr);
  // Loads that change nothing publish nothing.
  const int before = published.count();
  ASSERT_TRUE(r.wait_until_served(r.refresh_now(), 5s));
  EXPECT_EQ(published.count(), before);
}

TEST(UserRefresher, ReconfigurePublishesTheNewConfigurationWithTheLoadedAccounts) {
  ScriptedLoader script;
  script.push(ok({loaded("app", "app-pw")}));
  script.push(failed("backend down"));
  Published published;
  UserRefresher r(make_config(true), published.sink(), script.loader());
  r.start();
  ASSERT_TRUE(r.wait_until_served(r.refresh_now(), 5s));
  ASSERT_TRUE(r.wait_until_served(r.reconfigure(make_config(true, {"newcfg"})), 5s));
  const auto d = published.latest();
  EXPECT_NE(d->find("newcfg", "10.0.0.1"), nullptr);
  EXPECT_EQ(d->find("cfg", "10.0.0.1"), nullptr);
  EXPECT_TRUE(accepts(*d, "app", "app-pw")) << "the failed load after the reload keeps the accounts";
}

TEST(UserRefresher, DisabledLoadingPublishesOnlyTheConfiguredUsers) {
  ScriptedLoader script;
  script.push(ok({loaded("app", "app-pw")}));
  Published published;
  UserRefresher r(make_config(false), published.sink(), script.loader());
  r.start();
  ASSERT_TRUE(r.wait_until_served(r.refresh_now(), 5s));
  EXPECT_EQ(script.calls(), 0);
  ASSERT_NE(published.latest(), nullptr);
  EXPECT_EQ(published.latest()->size(), 1U);
  // Enabling it by a reload loads at once.
  ASSERT_TRUE(r.wait_until_served(r.reconfigure(make_config(true)), 5s));
  EXPECT_EQ(script.calls(), 1);
  EXPECT_TRUE(accepts(*published.latest(), "app", "app-pw"));
}

TEST(UserRefresher, LoadsAgainEveryInterval) {
  ScriptedLoader script;
  script.push(ok({}));
  Published published;
  auto c = std::make_shared<config::Config>(*make_config(true));
  c->load_users_from_backend.refresh_interval = 20ms;
  UserRefresher r(c, published.sink(), script.loader());
  r.start();
  for (int i = 0; i < 500 && script.calls() < 3; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_GE(script.calls(), 3);
}

// A failed load (the primary not discovered yet, or down) is tried again within a second, not a
// refresh interval (an hour here) later.
TEST(UserRefresher, AFailedLoadIsRetriedSoonerThanTheInterval) {
  ScriptedLoader script;
  script.push(failed("the primary is not known yet: backend discovery has not found it"));
  script.push(ok({loaded("app", "app-pw")}));
  Published published;
  auto c = std::make_shared<config::Config>(*make_config(true));
  c->load_users_from_backend.refresh_interval = std::chrono::hours(1);
  UserRefresher r(c, published.sink(), script.loader());
  r.start();
  for (int i = 0; i < 1000 && r.status().loaded_accounts == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(r.status().loaded_accounts, 1U);
  EXPECT_EQ(script.calls(), 2);
  ASSERT_NE(published.latest(), nullptr);
  EXPECT_TRUE(accepts(*published.latest(), "app", "app-pw"));
}

TEST(UserRefresher, StopEndsTheThreadAndWaitsFail) {
  ScriptedLoader script;
  script.push(ok({}));
  Published published;
  UserRefresher r(make_config(true), published.sink(), script.loader());
  r.start();
  ASSERT_TRUE(r.wait_until_served(r.refresh_now(), 5s));
  r.stop();
  EXPECT_FALSE(r.wait_until_served(r.refresh_now(), 100ms));
  r.stop();  // idempotent
}

TEST(UserRefresher, ALoaderThatThrowsIsAnError) {
  Published published;
  UserRefresher r(make_config(true), published.sink(),
                  [](const config::Config&) -> LoadUsersResult { throw std::runtime_error("boom"); });
  r.start();
  ASSERT_TRUE(r.wait_until_served(r.refresh_now(), 5s));
  EXPECT_NE(r.status().last_error.find("boom"), std::string::npos);
}

}  // namespace
}  // namespace weir::auth
