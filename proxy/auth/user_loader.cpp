#include "auth/user_loader.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "auth/host_match.hpp"
#include "backend/endpoints.hpp"
#include "weir/protocol/auth.hpp"
#include "weir/protocol/auth_exchange.hpp"
#include "weir/sqlclient/connection.hpp"

namespace weir::auth {

namespace pa = weir::protocol::auth;

namespace {

// Why weir cannot check a password against the row, or "" when it can (with the hash set).
std::string check_password_form(const UserRow& row, Account& account) {
  if (!row.plugin.empty() && row.plugin != protocol::kMysqlNativePassword) {
    return "plugin " + row.plugin + " is not mysql_native_password";
  }
  if (row.authentication_string.empty()) return {};  // an account without password
  auto hash = pa::parse_native_hash(row.authentication_string);
  if (!hash) return "authentication_string is not a mysql_native_password hash (\"*\" + 40 hex digits)";
  account.stored_hash = *hash;
  return {};
}

}  // namespace

LoadedUsers accounts_from_rows(const std::vector<UserRow>& rows) {
  LoadedUsers out;
  for (const auto& row : rows) {
    if (row.is_role) continue;  // not an account one logs in with
    if (!host_is_matchable(row.host)) {
      out.skipped.push_back({row.user, row.host,
                             "host name: the server ignores it with skip-name-resolve and weir "
                             "does not resolve names"});
      continue;
    }
    Account account;
    account.name = row.user;
    account.host = row.host;
    account.locked = row.locked;
    account.password_expired = row.password_expired;
    account.unusable = check_password_form(row, account);
    if (row.user.empty()) account.unusable = "anonymous user: weir logs in to the backends by name";
    if (!account.unusable.empty()) out.skipped.push_back({row.user, row.host, account.unusable});
    out.accounts.push_back(std::move(account));
  }
  return out;
}

UserSource user_source(const config::Config& config) {
  const auto primary = backend::configured_primary(config);
  return user_source(config, primary ? *primary : backend::Endpoint{"primary", "", 0});
}

UserSource user_source(const config::Config& config, const backend::Endpoint& primary) {
  UserSource source;
  source.endpoint_name = primary.name;
  source.host = primary.host;
  source.port = primary.port;
  source.user = config.load_users_from_backend.user;
  source.password = config.load_users_from_backend.password.value;
  source.tls = config.tls.backend;
  source.timeout = std::max(std::chrono::milliseconds(1000),
                            std::chrono::duration_cast<std::chrono::milliseconds>(config.timeouts.connect));
  return source;
}

namespace {

std::string describe(const UserSource& source) {
  return "backend " + source.endpoint_name + " (" + sqlclient::endpoint_name(source.host, source.port) + ") as user '" +
         source.user + "'";
}

std::string failure(const sqlclient::Error& error, const UserSource& source, std::string_view what) {
  std::string text = std::string(what) + " on " + describe(source) + ": ";
  if (error.code != 0) text += std::to_string(error.code) + " ";
  return text + error.message;
}

bool is_yes(const std::optional<std::string>& value) {
  return value && !value->empty() && ((*value)[0] == 'Y' || (*value)[0] == 'y');
}

// Marks the locked rows from mysql.global_priv (MariaDB 10.4+), which the mysql.user view does not
// show. False when it cannot be read (no SELECT on it, or no such table): locks are then left to
// the server.
bool read_locks(sqlclient::Connection& connection, std::vector<UserRow>& rows) {
  const auto result = connection.query(
      "SELECT User, Host FROM mysql.global_priv WHERE JSON_VALUE(Priv, '$.account_locked') IN ('1', 'true')");
  if (!result || result->columns.size() != 2) return false;
  std::set<std::pair<std::string, std::string>> locked;
  for (const auto& row : result->rows) locked.emplace(row[0].value_or(""), row[1].value_or(""));
  for (auto& row : rows) row.locked = locked.contains({row.user, row.host});
  return true;
}

}  // namespace

LoadUsersResult load_users(const UserSource& source) {
  if (source.user.empty()) {
    return {std::nullopt, "no account to read mysql.user with: set load_users_from_backend.user or monitor.user"};
  }
  if (source.host.empty()) return {std::nullopt, "the primary is not known yet: backend discovery has not found it"};
  sqlclient::ConnectOptions options;
  options.host = source.host;
  options.port = static_cast<std::uint16_t>(source.port);
  options.user = source.user;
  options.password = source.password;
  options.timeouts = {source.timeout, source.timeout, source.timeout};
  options.tls = source.tls;
  sqlclient::Connection connection;
  if (!connection.connect(options)) {
    return {std::nullopt, failure(connection.error(), source, "cannot log in to read mysql.user")};
  }
  const auto result =
      connection.query("SELECT User, Host, plugin, authentication_string, is_role, password_expired FROM mysql.user");
  if (!result) {
    return {std::nullopt,
            failure(connection.error(), source, "cannot read mysql.user (the account needs SELECT on it)")};
  }
  if (result->columns.size() != 6) return {std::nullopt, "unexpected shape of mysql.user on " + describe(source)};
  std::vector<UserRow> rows;
  for (const auto& row : result->rows) {
    rows.push_back(UserRow{row[0].value_or(""), row[1].value_or(""), row[2].value_or(""), row[3].value_or(""),
                           is_yes(row[4]), is_yes(row[5])});
  }
  const bool locks_known = read_locks(connection, rows);
  LoadedUsers users = accounts_from_rows(rows);
  users.locks_known = locks_known;
  return {std::move(users), {}};
}

}  // namespace weir::auth
