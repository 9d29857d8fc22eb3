#pragma once
// The backends a headless Service's EndpointSlices describe (discovery.k8s.io/v1), pure for tests:
// the pod with the primary ordinal (StatefulSet pods are <name>-<ordinal>) is the primary whether
// or not it is ready (the monitor finds out itself whether it answers); every other pod that
// serves (its readiness probe passes) and is not terminating is a replica.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "health/discovery.hpp"
#include "weir/config/config.hpp"

namespace weir::health {

struct SliceEndpoint {
  std::string pod;      // the pod's name (targetRef), else the endpoint's hostname, else its address
  std::string address;  // the first address
  std::uint16_t port = 0;
  bool serving = false;  // conditions.serving, else conditions.ready; absent = true (the API's meaning)
  bool terminating = false;
  friend bool operator==(const SliceEndpoint&, const SliceEndpoint&) = default;
};

// The endpoints of one EndpointSlice object, with the port named `port_name` (or its only port,
// else `default_port`). Endpoints without an address are left out.
std::vector<SliceEndpoint> endpoints_of_slice(const nlohmann::json& slice, const config::KubernetesDiscovery& settings);

// The ordinal of a StatefulSet pod name ("mysql-2" -> 2); nullopt when the name does not end in -N.
std::optional<std::uint32_t> pod_ordinal(std::string_view pod);

// The backends, primary first, replicas sorted by ordinal then name; a pod listed by several slices
// counts once (a serving entry wins). `last_primary`: used when the primary's pod is in no slice
// (deleted and not back yet), so that the monitor goes on seeing the primary as down instead of
// having none.
std::vector<DiscoveredBackend> backends_from_endpoints(const std::vector<SliceEndpoint>& endpoints,
                                                       const config::KubernetesDiscovery& settings,
                                                       const std::optional<DiscoveredBackend>& last_primary);

}  // namespace weir::health
