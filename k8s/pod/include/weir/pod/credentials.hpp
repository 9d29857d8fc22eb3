#pragma once
// The root password and the replication account, from files (mounted Kubernetes Secrets) or the
// environment, instead of the tutorial's empty root password.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace weir::pod {

struct Credentials {
  std::string root_user = "root";
  std::string root_password;
  std::string repl_user = "repl";
  std::string repl_password;
};

// Looks up a variable; a function so tests can pass a table instead of the process environment.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

struct CredentialSources {
  std::string root_password_file;  // --root-password-file; overrides the environment
  std::string repl_password_file;  // --repl-password-file
  std::string repl_user;           // --repl-user
};

// Order for each value: the flag's file, then WEIR_*_FILE, then WEIR_*, then the images' own
// variables (MARIADB_ROOT_PASSWORD, MYSQL_ROOT_PASSWORD, MARIADB_REPLICATION_*). A file's trailing
// newline is dropped. Throws std::runtime_error naming the file that cannot be read.
Credentials resolve_credentials(const CredentialSources& flags, const EnvLookup& env, const FileReader& read_file);

// The same with the real environment and file system.
Credentials load_credentials(const CredentialSources& flags);

}  // namespace weir::pod
