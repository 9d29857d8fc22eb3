#pragma once
// An immutable value published by one thread and read by many: readers get a shared_ptr to the
// current version and keep it as long as they need; a writer swaps in a new one. A mutex guards
// only the pointer copy; readers take it once per decision, not per packet.
#include <memory>
#include <mutex>

namespace weir::session {

template <class T>
class Snapshot {
 public:
  std::shared_ptr<const T> load() const {
    std::lock_guard lock(mutex_);
    return value_;
  }
  void store(std::shared_ptr<const T> value) {
    std::lock_guard lock(mutex_);
    value_.swap(value);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const T> value_;
};

}  // namespace weir::session
