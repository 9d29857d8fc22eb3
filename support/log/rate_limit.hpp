#pragma once
// At most `per_second` lines of one kind per second over all threads (client errors: a client
// hammering weir with bad logins must not flood the log). What was held back is counted and
// reported with the next line let through.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace weir::log {

class RateLimit {
 public:
  explicit RateLimit(std::uint32_t per_second) : per_second_(per_second) {}

  // True when a line may be written now; `suppressed` gets how many were held back since the last
  // line that was written (0 usually). `now` is passed in so the rule is testable.
  bool allow(std::chrono::steady_clock::time_point now, std::uint64_t& suppressed) {
    const auto second =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
    auto window = window_.load(std::memory_order_relaxed);
    if (second != window && window_.compare_exchange_strong(window, second, std::memory_order_relaxed)) {
      used_.store(0, std::memory_order_relaxed);
    }
    if (used_.fetch_add(1, std::memory_order_relaxed) >= per_second_) {
      held_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    suppressed = held_.exchange(0, std::memory_order_relaxed);
    return true;
  }

 private:
  std::uint32_t per_second_;
  std::atomic<std::uint64_t> window_{0};
  std::atomic<std::uint32_t> used_{0};
  std::atomic<std::uint64_t> held_{0};
};

}  // namespace weir::log
