// The worker's deadline list: handlers run once when due, cancel and re-arm work from anywhere
// (a handler included), and arming a later deadline than the timer waits for programs no timer.
#include "net/deadline_list.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>
#include <vector>

namespace weir::net {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

// Runs the context until `done()` holds, checked every millisecond (at most 10 s, a failure).
// The tests depend on the order of events, never on how long anything took.
template <class Done>
void run_until(asio::io_context& context, Done done) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "the awaited deadline never ran";
    context.restart();  // a context that ran out of work stays stopped until restarted
    context.run_for(1ms);
  }
}

TEST(DeadlineList, HandlersRunOnceWhenDueInTheOrderOfTheirTimes) {
  asio::io_context context;
  DeadlineList list(context.get_executor());
  std::vector<std::string> fired;
  Deadline late(list), early(list), middle(list);
  late.arm(60ms, [&] { fired.emplace_back("late"); });
  early.arm(10ms, [&] { fired.emplace_back("early"); });
  middle.arm(30ms, [&] { fired.emplace_back("middle"); });
  EXPECT_EQ(list.size(), 3U);
  run_until(context, [&] { return fired.size() == 3; });
  EXPECT_EQ(fired, (std::vector<std::string>{"early", "middle", "late"}));
  EXPECT_EQ(list.size(), 0U);
  EXPECT_FALSE(late.armed());
}

TEST(DeadlineList, ACancelledOrReArmedDeadlineDoesNotRunItsOldHandler) {
  asio::io_context context;
  DeadlineList list(context.get_executor());
  int cancelled = 0, rearmed_old = 0, rearmed_new = 0;
  Deadline a(list), b(list);
  a.arm(10ms, [&] { ++cancelled; });
  a.cancel();
  b.arm(10ms, [&] { ++rearmed_old; });
  b.arm(40ms, [&] { ++rearmed_new; });
  Deadline after_both(list);
  bool later_ran = false;
  after_both.arm(60ms, [&] { later_ran = true; });
  run_until(context, [&] { return later_ran; });
  EXPECT_EQ(cancelled, 0);
  EXPECT_EQ(rearmed_old, 0);
  EXPECT_EQ(rearmed_new, 1);
}

TEST(DeadlineList, AZeroLimitArmsNothing) {
  asio::io_context context;
  DeadlineList list(context.get_executor());
  Deadline d(list);
  d.arm(0ms, [] { FAIL() << "ran"; });
  d.arm(-5ms, [] { FAIL() << "ran"; });
  EXPECT_FALSE(d.armed());
  EXPECT_EQ(list.timer_programs(), 0U);
  context.restart();
  context.run_for(10ms);
}

TEST(DeadlineList, AHandlerMayCancelAnotherDueEntryOrReArmItselfOrOthers) {
  asio::io_context context;
  DeadlineList list(context.get_executor());
  std::vector<std::string> fired;
  Deadline first(list), second(list), third(list);
  // All three due by the time the timer wakes; whichever runs first cancels one other and
  // re-arms the third for later.
  auto act = [&](const char* name, Deadline& cancel, Deadline& rearm) {
    return [&, name] {
      fired.emplace_back(name);
      if (fired.size() == 1) {
        cancel.cancel();
        rearm.arm(30ms, [&] { fired.emplace_back("rearmed"); });
      }
    };
  };
  first.arm(5ms, act("first", second, third));
  second.arm(5ms, act("second", third, first));
  third.arm(5ms, act("third", first, second));
  run_until(context, [&] { return !fired.empty(); });
  ASSERT_EQ(fired.size(), 1U);  // the other two: one cancelled, one waiting again
  EXPECT_EQ(list.size(), 1U);
  run_until(context, [&] { return fired.size() == 2; });
  context.restart();
  context.run_for(20ms);
  EXPECT_EQ(fired.size(), 2U);
  EXPECT_EQ(fired.back(), "rearmed");
  // A handler re-arming its own deadline.
  int ticks = 0;
  Deadline self(list);
  std::function<void()> tick = [&] {
    if (++ticks < 3) self.arm(5ms, tick);
  };
  self.arm(5ms, tick);
  run_until(context, [&] { return ticks == 3; });
  EXPECT_FALSE(self.armed());
}

TEST(DeadlineList, ArmingLaterThanTheTimerProgramsNoTimer) {
  asio::io_context context;
  DeadlineList list(context.get_executor());
  std::vector<std::unique_ptr<Deadline>> deadlines;
  for (int i = 0; i < 1000; ++i) deadlines.push_back(std::make_unique<Deadline>(list));
  // As sessions do per statement: arm "now + 30 s", cancel, arm again.
  for (int round = 0; round < 10; ++round) {
    for (auto& d : deadlines) d->arm(30s, [] {});
    for (auto& d : deadlines) d->cancel();
  }
  EXPECT_EQ(list.timer_programs(), 1U);
  EXPECT_EQ(list.size(), 0U);
  // An earlier deadline moves the timer once.
  deadlines[0]->arm(1s, [] {});
  EXPECT_EQ(list.timer_programs(), 2U);
}

