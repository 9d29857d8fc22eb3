// The timer wheel behind DeadlineList, driven with synthetic ticks (1 tick = 1 ms there): entries
// expire at their tick on every level and past the wheel's span, never early; cancelling and
// re-inserting work from anywhere, the expired list included; an advance over slots that hold
// nothing touches no entry.
#include "net/timer_wheel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

namespace weir::net {
namespace {

using Tick = TimerWheel::Tick;

constexpr Tick kSecond = 1000;
constexpr Tick kHour = 3600 * kSecond;
constexpr Tick kDay = 24 * kHour;

struct Item : TimerWheel::Entry {
  int id = 0;
};

std::vector<int> pop_all(TimerWheel& wheel) {
  std::vector<int> ids;
  while (TimerWheel::Entry* entry = wheel.pop_expired()) ids.push_back(static_cast<Item*>(entry)->id);
  return ids;
}

TEST(TimerWheel, EntriesExpireAtTheirTickInOrder) {
  Item a, b, c, d;
  TimerWheel wheel(1000);
  a.id = 1;
  b.id = 2;
  c.id = 3;
  d.id = 4;
  wheel.insert(d, 1000 + 5000);
  wheel.insert(b, 1000 + 5);
  wheel.insert(a, 1000 + 3);
  wheel.insert(c, 1000 + 100);
  EXPECT_EQ(wheel.size(), 4U);
  EXPECT_EQ(wheel.next_pending(), Tick{1003});
  wheel.advance(1002);
  EXPECT_FALSE(wheel.has_expired());
  wheel.advance(1003);
  EXPECT_EQ(pop_all(wheel), std::vector<int>{1});
  EXPECT_FALSE(a.linked());
  wheel.advance(1099);  // b, not c
  EXPECT_EQ(pop_all(wheel), std::vector<int>{2});
  EXPECT_EQ(wheel.next_pending(), Tick{1100});
  wheel.advance(7000);  // c then d, in the order they came due
  EXPECT_EQ(pop_all(wheel), (std::vector<int>{3, 4}));
  EXPECT_EQ(wheel.size(), 0U);
  EXPECT_EQ(wheel.next_pending(), std::nullopt);
}

TEST(TimerWheel, AnEntryDueAlreadyExpiresAtOnce) {
  Item a;
  TimerWheel wheel(500);
  wheel.insert(a, 500);
  EXPECT_TRUE(wheel.has_expired());
  EXPECT_EQ(wheel.next_pending(), std::nullopt);  // nothing waits: it is due
  EXPECT_EQ(wheel.pop_expired(), &a);
  wheel.advance(400);  // time never goes back
  EXPECT_EQ(wheel.elapsed(), Tick{500});
}

// Follows the wheel as DeadlineList's timer does: wakes at next_pending (the entry's own tick:
// nothing was removed), advances to it, and the entry expires, on its tick and not a tick before.
// Then again with passes in between that halve the distance, so that the entry moves down the
// levels on the way.
void expect_expires_on_time(Tick start, Tick when) {
  SCOPED_TRACE(testing::Message() << "start " << start << ", due at " << when);
  {
    Item item;
    TimerWheel wheel(start);
    wheel.insert(item, when);
    ASSERT_FALSE(wheel.has_expired());
    ASSERT_EQ(wheel.next_pending(), when);
    wheel.advance(when - 1);
    ASSERT_FALSE(wheel.has_expired());
    ASSERT_EQ(wheel.next_pending(), when);
    wheel.advance(when);
    EXPECT_EQ(wheel.pop_expired(), &item);
    EXPECT_EQ(wheel.size(), 0U);
  }
  Item item;
  TimerWheel wheel(start);
  wheel.insert(item, when);
  while (when - wheel.elapsed() > 1) {
    wheel.advance(wheel.elapsed() + (when - wheel.elapsed()) / 2);
    ASSERT_FALSE(wheel.has_expired()) << "expired at " << wheel.elapsed();
    const auto next = wheel.next_pending();
    ASSERT_TRUE(next.has_value());
    ASSERT_EQ(*next, when);
  }
  wheel.advance(when);
  EXPECT_EQ(wheel.pop_expired(), &item);
  // An entry moves down a level at most once per level (and once off the overflow list).
  EXPECT_LE(wheel.touched(), static_cast<std::size_t>(TimerWheel::kLevels + 1));
}

TEST(TimerWheel, FarFutureEntriesExpireOnTheirTickAcrossEveryLevel) {
  const Tick span = Tick{1} << TimerWheel::kSpanBits;
  const std::vector<Tick> starts = {0, 12345, 63, 4095, 262143, span - 1, 3 * span + 7};
  const std::vector<Tick> delays = {
      1,     2,         63,   64,       65,        4095,       4096,     4097, kSecond,  30 * kSecond, 5 * 60 * kSecond,
      kHour, 8 * kHour, kDay, 3 * kDay, 30 * kDay, 400 * kDay, span - 1, span, span + 1, 2000 * kDay};
  for (const Tick start : starts) {
    for (const Tick delay : delays) expect_expires_on_time(start, start + delay);
  }
}

TEST(TimerWheel, OneLongJumpExpiresEverythingDueInOrder) {
  std::vector<std::unique_ptr<Item>> items;
  TimerWheel wheel(7);
  const std::vector<Tick> whens = {2000 * kDay, 8 * kHour, 50, 3 * kDay, kHour, 900 * kDay};
  for (std::size_t i = 0; i < whens.size(); ++i) {
    items.push_back(std::make_unique<Item>());
    items.back()->id = static_cast<int>(i);
    wheel.insert(*items.back(), whens[i]);
  }
  wheel.advance(8 * kHour - 1);
  EXPECT_EQ(pop_all(wheel), (std::vector<int>{2, 4}));
  wheel.advance(1000 * kDay);  // across the wheel's span: the overflow list is pulled in
  EXPECT_EQ(pop_all(wheel), (std::vector<int>{1, 3, 5}));
  EXPECT_EQ(wheel.next_pending(), 2000 * kDay);
  wheel.advance(3000 * kDay);
  EXPECT_EQ(pop_all(wheel), std::vector<int>{0});
}

TEST(TimerWheel, TenThousandRandomEntriesExpireInDueOrderAndNeverEarly) {
  // Passes as DeadlineList makes them: at the next pending tick, but at least 10 ticks apart.
  constexpr int kCount = 10000;
  constexpr Tick kCoalesce = 10;
  std::mt19937_64 random(42);  // a fixed seed: reproducible
  std::uniform_int_distribution<Tick> short_delay(1, 10 * kSecond);
  std::uniform_int_distribution<Tick> long_delay(1, 10 * kDay);
  const Tick start = 987654;
  std::vector<std::unique_ptr<Item>> items;
  TimerWheel wheel(start);
  for (int i = 0; i < kCount; ++i) {
    items.push_back(std::make_unique<Item>());
    items.back()->id = i;
    wheel.insert(*items.back(), start + (i % 2 == 0 ? short_delay(random) : long_delay(random)));
  }
  // Every seventh cancelled.
  std::size_t cancelled = 0;
  for (int i = 0; i < kCount; i += 7) {
    wheel.remove(*items[static_cast<std::size_t>(i)]);
    ++cancelled;
  }
  ASSERT_EQ(wheel.size(), kCount - cancelled);
  std::vector<bool> ran(kCount, false);
  std::size_t expired = 0;
  std::size_t passes = 0;
  Tick previous = start;
  while (const auto next = wheel.next_pending()) {
    const Tick now = std::max(*next, previous + kCoalesce);
    wheel.advance(now);
    ++passes;
    Tick last_in_pass = 0;
    while (TimerWheel::Entry* entry = wheel.pop_expired()) {
      const auto& item = *static_cast<Item*>(entry);
      ASSERT_NE(item.id % 7, 0) << "a cancelled entry expired";
      ASSERT_FALSE(ran[static_cast<std::size_t>(item.id)]);
      ran[static_cast<std::size_t>(item.id)] = true;
      ASSERT_LE(item.when(), now) << "expired early";
      ASSERT_GT(item.when(), previous) << "missed by the pass before";
      ASSERT_GE(item.when(), last_in_pass) << "out of order within a pass";
      last_in_pass = std::max(last_in_pass, item.when());
      ++expired;
    }
    previous = now;
  }
  EXPECT_EQ(expired, kCount - cancelled);
  EXPECT_EQ(wheel.size(), 0U);
  // Each entry is moved a few times at most (down the levels, then expired), not once per pass.
  EXPECT_LE(wheel.touched(), expired * TimerWheel::kLevels);
  EXPECT_LT(passes, expired);
}

TEST(TimerWheel, ExpiredEntriesMayBeRemovedOrReinsertedWhileOthersRun) {
  Item a, b, c;
  TimerWheel wheel(0);
  a.id = 1;
  b.id = 2;
  c.id = 3;
  wheel.insert(a, 5);
  wheel.insert(b, 5);
  wheel.insert(c, 6);
  wheel.advance(10);
  EXPECT_EQ(wheel.size(), 3U);
  // The first to run cancels another due one and puts the third back for later.
  TimerWheel::Entry* first = wheel.pop_expired();
  ASSERT_NE(first, nullptr);
  Item& other = first == &a ? b : a;
  wheel.remove(other);
  wheel.remove(c);
  wheel.insert(c, 30);
  EXPECT_EQ(wheel.pop_expired(), nullptr);
  EXPECT_EQ(wheel.size(), 1U);
  // Re-inserting the one that ran, and removing the last expired entry then adding another: the
  // expired list's tail follows.
  wheel.insert(*first, 20);
  wheel.advance(30);
  ASSERT_TRUE(wheel.has_expired());
  TimerWheel::Entry* second = wheel.pop_expired();
  EXPECT_EQ(second, first);
  wheel.remove(c);
  EXPECT_FALSE(wheel.has_expired());
  wheel.insert(c, 30);  // due already
  wheel.insert(*first, 25);
  EXPECT_EQ(pop_all(wheel), (std::vector<int>{3, static_cast<Item*>(first)->id}));
  EXPECT_EQ(wheel.size(), 0U);
}

TEST(TimerWheel, AnAdvanceOverEmptySlotsTouchesNoEntry) {
  // 10,000 sessions' idle limits, an hour to two days away, and the worker's timer passing every
  // 10 ms for ten seconds (as if short deadlines kept waking it): no pass looks at any of them.
  std::mt19937_64 random(7);  // a fixed seed: reproducible
  std::uniform_int_distribution<Tick> delay(kHour, 2 * kDay);
  // Declared before the wheel, which unlinks what is left when it is destroyed (first).
  std::vector<std::unique_ptr<Item>> items;
  std::vector<std::unique_ptr<Item>> short_items;
  TimerWheel wheel(0);
  for (int i = 0; i < 10000; ++i) {
    items.push_back(std::make_unique<Item>());
    wheel.insert(*items.back(), delay(random));
  }
  for (Tick now = 10; now <= 10 * kSecond; now += 10) wheel.advance(now);
  EXPECT_EQ(wheel.touched(), 0U);
  EXPECT_FALSE(wheel.has_expired());
  // Nothing can be due for most of an hour: the timer need not wake before.
  ASSERT_TRUE(wheel.next_pending().has_value());
  EXPECT_GT(*wheel.next_pending(), kHour - 300 * kSecond);
  // A hundred short deadlines among them: a pass touches those that came up (and moves them down
  // a level or two), still none of the 10,000.
  for (Tick i = 1; i <= 100; ++i) {
    short_items.push_back(std::make_unique<Item>());
    wheel.insert(*short_items.back(), wheel.elapsed() + i * 7);
  }
  wheel.advance(wheel.elapsed() + 700);
  EXPECT_EQ(pop_all(wheel).size(), 100U);
  EXPECT_LE(wheel.touched(), 100U * TimerWheel::kLevels);
}

TEST(TimerWheel, RemovingTheEarliestLeavesAnEarlyButNeverLateWake) {
  Item a, b;
  TimerWheel wheel(0);
  wheel.insert(a, 5000);
  wheel.insert(b, 6000);  // both in one level-2 slot (4096-8191)
  EXPECT_EQ(wheel.next_pending(), Tick{5000});
  wheel.remove(a);
  EXPECT_EQ(wheel.next_pending(), Tick{5000});  // early: b is due at 6000
  wheel.advance(5000);                          // the slot comes up; b moves down, exact again
  EXPECT_FALSE(wheel.has_expired());
  EXPECT_EQ(wheel.next_pending(), Tick{6000});
  wheel.remove(b);
  EXPECT_EQ(wheel.next_pending(), std::nullopt);  // an empty slot is forgotten
}

TEST(TimerWheel, DestroyingTheWheelUnlinksWhatIsLeft) {
  Item waiting, far, expired;
  {
    TimerWheel wheel(0);
    wheel.insert(waiting, 100);
    wheel.insert(far, 3000 * kDay);
    wheel.insert(expired, 0);
  }
  EXPECT_FALSE(waiting.linked());
  EXPECT_FALSE(far.linked());
  EXPECT_FALSE(expired.linked());
}

}  // namespace
}  // namespace weir::net
