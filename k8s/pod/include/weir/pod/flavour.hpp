#pragma once
// The two supported server flavours and the exact command lines of their backup tools.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weir::pod {

enum class Flavour {
  mysql,    // MySQL + Percona XtraBackup (xtrabackup, xbstream), as in the tutorial
  mariadb,  // MariaDB + mariadb-backup (mariabackup, mbstream)
};

std::optional<Flavour> parse_flavour(std::string_view name);
std::string_view flavour_name(Flavour flavour);

using CommandLine = std::vector<std::string>;

// Where the backup tool finds the server it copies.
struct BackupSource {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3306;
  std::string user = "root";
  // An option file holding the password (PasswordOptionFile), so that the password never appears
  // on the command line; it includes `defaults_file` when there is one. Empty: no password.
  std::string password_file;
  std::string defaults_file;  // optional: read this option file only
};

// `xtrabackup|mariabackup --backup --slave-info --stream=xbstream ...`: the stream goes to stdout.
CommandLine backup_command(Flavour flavour, const BackupSource& source);
// `xbstream|mbstream -x -C DIR`: reads the stream on stdin.
CommandLine unpack_command(Flavour flavour, const std::string& target_dir);
// `xtrabackup|mariabackup --prepare --target-dir=DIR`: makes the copied files consistent.
CommandLine prepare_command(Flavour flavour, const std::string& target_dir);

}  // namespace weir::pod
