#include "weir/local/crash_loop.hpp"

#include <algorithm>

namespace weir::local {

void CrashLoop::forget_before(Clock::time_point cutoff) {
  while (!failures_.empty() && failures_.front() <= cutoff) failures_.pop_front();
}

bool CrashLoop::record_failure(Clock::time_point now) {
  failures_.push_back(now);
  forget_before(now - window_);
  return static_cast<int>(failures_.size()) >= max_failures_;
}

int CrashLoop::recent_failures(Clock::time_point now) const {
  return static_cast<int>(
      std::count_if(failures_.begin(), failures_.end(), [&](Clock::time_point t) { return t > now - window_; }));
}

}  // namespace weir::local
