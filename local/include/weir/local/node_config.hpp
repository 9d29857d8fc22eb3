#pragma once
// The option file each local server runs with, and the first boot's SQL. Pure text rendering.
#include <string>
#include <vector>

#include "weir/local/layout.hpp"
#include "weir/pod/credentials.hpp"

namespace weir::local {

// my.cnf for node n: its own data dir, loopback port, socket and logs, then `!includedir conf.d`
// where `weir pod init` puts server-id.cnf and the role's file.
std::string render_option_file(const Layout& layout, int ordinal, const NodePorts& ports);

// Run once with --init-file on the primary's first boot: root gets its password (over the socket
// and from 127.0.0.1); the proxy's monitor account and the `app` account are created. `app` has
// no SUPER / READ ONLY ADMIN, so read-only replicas refuse its writes.
struct BootstrapAccounts {
  std::string monitor_password;
  std::string app_password;
};
std::string render_bootstrap_sql(const pod::Credentials& credentials, const BootstrapAccounts& accounts,
                                 const std::string& hostname);

// The server command line: the option file only (nothing from /etc/mysql), as root when root.
std::vector<std::string> server_command(const std::string& server_binary, const Layout& layout, int ordinal,
                                        bool first_boot, bool running_as_root);

}  // namespace weir::local
