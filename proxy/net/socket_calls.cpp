#include "socket_calls.hpp"

#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <boost/asio/error.hpp>
#include <cerrno>

namespace weir::net {

namespace {

// The system call, made again while a signal interrupts it: its result, or -1 with errno set.
template <class... Args>
long uninterrupted(long number, Args... args) {
  for (;;) {
    const long n = ::syscall(number, args...);
    if (n >= 0 || errno != EINTR) return n;
  }
}

// errno after a failed call, as Asio names it (EAGAIN and EWOULDBLOCK are one value on Linux).
boost::system::error_code last_error() {
  const int code = errno;
  if (code == EAGAIN || code == EWOULDBLOCK) return boost::asio::error::would_block;
  return {code, boost::system::system_category()};
}

}  // namespace

std::size_t receive_now(int socket, void* data, std::size_t size, boost::system::error_code& error) {
  const long n = uninterrupted(SYS_recvfrom, socket, data, size, 0, nullptr, nullptr);
  if (n > 0) {
    error.clear();
    return static_cast<std::size_t>(n);
  }
  if (n == 0) {
    error = size == 0 ? boost::system::error_code{} : boost::system::error_code{boost::asio::error::eof};
    return 0;
  }
  error = last_error();
  return 0;
}

std::size_t send_now(int socket, const void* data, std::size_t size, boost::system::error_code& error) {
  const long n = uninterrupted(SYS_sendto, socket, data, size, MSG_NOSIGNAL, nullptr, 0);
  if (n >= 0) {
    error.clear();
    return static_cast<std::size_t>(n);
  }
  error = last_error();
  return 0;
}

Waiting peek_waiting(int socket) {
  char byte = 0;
  const long n = uninterrupted(SYS_recvfrom, socket, &byte, 1, MSG_PEEK | MSG_DONTWAIT, nullptr, nullptr);
  if (n > 0) return Waiting::data;
  if (n == 0) return Waiting::closed;
  if (errno == EAGAIN || errno == EWOULDBLOCK) return Waiting::nothing;
  return errno == ECONNRESET ? Waiting::reset : Waiting::error;
}

}  // namespace weir::net
