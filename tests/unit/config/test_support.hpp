#pragma once
// Helpers shared by the config tests: temp dirs and environment variables that clean up.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "weir/config/config.hpp"
#include "weir/testing/temp_dir.hpp"

namespace weir::config::testing {

using weir::testing::TempDir;

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (value == nullptr)
      ::unsetenv(name);
    else
      ::setenv(name, value, 1);
  }
  ~ScopedEnv() { ::unsetenv(name_.c_str()); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
};

inline std::vector<std::string> error_lines(const ConfigResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.to_string());
  return out;
}

inline std::vector<std::string> errors_of(const std::string& yaml) {
  return error_lines(parse_config(yaml, "weir.yaml"));
}

// The smallest valid configuration; tests append sections to it (it ends at line 3).
inline const std::string kMinimal =
    "monitor: {user: mon, password: \"\"}\n"
    "backends: {static: [{host: 127.0.0.1, role: primary}]}\n"
    "users: [{name: app, password: \"\"}]\n";

}  // namespace weir::config::testing
