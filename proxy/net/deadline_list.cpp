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
  if (prev_ != nullptr) list_->unlink(*this);
}

DeadlineList::~DeadlineList() {
  while (head_ != nullptr) unlink(*head_);
  while (expired_ != nullptr) unlink(*expired_);
}

void DeadlineList::push(Deadline*& head, Deadline& entry) {
  entry.next_ = head;
  if (head != nullptr) head->prev_ = &entry.next_;
  head = &entry;
  entry.prev_ = &head;
  ++size_;
}

void DeadlineList::link(Deadline& entry) {
  push(head_, entry);
  schedule(entry.due_);
}

void DeadlineList::unlink(Deadline& entry) {
  *entry.prev_ = entry.next_;
  if (entry.next_ != nullptr) entry.next_->prev_ = entry.prev_;
  entry.prev_ = nullptr;
  entry.next_ = nullptr;
  --size_;
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
  // First every due entry moves to the expired list, then their handlers run one by one. A
  // handler may cancel or re-arm any entry, a due one included: both unlink it from whichever
  // list holds it, so a cancelled entry does not run and a re-armed one waits for its new time.
  Clock::time_point earliest = Clock::time_point::max();
  for (Deadline* entry = head_; entry != nullptr;) {
    Deadline* next = entry->next_;
    if (entry->due_ <= now) {
      unlink(*entry);
      push(expired_, *entry);
    } else if (entry->due_ < earliest) {
      earliest = entry->due_;
    }
    entry = next;
  }
  // Each pass walks every armed entry of the worker (thousands with thousands of sessions), so the
  // next one waits at least kCoalesce: deadlines that fall due meanwhile run together, up to that
  // much late (every limit weir keeps is 100 ms or more). Without it, thousands of sessions whose
  // hot waits end at different times woke the timer thousands of times a second, each pass a walk
  // of the whole list.
  if (head_ != nullptr) schedule(std::max(earliest, now + kCoalesce));
  while (expired_ != nullptr) {
    Deadline& entry = *expired_;
    unlink(entry);
    // Moved out first: the handler may re-arm this very deadline with a new handler.
    auto handler = std::move(entry.on_expiry_);
    entry.on_expiry_ = nullptr;
    if (handler) handler();
  }
}

}  // namespace weir::net
