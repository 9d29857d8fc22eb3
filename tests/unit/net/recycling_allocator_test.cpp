// Asio's per-thread recycling of coroutine frames and operations as weir builds it
// (cmake/patches/asio-1.81-recycling_allocator.patch): freed blocks kept in lists by size class
// (multiples of 64 bytes up to 4096), at most 4 MiB per thread, and handed out again for any
// size of their class. Called here directly on a thread_info_base of the test's own.
#include <gtest/gtest.h>
#include <malloc.h>
#include <boost/asio/detail/thread_info_base.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// The sanitizers' runtimes export it (GCC ships no header that declares it).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();  // NOLINT(bugprone-reserved-identifier)
#endif

namespace {

using boost::asio::detail::thread_info_base;
using Frames = thread_info_base::awaitable_frame_tag;
using Operations = thread_info_base::default_tag;

// Bytes the heap has handed out and not had back (the sanitizer's own heap in the sanitizer builds).
std::size_t heap_in_use() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return __sanitizer_get_current_allocated_bytes();
#else
  return mallinfo2().uordblks;
#endif
}

void* take(thread_info_base& thread, std::size_t size, std::size_t align = BOOST_ASIO_DEFAULT_ALIGN) {
  void* block = thread_info_base::allocate(Frames(), &thread, size, align);
  // The whole size is usable (ASan would catch an overrun of a block shorter than asked).
  std::memset(block, 0xab, size);
  return block;
}

void give(thread_info_base& thread, void* block, std::size_t size) {
  thread_info_base::deallocate(Frames(), &thread, block, size);
}

TEST(RecyclingAllocator, AFreedBlockIsHandedOutAgainForAnySizeOfItsClass) {
  thread_info_base thread;
  void* block = take(thread, 100);  // class 2: 65..128 bytes
  give(thread, block, 100);
  void* again = take(thread, 128);
  EXPECT_EQ(again, block);
  give(thread, again, 128);
  void* smallest = take(thread, 65);
  EXPECT_EQ(smallest, block);
  // Another class does not take it.
  give(thread, smallest, 65);
  void* smaller_class = take(thread, 64);
  void* larger_class = take(thread, 129);
  EXPECT_NE(smaller_class, block);
  EXPECT_NE(larger_class, block);
  give(thread, smaller_class, 64);
  give(thread, larger_class, 129);
}

TEST(RecyclingAllocator, ManyBlocksFreedBeforeTheyAreTakenAgainAreAllReused) {
  // What a worker with many sessions does: a hundred frames of a few sizes live at once, all
  // freed, then all taken again. Asio's own cache kept 16 of them; every one is reused now.
  thread_info_base thread;
  const std::size_t sizes[] = {200, 520, 90, 1000, 310};
  std::vector<std::pair<void*, std::size_t>> live;
  for (int i = 0; i < 100; ++i) {
    const std::size_t size = sizes[i % 5];
    live.emplace_back(take(thread, size), size);
  }
  std::set<void*> freed;
  for (const auto& [block, size] : live) {
    give(thread, block, size);
    freed.insert(block);
  }
  for (int round = 0; round < 3; ++round) {
    std::vector<std::pair<void*, std::size_t>> again;
    for (int i = 0; i < 100; ++i) {
      const std::size_t size = sizes[(i + round) % 5];
      void* block = take(thread, size);
      EXPECT_EQ(freed.count(block), 1U) << "a new block for size " << size << " in round " << round;
      again.emplace_back(block, size);
    }
    for (const auto& [block, size] : again) give(thread, block, size);
  }
}

TEST(RecyclingAllocator, ABlockFreedOnAnotherThreadIsReusedThere) {
  // A block may be allocated where there is no thread information (nullptr) and freed on a worker:
  // it was allocated to its class's full size, so the worker can hand it out for the largest size.
  thread_info_base worker;
  void* block = thread_info_base::allocate(Operations(), nullptr, 70);
  give(worker, block, 70);
  EXPECT_EQ(take(worker, 128), block);
  give(worker, block, 128);
}

TEST(RecyclingAllocator, LargeBlocksAndAlignmentsBeyondTheListsAreServedDirectly) {
  thread_info_base thread;
  void* large = take(thread, 5000);  // beyond 4096: not recycled
  give(thread, large, 5000);
  void* next = take(thread, 5000);
  give(thread, next, 5000);
  // A request for more alignment than a listed block has gets a block with it.
  void* plain = take(thread, 64);
  give(thread, plain, 64);
  void* aligned = take(thread, 64, 256);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(aligned) % 256, 0U);
  give(thread, aligned, 64);
}

TEST(RecyclingAllocator, AThreadKeepsAtMostFourMebibytes) {
  thread_info_base thread;
  constexpr std::size_t kSize = 4096;
  constexpr std::size_t kKept = 4 * 1024 * 1024 / kSize;
  constexpr std::size_t kBeyond = 10;
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < kKept + kBeyond; ++i) blocks.push_back(take(thread, kSize));
  const std::size_t in_use = heap_in_use();
  for (void* block : blocks) give(thread, block, kSize);
  // The first kKept freed stay on the thread's list; the last kBeyond go back to the heap.
  const std::size_t returned = in_use - heap_in_use();
  EXPECT_GE(returned, kBeyond * kSize);
  EXPECT_LT(returned, (kBeyond + 2) * kSize);
  // And the kept ones are handed out again.
  const std::set<void*> all(blocks.begin(), blocks.end());
  std::vector<void*> again;
  again.reserve(kKept);
  const std::size_t before = heap_in_use();
  for (std::size_t i = 0; i < kKept; ++i) again.push_back(take(thread, kSize));
  EXPECT_EQ(heap_in_use(), before) << "the kept blocks came from the heap again";
  for (void* block : again) EXPECT_EQ(all.count(block), 1U);
  for (void* block : again) give(thread, block, kSize);
}

}  // namespace
