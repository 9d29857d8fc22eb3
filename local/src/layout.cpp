#include "weir/local/layout.hpp"

#include <stdexcept>

namespace weir::local {

NodePorts ports_for(std::uint16_t base_port, int ordinal) {
  const int server = base_port + 10 * ordinal;
  if (ordinal < 0 || server + 1 > 65535) {
    throw std::out_of_range("node " + std::to_string(ordinal) + " would need port " + std::to_string(server) +
                            ", beyond 65535: use a lower --base-port");
  }
  return {static_cast<std::uint16_t>(server), static_cast<std::uint16_t>(server + 1)};
}

}  // namespace weir::local
