// The ring buffer behind the status page's charts: the newest values in order, the oldest
// overwritten, and its storage fixed at construction.
#include "metrics/ring_buffer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace weir::metrics {
namespace {

std::vector<int> contents(const RingBuffer<int>& r) {
  std::vector<int> out;
  for (std::size_t i = 0; i < r.size(); ++i) out.push_back(r[i]);
  return out;
}

TEST(RingBuffer, KeepsValuesInOrderUntilFull) {
  RingBuffer<int> r(4);
  EXPECT_TRUE(r.empty());
  r.push(1);
  r.push(2);
  r.push(3);
  EXPECT_EQ(contents(r), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(r.newest(), 3);
  EXPECT_EQ(r.capacity(), 4U);
}

TEST(RingBuffer, WrapsAroundOverwritingTheOldest) {
  RingBuffer<int> r(4);
  for (int i = 1; i <= 10; ++i) r.push(i);
  EXPECT_EQ(r.size(), 4U);
  EXPECT_EQ(contents(r), (std::vector<int>{7, 8, 9, 10}));
  EXPECT_EQ(r.newest(), 10);
  r.push(11);
  EXPECT_EQ(contents(r), (std::vector<int>{8, 9, 10, 11}));
}

TEST(RingBuffer, ACapacityOfOneKeepsTheNewestAndZeroIsRefused) {
  RingBuffer<int> r(1);
  r.push(5);
  r.push(6);
  EXPECT_EQ(contents(r), (std::vector<int>{6}));
  EXPECT_THROW(RingBuffer<int>(0), std::invalid_argument);
}

// The storage is allocated once: 15 minutes of one sample per second, pushed for an hour, stay in
// the same 900 slots (the address of every slot is unchanged, so nothing was reallocated).
TEST(RingBuffer, MemoryIsBoundedByTheCapacity) {
  RingBuffer<std::string> r(900);
  for (int i = 0; i < 900; ++i) r.push("sample " + std::to_string(i));
  std::vector<const std::string*> slots;
  for (std::size_t i = 0; i < r.size(); ++i) slots.push_back(&r[i]);
  std::sort(slots.begin(), slots.end());
  for (int i = 900; i < 3600; ++i) r.push("sample " + std::to_string(i));
  EXPECT_EQ(r.size(), 900U);
  std::vector<const std::string*> after;
  for (std::size_t i = 0; i < r.size(); ++i) after.push_back(&r[i]);
  std::sort(after.begin(), after.end());
  EXPECT_EQ(slots, after);
  EXPECT_EQ(r[0], "sample 2700");
  EXPECT_EQ(r.newest(), "sample 3599");
}

}  // namespace
}  // namespace weir::metrics
