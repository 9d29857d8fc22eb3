#include "health/endpoint_slices.hpp"

#include <algorithm>
#include <charconv>
#include <map>

namespace weir::health {

namespace {

using nlohmann::json;

// A JSON field of the expected type, or nullptr.
const json* field(const json& object, const char* key, json::value_t type) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end()) return nullptr;
  if (it->type() == type) return &*it;
  // Unsigned and signed integers are both numbers for us.
  if (type == json::value_t::number_integer && it->is_number_integer()) return &*it;
  return nullptr;
}

bool condition(const json& conditions, const char* key, bool absent) {
  const json* v = field(conditions, key, json::value_t::boolean);
  return v == nullptr ? absent : v->get<bool>();
}

std::uint16_t slice_port(const json& slice, const config::KubernetesDiscovery& settings) {
  const json* ports = field(slice, "ports", json::value_t::array);
  if (ports == nullptr || ports->empty()) return settings.port;
  const auto port_of = [](const json& p) -> std::optional<std::uint16_t> {
    const json* n = field(p, "port", json::value_t::number_integer);
    if (n == nullptr) return std::nullopt;
    const auto value = n->get<std::int64_t>();
    if (value < 1 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
  };
  for (const auto& p : *ports) {
    const json* name = field(p, "name", json::value_t::string);
    if (name != nullptr && name->get<std::string>() == settings.port_name) {
      if (auto n = port_of(p)) return *n;
    }
  }
  if (ports->size() == 1) {
    if (auto n = port_of(ports->front())) return *n;
  }
  return settings.port;
}

std::string endpoint_name(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

std::vector<SliceEndpoint> endpoints_of_slice(const json& slice, const config::KubernetesDiscovery& settings) {
  std::vector<SliceEndpoint> out;
  const json* endpoints = field(slice, "endpoints", json::value_t::array);
  if (endpoints == nullptr) return out;
  const std::uint16_t port = slice_port(slice, settings);
  for (const auto& e : *endpoints) {
    const json* addresses = field(e, "addresses", json::value_t::array);
    if (addresses == nullptr || addresses->empty() || !addresses->front().is_string()) continue;
    SliceEndpoint s;
    s.address = addresses->front().get<std::string>();
    s.port = port;
    const json* target = field(e, "targetRef", json::value_t::object);
    const json* target_kind = target == nullptr ? nullptr : field(*target, "kind", json::value_t::string);
    const json* target_name = target == nullptr ? nullptr : field(*target, "name", json::value_t::string);
    const json* hostname = field(e, "hostname", json::value_t::string);
    if (target_name != nullptr && (target_kind == nullptr || target_kind->get<std::string>() == "Pod")) {
      s.pod = target_name->get<std::string>();
    } else if (hostname != nullptr) {
      s.pod = hostname->get<std::string>();
    } else {
      s.pod = endpoint_name(s.address, port);
    }
    const json* conditions = field(e, "conditions", json::value_t::object);
    const json none = json::object();
    const json& c = conditions == nullptr ? none : *conditions;
    // serving is the pod's readiness even when the Service publishes not-ready addresses (then
    // `ready` is always true); an API server too old for `serving` gives `ready` alone.
    const bool ready = condition(c, "ready", true);
    s.serving = field(c, "serving", json::value_t::boolean) != nullptr ? condition(c, "serving", true) : ready;
    s.terminating = condition(c, "terminating", false);
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<std::uint32_t> pod_ordinal(std::string_view pod) {
  const auto dash = pod.rfind('-');
  if (dash == std::string_view::npos || dash + 1 >= pod.size() || dash == 0) return std::nullopt;
  const std::string_view digits = pod.substr(dash + 1);
  if (digits.size() > 1 && digits.front() == '0') return std::nullopt;  // StatefulSets never write 01
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::vector<DiscoveredBackend> backends_from_endpoints(const std::vector<SliceEndpoint>& endpoints,
                                                       const config::KubernetesDiscovery& settings,
                                                       const std::optional<DiscoveredBackend>& last_primary) {
  // One entry per pod: a serving, not terminating one wins over another listing of the same pod.
  std::map<std::string, SliceEndpoint> pods;
  for (const auto& e : endpoints) {
    auto [it, added] = pods.try_emplace(e.pod, e);
    const bool better = e.serving && !e.terminating && !(it->second.serving && !it->second.terminating);
    if (!added && better) it->second = e;
  }
  std::optional<DiscoveredBackend> primary;
  std::vector<std::pair<SliceEndpoint, std::optional<std::uint32_t>>> replicas;
  for (const auto& [name, e] : pods) {
    const auto ordinal = pod_ordinal(name);
    if (ordinal && *ordinal == settings.primary_ordinal) {
      primary = DiscoveredBackend{name, e.address, e.port, config::Role::primary, 1};
    } else if (e.serving && !e.terminating) {
      replicas.emplace_back(e, ordinal);
    }
  }
  std::sort(replicas.begin(), replicas.end(), [](const auto& a, const auto& b) {
    const auto ka = a.second.value_or(UINT32_MAX);
    const auto kb = b.second.value_or(UINT32_MAX);
    return ka != kb ? ka < kb : a.first.pod < b.first.pod;
  });
  std::vector<DiscoveredBackend> out;
  if (!primary) primary = last_primary;
  if (primary) out.push_back(*primary);
  for (const auto& [e, ordinal] : replicas) {
    out.push_back(DiscoveredBackend{e.pod, e.address, e.port, config::Role::replica, 1});
  }
  return out;
}

}  // namespace weir::health
