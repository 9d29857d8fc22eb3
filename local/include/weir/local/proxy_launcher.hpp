#pragma once
// The proxy in front of the local nodes: `weir proxy --config <dir>/proxy.yaml`.
#include <sys/types.h>

#include <string>
#include <vector>

#include "process/child.hpp"
#include "weir/local/context.hpp"
#include "weir/local/state.hpp"

namespace weir::local {

// The proxy's configuration for these nodes (node-0 primary, the rest replicas).
std::string render_proxy_config(const Context& ctx, const std::vector<NodeState>& nodes);

// Starts the proxy when this weir build has the `proxy` subcommand; an empty Child (pid -1) when
// the build has none (the endpoints are printed either way).
process::Child start_proxy(const Context& ctx, const std::vector<NodeState>& nodes);
// After a scale: rewrites the configuration and asks the proxy to reload it (SIGHUP).
void reconfigure_proxy(const Context& ctx, pid_t proxy_pid, const std::vector<NodeState>& nodes);

}  // namespace weir::local
