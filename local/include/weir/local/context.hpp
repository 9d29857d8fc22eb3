#pragma once
// What every part of a local topology shares: options, file layout, credentials, tools.
#include <cstdint>
#include <string>

#include "weir/local/layout.hpp"
#include "weir/pod/credentials.hpp"

namespace weir::local {

struct UpOptions {
  int replicas = 3;
  std::string dir = ".weir";
  std::uint16_t proxy_port = 6033;
  std::uint16_t base_port = 13306;
  std::string server_binary = "mariadbd";
  int clone_timeout_s = 120;
  int ready_timeout_s = 120;
};

struct Context {
  UpOptions options;
  Layout layout{"."};
  pod::Credentials credentials;
  std::string monitor_password;
  std::string app_password;   // the `app` account applications use through the proxy
  std::string server_binary;  // resolved path of mariadbd
  std::string install_db;     // resolved path of mariadb-install-db
  std::string self;           // this weir executable, for `weir pod sidecar` children
  std::string hostname;
  bool as_root = false;
};

// Creates <dir>/secrets on first use (random passwords, mode 0600) and reads them.
void load_or_create_secrets(Context& ctx);
// Reads the secrets of an existing topology (status, scale); throws when they are missing.
pod::Credentials read_secrets(const Layout& layout);

// Progress lines: "[node-1] cloned 12.3 MB from node-0 in 1.4 s".
void say(int ordinal, const std::string& text);
void say(const std::string& text);

}  // namespace weir::local
