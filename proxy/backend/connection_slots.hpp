#pragma once
// pool.max_per_backend: how many connections weir holds open to one backend (serving sessions and
// idle in the workers' pools, over all workers), so that weir never takes a server's last
// connections from its other clients. Each connection holds a Slot from the moment it is opened
// until it is closed; a connection that needs a slot while all are taken waits in line, and the
// next slot given back goes to the longest waiting. Shared by every worker: a mutex per backend,
// taken only when a connection is opened or closed (never per statement).
//
// Pure logic without I/O: a waiter is woken through its own callback (slot_wait.hpp posts it to
// its worker), which is how the unit tests drive it.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace weir::backend {

// A connection waiting for a slot. `wake` runs once, under the slots' lock, on the thread that
// gave the slot back: it must only hand the news to the waiter's own thread (post), never block.
struct SlotWaiter {
  std::function<void()> wake;
  bool granted = false;  // guarded by the BackendSlots' mutex
  bool left = false;     // ... and so is this: it left the line, where it stays until swept
};

class BackendSlots {
 public:
  explicit BackendSlots(std::uint32_t cap) : cap_(cap) {}
  BackendSlots(const BackendSlots&) = delete;
  BackendSlots& operator=(const BackendSlots&) = delete;

  // Takes a slot when fewer than the cap are open and nobody is waiting (those go first).
  bool try_take();
  // A connection closed: its slot goes to the longest waiting (it stays taken, now theirs) while the
  // cap allows it, else it is freed.
  void give_back();
  // Puts `waiter` in line. True when a slot was free after all: the waiter holds it already and is
  // not queued (`wake` is not called).
  bool enqueue(const std::shared_ptr<SlotWaiter>& waiter);
  // Leaves the line (the wait timed out or was abandoned). True when a slot was handed to the
  // waiter first: it holds it now.
  bool leave(const std::shared_ptr<SlotWaiter>& waiter);
  // A new cap (reload): a raised one hands the new room to those waiting.
  void set_cap(std::uint32_t cap);

  std::uint32_t cap() const;
  std::uint32_t open() const;
  // Without the lock (asked per statement by multiplexed sessions deciding whether to lend): the
  // count as of the last change, which may be moments old.
  std::size_t waiting() const { return waiting_.load(std::memory_order_relaxed); }

 private:
  void hand_over_locked();  // free room to the waiters in line, in order
  std::size_t waiting_locked() const { return waiters_.size() - left_; }

  mutable std::mutex mutex_;
  std::uint32_t cap_;
  std::uint32_t open_ = 0;
  // Waiters that left stay in line, marked, until a hand-over passes them or they are more than
  // those still waiting (then they are swept at once): leaving costs O(1) however long the line.
  std::deque<std::shared_ptr<SlotWaiter>> waiters_;
  std::size_t left_ = 0;
  std::atomic<std::size_t> waiting_{0};  // waiting_locked(), stored after every change of the line
  void note_waiting_locked() { waiting_.store(waiting_locked(), std::memory_order_relaxed); }
};

// One taken slot, given back when destroyed (with the connection that holds it).
class Slot {
 public:
  Slot() = default;
  explicit Slot(std::shared_ptr<BackendSlots> taken) : slots_(std::move(taken)) {}
  Slot(Slot&& other) noexcept = default;
  Slot& operator=(Slot&& other) noexcept {
    if (this != &other) {
      release();
      slots_ = std::move(other.slots_);
    }
    return *this;
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  ~Slot() { release(); }
  explicit operator bool() const { return slots_ != nullptr; }
  // Whether connections to the same backend wait for a slot: then this one's should go to them
  // rather than into a pool.
  bool others_waiting() const { return slots_ != nullptr && slots_->waiting() > 0; }

 private:
  void release() {
    if (auto slots = std::move(slots_)) slots->give_back();
  }
  std::shared_ptr<BackendSlots> slots_;
};

// pool.max_per_backend: auto. Below the server's own max_connections by a tenth (at least 5, so
// the server keeps room for its administrators and other clients; a server's max_connections of
// 151 gives 136, 1,000 gives 900); kUnknownServerCap while the monitor has not read it.
inline constexpr std::uint32_t kUnknownServerCap = 128;
std::uint32_t auto_connection_cap(std::uint64_t server_max_connections);

// The slots of every backend, by "host:port", created on first use with the current cap.
class ConnectionLimits {
 public:
  explicit ConnectionLimits(std::uint32_t cap) : cap_(cap) {}
  std::shared_ptr<BackendSlots> slots(const std::string& host, std::uint16_t port);
  // pool.max_per_backend changed (reload): applies to every backend at once; 0 = auto.
  void set_cap(std::uint32_t cap);
  // A server's max_connections as the monitor read it (0: unknown), for the auto cap.
  void set_server_limit(const std::string& host, std::uint16_t port, std::uint64_t max_connections);
  // The cap of one backend now.
  std::uint32_t cap_of(const std::string& host, std::uint16_t port);

 private:
  std::uint32_t cap_for_locked(const std::string& endpoint) const;

  std::mutex mutex_;
  std::uint32_t cap_;  // 0: auto
  std::map<std::string, std::shared_ptr<BackendSlots>> slots_;
  std::map<std::string, std::uint64_t> server_limits_;
};

}  // namespace weir::backend
