#pragma once
// The statements that point a freshly cloned replica at the primary, from the clone's coordinates.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "weir/pod/coordinates.hpp"
#include "weir/pod/flavour.hpp"

namespace weir::pod {

struct ReplicationSource {
  std::string host;  // the primary, e.g. "mysql-0.mysql" or "127.0.0.1"
  std::uint16_t port = 3306;
  std::string user;
  std::string password;
  int connect_retry_s = 10;
};

// A single-quoted SQL string literal with quotes and backslashes escaped.
std::string sql_quote(std::string_view value);

// MariaDB with a GTID:  STOP SLAVE; RESET SLAVE ALL; SET GLOBAL gtid_slave_pos = '<gtid>';
//                       CHANGE MASTER TO ..., MASTER_USE_GTID=slave_pos; START SLAVE
// MySQL with a GTID:    ...; RESET MASTER; SET GLOBAL gtid_purged = '<set>';
//                       CHANGE MASTER TO ..., MASTER_AUTO_POSITION=1; START SLAVE
// Either without one:   CHANGE MASTER TO MASTER_LOG_FILE=..., MASTER_LOG_POS=..., ...
std::vector<std::string> change_master_statements(Flavour flavour, const Coordinates& at,
                                                  const ReplicationSource& source);

// Creates the replication account on the primary (idempotent).
std::vector<std::string> replication_user_statements(std::string_view user, std::string_view password);

}  // namespace weir::pod
