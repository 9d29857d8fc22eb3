// pool.max_per_backend's counting: slots taken up to the cap, waiters served in order when a
// connection closes, a wait that ends without a slot, a reload that changes the cap; and the wait
// on a worker, which never blocks its thread.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <thread>
#include <vector>

#include "backend/connection_slots.hpp"
#include "backend/slot_wait.hpp"

namespace weir::backend {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

std::shared_ptr<SlotWaiter> waiter(std::vector<int>& woken, int id) {
  auto w = std::make_shared<SlotWaiter>();
  w->wake = [&woken, id] { woken.push_back(id); };
  return w;
}

TEST(BackendSlots, TakesUpToTheCapAndGivesBack) {
  auto slots = std::make_shared<BackendSlots>(2);
  EXPECT_TRUE(slots->try_take());
  EXPECT_TRUE(slots->try_take());
  EXPECT_FALSE(slots->try_take());
  EXPECT_EQ(slots->open(), 2U);
  slots->give_back();
  EXPECT_EQ(slots->open(), 1U);
  EXPECT_TRUE(slots->try_take());
}

TEST(BackendSlots, ASlotGivenBackGoesToTheLongestWaitingInOrder) {
  auto slots = std::make_shared<BackendSlots>(1);
  ASSERT_TRUE(slots->try_take());
  std::vector<int> woken;
  auto first = waiter(woken, 1);
  auto second = waiter(woken, 2);
  EXPECT_FALSE(slots->enqueue(first));
  EXPECT_FALSE(slots->enqueue(second));
  EXPECT_EQ(slots->waiting(), 2U);
  // Someone new does not overtake those in line, even with room made for it.
  slots->give_back();
  EXPECT_EQ(woken, std::vector<int>{1});
  EXPECT_TRUE(first->granted);
  EXPECT_EQ(slots->open(), 1U);  // the slot changed hands, it was not freed
  EXPECT_FALSE(slots->try_take());
  EXPECT_TRUE(slots->leave(first));  // the woken waiter holds it
  slots->give_back();
  EXPECT_EQ(woken, (std::vector<int>{1, 2}));
  EXPECT_TRUE(slots->leave(second));
  slots->give_back();
  EXPECT_EQ(slots->open(), 0U);
}

TEST(BackendSlots, AWaiterThatLeavesWithoutASlotIsForgotten) {
  auto slots = std::make_shared<BackendSlots>(1);
  ASSERT_TRUE(slots->try_take());
  std::vector<int> woken;
  auto late = waiter(woken, 1);
  EXPECT_FALSE(slots->enqueue(late));
  EXPECT_FALSE(slots->leave(late));  // timed out
  EXPECT_EQ(slots->waiting(), 0U);
  slots->give_back();
  EXPECT_TRUE(woken.empty());
  EXPECT_EQ(slots->open(), 0U);
}

TEST(BackendSlots, EnqueueTakesAFreeSlotAtOnce) {
  auto slots = std::make_shared<BackendSlots>(1);
  std::vector<int> woken;
  auto w = waiter(woken, 1);
  EXPECT_TRUE(slots->enqueue(w));
  EXPECT_EQ(slots->open(), 1U);
  EXPECT_EQ(slots->waiting(), 0U);
  EXPECT_TRUE(woken.empty());
}

TEST(BackendSlots, ARaisedCapServesThoseWaitingAndALoweredOneFreesNothingBelowIt) {
  auto slots = std::make_shared<BackendSlots>(1);
  ASSERT_TRUE(slots->try_take());
  std::vector<int> woken;
  auto w = waiter(woken, 1);
  ASSERT_FALSE(slots->enqueue(w));
  slots->set_cap(2);
  EXPECT_EQ(woken, std::vector<int>{1});
  EXPECT_EQ(slots->open(), 2U);
  slots->set_cap(1);  // two stay open until they close; none is handed on meanwhile
  auto next = waiter(woken, 2);
  EXPECT_FALSE(slots->enqueue(next));
  slots->give_back();
  EXPECT_EQ(woken, std::vector<int>{1});
  slots->give_back();
  EXPECT_EQ(woken, (std::vector<int>{1, 2}));
}

TEST(Slot, GivesItsSlotBackWhenDestroyedOrReplaced) {
  auto slots = std::make_shared<BackendSlots>(2);
  ASSERT_TRUE(slots->try_take());
  ASSERT_TRUE(slots->try_take());
  {
    Slot a(slots);
    Slot b(slots);
    EXPECT_EQ(slots->open(), 2U);
    a = std::move(b);
    EXPECT_EQ(slots->open(), 1U);
    Slot c(std::move(a));
    EXPECT_EQ(slots->open(), 1U);
  }
  EXPECT_EQ(slots->open(), 0U);
}

TEST(ConnectionLimits, OneCountPerEndpointAndTheCapForAll) {
  ConnectionLimits limits(1);
  auto a = limits.slots("db", 3306);
  EXPECT_EQ(a, limits.slots("db", 3306));
  EXPECT_NE(a, limits.slots("db", 3307));
  ASSERT_TRUE(a->try_take());
  EXPECT_FALSE(a->try_take());
  EXPECT_TRUE(limits.slots("db", 3307)->try_take());
  limits.set_cap(3);
  EXPECT_EQ(a->cap(), 3U);
  EXPECT_EQ(limits.slots("new", 1)->cap(), 3U);
}

// The asynchronous wait, on a real io_context: the slot given back on another thread wakes it, and
// while it waits its thread runs other work.
TEST(WaitForSlot, ASlotGivenBackOnAnotherThreadWakesTheWaitWhichNeverBlocksItsThread) {
  auto slots = std::make_shared<BackendSlots>(1);
  ASSERT_TRUE(slots->try_take());
  asio::io_context context;
  bool got = false;
  bool other_work_ran = false;
  asio::co_spawn(context, wait_for_slot(slots, 30s), [&](const std::exception_ptr&, Slot slot) {
    got = static_cast<bool>(slot);
    context.stop();
  });
  asio::post(context, [&] { other_work_ran = true; });
  std::thread giver([&] {
    while (slots->waiting() == 0) std::this_thread::sleep_for(1ms);
    slots->give_back();
  });
  context.run();
  giver.join();
  EXPECT_TRUE(other_work_ran);
  EXPECT_TRUE(got);
  EXPECT_EQ(slots->open(), 0U);  // the Slot went back when the handler's copy ended
}

TEST(WaitForSlot, EndsEmptyAfterItsLimitAndLeavesTheLine) {
  auto slots = std::make_shared<BackendSlots>(1);
  ASSERT_TRUE(slots->try_take());
  asio::io_context context;
  bool finished = false;
  bool got = true;
  asio::co_spawn(context, wait_for_slot(slots, 20ms), [&](const std::exception_ptr&, Slot slot) {
    finished = true;
    got = static_cast<bool>(slot);
  });
  context.run();
  EXPECT_TRUE(finished);
  EXPECT_FALSE(got);
  EXPECT_EQ(slots->waiting(), 0U);
  EXPECT_EQ(slots->open(), 1U);
}

TEST(WaitForSlot, AWaitDestroyedWithItsWorkerLeavesTheLine) {
  auto slots = std::make_shared<BackendSlots>(1);
  ASSERT_TRUE(slots->try_take());
  {
    asio::io_context context;
    asio::co_spawn(context, wait_for_slot(slots, 30s), [](const std::exception_ptr&, Slot) {});
    context.run_for(20ms);
    EXPECT_EQ(slots->waiting(), 1U);
  }
  EXPECT_EQ(slots->waiting(), 0U);
  slots->give_back();
  EXPECT_EQ(slots->open(), 0U);
}

}  // namespace
}  // namespace weir::backend

