#include "backend/connection_slots.hpp"

#include <algorithm>

namespace weir::backend {

bool BackendSlots::try_take() {
  const std::lock_guard lock(mutex_);
  if (open_ >= cap_ || waiting_locked() > 0) return false;
  ++open_;
  return true;
}

void BackendSlots::hand_over_locked() {
  while (!waiters_.empty() && open_ < cap_) {
    auto waiter = std::move(waiters_.front());
    waiters_.pop_front();
    if (waiter->left) {
      --left_;
      continue;
    }
    ++open_;
    waiter->granted = true;
    if (waiter->wake) waiter->wake();
  }
  note_waiting_locked();
}

void BackendSlots::give_back() {
  const std::lock_guard lock(mutex_);
  if (open_ > 0) --open_;
  hand_over_locked();
}

bool BackendSlots::enqueue(const std::shared_ptr<SlotWaiter>& waiter) {
  const std::lock_guard lock(mutex_);
  if (open_ < cap_ && waiting_locked() == 0) {
    ++open_;
    waiter->granted = true;
    return true;
  }
  waiters_.push_back(waiter);
  note_waiting_locked();
  return false;
}

bool BackendSlots::leave(const std::shared_ptr<SlotWaiter>& waiter) {
  const std::lock_guard lock(mutex_);
  if (waiter->granted) return true;
  if (waiter->left) return false;
  waiter->left = true;
  ++left_;
  if (left_ > waiting_locked()) {
    std::erase_if(waiters_, [](const std::shared_ptr<SlotWaiter>& w) { return w->left; });
    left_ = 0;
  }
  note_waiting_locked();
  return false;
}

void BackendSlots::set_cap(std::uint32_t cap) {
  const std::lock_guard lock(mutex_);
  cap_ = cap;
  hand_over_locked();
}

std::uint32_t BackendSlots::cap() const {
  const std::lock_guard lock(mutex_);
  return cap_;
}

std::uint32_t BackendSlots::open() const {
  const std::lock_guard lock(mutex_);
  return open_;
}

std::uint32_t auto_connection_cap(std::uint64_t server_max_connections) {
  if (server_max_connections == 0) return kUnknownServerCap;
  const std::uint64_t reserve = std::max<std::uint64_t>(5, server_max_connections / 10);
  if (server_max_connections <= reserve) return 1;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(server_max_connections - reserve, 100'000));
}

std::uint32_t ConnectionLimits::cap_for_locked(const std::string& endpoint) const {
  if (cap_ != 0) return cap_;
  const auto limit = server_limits_.find(endpoint);
  return auto_connection_cap(limit == server_limits_.end() ? 0 : limit->second);
}

std::shared_ptr<BackendSlots> ConnectionLimits::slots(const std::string& host, std::uint16_t port) {
  const std::lock_guard lock(mutex_);
  const std::string endpoint = host + ":" + std::to_string(port);
  auto& slots = slots_[endpoint];
  if (!slots) slots = std::make_shared<BackendSlots>(cap_for_locked(endpoint));
  return slots;
}

void ConnectionLimits::set_cap(std::uint32_t cap) {
  const std::lock_guard lock(mutex_);
  cap_ = cap;
  for (auto& [endpoint, slots] : slots_) slots->set_cap(cap_for_locked(endpoint));
}

void ConnectionLimits::set_server_limit(const std::string& host, std::uint16_t port, std::uint64_t max_connections) {
  const std::lock_guard lock(mutex_);
  const std::string endpoint = host + ":" + std::to_string(port);
  if (max_connections == 0) return;  // unknown this round: keep what was read before
  auto& known = server_limits_[endpoint];
  if (known == max_connections) return;
  known = max_connections;
  if (const auto slots = slots_.find(endpoint); slots != slots_.end()) slots->second->set_cap(cap_for_locked(endpoint));
}

std::uint32_t ConnectionLimits::cap_of(const std::string& host, std::uint16_t port) {
  const std::lock_guard lock(mutex_);
  return cap_for_locked(host + ":" + std::to_string(port));
}

}  // namespace weir::backend
