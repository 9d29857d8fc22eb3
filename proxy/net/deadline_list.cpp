#include "net/deadline_list.hpp"

#include <algorithm>
#include <utility>

namespace weir::net {

void Deadline::arm(Clock::duration limit, std::function<void()> on_expiry) {
  cancel();
  if (limit <= Clock::duration::zero()) return;
  on_expiry_ = std::move(on_expiry);
  due_ = Clock::now() + limit;
  list_->link(*this);
}

void Deadline::cancel() {
  if (armed()) list_->unlink(*this);
}

DeadlineList::DeadlineList(const boost::asio::any_io_executor& executor)
    : timer_(executor), origin_(Clock::now()), wheel_(0) {}

TimerWheel::Tick DeadlineList::tick_at_or_after(Clock::time_point time) const {
  const Clock::duration since = time - origin_;
  if (since <= Clock::duration::zero()) return 0;
  const auto ticks = static_cast<TimerWheel::Tick>(since / kTick);
  return since % kTick == Clock::duration::zero() ? ticks : ticks + 1;
}

TimerWheel::Tick DeadlineList::tick_at_or_before(Clock::time_point time) const {
  const Clock::duration since = time - origin_;
  if (since <= Clock::duration::zero()) return 0;
  return static_cast<TimerWheel::Tick>(since / kTick);
}

DeadlineList::Clock::time_point DeadlineList::time_of(TimerWheel::Tick tick) const {
  return origin_ + std::chrono::duration_cast<Clock::duration>(kTick) * static_cast<Clock::rep>(tick);
}

void DeadlineList::link(Deadline& entry) {
  const TimerWheel::Tick tick = tick_at_or_after(entry.due_);
  wheel_.insert(entry, tick);
  schedule(time_of(tick));
}

void DeadlineList::unlink(Deadline& entry) {
  wheel_.remove(entry);
  // The timer is left where it is: waking once for nothing is cheaper than re-programming it.
}

void DeadlineList::schedule(Clock::time_point due) {
  if (timer_waiting_ && timer_due_ <= due) return;
  timer_waiting_ = true;
  timer_due_ = due;
  ++timer_programs_;
  timer_.expires_at(due);  // cancels the earlier wait, whose handler then sees operation_aborted
  timer_.async_wait([this, due](const boost::system::error_code& ec) {
    if (ec || !timer_waiting_ || timer_due_ != due) return;
    on_timer();
  });
}

void DeadlineList::on_timer() {
  timer_waiting_ = false;
  ++timer_wakeups_;
  const auto now = Clock::now();
  // First the wheel moves every due entry to its expired list (touching only the slots that came
  // up), then their handlers run one by one. A handler may cancel or re-arm any entry, a due one
  // included: both unlink it from whichever list holds it, so a cancelled entry does not run and a
  // re-armed one waits for its new time.
  wheel_.advance(tick_at_or_before(now));
  // Deadlines that fall due within kCoalesce of this pass wait for the next one and run together,
  // up to that much late (every limit weir keeps is 100 ms or more): thousands of sessions whose
  // hot waits end at different times would otherwise wake the timer thousands of times a second.
  if (const auto next = wheel_.next_pending()) schedule(std::max(time_of(*next), now + kCoalesce));
  while (TimerWheel::Entry* expired = wheel_.pop_expired()) {
    auto& entry = static_cast<Deadline&>(*expired);
    // Moved out first: the handler may re-arm this very deadline with a new handler.
    auto handler = std::move(entry.on_expiry_);
    entry.on_expiry_ = nullptr;
    if (handler) handler();
  }
}

}  // namespace weir::net
