#include "plan/plan.hpp"

#include "plan/replica_choice.hpp"
#include "weir/route/replica_guard.hpp"

namespace weir::plan {

std::string_view to_string(Target target) {
  switch (target) {
    case Target::primary: return "primary";
    case Target::replica: return "replica";
    case Target::all_connections: return "all_connections";
    case Target::previous_link: return "previous_link";
    case Target::refuse: return "refuse";
  }
  return "primary";
}

StatementFacts facts_of(const route::Classification& verdict, std::string_view text) {
  StatementFacts facts;
  facts.target = verdict.target;
  facts.reason = route::to_string(verdict.reason);
  facts.follows_previous_statement = verdict.effects.follows_previous_statement;
  facts.text = text;
  return facts;
}

Policy policy_of(const config::RoutingConfig& routing) {
  Policy policy;
  policy.when_no_replica = routing.when_no_replica;
  policy.may_wait = routing.causal_wait > config::Duration::zero();
  return policy;
}

namespace {

Plan from_choice(const ReplicaChoice& choice, const ReadRequirement& requirement, std::string_view reason) {
  switch (choice.outcome) {
    case ReplicaChoice::Outcome::replica: return Plan{Target::replica, choice.index, std::nullopt, reason};
    case ReplicaChoice::Outcome::replica_wait: return Plan{Target::replica, choice.index, requirement.after, reason};
    case ReplicaChoice::Outcome::error: return Plan{Target::refuse, 0, std::nullopt, choice.why};
    case ReplicaChoice::Outcome::primary: break;
  }
  return Plan::primary(choice.why);
}

// The primary, or the previous statement's replica link when the statement is about it.
Plan on_primary(const StatementFacts& statement, const SessionRoutingState& state, std::string_view reason) {
  if (statement.follows_previous_statement && state.previous_on_replica) {
    return Plan{Target::previous_link, 0, std::nullopt, reason};
  }
  return Plan::primary(reason);
}

}  // namespace

Plan plan(const StatementFacts& statement, SessionRoutingState& state, const health::Topology* topology,
          const Policy& policy, std::span<const std::size_t> excluded, std::uint32_t random) {
  if (statement.target == route::Target::all_session_connections) {
    return Plan{Target::all_connections, 0, std::nullopt, statement.reason};
  }
  if (statement.target != route::Target::replica) return on_primary(statement, state, statement.reason);
  if (state.pinned_to_primary) return on_primary(statement, state, kPinned);
  if (!statement.replica_allowed) return Plan::primary(kNotOnReplica);
  if (topology == nullptr) return Plan::primary(kNoTopology);
  // A replica link must stay read-only: whatever the classifier thought, this text could lift it.
  const bool may_lift =
      statement.may_lift_read_only ? *statement.may_lift_read_only : route::may_lift_read_only(statement.text);
  if (may_lift) return Plan::primary(kReplicaGuard);
  const ReadRequirement& requirement = state.read_your_writes.requirement(*topology);
  ChoiceOptions options;
  options.when_no_replica = policy.when_no_replica;
  options.may_wait = policy.may_wait;
  options.excluded = excluded;
  options.random = random;
  return from_choice(choose_replica(*topology, requirement, options), requirement, statement.reason);
}

Plan plan_any_replica(const health::Topology* topology, const Policy& policy, std::string_view text,
                      std::span<const std::size_t> excluded, std::uint32_t random) {
  if (topology == nullptr) return Plan::primary(kNoTopology);
  if (route::may_lift_read_only(text)) return Plan::primary(kReplicaGuard);
  ChoiceOptions options;
  options.when_no_replica = policy.when_no_replica;
  options.may_wait = policy.may_wait;
  options.excluded = excluded;
  options.random = random;
  const Plan chosen = from_choice(choose_replica(*topology, ReadRequirement{}, options), ReadRequirement{},
                                  "session_command_without_primary");
  // Without a primary, "error" is not the client's to see here: the caller reports the primary.
  return chosen.target == Target::refuse ? Plan::primary(chosen.reason) : chosen;
}

}  // namespace weir::plan
