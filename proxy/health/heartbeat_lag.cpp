#include "health/heartbeat_lag.hpp"

#include <algorithm>

namespace weir::health {

HeartbeatLag::HeartbeatLag(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

void HeartbeatLag::record(WallMicros written) {
  if (!written_.empty() && written <= written_.back()) {
    written_.clear();
    dropped_ = true;
  }
  written_.push_back(written);
  if (written_.size() > capacity_) {
    written_.pop_front();
    dropped_ = true;
  }
}

std::optional<std::chrono::microseconds> HeartbeatLag::lag(WallMicros applied, WallMicros now) const {
  if (written_.empty()) return std::nullopt;
  const auto behind_since = [&](WallMicros since) { return std::max(std::chrono::microseconds::zero(), now - since); };
  if (applied >= written_.back()) return std::chrono::microseconds::zero();
  if (applied < written_.front()) return behind_since(applied);
  const auto first_missing = std::upper_bound(written_.begin(), written_.end(), applied);
  return behind_since(*first_missing);
}

std::optional<std::chrono::microseconds> HeartbeatLag::lag_without_row(WallMicros now) const {
  if (written_.empty() || dropped_) return std::nullopt;
  return std::max(std::chrono::microseconds::zero(), now - written_.front());
}

std::optional<WallMicros> HeartbeatLag::newest() const {
  if (written_.empty()) return std::nullopt;
  return written_.back();
}

}  // namespace weir::health
