#include "backend/connection_slots.hpp"

#include <algorithm>

namespace weir::backend {

bool BackendSlots::try_take() {
  const std::lock_guard lock(mutex_);
  if (open_ >= cap_ || !waiters_.empty()) return false;
  ++open_;
  return true;
}

void BackendSlots::hand_over_locked() {
  while (!waiters_.empty() && open_ < cap_) {
    auto waiter = std::move(waiters_.front());
    waiters_.pop_front();
    ++open_;
    waiter->granted = true;
    if (waiter->wake) waiter->wake();
  }
}

void BackendSlots::give_back() {
  const std::lock_guard lock(mutex_);
  if (open_ > 0) --open_;
  hand_over_locked();
}

bool BackendSlots::enqueue(const std::shared_ptr<SlotWaiter>& waiter) {
  const std::lock_guard lock(mutex_);
  if (open_ < cap_ && waiters_.empty()) {
    ++open_;
    waiter->granted = true;
    return true;
  }
  waiters_.push_back(waiter);
  return false;
}

bool BackendSlots::leave(const std::shared_ptr<SlotWaiter>& waiter) {
  const std::lock_guard lock(mutex_);
  if (waiter->granted) return true;
  std::erase(waiters_, waiter);
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

std::size_t BackendSlots::waiting() const {
  const std::lock_guard lock(mutex_);
  return waiters_.size();
}

std::shared_ptr<BackendSlots> ConnectionLimits::slots(const std::string& host, std::uint16_t port) {
  const std::lock_guard lock(mutex_);
  auto& slots = slots_[host + ":" + std::to_string(port)];
  if (!slots) slots = std::make_shared<BackendSlots>(cap_);
  return slots;
}

void ConnectionLimits::set_cap(std::uint32_t cap) {
  const std::lock_guard lock(mutex_);
  cap_ = cap;
  for (auto& [endpoint, slots] : slots_) slots->set_cap(cap);
}

}  // namespace weir::backend
