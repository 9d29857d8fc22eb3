#pragma once
// An immutable value published by one thread and read by many: readers get a shared_ptr to the
// current version and keep it as long as they need; a writer swaps in a new one. A mutex guards
// only the pointer copy. Per statement, sessions read through their worker's SnapshotView, which
// costs one atomic load while nothing changed (no lock, no reference count touched).
#include <atomic>
#include <cstdint>
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
    version_.fetch_add(1, std::memory_order_release);
  }
  // Grows with every store().
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const T> value_;
  std::atomic<std::uint64_t> version_{0};
};

// One worker's copy of a Snapshot's current value, refreshed when the version moves. Used only on
// that worker's thread. The returned reference is to the view's own shared_ptr: it may point to a
// newer value after the next current() on this worker, so copy the shared_ptr to hold a value
// across a co_await, and use the reference directly only within a step that does not suspend.
template <class T>
class SnapshotView {
 public:
  explicit SnapshotView(const Snapshot<T>& source) : source_(&source) {}

  const std::shared_ptr<const T>& current() {
    const std::uint64_t version = source_->version();
    if (!loaded_ || version != seen_) {
      // A store between reading the version and the load is seen as a newer value with an older
      // version: the next call loads once more, harmlessly.
      value_ = source_->load();
      seen_ = version;
      loaded_ = true;
    }
    return value_;
  }
  // The version of the value the last current() returned: equal versions, the same value.
  std::uint64_t version() const { return seen_; }

 private:
  const Snapshot<T>* source_;
  std::shared_ptr<const T> value_;
  std::uint64_t seen_ = 0;
  bool loaded_ = false;
};

}  // namespace weir::session
