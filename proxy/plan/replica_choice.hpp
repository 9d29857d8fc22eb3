#pragma once
// Which backend serves a read the classifier allowed on a replica: a pure scoring function of the
// monitor's Topology, the session's read-your-writes requirement and the configured policy.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "health/topology.hpp"
#include "weir/config/config.hpp"

namespace weir::plan {

// What a read of this session needs from a replica (see ReadYourWrites).
struct ReadRequirement {
  bool primary_only = false;                  // only the primary is known to have the session's writes
  std::optional<health::GtidPosition> after;  // the replica must have applied this position
};

struct ReplicaChoice {
  enum class [[nodiscard]] Outcome : std::uint8_t {
    replica,       // `index` has applied what the session needs
    replica_wait,  // `index` is usable but must first wait for `after` (MASTER_GTID_WAIT)
    primary,       // the policy sends the read to the primary; `why` says why
    error,         // when_no_replica: error, and no replica is usable
  };
  Outcome outcome = Outcome::primary;
  std::size_t index = 0;  // into Topology::backends
  std::string_view why;   // for primary/error: stable reason for metrics and logs
};

struct ChoiceOptions {
  config::RoutingConfig::WhenNoReplica when_no_replica = config::RoutingConfig::WhenNoReplica::primary;
  bool may_wait = true;  // causal_wait > 0
  // Backends to skip (a read that failed there is being retried), as indexes; at most a few.
  std::span<const std::size_t> excluded;
  std::uint32_t random = 0;  // breaks ties between equally loaded replicas
};

ReplicaChoice choose_replica(const health::Topology& topology, const ReadRequirement& requirement,
                             const ChoiceOptions& options);

// Reason strings of ReplicaChoice::why.
inline constexpr std::string_view kNoUsableReplica = "no_usable_replica";
inline constexpr std::string_view kNoCaughtUpReplica = "no_caught_up_replica";
inline constexpr std::string_view kWritesSeen = "session_writes_pending";

}  // namespace weir::plan
