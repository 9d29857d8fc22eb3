#pragma once
// The backend connection a session holds right now (host, port, the server's thread id), for
// KILL [QUERY] from sessions on other workers. The session's own worker writes it whenever the
// session moves to another connection, which may be every statement (reads spread over the
// replicas); readers are rare (KILL). So it is a sequence lock of atomics: the writer takes no
// lock and allocates nothing, a reader retries until it read one consistent value.
#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace weir::session {

class PublishedBackend {
 public:
  struct Value {
    std::string host;  // empty: no backend connection
    std::uint16_t port = 0;
    std::uint32_t thread_id = 0;  // the server's id of the connection
  };
  // A DNS name has at most 253 characters; a longer host is kept cut (a KILL then fails to reach it).
  static constexpr std::size_t kMaxHost = 255;

  // The owning session's worker only.
  void publish(std::string_view host, std::uint16_t port, std::uint32_t thread_id);
  void clear() { publish({}, 0, 0); }

  // Any thread.
  Value read() const;
  std::uint32_t thread_id() const { return thread_id_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint32_t> version_{0};  // odd while a publish is under way
  std::atomic<std::uint32_t> thread_id_{0};
  std::atomic<std::uint16_t> port_{0};
  std::atomic<std::uint16_t> host_size_{0};
  std::array<std::atomic<char>, kMaxHost> host_{};
};

}  // namespace weir::session
