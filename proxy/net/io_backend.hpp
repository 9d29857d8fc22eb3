#pragma once
// Which kernel interface the workers' io_contexts wait on, fixed at build time (WEIR_IO_URING),
// logged at start so that a measurement names the build it measured.
#include <boost/asio/detail/config.hpp>

#include <string_view>

namespace weir::net {

#if defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT)
inline constexpr std::string_view kIoBackend = "io_uring";
#else
inline constexpr std::string_view kIoBackend = "epoll";
#endif

}  // namespace weir::net
