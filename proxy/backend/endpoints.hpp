#pragma once
// The backends named by the configuration.
#include <optional>

#include "backend/backend_connection.hpp"
#include "weir/config/config.hpp"

namespace weir::backend {

// The primary of a static list, or the primary host of DNS discovery; nullopt with discovery:
// kubernetes, where only the discovery knows it (see session::current_primary).
std::optional<Endpoint> configured_primary(const config::Config& config);

}  // namespace weir::backend
