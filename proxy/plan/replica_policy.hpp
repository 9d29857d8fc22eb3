#pragma once
// Whether a replica may take reads, with hysteresis. Pure: the monitor feeds it one observation per
// check (with the time of the check) and reads the decision; no clocks, no I/O.
//
// Going out is immediate for every cause (unreachable, a replication thread stopped, lag unknown,
// lag above max_replica_lag): reads must never see more lag than the policy promises. Coming back
// is slow on purpose: a replica that went out returns only when its lag is at most readmit_lag
// (below max_replica_lag) and at least min_dwell has passed since it went out, so a lag that
// hovers around one threshold cannot flap it in and out at the check rate.
// A replica that has never been usable (weir just started, or it was down from the start) is
// admitted at its first good check (lag within max_replica_lag), without dwell and without
// counting a transition: it was never excluded.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "weir/config/config.hpp"

namespace weir::plan {

struct ReplicaObservation {
  bool reachable = false;
  bool io_thread_running = false;
  bool sql_thread_running = false;
  std::optional<std::chrono::microseconds> lag;  // nullopt = unknown
  std::chrono::steady_clock::time_point now{};
  // The primary is unreachable: nothing newer exists to replicate, so a stopped I/O thread and an
  // unknown lag are expected; a replica that answers and has applied what it received keeps
  // serving reads (the only reads there are until the primary returns).
  bool primary_down = false;
};

struct ReplicaPolicy {
  std::chrono::microseconds max_replica_lag{std::chrono::seconds(1)};
  std::chrono::microseconds readmit_lag{std::chrono::milliseconds(800)};
  std::chrono::microseconds min_dwell{std::chrono::seconds(2)};

  static ReplicaPolicy from(const config::RoutingConfig& routing);
};

class ReplicaUsability {
 public:
  // Applies one check; true when usability changed (the caller logs it with reason()).
  bool observe(const ReplicaObservation& observation, const ReplicaPolicy& policy);
  // A worker saw this replica fail a connection or a query: out at once. True when it changed.
  bool report_failure(std::chrono::steady_clock::time_point now);

  bool usable() const { return usable_; }
  // Why it is not usable ("sql thread stopped", "lag 1200ms above 1000ms", "lag 900ms above
  // readmit_lag 800ms", "sql thread stopped, waiting min_dwell 2000ms", ...); empty when usable.
  const std::string& reason() const { return reason_; }
  // usable <-> not usable changes, not counting the first admission.
  std::uint64_t transitions() const { return transitions_; }

 private:
  void change(bool usable, std::string reason, std::chrono::steady_clock::time_point now);

  bool usable_ = false;
  bool admitted_once_ = false;
  std::string reason_ = "not checked yet";
  std::string last_fault_;                         // why it went (or stayed) out, kept while it waits for min_dwell
  std::chrono::steady_clock::time_point since_{};  // of the last transition
  std::uint64_t transitions_ = 0;
};

// "1200ms", "1.5ms", "0ms": durations in reasons and logs.
std::string format_millis(std::chrono::microseconds value);

}  // namespace weir::plan
