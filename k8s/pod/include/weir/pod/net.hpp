#pragma once
// TCP with plain POSIX sockets: what clone and serve-backup need, nothing more.
#include <cstdint>
#include <string>

namespace weir::pod {

// An owned file descriptor, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  int release();
  void reset();
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Listens on host:port (SO_REUSEADDR). Throws with the address and errno text on failure.
Fd listen_tcp(const std::string& host, std::uint16_t port, int backlog = 4);
// Connects to host:port (names resolved). Empty Fd and `error` filled when it fails.
Fd connect_tcp(const std::string& host, std::uint16_t port, std::string& error);
// True when nothing listens on 127.0.0.1:port and it can be bound.
bool port_is_free(const std::string& host, std::uint16_t port);
// Writes all of `data`; false on error (EPIPE when the peer went away).
bool write_all(int fd, const void* data, std::size_t size);
// Reads exactly `size` bytes, waiting at most `timeout_ms` in all.
enum class ReadOutcome { complete, closed, timed_out, failed };
ReadOutcome read_full(int fd, void* data, std::size_t size, int timeout_ms);
// "1.2 MB", "345 KB": for logs.
std::string human_bytes(std::uint64_t bytes);

}  // namespace weir::pod
