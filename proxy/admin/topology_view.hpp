#pragma once
// The health monitor's Topology as the admin endpoints and the metrics show it.
#include <string>
#include <string_view>
#include <vector>

#include "admin/admin_server.hpp"
#include "health/topology.hpp"
#include "metrics/metrics.hpp"

namespace weir::admin {

// /backends: a JSON array, one object per backend in topology order, with the keys name, host,
// port, role, reachable, usable_for_reads, reason, lag_seconds (number or null when unknown),
// gtid, outstanding, transitions, read_only.
std::string backends_json(const health::Topology& topology);

// The samples of the backend gauges (weir_backend_up, _read_only, weir_replication_lag_seconds of
// replicas), for Metrics::update_backends after each monitor round. The Topology does not say how
// a lag was measured: `lag_method` names it ("heartbeat", or "seconds_behind_master" when
// monitor.heartbeat is disabled).
std::vector<metrics::BackendSample> backend_samples(const health::Topology& topology,
                                                    std::string_view lag_method = "heartbeat");

// A readiness rule for /readyz: ready once the monitor has published a snapshot in which the
// primary is reachable (weir can serve writes). `topology` null: no snapshot yet.
Readiness primary_readiness(const health::Topology* topology);

}  // namespace weir::admin
