# The optimised weir binary (GCC, RelWithDebInfo or Release, no sanitizer): link-time optimisation,
# and the functions a statement runs through (cmake/hot-functions.txt, written by
# bench/macro/hot_functions.py) placed together at the start of the code by gold's
# --section-ordering-file. Together they cut the instruction-cache misses per statement under
# cachegrind by about a third (64 clients: 187-195 -> 130; the figure moves with the order) and the
# worker's instructions by 2-3% (bench/README.md).
#
# Only the weir executable is linked with LTO: the libraries are compiled into fat LTO objects
# (GIMPLE and ordinary code), so that the test executables link the ordinary code as before,
# without a whole-program optimisation each. WEIR_RELEASE_LAYOUT=OFF builds without either.
option(WEIR_RELEASE_LAYOUT "Link-time optimisation and hot functions laid out together in the optimised weir binary" ON)

set(WEIR_HOT_FUNCTIONS "${PROJECT_SOURCE_DIR}/cmake/hot-functions.txt")
if(WEIR_RELEASE_LAYOUT AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_BUILD_TYPE MATCHES "^(RelWithDebInfo|Release)$"
   AND NOT WEIR_SANITIZE AND NOT WEIR_TSAN AND NOT WEIR_FUZZ)
  find_program(WEIR_GOLD ld.gold)
  if(NOT WEIR_GOLD)
    message(FATAL_ERROR "WEIR_RELEASE_LAYOUT needs the gold linker (ld.gold, Debian's binutils); -DWEIR_RELEASE_LAYOUT=OFF builds without it")
  endif()
  set(WEIR_RELEASE_LAYOUT_FLAGS -flto=auto -ffat-lto-objects -ffunction-sections)
  add_compile_options(${WEIR_RELEASE_LAYOUT_FLAGS})
  set(WEIR_RELEASE_LAYOUT_ACTIVE ON)
endif()

# Links `target` (the weir executable) with LTO and the hot functions first.
function(weir_release_layout target)
  if(NOT WEIR_RELEASE_LAYOUT_ACTIVE)
    return()
  endif()
  # -ffunction-sections again: the code is generated at the link, in sections the order file names.
  target_link_options(${target} PRIVATE -flto=auto -ffunction-sections -fuse-ld=gold
                      "LINKER:--section-ordering-file,${WEIR_HOT_FUNCTIONS}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${WEIR_HOT_FUNCTIONS}")
endfunction()

# For a directory of tests or benchmarks: its own sources are compiled as before (they are never
# part of the LTO link, and their objects stay those ccache already has).
function(weir_without_release_layout)
  if(NOT WEIR_RELEASE_LAYOUT_ACTIVE)
    return()
  endif()
  get_directory_property(options COMPILE_OPTIONS)
  list(REMOVE_ITEM options ${WEIR_RELEASE_LAYOUT_FLAGS})
  set_directory_properties(PROPERTIES COMPILE_OPTIONS "${options}")
endfunction()
