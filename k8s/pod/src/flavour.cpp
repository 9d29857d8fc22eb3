#include "weir/pod/flavour.hpp"

namespace weir::pod {
namespace {

std::string_view backup_tool(Flavour flavour) { return flavour == Flavour::mysql ? "xtrabackup" : "mariabackup"; }

}  // namespace

std::optional<Flavour> parse_flavour(std::string_view name) {
  if (name == "mysql") return Flavour::mysql;
  if (name == "mariadb") return Flavour::mariadb;
  return std::nullopt;
}

std::string_view flavour_name(Flavour flavour) { return flavour == Flavour::mysql ? "mysql" : "mariadb"; }

CommandLine backup_command(Flavour flavour, const BackupSource& source) {
  CommandLine cmd{std::string(backup_tool(flavour))};
  // The tools take one option-file flag, first: the password file stands in for the defaults file
  // (it includes it).
  if (!source.password_file.empty()) {
    cmd.push_back((source.defaults_file.empty() ? "--defaults-extra-file=" : "--defaults-file=") +
                  source.password_file);
  } else if (!source.defaults_file.empty()) {
    cmd.push_back("--defaults-file=" + source.defaults_file);
  }
  cmd.insert(cmd.end(), {"--backup", "--slave-info", "--stream=xbstream"});
  cmd.push_back("--host=" + source.host);
  cmd.push_back("--port=" + std::to_string(source.port));
  cmd.push_back("--user=" + source.user);
  return cmd;
}

CommandLine unpack_command(Flavour flavour, const std::string& target_dir) {
  return {flavour == Flavour::mysql ? "xbstream" : "mbstream", "-x", "-C", target_dir};
}

CommandLine prepare_command(Flavour flavour, const std::string& target_dir) {
  return {std::string(backup_tool(flavour)), "--prepare", "--target-dir=" + target_dir};
}

}  // namespace weir::pod
