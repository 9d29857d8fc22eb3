#include "session/published_backend.hpp"

#include <algorithm>

namespace weir::session {

void PublishedBackend::publish(std::string_view host, std::uint16_t port, std::uint32_t thread_id) {
  const std::uint32_t version = version_.load(std::memory_order_relaxed);
  version_.store(version + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);  // readers see the odd version before any field
  const std::size_t size = std::min(host.size(), kMaxHost);
  for (std::size_t i = 0; i < size; ++i) host_[i].store(host[i], std::memory_order_relaxed);
  host_size_.store(static_cast<std::uint16_t>(size), std::memory_order_relaxed);
  port_.store(port, std::memory_order_relaxed);
  thread_id_.store(thread_id, std::memory_order_relaxed);
  version_.store(version + 2, std::memory_order_release);
}

PublishedBackend::Value PublishedBackend::read() const {
  Value value;
  value.host.reserve(kMaxHost);
  while (true) {
    const std::uint32_t before = version_.load(std::memory_order_acquire);
    if ((before & 1U) == 0) {
      const std::size_t size = std::min<std::size_t>(host_size_.load(std::memory_order_relaxed), kMaxHost);
      value.host.resize(size);
      for (std::size_t i = 0; i < size; ++i) value.host[i] = host_[i].load(std::memory_order_relaxed);
      value.port = port_.load(std::memory_order_relaxed);
      value.thread_id = thread_id_.load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);  // the fields are read before the check
      if (version_.load(std::memory_order_relaxed) == before) return value;
    }
  }
}

}  // namespace weir::session
