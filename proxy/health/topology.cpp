#include "health/topology.hpp"

#include <algorithm>
#include <utility>

namespace weir::health {

void FailureReports::report(const std::string& backend_name) {
  std::lock_guard lock(mutex_);
  if (std::find(names_.begin(), names_.end(), backend_name) == names_.end()) names_.push_back(backend_name);
  pending_.store(true, std::memory_order_release);
}

std::vector<std::string> FailureReports::take() {
  if (!pending_.load(std::memory_order_acquire)) return {};
  std::lock_guard lock(mutex_);
  pending_.store(false, std::memory_order_relaxed);
  return std::exchange(names_, {});
}

}  // namespace weir::health
