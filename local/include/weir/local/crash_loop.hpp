#pragma once
// When to stop restarting a component of `weir up` (the proxy, a node's server or sidecar): after
// `max_failures` failures within `window`. A component that cannot start (its port taken, a broken
// configuration) then ends `weir up` with its log instead of being restarted forever in silence.
// Pure: the caller passes the time, so the policy is tested without waiting.
#include <chrono>
#include <deque>

namespace weir::local {

class CrashLoop {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int kMaxFailures = 5;
  static constexpr std::chrono::seconds kWindow{60};

  explicit CrashLoop(int max_failures = kMaxFailures, Clock::duration window = kWindow)
      : max_failures_(max_failures), window_(window) {}

  // Records a failure (an exit, or a restart that did not come up) at `now`. True when the
  // component failed `max_failures` times within `window` up to `now`: give up on it.
  bool record_failure(Clock::time_point now);
  // The failures within `window` before `now`.
  int recent_failures(Clock::time_point now) const;
  int max_failures() const { return max_failures_; }
  Clock::duration window() const { return window_; }

 private:
  void forget_before(Clock::time_point cutoff);

  int max_failures_;
  Clock::duration window_;
  std::deque<Clock::time_point> failures_;
};

}  // namespace weir::local
