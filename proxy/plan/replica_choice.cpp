#include "plan/replica_choice.hpp"

#include <algorithm>
#include <limits>
#include <vector>

namespace weir::plan {

namespace {

bool excluded(std::span<const std::size_t> list, std::size_t index) {
  return std::find(list.begin(), list.end(), index) != list.end();
}

// Least outstanding requests per unit of weight; ties go to the one `random` picks.
std::optional<std::size_t> least_loaded(const health::Topology& topology, const std::vector<std::size_t>& candidates,
                                        std::uint32_t random) {
  if (candidates.empty()) return std::nullopt;
  double best = std::numeric_limits<double>::infinity();
  std::vector<std::size_t> tied;
  for (const auto index : candidates) {
    const auto& backend = topology.backends[index];
    const auto outstanding = backend.load ? backend.load->outstanding.load(std::memory_order_relaxed) : 0;
    const double score = static_cast<double>(std::max<std::int64_t>(outstanding, 0) + 1) / backend.weight;
    if (score < best) {
      best = score;
      tied.assign(1, index);
    } else if (score == best) {
      tied.push_back(index);
    }
  }
  return tied[random % tied.size()];
}

}  // namespace

ReplicaChoice choose_replica(const health::Topology& topology, const ReadRequirement& requirement,
                             const ChoiceOptions& options) {
  ReplicaChoice choice;
  if (requirement.primary_only) {
    choice.why = kWritesSeen;
    return choice;
  }
  std::vector<std::size_t> usable;
  std::vector<std::size_t> caught_up;
  for (std::size_t i = 0; i < topology.backends.size(); ++i) {
    const auto& backend = topology.backends[i];
    if (backend.role != config::Role::replica || !backend.usable_for_reads || backend.weight == 0) continue;
    if (excluded(options.excluded, i)) continue;
    usable.push_back(i);
    if (!requirement.after || backend.gtid.covers(*requirement.after)) caught_up.push_back(i);
  }
  if (const auto pick = least_loaded(topology, caught_up, options.random)) {
    choice.outcome = ReplicaChoice::Outcome::replica;
    choice.index = *pick;
    return choice;
  }
  if (!usable.empty()) {
    // Usable replicas exist but none is known to have the session's last write yet.
    if (options.may_wait) {
      choice.outcome = ReplicaChoice::Outcome::replica_wait;
      choice.index = *least_loaded(topology, usable, options.random);
      return choice;
    }
    choice.why = kNoCaughtUpReplica;
    return choice;
  }
  choice.why = kNoUsableReplica;
  using WhenNoReplica = config::RoutingConfig::WhenNoReplica;
  if (options.when_no_replica == WhenNoReplica::error) {
    choice.outcome = ReplicaChoice::Outcome::error;
  } else if (options.when_no_replica == WhenNoReplica::least_lagged && !requirement.after) {
    // A replica that replicates and answers, lagging beyond the threshold: the least lagged one.
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < topology.backends.size(); ++i) {
      const auto& backend = topology.backends[i];
      if (backend.role != config::Role::replica || !backend.reachable || !backend.sql_thread_running ||
          !backend.lag || backend.weight == 0 || excluded(options.excluded, i)) {
        continue;
      }
      if (!best || *backend.lag < *topology.backends[*best].lag) best = i;
    }
    if (best) {
      choice.outcome = ReplicaChoice::Outcome::replica;
      choice.index = *best;
    }
  }
  return choice;
}

}  // namespace weir::plan
