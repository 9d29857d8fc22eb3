#pragma once
// The accounts clients may log in with: from the configuration, and/or loaded from the primary's
// mysql.user. Immutable; a reload or a user refresh publishes a new directory.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/config/config.hpp"
#include "weir/protocol/auth.hpp"

namespace weir::auth {

struct Account {
  std::string name;
  // SHA1(SHA1(password)) as mysql.user stores it; nullopt for an account without password.
  std::optional<protocol::auth::Sha1Digest> stored_hash;
  // Known only when configured in clear; lets caching_sha2_password clients log in without a switch.
  std::optional<std::string> cleartext;
};

class UserDirectory {
 public:
  UserDirectory() = default;
  explicit UserDirectory(std::vector<Account> accounts);

  // The accounts of `users:` in the configuration.
  static std::shared_ptr<const UserDirectory> from_config(const config::Config& config);
  // This directory plus `loaded` accounts; accounts of this directory win on equal names.
  std::shared_ptr<const UserDirectory> merged_with(const std::vector<Account>& loaded) const;

  const Account* find(std::string_view name) const;
  std::size_t size() const { return accounts_.size(); }

 private:
  std::map<std::string, Account, std::less<>> accounts_;
};

}  // namespace weir::auth
