#pragma once
// Every loopback port `weir up` will listen on, named, so that all of them are checked before
// anything starts: a taken port is reported at once, naming it and its user in the topology,
// instead of surfacing later as a component that cannot start.
#include <cstdint>
#include <string>
#include <vector>

#include "weir/local/context.hpp"

namespace weir::local {

struct PlannedPort {
  std::uint16_t port = 0;
  std::string purpose;  // "node-1 server", "node-1 backup server", "proxy", "proxy admin"
  std::string option;   // the flag that moves it: "--base-port" or "--port"
};

// The proxy's admin endpoint listens here (proxy port + 3000).
std::uint16_t admin_port_for(std::uint16_t proxy_port);

// The ports of `options.replicas` nodes and of the proxy. Throws std::invalid_argument when a port
// would pass 65535 or two of them collide (e.g. --port inside the nodes' range).
std::vector<PlannedPort> plan_ports(const UpOptions& options);

// Throws std::runtime_error naming the first planned port that something else already holds.
void check_ports_free(const std::vector<PlannedPort>& ports);

}  // namespace weir::local
