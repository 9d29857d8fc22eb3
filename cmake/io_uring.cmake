# WEIR_IO_URING: Boost.Asio's io_uring backend in place of epoll, for every target alike (Asio's
# templates compiled with two different backends in one binary would be merged into one broken copy).
if(WEIR_IO_URING)
  find_path(WEIR_LIBURING_INCLUDE liburing.h)
  find_library(WEIR_LIBURING uring)
  if(NOT WEIR_LIBURING_INCLUDE OR NOT WEIR_LIBURING)
    message(FATAL_ERROR "WEIR_IO_URING=ON needs liburing (Debian: liburing-dev, installed by scripts/setup.sh)")
  endif()
  add_compile_definitions(BOOST_ASIO_HAS_IO_URING BOOST_ASIO_DISABLE_EPOLL)
  # Boost 1.81's io_uring backend hands completions to the wrong operations and descriptor
  # numbers (what and why: the head of the patch). asio_patches.cmake's copy, found first.
  weir_patch_asio(boost/asio/detail/impl/io_uring_service.ipp asio-1.81-io_uring_service.patch)
  include_directories(SYSTEM "${WEIR_LIBURING_INCLUDE}")
  link_libraries("${WEIR_LIBURING}")
endif()
