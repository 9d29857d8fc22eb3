#include "weir/sqlclient/connect_options.hpp"

namespace weir::sqlclient {

std::string endpoint_name(const std::string& host, std::uint16_t port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace weir::sqlclient
