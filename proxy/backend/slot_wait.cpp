#include "backend/slot_wait.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace weir::backend {

namespace asio = boost::asio;

namespace {

// Leaves the line however the wait ends, also when the coroutine is destroyed unfinished (its
// worker stopping); a slot handed over in between is given back.
class PlaceInLine {
 public:
  PlaceInLine(std::shared_ptr<BackendSlots> slots, std::shared_ptr<SlotWaiter> waiter)
      : slots_(std::move(slots)), waiter_(std::move(waiter)) {}
  PlaceInLine(const PlaceInLine&) = delete;
  PlaceInLine& operator=(const PlaceInLine&) = delete;
  ~PlaceInLine() {
    if (!left_ && slots_->leave(waiter_)) slots_->give_back();
  }
  // True when a slot was handed over: the caller holds it now.
  bool leave() {
    left_ = true;
    return slots_->leave(waiter_);
  }

 private:
  std::shared_ptr<BackendSlots> slots_;
  std::shared_ptr<SlotWaiter> waiter_;
  bool left_ = false;
};

}  // namespace

asio::awaitable<Slot> wait_for_slot(std::shared_ptr<BackendSlots> slots, std::chrono::steady_clock::duration limit,
                                    std::function<void(std::function<void()> end_wait)> on_waiting) {
  const auto executor = co_await asio::this_coro::executor;
  auto timer = std::make_shared<asio::steady_timer>(executor);
  timer->expires_after(limit);
  auto waiter = std::make_shared<SlotWaiter>();
  // Runs on the thread that gave a slot back: only a post to this worker, where the timer lives.
  std::weak_ptr<asio::steady_timer> weak_timer = timer;
  waiter->wake = [executor, weak_timer] {
    asio::post(executor, [weak_timer] {
      if (auto t = weak_timer.lock()) t->cancel();
    });
  };
  const bool free_now = slots->enqueue(waiter);
  if (free_now) co_return Slot(std::move(slots));
  PlaceInLine place(slots, waiter);
  if (on_waiting) {
    on_waiting([weak_timer] {
      if (auto t = weak_timer.lock()) t->cancel();
    });
  }
  auto [ignored] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ignored;
  const bool granted = place.leave();
  if (granted) co_return Slot(std::move(slots));
  co_return Slot();
}

}  // namespace weir::backend
