#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "allocation_counts.hpp"

namespace weir::testing::alloc {

std::uint64_t Snapshot::allocations_of(const std::string& thread_name_prefix) const {
  std::uint64_t sum = 0;
  for (const auto& [name, count] : allocations_by_thread) {
    if (name.rfind(thread_name_prefix, 0) == 0) sum += count;
  }
  return sum;
}

CountsReader::CountsReader(std::string path, pid_t pid) : pid_(pid) {
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
  }
  return out;
}

void CountsReader::set_trace(bool on) { file_->trace.store(on ? 1 : 0); }

}  // namespace weir::testing::alloc
