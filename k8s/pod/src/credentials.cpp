#include "weir/pod/credentials.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace weir::pod {
namespace {

std::string chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string from_file(const std::string& path, const FileReader& read_file) {
  auto text = read_file(path);
  if (!text) throw std::runtime_error("cannot read credentials file '" + path + "'");
  return chomp(*text);
}

// The first source that is set: a file named by the flag, then the named variables in order
// (a variable ending in _FILE names a file).
std::optional<std::string> first_of(const std::string& flag_file, std::initializer_list<std::string_view> names,
                                    const EnvLookup& env, const FileReader& read_file) {
  if (!flag_file.empty()) return from_file(flag_file, read_file);
  for (std::string_view name : names) {
    auto value = env(name);
    if (!value) continue;
    if (name.ends_with("_FILE")) return from_file(*value, read_file);
    return *value;
  }
  return std::nullopt;
}

}  // namespace

Credentials resolve_credentials(const CredentialSources& flags, const EnvLookup& env, const FileReader& read_file) {
  Credentials c;
  c.root_password =
      first_of(flags.root_password_file,
               {"WEIR_ROOT_PASSWORD_FILE", "WEIR_ROOT_PASSWORD", "MARIADB_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD"}, env,
               read_file)
          .value_or("");
  c.repl_password =
      first_of(flags.repl_password_file,
               {"WEIR_REPL_PASSWORD_FILE", "WEIR_REPL_PASSWORD", "MARIADB_REPLICATION_PASSWORD"}, env, read_file)
          .value_or("");
  if (!flags.repl_user.empty()) {
    c.repl_user = flags.repl_user;
  } else if (auto user = first_of("", {"WEIR_REPL_USER", "MARIADB_REPLICATION_USER"}, env, read_file)) {
    c.repl_user = *user;
  }
  return c;
}

Credentials load_credentials(const CredentialSources& flags) {
  const EnvLookup env = [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  const FileReader reader = [](const std::string& path) -> std::optional<std::string> {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
  return resolve_credentials(flags, env, reader);
}

}  // namespace weir::pod
