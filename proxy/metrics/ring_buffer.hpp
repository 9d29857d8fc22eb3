#pragma once
// A fixed number of the latest values: pushing into a full buffer overwrites the oldest. The
// storage is allocated once, at construction, so memory never grows with the time weir runs.
// Not thread-safe: its owner locks.
//
//   RingBuffer<Sample> last_15_minutes(900);
//   last_15_minutes.push(sample);               // once per second
//   for (std::size_t i = 0; i < r.size(); ++i) r[i];   // oldest first
#include <cstddef>
#include <stdexcept>
#include <utility>
#include <vector>

namespace weir::metrics {

template <class T>
class RingBuffer {
 public:
  explicit RingBuffer(std::size_t capacity) : slots_(capacity) {
    if (capacity == 0) throw std::invalid_argument("a RingBuffer needs a capacity of at least 1");
  }

  void push(T value) {
    slots_[(first_ + size_) % slots_.size()] = std::move(value);
    if (size_ < slots_.size()) {
      ++size_;
    } else {
      first_ = (first_ + 1) % slots_.size();
    }
  }

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }
  bool empty() const { return size_ == 0; }
  // i = 0 is the oldest value kept, size() - 1 the newest.
  const T& operator[](std::size_t i) const { return slots_[(first_ + i) % slots_.size()]; }
  const T& newest() const { return (*this)[size_ - 1]; }

 private:
  std::vector<T> slots_;
  std::size_t first_ = 0;  // index of the oldest value
  std::size_t size_ = 0;
};

}  // namespace weir::metrics