namespace weir::backend {
namespace {

TEST(AutoConnectionCap, ATenthBelowTheServersMaxConnectionsAndAtLeastFive) {
  EXPECT_EQ(auto_connection_cap(0), kUnknownServerCap);  // not read yet
  EXPECT_EQ(auto_connection_cap(151), 136U);             // a stock server
  EXPECT_EQ(auto_connection_cap(1000), 900U);
  EXPECT_EQ(auto_connection_cap(12), 7U);  // the reserve is at least 5
  EXPECT_EQ(auto_connection_cap(5), 1U);   // never 0: a cap is always on, and never above the server
  EXPECT_EQ(auto_connection_cap(1), 1U);
  EXPECT_EQ(auto_connection_cap(10'000'000), 100'000U);
}

TEST(ConnectionLimits, AutoFollowsEachServerAndAFixedCapOverridesIt) {
  ConnectionLimits limits(0);
  const auto a = limits.slots("10.0.0.1", 3306);
  EXPECT_EQ(a->cap(), kUnknownServerCap);
  limits.set_server_limit("10.0.0.1", 3306, 151);
  EXPECT_EQ(a->cap(), 136U);
  limits.set_server_limit("10.0.0.1", 3306, 0);  // a round that could not read it keeps the last
  EXPECT_EQ(a->cap(), 136U);
  limits.set_server_limit("10.0.0.2", 3306, 1000);  // before its first connection
  EXPECT_EQ(limits.slots("10.0.0.2", 3306)->cap(), 900U);
  limits.set_cap(20);
  EXPECT_EQ(a->cap(), 20U);
  EXPECT_EQ(limits.cap_of("10.0.0.2", 3306), 20U);
  limits.set_cap(0);
  EXPECT_EQ(a->cap(), 136U);
}

}  // namespace
}  // namespace weir::backend
