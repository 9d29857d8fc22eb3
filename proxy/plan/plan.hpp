#pragma once
// Classify, then plan, then execute: plan() turns the classifier's verdict on one statement, the
// session's routing state and the monitor's topology into where the statement runs and why. The
// session only executes plans; when executing one fails over (a replica that breaks, a GTID wait
// that times out), the session asks again with the failed replica excluded, or falls back to
// the primary with the reason of that outcome. Pure and table-tested.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "health/topology.hpp"
#include "plan/routing_state.hpp"
#include "weir/config/config.hpp"
#include "weir/route/classify.hpp"

namespace weir::plan {

enum class Target : std::uint8_t {
  primary,          // the primary's link
  replica,          // Plan::replica in Topology::backends (after Plan::gtid_wait, when set)
  all_connections,  // a session command: the primary runs it, every link replays it
  previous_link,    // the replica link that ran the previous statement (SHOW WARNINGS, FOUND_ROWS())
  refuse,           // no replica is usable and the policy says error
};
std::string_view to_string(Target target);

struct Plan {
  Target target = Target::primary;
  std::size_t replica = 0;                        // with Target::replica
  std::optional<health::GtidPosition> gtid_wait;  // with Target::replica: MASTER_GTID_WAIT first
  std::string_view reason;                        // stable, for metrics and logs

  static Plan primary(std::string_view why) { return Plan{Target::primary, 0, std::nullopt, why}; }
};

// One statement as the plan needs it.
struct StatementFacts {
  route::Target target = route::Target::primary;  // the classifier's target
  std::string_view reason;                        // the classifier's reason (or a test hook's)
  bool follows_previous_statement = false;        // about the previous statement's connection
  std::string_view text;                          // its SQL, for the replica guard; empty for none
  bool replica_allowed = true;                    // false: a cursor or long data keeps it on the primary
  // The replica guard's answer for `text` when already known (a prepared statement's, read at
  // prepare); unset: plan() reads the text.
  std::optional<bool> may_lift_read_only;
};
// The facts of a classified statement.
StatementFacts facts_of(const route::Classification& verdict, std::string_view text);

struct Policy {
  config::RoutingConfig::WhenNoReplica when_no_replica = config::RoutingConfig::WhenNoReplica::primary;
  bool may_wait = true;  // routing.causal_wait > 0
};
Policy policy_of(const config::RoutingConfig& routing);

// Where a statement runs. `excluded`: replicas that failed this statement already; `random`
// breaks ties between equally loaded replicas. Not const on `state`: read-your-writes turns a
// pending write into a GTID position once the topology shows it.
Plan plan(const StatementFacts& statement, SessionRoutingState& state, const health::Topology* topology,
          const Policy& policy, std::span<const std::size_t> excluded = {}, std::uint32_t random = 0);

// A replica for a session command while the primary is unreachable (any usable replica, no
// read-your-writes requirement): Target::replica, or the primary with the reason there is none.
// `text` passes the replica guard as in plan().
Plan plan_any_replica(const health::Topology* topology, const Policy& policy, std::string_view text,
                      std::span<const std::size_t> excluded = {}, std::uint32_t random = 0);

// Reasons of plans that are not the classifier's.
inline constexpr std::string_view kPinned = "session_pinned_to_primary";
inline constexpr std::string_view kNoTopology = "no_topology_yet";
inline constexpr std::string_view kReplicaGuard = "replica_guard";
inline constexpr std::string_view kNotOnReplica = "cursor_or_long_data";

}  // namespace weir::plan
