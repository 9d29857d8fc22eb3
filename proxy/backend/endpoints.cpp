#include "backend/endpoints.hpp"

namespace weir::backend {

Endpoint primary_endpoint(const config::Config& config) {
  if (config.backends.discovery == config::BackendsConfig::Discovery::dns) {
    return {"primary", config.backends.dns.primary_host, config.backends.dns.primary_port};
  }
  for (const auto& b : config.backends.static_backends) {
    if (b.role == config::Role::primary) {
      return {b.name.empty() ? b.host + ":" + std::to_string(b.port) : b.name, b.host, b.port};
    }
  }
  // Validation guarantees a primary; this keeps the function total.
  return {"primary", "127.0.0.1", 3306};
}

}  // namespace weir::backend
