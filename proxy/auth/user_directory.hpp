#pragma once
// The accounts clients may log in with: from the configuration, and/or loaded from the primary's
// mysql.user (one entry per row, user@host). Immutable; a reload or a user refresh publishes a
// new directory.
//
// Which account a client gets is the server's choice for the client's address (see
// host_match.hpp): configured accounts have no host and match any address, and a configured
// name hides every loaded row of that name.
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
  // mysql.user's Host; ignored for a configured account, which matches any host.
  std::string host;
  bool configured = false;
  bool locked = false;            // the server answers 4151 after a right password
  bool password_expired = false;  // the server decides (sandbox mode or 1862) when weir logs in
  // Why weir cannot check a password against this row (another plugin, no valid hash); empty
  // when it can. Such a row still counts when matching: a client it matches is refused.
  std::string unusable;

  friend bool operator==(const Account&, const Account&) = default;
};

class UserDirectory {
 public:
  UserDirectory() = default;
  // Configured accounts (`configured` set) and loaded rows, in any order.
  explicit UserDirectory(std::vector<Account> accounts);

  // The accounts of `users:` in the configuration.
  static std::shared_ptr<const UserDirectory> from_config(const config::Config& config);
  // This directory plus `loaded` rows; a configured account hides the loaded rows of its name.
  std::shared_ptr<const UserDirectory> merged_with(const std::vector<Account>& loaded) const;

  // The account the server would authenticate `name` connecting from `client_address` with: the
  // configured one, else the first loaded row that matches (an anonymous row, name '', when it is
  // more specific). Null when none matches.
  const Account* find(std::string_view name, std::string_view client_address) const;
  // The server's first check, before any greeting: does any account (of any user) match the
  // address? False means ERROR 1130.
  bool admits(std::string_view client_address) const;
  // True when every connection logged in as `name` is as good as a fresh login by any client weir
  // lets in as `name`: one credential for all its rows. False for unknown names.
  bool poolable(std::string_view name) const;

  std::size_t size() const { return configured_.size() + loaded_.size(); }

 private:
  struct Row {
    Account account;
    std::uint64_t rank = 0;
  };
  void sort_loaded();

  std::map<std::string, Account, std::less<>> configured_;
  std::vector<Row> loaded_;  // by user, then the server's order
  bool admits_all_ = false;  // a configured account, or a loaded '%' row

  friend std::vector<std::string> changed_names(const UserDirectory& before, const UserDirectory& after);
};

// Names whose accounts differ between two directories (added, dropped, any row changed).
std::vector<std::string> changed_names(const UserDirectory& before, const UserDirectory& after);

}  // namespace weir::auth
