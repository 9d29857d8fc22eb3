#pragma once
// Deadlines that cost no system call to arm or cancel. Every limit a session keeps (handshake,
// idle client, a packet that has started, a write to a stalled client, a long statement) is armed
// and cancelled at least once per statement; with one timer each, every arm re-programs the
// kernel's timer (a timerfd_settime per statement). Here a worker keeps ONE timer for all of its
// deadlines, and the deadlines themselves in a hierarchical timer wheel (TimerWheel: six levels of
// 64 slots over 1 ms ticks, 795 days in all, an overflow list beyond). Arming rounds the deadline
// up to its tick and links the entry into one slot's list, and moves the timer only when that tick
// is earlier than the one it waits for; cancelling unlinks; the wheel allocates nothing. An arm
// later than the timer's time (the usual case: "now + 30 s" just after a statement armed "then + 30 s")
// touches no timer at all; the timer merely wakes early now and then.
//
// When the timer fires, the wheel advances to the current tick: the slots that have come up are
// emptied (their due entries expire, the others of a coarse slot move to a finer one) and no other
// entry is looked at. The timer then goes to the tick of the earliest waiting deadline (as the
// wheel knows it: a slot keeps the least tick armed into it, so after a cancel the timer may wake
// early once, for nothing), never sooner than kCoalesce after this pass; with nothing armed it is
// left alone. So a deadline never runs early and runs at most kCoalesce + kTick late (plus the
// worker's own delays), and an idle worker does not wake.
//
// Single-threaded: a list and its entries belong to one worker (one io_context thread).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <functional>

#include "net/timer_wheel.hpp"

namespace weir::net {

class DeadlineList;

// Privately a wheel entry: only the list links it.
class Deadline : private TimerWheel::Entry {
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
  bool armed() const { return linked(); }
  Clock::time_point due() const { return due_; }

 private:
  friend class DeadlineList;

  DeadlineList* list_;
  std::function<void()> on_expiry_;
  Clock::time_point due_{};
};

class DeadlineList {
 public:
  using Clock = Deadline::Clock;

  explicit DeadlineList(const boost::asio::any_io_executor& executor);
  DeadlineList(const DeadlineList&) = delete;
  DeadlineList& operator=(const DeadlineList&) = delete;
  ~DeadlineList() = default;  // the wheel unlinks what is left

  // The least time between two timer passes: deadlines that fall due meanwhile run together.
  static constexpr Clock::duration kCoalesce = std::chrono::milliseconds(10);
  // The wheel's granularity: a deadline is rounded up to a whole tick (after the list's creation).
  // With kCoalesce, a deadline runs up to kCoalesce + kTick late.
  static constexpr Clock::duration kTick = std::chrono::milliseconds(1);

  std::size_t size() const { return wheel_.size(); }  // armed deadlines, waiting or about to run
  // How often the timer was programmed and how often it woke (for tests and benchmarks).
  std::size_t timer_programs() const { return timer_programs_; }
  std::size_t timer_wakeups() const { return timer_wakeups_; }

 private:
  friend class Deadline;

  void link(Deadline& entry);  // into the wheel, moving the timer when needed
  void unlink(Deadline& entry);
  // Moves the timer to `due` when it waits for a later time (or for nothing).
  void schedule(Clock::time_point due);
  void on_timer();

  // Ticks count kTick from the list's creation: due times round up, the current time down, so a
  // tick that has come is never before any deadline rounded to it.
  TimerWheel::Tick tick_at_or_after(Clock::time_point time) const;
  TimerWheel::Tick tick_at_or_before(Clock::time_point time) const;
  Clock::time_point time_of(TimerWheel::Tick tick) const;

  boost::asio::steady_timer timer_;
  Clock::time_point origin_;
  TimerWheel wheel_;  // waiting and expired (due, their handlers about to run) deadlines
  bool timer_waiting_ = false;
  Clock::time_point timer_due_{};
  std::size_t timer_programs_ = 0;
  std::size_t timer_wakeups_ = 0;
};

}  // namespace weir::net
