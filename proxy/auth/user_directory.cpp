#include "auth/user_directory.hpp"

#include <algorithm>
#include <set>

#include "auth/host_match.hpp"

namespace weir::auth {

namespace pa = weir::protocol::auth;

namespace {

bool is_pattern_or_netmask(std::string_view host) { return host.find_first_of("%_/") != std::string_view::npos; }

bool same_ignoring_ascii_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

}  // namespace

UserDirectory::UserDirectory(std::vector<Account> accounts) {
  for (auto& account : accounts) {
    if (account.configured) {
      const std::string name = account.name;
      configured_.emplace(name, std::move(account));
    } else {
      loaded_.push_back(Row{std::move(account), 0});
    }
  }
  sort_loaded();
}

void UserDirectory::sort_loaded() {
  std::erase_if(loaded_, [this](const Row& row) { return configured_.contains(row.account.name); });
  for (auto& row : loaded_) row.rank = host_user_rank(row.account.host, row.account.name);
  // sql_acl.cc acl_user_compare: user, then rank, then Host in descending byte order.
  std::sort(loaded_.begin(), loaded_.end(), [](const Row& a, const Row& b) {
    if (a.account.name != b.account.name) return a.account.name < b.account.name;
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.account.host > b.account.host;
  });
  admits_all_ = !configured_.empty() || std::any_of(loaded_.begin(), loaded_.end(), [](const Row& row) {
    return row.account.host.empty() || row.account.host == "%";
  });
}

std::shared_ptr<const UserDirectory> UserDirectory::from_config(const config::Config& config) {
  std::vector<Account> accounts;
  for (const auto& user : config.users) {
    Account account;
    account.name = user.name;
    account.configured = true;
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
  for (const auto& account : loaded) {
    if (!account.configured) merged->loaded_.push_back(Row{account, 0});
  }
  merged->sort_loaded();
  return merged;
}

const Account* UserDirectory::find(std::string_view name, std::string_view client_address) const {
  if (const auto it = configured_.find(name); it != configured_.end()) return &it->second;
  const std::string address = normalized_client_address(client_address);
  const Row* found = nullptr;
  const auto by_name = [](const Row& row, std::string_view n) { return row.account.name < n; };
  for (auto it = std::lower_bound(loaded_.begin(), loaded_.end(), name, by_name);
       it != loaded_.end() && it->account.name == name; ++it) {
    if (host_matches(it->account.host, address)) {
      found = &*it;
      break;
    }
  }
  // find_by_username_or_anon: an anonymous row wins when strictly more specific. Anonymous rows
  // sort first (the empty name).
  for (auto it = loaded_.begin(); it != loaded_.end() && it->account.name.empty(); ++it) {
    if (found != nullptr && it->rank >= found->rank) break;
    if (host_matches(it->account.host, address)) {
      found = &*it;
      break;
    }
  }
  return found == nullptr ? nullptr : &found->account;
}

bool UserDirectory::admits(std::string_view client_address) const {
  if (admits_all_) return true;
  const std::string address = normalized_client_address(client_address);
  // acl_check_host: literal hosts compared without case, patterns and netmasks as when matching.
  return std::any_of(loaded_.begin(), loaded_.end(), [&](const Row& row) {
    const std::string& host = row.account.host;
    return is_pattern_or_netmask(host) ? host_matches(host, address) : same_ignoring_ascii_case(host, address);
  });
}

bool UserDirectory::poolable(std::string_view name) const {
  if (configured_.contains(name)) return true;
  const auto by_name = [](const Row& row, std::string_view n) { return row.account.name < n; };
  auto it = std::lower_bound(loaded_.begin(), loaded_.end(), name, by_name);
  if (it == loaded_.end() || it->account.name != name) return false;
  const auto& first = it->account.stored_hash;
  for (; it != loaded_.end() && it->account.name == name; ++it) {
    if (!it->account.unusable.empty() || it->account.stored_hash != first) return false;
  }
  return true;
}

std::vector<std::string> changed_names(const UserDirectory& before, const UserDirectory& after) {
  std::map<std::string, std::vector<const Account*>, std::less<>> a, b;
  for (const auto& [name, account] : before.configured_) a[name].push_back(&account);
  for (const auto& row : before.loaded_) a[row.account.name].push_back(&row.account);
  for (const auto& [name, account] : after.configured_) b[name].push_back(&account);
  for (const auto& row : after.loaded_) b[row.account.name].push_back(&row.account);
  std::set<std::string> names;
  for (const auto& [name, accounts] : a) names.insert(name);
  for (const auto& [name, accounts] : b) names.insert(name);
  std::vector<std::string> changed;
  for (const auto& name : names) {
    const auto x = a.find(name);
    const auto y = b.find(name);
    const bool same = x != a.end() && y != b.end() &&
                      std::equal(x->second.begin(), x->second.end(), y->second.begin(), y->second.end(),
                                 [](const Account* p, const Account* q) { return *p == *q; });
    if (!same) changed.push_back(name);
  }
  return changed;
}

}  // namespace weir::auth
