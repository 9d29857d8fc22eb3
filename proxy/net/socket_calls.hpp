#pragma once
// Sending and receiving on a non-blocking socket with the system call itself.
//
// glibc's send and recv are thread cancellation points: around each system call they switch
// asynchronous cancellation on and off (some 200 instructions per statement on weir's path, a
// read and a write each way). weir never cancels a thread, so the reads and writes of its hot path
// go to the kernel directly. The socket must be in non-blocking mode.
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>

namespace weir::net {

// The bytes received into `data`; 0 with `error` set otherwise: would_block when nothing is
// there yet, eof at the end of the stream, or what the kernel said. Retries when interrupted.
std::size_t receive_now(int socket, void* data, std::size_t size, boost::system::error_code& error);

// The bytes the kernel took (MSG_NOSIGNAL: a closed peer is an error, not a signal); 0 with
// `error` set otherwise, would_block when the socket's send buffer is full. Retries when
// interrupted.
std::size_t send_now(int socket, const void* data, std::size_t size, boost::system::error_code& error);

// What waits on a socket that should be quiet (a backend connection between statements), looked
// at without taking it: nothing, data (something unsolicited, such as an error before a close), the
// peer's orderly close, a reset, or another error.
enum class Waiting : std::uint8_t { nothing, data, closed, reset, error };
Waiting peek_waiting(int socket);

}  // namespace weir::net
