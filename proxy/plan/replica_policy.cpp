#include "plan/replica_policy.hpp"

#include <utility>

namespace weir::plan {

namespace {

// Why the replica must not take reads now, whatever its state; empty when nothing is wrong.
std::string fault_of(const ReplicaObservation& o, const ReplicaPolicy& policy) {
  if (!o.reachable) return "unreachable";
  if (o.primary_down) return o.sql_thread_running ? std::string() : std::string("sql thread stopped");
  if (!o.io_thread_running && !o.sql_thread_running) return "io and sql threads stopped";
  if (!o.sql_thread_running) return "sql thread stopped";
  if (!o.io_thread_running) return "io thread stopped";
  if (!o.lag) return "lag unknown";
  if (*o.lag > policy.max_replica_lag) {
    return "lag " + format_millis(*o.lag) + " above " + format_millis(policy.max_replica_lag);
  }
  return {};
}

}  // namespace

ReplicaPolicy ReplicaPolicy::from(const config::RoutingConfig& routing) {
  return ReplicaPolicy{routing.max_replica_lag, routing.readmit_lag, routing.min_dwell};
}

std::string format_millis(std::chrono::microseconds value) {
  const auto count = value.count();
  const bool negative = count < 0;
  const auto magnitude = negative ? -count : count;
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 1000);
  if (auto fraction = magnitude % 1000; fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 3 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += '.' + digits;
  }
  return out + "ms";
}

void ReplicaUsability::change(bool usable, std::string reason, std::chrono::steady_clock::time_point now) {
  usable_ = usable;
  reason_ = std::move(reason);
  if (!usable_) last_fault_ = reason_;
  since_ = now;
  ++transitions_;
}

bool ReplicaUsability::observe(const ReplicaObservation& o, const ReplicaPolicy& policy) {
  std::string fault = fault_of(o, policy);
  if (usable_) {
    if (fault.empty()) return false;
    change(false, std::move(fault), o.now);
    return true;
  }
  if (!fault.empty()) {
    reason_ = last_fault_ = std::move(fault);
    return false;
  }
  if (!admitted_once_) {
    admitted_once_ = true;
    usable_ = true;
    reason_.clear();
    since_ = o.now;
    return true;
  }
  if (o.lag && *o.lag > policy.readmit_lag) {
    reason_ = "lag " + format_millis(*o.lag) + " above readmit_lag " + format_millis(policy.readmit_lag);
    return false;
  }
  if (o.now - since_ < policy.min_dwell) {
    // Keep the cause in view: a replica that failed a query still says so until it is back.
    reason_ = last_fault_ + ", waiting min_dwell " + format_millis(policy.min_dwell);
    return false;
  }
  change(true, {}, o.now);
  return true;
}

bool ReplicaUsability::report_failure(std::chrono::steady_clock::time_point now) {
  static const std::string kReason = "failed a connection or query";
  if (!usable_) {
    reason_ = last_fault_ = kReason;
    // Already out: the dwell restarts, so the replica is not readmitted right after a failure.
    if (admitted_once_) since_ = now;
    return false;
  }
  change(false, kReason, now);
  return true;
}

}  // namespace weir::plan
