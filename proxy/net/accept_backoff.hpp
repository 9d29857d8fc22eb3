#pragma once
// How long an accept loop pauses after accept() failed. Running out of descriptors or kernel
// memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) does not pass by itself: the pending connection stays
// in the listen queue, the socket stays readable, and retrying at once spins a core without
// accepting anything. Those errors (and any error accept(2) does not document as the client's)
// pause 10 ms, doubling to 1 s while they last; an error of one client (ECONNABORTED: it left
// before accept; EPROTO, ENETDOWN, ...: accept(2) says to retry) lets the loop go on at once.
// One streak of failures is logged once when it starts and once when an accept succeeds again.
//
//   AcceptBackoff backoff;
//   on error:   auto step = backoff.failed(errno_value);
//               if (step.starts_streak) log...; pause step.pause
//   on success: if (auto n = backoff.succeeded()) log "recovered after n failures"
#include <chrono>
#include <cstdint>
#include <optional>

namespace weir::net {

class AcceptBackoff {
 public:
  static constexpr std::chrono::milliseconds kFirstPause{10};
  static constexpr std::chrono::milliseconds kLongestPause{1000};

  struct Step {
    std::chrono::milliseconds pause{0};  // 0: try again at once
    bool starts_streak = false;          // the first failure of a streak: log it
  };

  // An accept failed with `error_number` (an errno value; 0 when the error is not a system one).
  Step failed(int error_number);
  // An accept succeeded. Returns the number of failures of the streak it ends, if one was running.
  std::optional<std::uint64_t> succeeded();

  // The errors accept(2) reports for one pending connection, to be retried at once.
  static bool is_one_clients(int error_number);

 private:
  std::chrono::milliseconds next_pause_{0};  // 0: no streak running
  std::uint64_t failures_ = 0;
};

}  // namespace weir::net
