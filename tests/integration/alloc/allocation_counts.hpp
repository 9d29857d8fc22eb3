#pragma once
// The layout of the file that the allocation counter (allocation_counter.cpp, LD_PRELOADed into
// the process under test) maps shared and counts into, one slot per thread, and the reader that
// tests use to take snapshots of it from outside the process.
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <string>

namespace weir::testing::alloc {

// The counted process finds its file in this environment variable.
inline constexpr const char* kCountsFileVariable = "WEIR_ALLOC_COUNTS_FILE";
// When set, allocations in threads whose name starts with its value print a backtrace to stderr
// while the file's `trace` flag is non-zero (to find where allocations come from; see bench/README.md).
inline constexpr const char* kTraceThreadVariable = "WEIR_ALLOC_TRACE_THREAD";

inline constexpr std::uint32_t kMagic = 0x57414c43;  // "WALC"
inline constexpr std::uint32_t kMaxThreads = 256;

struct alignas(64) ThreadSlot {  // a cache line each: threads do not slow each other down
  std::atomic<std::int32_t> tid;
  std::atomic<std::uint64_t> allocations;  // malloc, calloc, realloc, memalign and friends
  std::atomic<std::uint64_t> frees;
  std::atomic<std::uint64_t> mutex_locks;  // pthread_mutex_lock (std::mutex, Asio's own mutexes)
};

struct CountsFile {
  std::atomic<std::uint32_t> magic;
  std::atomic<std::uint32_t> slots_used;
  std::atomic<std::uint32_t> trace;
  std::uint32_t reserved;
  ThreadSlot slots[kMaxThreads];
};

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

// Allocations and mutex locks per thread name (threads of the same name summed), read from a counts file.
struct Snapshot {
  std::map<std::string, std::uint64_t> allocations_by_thread;
  std::map<std::string, std::uint64_t> mutex_locks_by_thread;
  std::uint64_t allocations_of(const std::string& thread_name_prefix) const;
  std::uint64_t mutex_locks_of(const std::string& thread_name_prefix) const;
};

// Maps the counts file of process `pid` (created by its allocation counter) read-write, so that
// the test can take snapshots and switch tracing on and off.
class CountsReader {
 public:
  CountsReader(const std::string& path, pid_t pid);
  ~CountsReader();
  CountsReader(const CountsReader&) = delete;
  CountsReader& operator=(const CountsReader&) = delete;

  Snapshot snapshot() const;
  void set_trace(bool on);

 private:
  pid_t pid_;
  CountsFile* file_ = nullptr;
};

}  // namespace weir::testing::alloc
