#include "auth/client_auth.hpp"

#include "weir/protocol/auth_exchange.hpp"

namespace weir::auth {

namespace pa = weir::protocol::auth;

AuthDecision decide_native_response(const Account* account, std::string_view response, std::string_view nonce) {
  if (account == nullptr) return {AuthStep::deny, std::nullopt};
  if (!account->stored_hash) {
    // An account without password: the client must send an empty response.
    return response.empty() ? AuthDecision{AuthStep::accept, std::nullopt} : AuthDecision{AuthStep::deny, std::nullopt};
  }
  auto stage1 = pa::native_recover_stage1(response, nonce, *account->stored_hash);
  if (!stage1) return {AuthStep::deny, std::nullopt};
  return {AuthStep::accept, *stage1};
}

AuthDecision decide_first_response(const Account* account, std::string_view plugin, std::string_view response,
                                   std::string_view nonce) {
  if (plugin.empty() || plugin == protocol::kMysqlNativePassword) {
    return decide_native_response(account, response, nonce);
  }
  if (plugin == protocol::kCachingSha2Password && account != nullptr && account->cleartext) {
    const std::string& password = *account->cleartext;
    const bool valid = password.empty() ? response.empty() : pa::caching_sha2_verify(response, nonce, password);
    if (!valid) return {AuthStep::deny, std::nullopt};
    if (password.empty()) return {AuthStep::accept, std::nullopt};
    return {AuthStep::accept, pa::native_stage1(password)};
  }
  // Any other plugin (caching_sha2_password without a cleartext password, client_ed25519, ...):
  // ask the client to answer with mysql_native_password. An unknown user is switched as well, so
  // that the reply does not reveal which accounts exist.
  return {AuthStep::switch_to_native, std::nullopt};
}

const Account* account_for(const UserDirectory& users, std::string_view user, std::string_view client_address,
                           std::string& why_not) {
  const Account* account = users.find(user, client_address);
  if (account == nullptr) {
    why_not = "no account '" + std::string(user) + "' matches the client's address";
    return nullptr;
  }
  if (!account->unusable.empty()) {
    why_not = "the account '" + account->name + "'@'" + account->host + "' is not served by weir: " + account->unusable;
    return nullptr;
  }
  return account;
}

std::string host_not_allowed_message(std::string_view client_address) {
  return "Host '" + std::string(client_address) + "' is not allowed to connect to this MariaDB server";
}

std::string access_denied_message(std::string_view user, std::string_view host, bool using_password) {
  std::string text = "Access denied for user '";
  text += user;
  text += "'@'";
  text += host;
  text += "' (using password: ";
  text += using_password ? "YES" : "NO";
  text += ")";
  return text;
}

}  // namespace weir::auth
