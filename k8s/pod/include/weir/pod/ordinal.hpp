#pragma once
// A StatefulSet pod's identity: `<set>-<ordinal>`, and the peer names derived from it.
#include <optional>
#include <string>
#include <string_view>

namespace weir::pod {

struct PodName {
  std::string set;  // the StatefulSet name, e.g. "mysql"
  int ordinal = 0;  // the trailing index, e.g. 2 for "mysql-2"
};

// Parses "mysql-2" (or "mysql-2.mysql.default.svc..."): the first DNS label must end in -<digits>.
std::optional<PodName> parse_pod_name(std::string_view hostname);

// "<set>-<ordinal>.<service>": the stable DNS name the headless Service gives a pod.
std::string peer_dns_name(std::string_view set, int ordinal, std::string_view service);

// The tutorial's offset that keeps server-id away from the reserved 0.
constexpr int server_id_for(int ordinal) { return 100 + ordinal; }

}  // namespace weir::pod
