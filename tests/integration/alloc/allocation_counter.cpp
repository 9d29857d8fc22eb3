// An LD_PRELOAD library that counts heap allocations (and mutex locks) per thread of the process
// it is loaded into: malloc and every other entry of the allocator (operator new reaches malloc
// through it) add one to the calling thread's slot in a file mapped shared
// (WEIR_ALLOC_COUNTS_FILE), which the test reads from outside at any moment without stopping or
// signalling the process.
//
// The real allocator is glibc's own (__libc_malloc and friends), called directly, so nothing
// here needs dlsym (which allocates) or allocates itself. Thread-local state uses the
// initial-exec TLS model: reading it never calls into the allocator either.
#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "allocation_counts.hpp"

// glibc's own entry points, which the counting allocator forwards to: reserved names by design.
extern "C" {  // NOLINTBEGIN(bugprone-reserved-identifier)
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void __libc_free(void* pointer);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void* __libc_valloc(std::size_t size);
void* __libc_pvalloc(std::size_t size);
int __pthread_mutex_lock(pthread_mutex_t* mutex);
}  // NOLINTEND(bugprone-reserved-identifier)

namespace {

using weir::testing::alloc::CountsFile;
using weir::testing::alloc::ThreadSlot;

CountsFile* counts = nullptr;  // published by the constructor
// Allocations before the file is mapped (the loader, libc's start), or of threads beyond kMaxThreads.
ThreadSlot uncounted_slot;
const char* trace_prefix = nullptr;
std::size_t trace_prefix_length = 0;

thread_local ThreadSlot* thread_slot __attribute__((tls_model("initial-exec"))) = nullptr;
thread_local bool in_trace __attribute__((tls_model("initial-exec"))) = false;

ThreadSlot& slot_of_this_thread() {
  if (thread_slot != nullptr) return *thread_slot;
  CountsFile* file = __atomic_load_n(&counts, __ATOMIC_ACQUIRE);
  if (file == nullptr) return uncounted_slot;  // claimed once the file exists
  const std::uint32_t index = file->slots_used.fetch_add(1);
  if (index >= weir::testing::alloc::kMaxThreads) {
    thread_slot = &uncounted_slot;
  } else {
    thread_slot = &file->slots[index];
    thread_slot->tid.store(static_cast<std::int32_t>(::syscall(SYS_gettid)));
  }
  return *thread_slot;
}

void write_text(const char* text) { (void)!::write(2, text, std::strlen(text)); }

void write_number(std::size_t n) {
  char text[24];
  char* end = text + sizeof text;
  char* at = end;
  do {
    *--at = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  (void)!::write(2, at, static_cast<std::size_t>(end - at));
}

// A backtrace of this allocation (or, with `size` 0, mutex lock) on stderr, when tracing is on and
// this thread's name matches.
void trace(std::size_t size) {
  if (trace_prefix == nullptr || in_trace) return;
  CountsFile* file = __atomic_load_n(&counts, __ATOMIC_ACQUIRE);
  if (file == nullptr || file->trace.load(std::memory_order_relaxed) == 0) return;
  char name[17] = {};
  ::prctl(PR_GET_NAME, name);
  if (std::strncmp(name, trace_prefix, trace_prefix_length) != 0) return;
  in_trace = true;  // backtrace() itself may allocate
  void* frames[64];
  const int depth = ::backtrace(frames, 64);
  write_text(size == 0 ? "== mutex lock in thread " : "== allocation in thread ");
  write_text(name);
  if (size != 0) {
    write_text(" bytes ");
    write_number(size);
  }
  write_text("\n");
  ::backtrace_symbols_fd(frames, depth, 2);
  in_trace = false;
}

void count_allocation(std::size_t size) {
  slot_of_this_thread().allocations.fetch_add(1, std::memory_order_relaxed);
  if (size != 0) trace(size);
}

void count_free() { slot_of_this_thread().frees.fetch_add(1, std::memory_order_relaxed); }

__attribute__((constructor)) void map_counts_file() {
  const char* path = std::getenv(weir::testing::alloc::kCountsFileVariable);
  if (path == nullptr || *path == '\0') return;
  // O_EXCL: a process this one starts inherits the variable but finds the file taken, and does
  // not mix its counts into it.
  const int fd = ::open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return;
  void* mapped = MAP_FAILED;
  if (::ftruncate(fd, sizeof(CountsFile)) == 0) {
    mapped = ::mmap(nullptr, sizeof(CountsFile), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  }
  ::close(fd);
  if (mapped == MAP_FAILED) return;
  auto* file = static_cast<CountsFile*>(mapped);  // zero-filled by ftruncate: no slot used yet
  if (const char* prefix = std::getenv(weir::testing::alloc::kTraceThreadVariable); prefix != nullptr && *prefix) {
    trace_prefix = prefix;
    trace_prefix_length = std::strlen(prefix);
    void* frame[1];
    ::backtrace(frame, 1);  // loads the unwinder now rather than inside a traced allocation
  }
  file->magic.store(weir::testing::alloc::kMagic);
  __atomic_store_n(&counts, file, __ATOMIC_RELEASE);
}

}  // namespace

extern "C" {

void* malloc(std::size_t size) {
  count_allocation(size);
  return __libc_malloc(size);
}

void free(void* pointer) {
  if (pointer == nullptr) return;
  count_free();
  __libc_free(pointer);
}

void* calloc(std::size_t count, std::size_t size) {
  count_allocation(count * size);
  return __libc_calloc(count, size);
}

void* realloc(void* pointer, std::size_t size) {
  if (size == 0 && pointer != nullptr) {
    count_free();
  } else {
    count_allocation(size);
  }
  return __libc_realloc(pointer, size);
}

void* reallocarray(void* pointer, std::size_t count, std::size_t size) {
  std::size_t total = 0;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(pointer, total);
}

void* memalign(std::size_t alignment, std::size_t size) {
  count_allocation(size);
  return __libc_memalign(alignment, size);
}

void* aligned_alloc(std::size_t alignment, std::size_t size) {
  count_allocation(size);
  return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
  count_allocation(size);
  void* pointer = __libc_memalign(alignment, size);
  if (pointer == nullptr && size != 0) return ENOMEM;
  *out = pointer;
  return 0;
}

void* valloc(std::size_t size) {
  count_allocation(size);
  return __libc_valloc(size);
}

void* pvalloc(std::size_t size) {
  count_allocation(size);
  return __libc_pvalloc(size);
}

// Not an allocation, but the other thing a steady path should not need: counted the same way.
int pthread_mutex_lock(pthread_mutex_t* mutex) {
  slot_of_this_thread().mutex_locks.fetch_add(1, std::memory_order_relaxed);
  trace(0);
  return __pthread_mutex_lock(mutex);
}

}  // extern "C"
