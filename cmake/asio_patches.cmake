# Boost.Asio files that weir builds with its own corrections: the system's file (Boost 1.81, Debian
# bookworm's libboost1.81-dev) is copied into the build tree, the patch in cmake/patches/ applied
# to it, and the copy found before the system's by every target (Asio is header-only: every
# translation unit must see the same version of a file). Another Boost version stops the
# configuration with the file and the patch that did not apply.
find_program(WEIR_PATCH patch)
set(WEIR_ASIO_PATCHED "${CMAKE_BINARY_DIR}/asio_patched")

# weir_patch_asio(<path under the include directory> <patch file in cmake/patches>)
function(weir_patch_asio path patch_name)
  find_path(WEIR_ASIO_INCLUDE boost/asio.hpp)
  set(patch_file "${PROJECT_SOURCE_DIR}/cmake/patches/${patch_name}")
  if(NOT WEIR_PATCH)
    message(FATAL_ERROR "weir patches Boost.Asio's ${path} and needs the patch program (Debian: patch, "
                        "installed by scripts/setup.sh)")
  endif()
  if(NOT WEIR_ASIO_INCLUDE OR NOT EXISTS "${WEIR_ASIO_INCLUDE}/${path}")
    message(FATAL_ERROR "weir needs Boost.Asio's ${path} (Debian: libboost1.81-dev, installed by scripts/setup.sh)")
  endif()
  get_filename_component(directory "${WEIR_ASIO_PATCHED}/${path}" DIRECTORY)
  file(MAKE_DIRECTORY "${directory}")
  file(COPY_FILE "${WEIR_ASIO_INCLUDE}/${path}" "${WEIR_ASIO_PATCHED}/${path}")
  execute_process(COMMAND "${WEIR_PATCH}" --batch --forward --silent -p1 -i "${patch_file}"
                  WORKING_DIRECTORY "${WEIR_ASIO_PATCHED}" RESULT_VARIABLE patched OUTPUT_VARIABLE patch_output
                  ERROR_VARIABLE patch_output)
  if(NOT patched EQUAL 0)
    message(FATAL_ERROR "${patch_file} does not apply to ${WEIR_ASIO_INCLUDE}/${path} (it is for Boost 1.81's): "
                        "${patch_output}")
  endif()
  set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${patch_file}")
endfunction()

# Freed coroutine frames and operations kept per thread in lists by size (what and why: the head
# of the patch), so that a worker with many sessions reuses them instead of calling malloc for
# most statements.
weir_patch_asio(boost/asio/detail/thread_info_base.hpp asio-1.81-recycling_allocator.patch)
include_directories(BEFORE SYSTEM "${WEIR_ASIO_PATCHED}")
