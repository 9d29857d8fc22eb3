#include "auth/user_directory.hpp"

namespace weir::auth {

namespace pa = weir::protocol::auth;

UserDirectory::UserDirectory(std::vector<Account> accounts) {
  for (auto& account : accounts) {
    const std::string name = account.name;
    accounts_.emplace(name, std::move(account));
  }
}

std::shared_ptr<const UserDirectory> UserDirectory::from_config(const config::Config& config) {
  std::vector<Account> accounts;
  for (const auto& user : config.users) {
    Account account{user.name, std::nullopt, std::nullopt};
    if (user.password) {
      if (!user.password->value.empty()) account.stored_hash = pa::native_stored_hash(user.password->value);
      account.cleartext = user.password->value;
    } else if (!user.password_hash.empty()) {
      // The configuration validated the form already.
      if (auto hash = pa::parse_native_hash(user.password_hash)) account.stored_hash = *hash;
    }
    accounts.push_back(std::move(account));
  }
  return std::make_shared<const UserDirectory>(std::move(accounts));
}

std::shared_ptr<const UserDirectory> UserDirectory::merged_with(const std::vector<Account>& loaded) const {
  auto merged = std::make_shared<UserDirectory>(*this);
  for (const auto& account : loaded) merged->accounts_.emplace(account.name, account);
  return merged;
}

const Account* UserDirectory::find(std::string_view name) const {
  const auto it = accounts_.find(name);
  return it == accounts_.end() ? nullptr : &it->second;
}

}  // namespace weir::auth
