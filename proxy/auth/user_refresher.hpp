#pragma once
// Keeps the user directory in step with the primary's mysql.user: a thread of its own loads the
// accounts at start, every load_users_from_backend.refresh_interval and on demand, and publishes
// `UserDirectory::from_config(config)->merged_with(loaded)` (configured users win on equal
// names). A failed load keeps the last accounts that loaded; its error is logged once per change
// of the error text. With load_users_from_backend disabled it publishes the configured users only.
//
// Every publication comes from the refresher's thread, in order, so a reconfigure() is never
// overtaken by an older load.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "auth/user_directory.hpp"
#include "auth/user_loader.hpp"
#include "weir/config/config.hpp"

namespace weir::auth {

class UserRefresher {
 public:
  using Publish = std::function<void(std::shared_ptr<const UserDirectory>)>;
  // Loads the accounts for a configuration; load_users(const Config&) unless a test replaces it.
  using Loader = std::function<LoadUsersResult(const config::Config&)>;

  struct Status {
    std::uint64_t loads = 0;          // attempts finished
    std::uint64_t failures = 0;       // of which failed
    std::string last_error;           // of the latest attempt; empty after a success
    std::size_t loaded_accounts = 0;  // in the last good load
    std::uint64_t publications = 0;
  };

  UserRefresher(std::shared_ptr<const config::Config> config, Publish publish, Loader loader = {});
  ~UserRefresher();  // stop()
  UserRefresher(const UserRefresher&) = delete;
  UserRefresher& operator=(const UserRefresher&) = delete;

  // Starts the thread: it publishes the configured users at once, then loads. Once only.
  void start();
  // Asks for a load now. Returns a ticket for wait_until_served: served once a load that started
  // after this call has finished (or, when loading is disabled, the publication after it).
  std::uint64_t refresh_now();
  // A new configuration (SIGHUP): published at once with the last loaded accounts, then a load
  // with the new settings (backend, account, interval). Returns a ticket like refresh_now().
  std::uint64_t reconfigure(std::shared_ptr<const config::Config> config);
  // False when `timeout` passes first or the refresher stops.
  bool wait_until_served(std::uint64_t ticket, std::chrono::milliseconds timeout) const;
  Status status() const;
  // Ends the thread (an ongoing load finishes first, at most the connect timeout). Idempotent.
  void stop();

 private:
  void run();
  // One load; false when it failed. Called without the lock.
  bool load_once(const std::shared_ptr<const config::Config>& config);
  void publish(const config::Config& config);

  Publish publish_;
  Loader loader_;
  std::thread thread_;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::shared_ptr<const config::Config> config_;
  bool config_changed_ = true;
  bool stopping_ = false;
  std::uint64_t requested_ = 0;  // tickets handed out
  std::uint64_t served_ = 0;     // tickets served
  Status status_;

  // Only the thread touches these.
  std::vector<Account> loaded_;
  std::string logged_error_;
};

}  // namespace weir::auth
