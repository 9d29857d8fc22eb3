#pragma once
// The decisions of a client's login to weir, as pure functions: weir greets with
// mysql_native_password; a client that answers with another plugin is switched to it (or, for
// caching_sha2_password with a known cleartext password, verified directly). A successful login
// yields SHA1(password), with which weir logs in to the backends as the same user.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/user_directory.hpp"

namespace weir::auth {

enum class AuthStep { accept, switch_to_native, deny };

struct AuthDecision {
  AuthStep step = AuthStep::deny;
  // With accept: SHA1(password), or nullopt for an account without password.
  std::optional<protocol::auth::Sha1Digest> stage1;
};

// The client's first answer (from HandshakeResponse41 or COM_CHANGE_USER). `account` is null for
// an unknown user, which is denied exactly like a wrong password.
AuthDecision decide_first_response(const Account* account, std::string_view plugin, std::string_view response,
                                   std::string_view nonce);
// The client's answer after a switch to mysql_native_password.
AuthDecision decide_native_response(const Account* account, std::string_view response, std::string_view nonce);

// The account `user` connecting from `client_address` is checked against, or null when there is
// none or weir cannot check it (another plugin, no hash weir knows, an anonymous row): the client
// is then denied exactly like a wrong password. `why_not` says which, for the log.
const Account* account_for(const UserDirectory& users, std::string_view user, std::string_view client_address,
                           std::string& why_not);

// The server's answers (MariaDB 10.11) weir gives itself.
inline constexpr std::uint16_t kHostNotAllowed = 1130;  // ER_HOST_NOT_PRIVILEGED, before any greeting
inline constexpr std::uint16_t kAccountLocked = 4151;   // ER_ACCOUNT_HAS_BEEN_LOCKED, after a right password
inline constexpr std::string_view kAccountLockedState = "HY000";
inline constexpr std::string_view kAccountLockedMessage = "Access denied, this account is locked";
// "Host '10.0.0.7' is not allowed to connect to this MariaDB server".
std::string host_not_allowed_message(std::string_view client_address);

// The server's wording: "Access denied for user 'bob'@'10.0.0.7' (using password: YES)".
std::string access_denied_message(std::string_view user, std::string_view host, bool using_password);

}  // namespace weir::auth
