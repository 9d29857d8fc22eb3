#include "auth/user_loader.hpp"

#include <mysql.h>

#include <algorithm>
#include <map>
#include <memory>

#include "backend/endpoints.hpp"
#include "weir/protocol/auth.hpp"
#include "weir/protocol/auth_exchange.hpp"

namespace weir::auth {

namespace pa = weir::protocol::auth;

namespace {

bool is_loopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

bool is_pattern(std::string_view host) {
  return host.find_first_of("%_/") != std::string_view::npos;
}

// The reason a chosen row cannot be used, or "" when it can (with `account` filled).
std::string usable(const UserRow& row, Account& account) {
  if (!row.plugin.empty() && row.plugin != protocol::kMysqlNativePassword) {
    return "plugin " + row.plugin + " is not mysql_native_password";
  }
  account = Account{row.user, std::nullopt, std::nullopt};
  if (row.authentication_string.empty()) return {};  // an account without password
  auto hash = pa::parse_native_hash(row.authentication_string);
  if (!hash) return "authentication_string is not a mysql_native_password hash (\"*\" + 40 hex digits)";
  account.stored_hash = *hash;
  return {};
}

}  // namespace

int host_rank(std::string_view host) {
  if (host == "%" || host.empty()) return 0;
  if (is_loopback(host)) return 3;
  if (is_pattern(host)) return 1;
  return 2;
}

LoadedUsers accounts_from_rows(const std::vector<UserRow>& rows) {
  LoadedUsers out;
  // Candidates per name; roles, the anonymous user and expired passwords never are.
  std::map<std::string, std::vector<const UserRow*>> by_name;
  for (const auto& row : rows) {
    if (row.is_role) continue;  // not an account one logs in with
    if (row.user.empty()) {
      out.skipped.push_back({row.user, row.host, "anonymous user: weir needs the name"});
    } else if (row.password_expired) {
      out.skipped.push_back({row.user, row.host, "password expired"});
    } else {
      by_name[row.user].push_back(&row);
    }
  }
  for (auto& [name, candidates] : by_name) {
    std::sort(candidates.begin(), candidates.end(), [](const UserRow* a, const UserRow* b) {
      const int ra = host_rank(a->host);
      const int rb = host_rank(b->host);
      return ra != rb ? ra < rb : a->host < b->host;
    });
    const UserRow& chosen = *candidates.front();
    for (std::size_t i = 1; i < candidates.size(); ++i) {
      out.skipped.push_back({name, candidates[i]->host, "another host of this user is used: '" + chosen.host + "'"});
    }
    Account account;
    std::string reason = usable(chosen, account);
    if (reason.empty()) {
      out.accounts.push_back(std::move(account));
    } else {
      out.skipped.push_back({name, chosen.host, std::move(reason)});
    }
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
  return {accounts_from_rows(rows), {}};
}

}  // namespace weir::auth
