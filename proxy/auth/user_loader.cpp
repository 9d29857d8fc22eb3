#include "auth/user_loader.hpp"

#include <mysql.h>

#include <algorithm>
#include <map>
#include <memory>

#include "auth/host_match.hpp"
#include "backend/endpoints.hpp"
#include "weir/protocol/auth.hpp"
#include "weir/protocol/auth_exchange.hpp"

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
      out.skipped.push_back({row.user, row.host, "host name: the server ignores it with skip-name-resolve and weir "
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

struct MysqlCloser {
  void operator()(MYSQL* m) const { mysql_close(m); }
};
struct ResultFree {
  void operator()(MYSQL_RES* r) const { mysql_free_result(r); }
};

void set_tls(MYSQL* m, const config::BackendTlsConfig& tls) {
  if (!tls.enabled) {
    const my_bool off = 0;
    mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &off);
    return;
  }
  const my_bool on = 1;
  mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &on);
  if (!tls.cert_file.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_CERT, tls.cert_file.c_str());
  if (!tls.key_file.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_KEY, tls.key_file.c_str());
  using Verify = config::BackendTlsConfig::Verify;
  if (tls.verify == Verify::none) return;
  // libmariadb checks the chain whenever it has CAs, and the host name only with
  // VERIFY_SERVER_CERT: `ca` and `full` map onto exactly that.
  if (tls.ca_file.empty()) {
    mysql_optionsv(m, MYSQL_OPT_SSL_CAPATH, "/etc/ssl/certs");  // the system's trust store
  } else {
    mysql_optionsv(m, MYSQL_OPT_SSL_CA, tls.ca_file.c_str());
  }
  const my_bool verify_name = tls.verify == Verify::full ? 1 : 0;
  mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify_name);
}

std::string describe(const UserSource& source) {
  return "backend " + source.endpoint_name + " (" + source.host + ":" + std::to_string(source.port) + ") as user '" +
         source.user + "'";
}

std::string mysql_failure(MYSQL* m, const UserSource& source, std::string_view what) {
  return std::string(what) + " on " + describe(source) + ": " + std::to_string(mysql_errno(m)) + " " + mysql_error(m);
}

bool is_yes(const char* value) { return value != nullptr && (value[0] == 'Y' || value[0] == 'y'); }

std::string text(const char* value, unsigned long length) {
  return value == nullptr ? std::string() : std::string(value, length);
}

// Marks the locked rows from mysql.global_priv (MariaDB 10.4+), which the mysql.user view does not
// show. False when it cannot be read (no SELECT on it, or no such table): locks are then left to
// the server.
bool read_locks(MYSQL* m, std::vector<UserRow>& rows) {
  constexpr std::string_view kQuery =
      "SELECT User, Host FROM mysql.global_priv WHERE JSON_VALUE(Priv, '$.account_locked') IN ('1', 'true')";
  if (mysql_real_query(m, kQuery.data(), kQuery.size()) != 0) return false;
  std::unique_ptr<MYSQL_RES, ResultFree> result(mysql_store_result(m));
  if (!result || mysql_num_fields(result.get()) != 2) return false;
  std::map<std::pair<std::string, std::string>, bool> locked;
  while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
    const unsigned long* lengths = mysql_fetch_lengths(result.get());
    locked[{text(row[0], lengths[0]), text(row[1], lengths[1])}] = true;
  }
  if (mysql_errno(m) != 0) return false;
  for (auto& row : rows) row.locked = locked.contains({row.user, row.host});
  return true;
}

}  // namespace

LoadUsersResult load_users(const UserSource& source) {
  if (source.user.empty()) {
    return {std::nullopt, "no account to read mysql.user with: set load_users_from_backend.user or monitor.user"};
  }
  if (source.host.empty()) return {std::nullopt, "the primary is not known yet: backend discovery has not found it"};
  // mysql_init allocates: the only thing that can fail before a connection exists.
  std::unique_ptr<MYSQL, MysqlCloser> m(mysql_init(nullptr));
  if (!m) return {std::nullopt, "libmariadb could not allocate a connection handle"};
  const unsigned timeout_s =
      static_cast<unsigned>(std::max<std::chrono::milliseconds::rep>(1, (source.timeout.count() + 999) / 1000));
  mysql_optionsv(m.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout_s);
  mysql_optionsv(m.get(), MYSQL_OPT_READ_TIMEOUT, &timeout_s);
  mysql_optionsv(m.get(), MYSQL_OPT_WRITE_TIMEOUT, &timeout_s);
  mysql_optionsv(m.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
  set_tls(m.get(), source.tls);
  if (mysql_real_connect(m.get(), source.host.c_str(), source.user.c_str(), source.password.c_str(), nullptr,
                         source.port, nullptr, 0) == nullptr) {
    return {std::nullopt, mysql_failure(m.get(), source, "cannot log in to read mysql.user")};
  }
  constexpr std::string_view kQuery =
      "SELECT User, Host, plugin, authentication_string, is_role, password_expired FROM mysql.user";
  if (mysql_real_query(m.get(), kQuery.data(), kQuery.size()) != 0) {
    return {std::nullopt, mysql_failure(m.get(), source, "cannot read mysql.user (the account needs SELECT on it)")};
  }
  std::unique_ptr<MYSQL_RES, ResultFree> result(mysql_store_result(m.get()));
  if (!result) return {std::nullopt, mysql_failure(m.get(), source, "cannot read the rows of mysql.user")};
  if (mysql_num_fields(result.get()) != 6) {
    return {std::nullopt, "unexpected shape of mysql.user on " + describe(source)};
  }
  std::vector<UserRow> rows;
  while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
    const unsigned long* lengths = mysql_fetch_lengths(result.get());
    rows.push_back(UserRow{text(row[0], lengths[0]), text(row[1], lengths[1]), text(row[2], lengths[2]),
                           text(row[3], lengths[3]), is_yes(row[4]), is_yes(row[5])});
  }
  if (mysql_errno(m.get()) != 0) return {std::nullopt, mysql_failure(m.get(), source, "reading mysql.user failed")};
  const bool locks_known = read_locks(m.get(), rows);
  LoadedUsers users = accounts_from_rows(rows);
  users.locks_known = locks_known;
  return {std::move(users), {}};
}

}  // namespace weir::auth
