#pragma once
// Replication coordinates left by a clone: where the copy stands in the primary's history.
//
// Cloned from the primary, the backup tool writes the binlog-info file:
//   "mysql-bin.000001\t2512"                     (file, position)
//   "mysql-bin.000001\t2512\t0-100-12"           (MariaDB adds the GTID of the last change)
//   "mysql-bin.000001\t2512\t3e11fa47-...:1-5"   (MySQL adds its executed GTID set)
// Cloned from a replica (`--slave-info`), the slave-info file holds statements:
//   "SET GLOBAL gtid_slave_pos = '0-100-12';\nCHANGE MASTER TO master_use_gtid = slave_pos;"
//   "SET GLOBAL gtid_purged='3e11fa47-...:1-5';\nCHANGE MASTER TO MASTER_AUTO_POSITION=1;"
//   "CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=1234;"
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace weir::pod {

enum class CloneSource { primary, replica };

struct Coordinates {
  CloneSource source = CloneSource::primary;
  std::string log_file;  // empty when only a GTID is known
  std::optional<std::uint64_t> log_pos;
  std::optional<std::string> gtid;  // present (possibly empty) when the tool reported one

  bool operator==(const Coordinates&) const = default;
};

std::optional<Coordinates> parse_binlog_info(std::string_view text);
std::optional<Coordinates> parse_slave_info(std::string_view text);

// File names, xtrabackup's and mariadb-backup's (MariaDB 10.11 still writes the xtrabackup_ ones).
std::span<const std::string_view> slave_info_files();
std::span<const std::string_view> binlog_info_files();

}  // namespace weir::pod
