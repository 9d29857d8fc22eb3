#include "weir/pod/server_config.hpp"

namespace weir::pod {
namespace {

constexpr const char* kPrimaryFile = "primary.cnf";
constexpr const char* kReplicaFile = "replica.cnf";

// MariaDB has GTIDs always on; strict mode refuses out-of-order GTIDs instead of diverging.
// It has no super-read-only: read-only stops every account without SUPER / READ ONLY ADMIN.
// The primary reports each write's GTID in its OK packet (session tracking of last_gtid), which
// the proxy's read-your-writes uses; the rest of the list is the server's default.
std::string mariadb_role(Role role) {
  if (role == Role::primary) {
    return "[mysqld]\n"
           "log-bin=mysql-bin\n"
           "binlog_format=ROW\n"
           "gtid_strict_mode=1\n"
           "session_track_system_variables=autocommit,character_set_client,character_set_connection,"
           "character_set_results,time_zone,last_gtid\n";
  }
  return "[mysqld]\n"
         "read-only=1\n"
         "relay-log=relay-bin\n"
         "relay-log-index=relay-bin.index\n"
         "gtid_strict_mode=1\n";
}

// MySQL needs GTID mode switched on explicitly for MASTER_AUTO_POSITION; its primary reports each
// write's GTID with session_track_gtids.
std::string mysql_role(Role role) {
  std::string gtid = "gtid-mode=ON\nenforce-gtid-consistency=ON\n";
  if (role == Role::primary) {
    return "[mysqld]\nlog-bin=mysql-bin\nbinlog_format=ROW\n" + gtid + "session_track_gtids=OWN_GTID\n";
  }
  return "[mysqld]\nsuper-read-only\nrelay-log=relay-bin\nrelay-log-index=relay-bin.index\n" + gtid;
}

}  // namespace

ConfigFile render_server_id(int ordinal) {
  return {"server-id.cnf", "[mysqld]\nserver-id=" + std::to_string(100 + ordinal) + "\n"};
}

ConfigFile render_role(Flavour flavour, Role role) {
  std::string name = role == Role::primary ? kPrimaryFile : kReplicaFile;
  return {name, flavour == Flavour::mysql ? mysql_role(role) : mariadb_role(role)};
}

std::string other_role_file(Role role) { return role == Role::primary ? kReplicaFile : kPrimaryFile; }

}  // namespace weir::pod
