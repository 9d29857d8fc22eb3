#pragma once
// Deadlines that cost no system call to arm or cancel. Every limit a session keeps (handshake,
// idle client, a packet that has started, a write to a stalled client, a long statement) is armed
// and cancelled at least once per statement; with one timer each, every arm re-programs the
// kernel's timer (a timerfd_settime per statement). Here a worker keeps ONE timer for all of its
// deadlines: arming links an entry into the worker's list and only moves the timer when the new
// deadline is earlier than the one it waits for; cancelling unlinks. When the timer fires, the
// entries that are due run and the timer goes to the earliest of the rest. An arm that is later
// than the timer's time (the usual case: "now + 30 s" just after a statement armed "then + 30 s")
// touches no timer at all; the timer merely wakes early now and then. A pass over the list costs
// a walk of every armed entry, so passes are at least kCoalesce apart (deadlines due meanwhile run
// together, that much late at most).
//
// Single-threaded: a list and its entries belong to one worker (one io_context thread).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <functional>

namespace weir::net {

class DeadlineList;

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Deadline(DeadlineList& list) : list_(&list) {}
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;
  ~Deadline() { cancel(); }

  // Runs `on_expiry` once `limit` has passed, unless cancelled or re-armed first. A zero or
  // negative limit arms nothing. The handler runs on the worker's thread, from the list's timer:
  // it must not destroy the object that owns this deadline synchronously (closing sockets is fine).
  // A handler that captures no more than a pointer or two is stored without allocating.
  void arm(Clock::duration limit, std::function<void()> on_expiry);
  void cancel();
  bool armed() const { return prev_ != nullptr; }
  Clock::time_point due() const { return due_; }

 private:
  friend class DeadlineList;

  DeadlineList* list_;
  std::function<void()> on_expiry_;
  Clock::time_point due_{};
  // Intrusive doubly linked list: prev_ points at the pointer that points here (the list head
  // or the previous entry's next_), so an entry unlinks itself from whichever list holds it.
  Deadline** prev_ = nullptr;
  Deadline* next_ = nullptr;
};

class DeadlineList {
 public:
  using Clock = Deadline::Clock;

  explicit DeadlineList(const boost::asio::any_io_executor& executor) : timer_(executor) {}
  DeadlineList(const DeadlineList&) = delete;
  DeadlineList& operator=(const DeadlineList&) = delete;
  ~DeadlineList();  // unlinks what is left (their owners outlive nothing after this)

  // The least time between two passes over the list: a deadline runs up to this much late.
  static constexpr Clock::duration kCoalesce = std::chrono::milliseconds(10);

  std::size_t size() const { return size_; }  // armed deadlines
  // How often the timer was programmed and how often it woke (for tests and benchmarks).
  std::size_t timer_programs() const { return timer_programs_; }
  std::size_t timer_wakeups() const { return timer_wakeups_; }

 private:
  friend class Deadline;

  void push(Deadline*& head, Deadline& entry);
  void link(Deadline& entry);  // into the waiting list, moving the timer when needed
  void unlink(Deadline& entry);
  // Moves the timer to `due` when it waits for a later time (or for nothing).
  void schedule(Clock::time_point due);
  void on_timer();

  boost::asio::steady_timer timer_;
  Deadline* head_ = nullptr;     // waiting
  Deadline* expired_ = nullptr;  // due, their handlers about to run
  std::size_t size_ = 0;         // in either list
  bool timer_waiting_ = false;
  Clock::time_point timer_due_{};
  std::size_t timer_programs_ = 0;
  std::size_t timer_wakeups_ = 0;
};

}  // namespace weir::net
