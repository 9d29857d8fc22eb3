#pragma once
// Helpers shared by the config tests: temp files and environment variables that clean up.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "weir/config/config.hpp"

namespace weir::config::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "weir-config-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string write(const std::string& name, const std::string& content) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (value == nullptr) ::unsetenv(name);
    else ::setenv(name, value, 1);
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
