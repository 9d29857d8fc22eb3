# Warnings for every weir target; CI turns them into errors (WEIR_WERROR).
add_library(weir_warnings INTERFACE)
target_compile_options(weir_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
if(WEIR_WERROR)
  target_compile_options(weir_warnings INTERFACE -Werror)
endif()

if(WEIR_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(WEIR_TSAN)
  if(WEIR_SANITIZE)
    message(FATAL_ERROR "WEIR_TSAN and WEIR_SANITIZE cannot be combined: ThreadSanitizer and AddressSanitizer exclude each other")
  endif()
  # -O1: TSan slows code 5-15x; unoptimised on top of that the timing-bound integration tests
  # (monitor intervals, deadlines) would measure the sanitizer rather than weir.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -O1)
  # Asio's fenced blocks are std::atomic_thread_fence, which TSan does not model (GCC: -Wtsan);
  # the handler queues they guard are handed over under the scheduler's mutex, which it does.
  # One fence remains, Asio's reference count idiom (release decrement, acquire fence) in
  # any_executor; a report it causes is Asio's and goes to tsan.supp, so -Wtsan is off.
  add_compile_definitions(BOOST_ASIO_DISABLE_FENCED_BLOCK)
  add_compile_options(-Wno-tsan)
  # GCC 12 at -O1 inlines Asio's awaitable frame allocation and then misreads its matching
  # operator delete as mismatched (a known false positive); the release build keeps the warning.
  add_compile_options(-Wno-mismatched-new-delete)
  add_link_options(-fsanitize=thread)
endif()
if(WEIR_FUZZ)
  # Instrument everything for coverage; the fuzz targets themselves link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
