#pragma once
// The option files `weir pod init` writes into the server's conf.d: the pod's identity and its role.
#include <string>

#include "weir/pod/flavour.hpp"

namespace weir::pod {

enum class Role { primary, replica };

constexpr Role role_for(int ordinal) { return ordinal == 0 ? Role::primary : Role::replica; }

struct ConfigFile {
  std::string name;     // file name inside conf.d
  std::string content;  // complete option file
};

// server-id.cnf: `server-id = 100 + ordinal`.
ConfigFile render_server_id(int ordinal);
// primary.cnf (binary log, row format, GTIDs) or replica.cnf (read-only, relay log, GTIDs).
ConfigFile render_role(Flavour flavour, Role role);
// The name of the other role's file, removed by init so a pod never carries both.
std::string other_role_file(Role role);

}  // namespace weir::pod
