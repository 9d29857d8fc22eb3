#include "plan/replica_choice.hpp"

#include <algorithm>
#include <limits>

namespace weir::plan {

namespace {

bool excluded(std::span<const std::size_t> list, std::size_t index) {
  return std::find(list.begin(), list.end(), index) != list.end();
}

double load_score(const health::BackendStatus& backend) {
  const auto outstanding = backend.load ? backend.load->outstanding.load(std::memory_order_relaxed) : 0;
  return static_cast<double>(std::max<std::int64_t>(outstanding, 0) + 1) / backend.weight;
}

// Among the backends `candidate` accepts, the one with the least outstanding requests per unit of
// weight; ties go to the one `random` picks (in index order). Two passes over the topology
// instead of a list of candidates: a read allocates nothing to choose its replica.
template <class Candidate>
std::optional<std::size_t> least_loaded(const health::Topology& topology, const Candidate& candidate,
                                        std::uint32_t random) {
  double best = std::numeric_limits<double>::infinity();
  std::size_t tied = 0;
  std::optional<std::size_t> first_best;
  for (std::size_t i = 0; i < topology.backends.size(); ++i) {
    if (!candidate(i)) continue;
    const double score = load_score(topology.backends[i]);
    if (score < best) {
      best = score;
      tied = 1;
      first_best = i;
    } else if (score == best) {
      ++tied;
    }
  }
  if (tied <= 1) return first_best;
  std::size_t skip = random % tied;
  for (std::size_t i = 0; i < topology.backends.size(); ++i) {
    if (!candidate(i) || load_score(topology.backends[i]) != best) continue;
    if (skip == 0) return i;
    --skip;
  }
  return first_best;  // the loads moved (other workers) between the passes
}

}  // namespace

ReplicaChoice choose_replica(const health::Topology& topology, const ReadRequirement& requirement,
                             const ChoiceOptions& options) {
  ReplicaChoice choice;
  if (requirement.primary_only) {
    choice.why = kWritesSeen;
    return choice;
  }
  const auto usable = [&](std::size_t i) {
    const auto& backend = topology.backends[i];
    return backend.role == config::Role::replica && backend.usable_for_reads && backend.weight != 0 &&
           !excluded(options.excluded, i);
  };
  const auto caught_up = [&](std::size_t i) {
    return usable(i) && (!requirement.after || topology.backends[i].gtid.covers(*requirement.after));
  };
  if (const auto pick = least_loaded(topology, caught_up, options.random)) {
    choice.outcome = ReplicaChoice::Outcome::replica;
    choice.index = *pick;
    return choice;
  }
  if (const auto pick = least_loaded(topology, usable, options.random)) {
    // Usable replicas exist but none is known to have the session's last write yet.
    if (options.may_wait) {
      choice.outcome = ReplicaChoice::Outcome::replica_wait;
      choice.index = *pick;
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
    std::optional<std::chrono::microseconds> best_lag;
    for (std::size_t i = 0; i < topology.backends.size(); ++i) {
      const auto& backend = topology.backends[i];
      if (backend.role != config::Role::replica || !backend.reachable || !backend.sql_thread_running || !backend.lag ||
          backend.weight == 0 || excluded(options.excluded, i)) {
        continue;
      }
      if (!best_lag || *backend.lag < *best_lag) {
        best = i;
        best_lag = backend.lag;
      }
    }
    if (best) {
      choice.outcome = ReplicaChoice::Outcome::replica;
      choice.index = *best;
    }
  }
  return choice;
}

}  // namespace weir::plan
