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
  # numbers (what and why: the head of the patch). The build uses the system's
  # io_uring_service.ipp with weir's corrections applied, in the build tree, found before the
  # system's.
  find_path(WEIR_ASIO_INCLUDE boost/asio/detail/impl/io_uring_service.ipp)
  find_program(WEIR_PATCH patch)
  if(NOT WEIR_ASIO_INCLUDE OR NOT WEIR_PATCH)
    message(FATAL_ERROR "WEIR_IO_URING=ON needs Boost.Asio's io_uring_service.ipp and the patch program "
                        "(Debian: libboost1.81-dev and patch, installed by scripts/setup.sh)")
  endif()
  set(corrected "${CMAKE_BINARY_DIR}/asio_io_uring")
  set(patch_file "${PROJECT_SOURCE_DIR}/cmake/patches/asio-1.81-io_uring_service.patch")
  file(MAKE_DIRECTORY "${corrected}/boost/asio/detail/impl")
  file(COPY_FILE "${WEIR_ASIO_INCLUDE}/boost/asio/detail/impl/io_uring_service.ipp"
       "${corrected}/boost/asio/detail/impl/io_uring_service.ipp")
  execute_process(COMMAND "${WEIR_PATCH}" --batch --forward --silent -p1 -i "${patch_file}"
                  WORKING_DIRECTORY "${corrected}" RESULT_VARIABLE patched OUTPUT_VARIABLE patch_output
                  ERROR_VARIABLE patch_output)
  if(NOT patched EQUAL 0)
    message(FATAL_ERROR "WEIR_IO_URING=ON: ${patch_file} does not apply to "
                        "${WEIR_ASIO_INCLUDE}/boost/asio/detail/impl/io_uring_service.ipp (it is for Boost 1.81's): "
                        "${patch_output}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${patch_file}")
  include_directories(BEFORE SYSTEM "${corrected}")
  include_directories(SYSTEM "${WEIR_LIBURING_INCLUDE}")
  link_libraries("${WEIR_LIBURING}")
endif()
