#include "backend/endpoints.hpp"

namespace weir::backend {

std::optional<Endpoint> configured_primary(const config::Config& config) {
  switch (config.backends.discovery) {
    case config::BackendsConfig::Discovery::dns:
      return Endpoint{"primary", config.backends.dns.primary_host, config.backends.dns.primary_port};
    case config::BackendsConfig::Discovery::kubernetes: return std::nullopt;
    case config::BackendsConfig::Discovery::static_list: break;
  }
  for (const auto& b : config.backends.static_backends) {
    if (b.role == config::Role::primary) {
      return Endpoint{b.name.empty() ? b.host + ":" + std::to_string(b.port) : b.name, b.host, b.port};
    }
  }
  return std::nullopt;  // validation guarantees a primary in a static list
}

}  // namespace weir::backend