TEST(DeadlineList, TheTimerWakesForTheEarliestOfTheRest) {
  asio::io_context context;
  DeadlineList list(context.get_executor());
  int ran = 0;
  Deadline near(list), far(list);
  far.arm(40ms, [&] { ++ran; });
  near.arm(10ms, [&] { ++ran; });
  run_until(context, [&] { return ran == 2; });
  // Programmed for the near one (after the far one), then for the far one: no polling.
  EXPECT_EQ(list.timer_programs(), 3U);
  EXPECT_EQ(list.timer_wakeups(), 2U);
}

TEST(DeadlineList, DeadlinesFallingDueCloseTogetherShareAPassOverTheList) {
  // With thousands of sessions whose deadlines fall due a millisecond apart, one pass each would
  // wake the timer thousands of times a second. Passes are kCoalesce apart instead, and every
  // deadline still runs, at most that much (and a tick) late.
  asio::io_context context;
  DeadlineList list(context.get_executor());
  constexpr int kCount = 100;
  std::vector<std::unique_ptr<Deadline>> deadlines;
  std::vector<std::chrono::steady_clock::duration> lateness;
  for (int i = 0; i < kCount; ++i) {
    deadlines.push_back(std::make_unique<Deadline>(list));
    Deadline& deadline = *deadlines.back();
    deadline.arm(std::chrono::milliseconds(1 + i),
                 [&lateness, &deadline] { lateness.push_back(std::chrono::steady_clock::now() - deadline.due()); });
  }
  run_until(context, [&] { return lateness.size() == static_cast<std::size_t>(kCount); });
  // 100 ms of deadlines: about one pass per kCoalesce (10 ms), not one per deadline.
  EXPECT_LE(list.timer_wakeups(), 100ms / DeadlineList::kCoalesce + 3) << list.timer_wakeups() << " passes";
  EXPECT_GE(list.timer_wakeups(), 2U);
  for (const auto late : lateness) EXPECT_GE(late, std::chrono::steady_clock::duration::zero());
}

TEST(DeadlineList, HoursAwayDeadlinesDoNotWakeTheTimerMeanwhile) {
  // Idle limits of 8 hours and a day next to deadlines tens of milliseconds away, some of them
  // across the wheel's first level (64 ms): the near ones run, never early, the timer wakes for them
  // only, and then it waits for the hours-away ones without a wake in between.
  asio::io_context context;
  DeadlineList list(context.get_executor());
  Deadline idle(list), backend_idle(list), day(list);
  idle.arm(8h, [] { FAIL() << "ran"; });
  backend_idle.arm(1h, [] { FAIL() << "ran"; });
  day.arm(24h, [] { FAIL() << "ran"; });
  std::vector<std::unique_ptr<Deadline>> near;
  std::vector<std::chrono::steady_clock::duration> lateness;
  for (const auto limit : {20ms, 63ms, 65ms, 130ms}) {
    near.push_back(std::make_unique<Deadline>(list));
    Deadline& deadline = *near.back();
    deadline.arm(limit,
                 [&lateness, &deadline] { lateness.push_back(std::chrono::steady_clock::now() - deadline.due()); });
  }
  run_until(context, [&] { return lateness.size() == 4; });
  for (const auto late : lateness) EXPECT_GE(late, std::chrono::steady_clock::duration::zero());
  EXPECT_LE(list.timer_wakeups(), 4U);
  const auto wakeups = list.timer_wakeups();
  context.restart();
  context.run_for(50ms);
  EXPECT_EQ(list.timer_wakeups(), wakeups);
  EXPECT_EQ(list.size(), 3U);
  EXPECT_TRUE(idle.armed());
  // Cancelling the earliest of them leaves the timer where it is (it would wake early once, in an
  // hour) and re-arming the other two programs nothing.
  const auto programs = list.timer_programs();
  backend_idle.cancel();
  idle.arm(8h, [] {});
  day.arm(24h, [] {});
  EXPECT_EQ(list.timer_programs(), programs);
}

TEST(DeadlineList, AnIdleListNeverWakes) {
  asio::io_context context;
  DeadlineList list(context.get_executor());
  {
    Deadline once(list);
    once.arm(5ms, [] {});
    run_until(context, [&] { return !once.armed(); });
  }
  const auto wakeups = list.timer_wakeups();
  context.restart();
  context.run_for(50ms);
  EXPECT_EQ(list.timer_wakeups(), wakeups);
}

TEST(DeadlineList, EntriesOutliveTheListSafely) {
  asio::io_context context;
  auto list = std::make_unique<DeadlineList>(context.get_executor());
  auto d = std::make_unique<Deadline>(*list);
  d->arm(1s, [] {});
  list.reset();  // unlinks d
  EXPECT_FALSE(d->armed());
  d.reset();  // touches no list
}

}  // namespace
}  // namespace weir::net
