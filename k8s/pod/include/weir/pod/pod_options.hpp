#pragma once
// Everything a `weir pod ...` step needs to know, gathered from flags, the hostname and the
// environment. In Kubernetes the defaults match the tutorial (conf.d, /var/lib/mysql, peers
// `<set>-<n>.<service>`, backups on 3307); `weir up` passes loopback addresses instead.
#include <cstdint>
#include <string>
#include <vector>

#include "weir/cli/command.hpp"
#include "weir/pod/credentials.hpp"
#include "weir/pod/flavour.hpp"

namespace weir::pod {

struct PodOptions {
  Flavour flavour = Flavour::mariadb;
  int ordinal = 0;
  std::string conf_dir = "/etc/mysql/conf.d";
  std::string data_dir = "/var/lib/mysql";
  std::uint16_t port = 3306;            // the local server
  std::string backup_bind = "0.0.0.0";  // serve-backup listens here ...
  std::uint16_t backup_port = 3307;     // ... on this port
  std::string peer_host;                // clone source: the previous pod
  std::uint16_t peer_port = 3307;
  std::string primary_host;  // replication source: pod 0
  std::uint16_t primary_port = 3306;
  std::string defaults_file;         // optional option file for the backup tool
  int clone_timeout_s = 300;         // how long clone waits for the peer to answer
  bool require_replication = false;  // probe readiness: replication threads must run
  int tool_log_fd = -1;              // clone: the unpack/prepare tools' output (-1: stderr)
  Credentials credentials;
};

struct [[nodiscard]] OptionsResult {
  PodOptions options;
  std::vector<std::string> positional;
  std::string error;  // non-empty: what was wrong with the command line
};

// The options every `weir pod <step>` takes (the table its --help and the parser read).
std::vector<cli::OptionGroup> pod_option_groups();

// The options of a parsed `weir pod <step>` command line. `hostname` supplies the ordinal and the
// peer names when the flags do not ("mysql-2" -> ordinal 2, peer "mysql-1.mysql", primary
// "mysql-0.mysql").
OptionsResult pod_options_from(const cli::Arguments& args, const std::string& hostname);

}  // namespace weir::pod
