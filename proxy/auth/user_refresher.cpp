#include "auth/user_refresher.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include "log/log.hpp"

namespace weir::auth {

namespace {

bool same_accounts(const std::vector<Account>& a, const std::vector<Account>& b) { return a == b; }

LoadUsersResult guarded_load(const UserRefresher::Loader& loader, const config::Config& config) {
  try {
    return loader(config);
  } catch (const std::exception& e) {
    return {std::nullopt, std::string("loading users failed: ") + e.what()};
  }
}

}  // namespace

UserRefresher::UserRefresher(std::shared_ptr<const config::Config> config, Publish publish, Loader loader)
    : publish_(std::move(publish)), loader_(std::move(loader)), config_(std::move(config)) {
  if (!loader_) loader_ = [](const config::Config& c) { return load_users(c); };
}

UserRefresher::~UserRefresher() { stop(); }

void UserRefresher::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

std::uint64_t UserRefresher::refresh_now() {
  std::lock_guard lock(mutex_);
  const std::uint64_t ticket = ++requested_;
  changed_.notify_all();
  return ticket;
}

std::uint64_t UserRefresher::reconfigure(std::shared_ptr<const config::Config> config) {
  std::lock_guard lock(mutex_);
  config_ = std::move(config);
  config_changed_ = true;
  const std::uint64_t ticket = ++requested_;
  changed_.notify_all();
  return ticket;
}

bool UserRefresher::wait_until_served(std::uint64_t ticket, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return served_ >= ticket || stopping_; }) && served_ >= ticket;
}

UserRefresher::Status UserRefresher::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void UserRefresher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void UserRefresher::run() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock lock(mutex_);
  Clock::time_point next_load = Clock::now();  // the first load at once
  while (!stopping_) {
    const auto config = config_;
    const bool enabled = config->load_users_from_backend.enabled;
    const bool requested = requested_ > served_;
    const bool due = enabled && (requested || config_changed_ || Clock::now() >= next_load);
    if (!config_changed_ && !due && !requested) {
      if (enabled) {
        changed_.wait_until(lock, next_load);
      } else {
        changed_.wait(lock);
      }
      continue;
    }
    const bool publish_config = std::exchange(config_changed_, false);
    const std::uint64_t serving = requested_;
    lock.unlock();
    if (publish_config) publish(*config);
    const bool loaded = due && load_once(config);
    lock.lock();
    if (due) {
      // After a failure (the primary not found yet, or down) try again within a second, not a
      // whole refresh interval later: clients cannot log in until the accounts are there.
      const auto interval = loaded ? config->load_users_from_backend.refresh_interval
                                   : std::min<config::Duration>(config->load_users_from_backend.refresh_interval,
                                                                std::chrono::seconds(1));
      next_load = Clock::now() + std::chrono::duration_cast<Clock::duration>(interval);
    }
    served_ = std::max(served_, serving);
    changed_.notify_all();
  }
}

bool UserRefresher::load_once(const std::shared_ptr<const config::Config>& config) {
  LoadUsersResult result = guarded_load(loader_, *config);
  if (!result.users.has_value()) {
    if (result.error != logged_error_) {
      log::error("cannot load users from the backend; keeping the accounts loaded before",
                 {{"error", result.error}, {"accounts", loaded_.size()}});
      logged_error_ = result.error;
    }
    std::lock_guard lock(mutex_);
    ++status_.loads;
    ++status_.failures;
    status_.last_error = result.error;
    return false;
  }
  LoadedUsers& users = *result.users;
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    first = status_.loads == status_.failures;  // no success before this one
  }
  const bool changed = first || !same_accounts(loaded_, users.accounts);
  if (!logged_error_.empty()) {
    log::info("users loaded from the backend again", {{"accounts", users.accounts.size()}});
    logged_error_.clear();
  }
  if (changed) {
    for (const auto& s : users.skipped) {
      log::debug("backend account not loaded", {{"user", s.user}, {"host", s.host}, {"reason", s.reason}});
    }
    log::info("users loaded from the backend", {{"accounts", users.accounts.size()},
                                                {"skipped", users.skipped.size()},
                                                {"locks_known", users.locks_known ? "yes" : "no"}});
    loaded_ = std::move(users.accounts);
    publish(*config);
  }
  std::lock_guard lock(mutex_);
  ++status_.loads;
  status_.last_error.clear();
  status_.loaded_accounts = loaded_.size();
  return true;
}

void UserRefresher::publish(const config::Config& config) {
  auto directory = UserDirectory::from_config(config)->merged_with(loaded_);
  if (publish_) {
    try {
      publish_(std::move(directory));
    } catch (const std::exception& e) {
      log::error("publishing the user directory failed", {{"error", e.what()}});
    }
  }
  std::lock_guard lock(mutex_);
  ++status_.publications;
}

}  // namespace weir::auth
