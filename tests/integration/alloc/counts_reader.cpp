#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "allocation_counts.hpp"

namespace weir::testing::alloc {

namespace {

std::uint64_t sum_of(const std::map<std::string, std::uint64_t>& by_thread, const std::string& prefix) {
  std::uint64_t sum = 0;
  for (const auto& [name, count] : by_thread) {
    if (name.rfind(prefix, 0) == 0) sum += count;
  }
  return sum;
}

}  // namespace

std::uint64_t Snapshot::allocations_of(const std::string& thread_name_prefix) const {
  return sum_of(allocations_by_thread, thread_name_prefix);
}

std::uint64_t Snapshot::mutex_locks_of(const std::string& thread_name_prefix) const {
  return sum_of(mutex_locks_by_thread, thread_name_prefix);
}

CountsReader::CountsReader(const std::string& path, pid_t pid) : pid_(pid) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    throw std::runtime_error("allocation counts file " + path + " cannot be opened (" + std::strerror(errno) +
                             "): was the process started with the allocation counter preloaded?");
  }
  void* mapped = ::mmap(nullptr, sizeof(CountsFile), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED) throw std::runtime_error("allocation counts file " + path + " cannot be mapped");
  file_ = static_cast<CountsFile*>(mapped);
  if (file_->magic.load() != kMagic) {
    throw std::runtime_error("allocation counts file " + path + " was not written by the allocation counter");
  }
}

CountsReader::~CountsReader() { ::munmap(file_, sizeof(CountsFile)); }

Snapshot CountsReader::snapshot() const {
  Snapshot out;
  const std::uint32_t used = std::min(file_->slots_used.load(), kMaxThreads);
  for (std::uint32_t i = 0; i < used; ++i) {
    const ThreadSlot& slot = file_->slots[i];
    std::string name = "(exited)";
    std::ifstream comm("/proc/" + std::to_string(pid_) + "/task/" + std::to_string(slot.tid.load()) + "/comm");
    if (comm) std::getline(comm, name);
    out.allocations_by_thread[name] += slot.allocations.load();
    out.mutex_locks_by_thread[name] += slot.mutex_locks.load();
  }
  return out;
}

void CountsReader::set_trace(bool on) { file_->trace.store(on ? 1 : 0); }

}  // namespace weir::testing::alloc
