#pragma once
// The decisions of a client's login to weir, as pure functions: weir greets with
// mysql_native_password; a client that answers with another plugin is switched to it (or, for
// caching_sha2_password with a known cleartext password, verified directly). A successful login
// yields SHA1(password), with which weir logs in to the backends as the same user.
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

// The server's wording: "Access denied for user 'bob'@'10.0.0.7' (using password: YES)".
std::string access_denied_message(std::string_view user, std::string_view host, bool using_password);

}  // namespace weir::auth
