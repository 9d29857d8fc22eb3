#include "weir/pod/server_config.hpp"

namespace weir::pod {
namespace {

constexpr const char* kPrimaryFile = "primary.cnf";
constexpr const char* kReplicaFile = "replica.cnf";

// MariaDB has GTIDs always on; strict mode refuses out-of-order GTIDs instead of diverging.
// It has no super-read-only: read-only stops every account without SUPER / READ ONLY ADMIN.
std::string mariadb_role(Role role) {
  if (role == Role::kPrimary) {
    return "[mysqld]\n"
           "log-bin=mysql-bin\n"
           "binlog_format=ROW\n"
           "gtid_strict_mode=1\n";
  }
  return "[mysqld]\n"
         "read-only=1\n"
         "relay-log=relay-bin\n"
         "relay-log-index=relay-bin.index\n"
         "gtid_strict_mode=1\n";
}

// MySQL needs GTID mode switched on explicitly for MASTER_AUTO_POSITION.
std::string mysql_role(Role role) {
  std::string gtid = "gtid-mode=ON\nenforce-gtid-consistency=ON\n";
  if (role == Role::kPrimary) return "[mysqld]\nlog-bin=mysql-bin\nbinlog_format=ROW\n" + gtid;
  return "[mysqld]\nsuper-read-only\nrelay-log=relay-bin\nrelay-log-index=relay-bin.index\n" + gtid;
}

}  // namespace

ConfigFile render_server_id(int ordinal) {
  return {"server-id.cnf", "[mysqld]\nserver-id=" + std::to_string(100 + ordinal) + "\n"};
}

ConfigFile render_role(Flavour flavour, Role role) {
  std::string name = role == Role::kPrimary ? kPrimaryFile : kReplicaFile;
  return {name, flavour == Flavour::kMysql ? mysql_role(role) : mariadb_role(role)};
}

std::string other_role_file(Role role) { return role == Role::kPrimary ? kReplicaFile : kPrimaryFile; }

}  // namespace weir::pod
