#include "weir/local/port_plan.hpp"

#include <map>
#include <stdexcept>

#include "weir/local/layout.hpp"
#include "weir/pod/net.hpp"

namespace weir::local {
namespace {

constexpr int kAdminOffset = 3000;

}  // namespace

std::uint16_t admin_port_for(std::uint16_t proxy_port) {
  const int port = proxy_port + kAdminOffset;
  if (port > 65535) {
    throw std::invalid_argument("--port " + std::to_string(proxy_port) +
                                " leaves no room for the admin port (--port + " + std::to_string(kAdminOffset) +
                                " must be at most 65535)");
  }
  return static_cast<std::uint16_t>(port);
}

std::vector<PlannedPort> plan_ports(const UpOptions& options) {
  std::vector<PlannedPort> out;
  for (int n = 0; n < options.replicas; ++n) {
    NodePorts ports;
    try {
      ports = ports_for(options.base_port, n);
    } catch (const std::out_of_range&) {
      throw std::invalid_argument("--base-port " + std::to_string(options.base_port) + " leaves no room for " +
                                  std::to_string(options.replicas) + " nodes (node n uses --base-port + 10n + 1)");
    }
    const std::string node = "node-" + std::to_string(n);
    out.push_back({ports.server, node + " server", "--base-port"});
    out.push_back({ports.backup, node + " backup server", "--base-port"});
  }
  out.push_back({options.proxy_port, "proxy", "--port"});
  out.push_back({admin_port_for(options.proxy_port), "proxy admin", "--port"});
  std::map<std::uint16_t, std::string> seen;
  for (const auto& p : out) {
    auto [it, fresh] = seen.emplace(p.port, p.purpose);
    if (!fresh) {
      throw std::invalid_argument("port " + std::to_string(p.port) + " would serve both the " + it->second +
                                  " and the " + p.purpose + "; choose other ports with --port or --base-port");
    }
  }
  return out;
}

void check_ports_free(const std::vector<PlannedPort>& ports) {
  for (const auto& p : ports) {
    if (!pod::port_is_free("127.0.0.1", p.port)) {
      throw std::runtime_error("port 127.0.0.1:" + std::to_string(p.port) + " (" + p.purpose +
                               ") is already in use; stop what holds it or choose another with " + p.option);
    }
  }
}

}  // namespace weir::local
