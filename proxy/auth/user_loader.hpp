#pragma once
// Accounts read from the primary's mysql.user, so that clients can log in to weir with the
// passwords the database already knows (no `users:` list to keep in step).
//
// What is read: `SELECT User, Host, plugin, authentication_string, is_role, password_expired
// FROM mysql.user`. On MariaDB 10.4+ mysql.user is a view over mysql.global_priv defined with
// SQL SECURITY DEFINER, so the loading account needs only `GRANT SELECT ON mysql.user`.
//
// weir's directory is keyed by user name, the server's by user@host. For each name weir takes
// the row of the host a remote client is most likely matched to (see host_rank): '%' first, then
// other patterns and remote hosts, loopback hosts ('localhost', 127.x, ::1) only when the name has
// no other host. If that row is not usable (another plugin, no valid hash) the name is skipped:
// the backend would ask weir for that plugin anyway. Rows skipped as well: roles, the anonymous
// user (empty name), accounts with an expired password (mariadb.sys among them). Locked accounts
// are not visible in the view; the backend refuses them when weir logs in as them.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/user_directory.hpp"
#include "backend/endpoints.hpp"
#include "weir/config/config.hpp"

namespace weir::auth {

// One row of mysql.user as read (NULL columns read as empty).
struct UserRow {
  std::string user;
  std::string host;
  std::string plugin;
  std::string authentication_string;
  bool is_role = false;
  bool password_expired = false;
};

struct SkippedAccount {
  std::string user;
  std::string host;
  std::string reason;  // "plugin ed25519 is not mysql_native_password", ...
};

struct LoadedUsers {
  std::vector<Account> accounts;  // sorted by name, one per name
  std::vector<SkippedAccount> skipped;
};

// Lower is preferred: 0 for '%', 1 for other wildcard or netmask patterns, 2 for a specific
// remote host or address, 3 for loopback ('localhost', 127.x.x.x, ::1).
int host_rank(std::string_view host);

// The pure part: rows -> one account per user name, with the reasons for every row not used.
LoadedUsers accounts_from_rows(const std::vector<UserRow>& rows);

// Where and as whom to read mysql.user.
struct UserSource {
  std::string endpoint_name;  // for messages: the backend's name
  std::string host;
  unsigned port = 3306;
  std::string user;
  std::string password;
  config::BackendTlsConfig tls;  // as for sessions: none = encrypted, ca = + chain, full = + host name
  std::chrono::milliseconds timeout{3000};  // connect, read and write, each
};

// The source the configuration names: the primary, load_users_from_backend's account (which
// defaults to the monitor's), tls.backend, timeouts.connect. With discovery: kubernetes the
// configuration names no primary (host left empty: load_users says so); the proxy then passes the
// one the monitor found.
UserSource user_source(const config::Config& config);
UserSource user_source(const config::Config& config, const backend::Endpoint& primary);

struct LoadUsersResult {
  std::optional<LoadedUsers> users;
  std::string error;  // set when users is empty: what failed, with the backend and the user
  bool ok() const { return users.has_value(); }
};

// Connects with libmariadb, reads mysql.user and converts it. Never throws.
LoadUsersResult load_users(const UserSource& source);
inline LoadUsersResult load_users(const config::Config& config) { return load_users(user_source(config)); }

}  // namespace weir::auth
