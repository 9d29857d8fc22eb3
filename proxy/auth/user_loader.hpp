#pragma once
// Accounts read from the primary's mysql.user, so that clients can log in to weir with the
// passwords the database already knows (no `users:` list to keep in step).
//
// What is read: `SELECT User, Host, plugin, authentication_string, is_role, password_expired
// FROM mysql.user`. On MariaDB 10.4+ mysql.user is a view over mysql.global_priv defined with
// SQL SECURITY DEFINER, so the loading account needs only `GRANT SELECT ON mysql.user`. The view
// does not show locked accounts; with `GRANT SELECT ON mysql.global_priv` as well, weir reads
// `account_locked` from there and refuses locked accounts itself (ERROR 4151, as the server),
// otherwise the server refuses them when weir logs in as them.
//
// Every row is kept (user@host, see host_match.hpp for how a client is matched to one) except
// roles and rows whose Host is a name to resolve (the server ignores those with
// skip-name-resolve, and weir never resolves names). Rows weir cannot check a password against
// (another plugin than mysql_native_password, no valid hash) and anonymous rows are kept too,
// marked: they decide which row a client matches, and a client they match is refused.
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
  bool locked = false;
};

// A row no client logs in with through weir: ignored, or kept only to be matched and refused.
struct SkippedAccount {
  std::string user;
  std::string host;
  std::string reason;  // "plugin ed25519 is not mysql_native_password", ...
};

struct LoadedUsers {
  std::vector<Account> accounts;  // one per row kept, in the order read
  std::vector<SkippedAccount> skipped;
  bool locks_known = false;  // account_locked could be read (SELECT on mysql.global_priv)
};

// The pure part: rows -> accounts, with the reasons for every row no client logs in with.
LoadedUsers accounts_from_rows(const std::vector<UserRow>& rows);

// Where and as whom to read mysql.user.
struct UserSource {
  std::string endpoint_name;  // for messages: the backend's name
  std::string host;
  unsigned port = 3306;
  std::string user;
  std::string password;
  config::BackendTlsConfig tls;             // as for sessions (weir/sqlclient/tls_policy.hpp)
  std::chrono::milliseconds timeout{3000};  // connect, read and write, each
};

// The source the configuration names: the primary, load_users_from_backend's account (which
// defaults to the monitor's), tls.backend, timeouts.connect. With discovery: kubernetes the
// configuration names no primary (host left empty: load_users says so); the proxy then passes the
// one the monitor found.
UserSource user_source(const config::Config& config);
UserSource user_source(const config::Config& config, const backend::Endpoint& primary);

struct [[nodiscard]] LoadUsersResult {
  std::optional<LoadedUsers> users;
  std::string error;  // set when users is empty: what failed, with the backend and the user
  bool ok() const { return users.has_value(); }
};

// Connects with libmariadb, reads mysql.user and converts it. Never throws.
LoadUsersResult load_users(const UserSource& source);
inline LoadUsersResult load_users(const config::Config& config) { return load_users(user_source(config)); }

}  // namespace weir::auth
