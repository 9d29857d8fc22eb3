#pragma once
// The backends named by the configuration.
#include "backend/backend_connection.hpp"
#include "weir/config/config.hpp"

namespace weir::backend {

// The primary of a static list, or the primary host of DNS discovery.
Endpoint primary_endpoint(const config::Config& config);

}  // namespace weir::backend
