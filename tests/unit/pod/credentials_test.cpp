#include "weir/pod/credentials.hpp"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

namespace weir::pod {
namespace {

struct Fake {
  std::map<std::string, std::string, std::less<>> env;
  std::map<std::string, std::string> files;

  Credentials resolve(const CredentialSources& flags = {}) const {
    return resolve_credentials(
        flags,
        [this](std::string_view name) -> std::optional<std::string> {
          auto it = env.find(name);
          if (it == env.end()) return std::nullopt;
          return it->second;
        },
        [this](const std::string& path) -> std::optional<std::string> {
          auto it = files.find(path);
          if (it == files.end()) return std::nullopt;
          return it->second;
        });
  }
};

TEST(Credentials, DefaultsAreEmptyPasswordsAndUserRepl) {
  const auto c = Fake{}.resolve();
  EXPECT_EQ(c.root_user, "root");
  EXPECT_EQ(c.root_password, "");
  EXPECT_EQ(c.repl_user, "repl");
  EXPECT_EQ(c.repl_password, "");
}

TEST(Credentials, FlagFileWinsOverEnvironmentAndDropsTrailingNewline) {
  Fake f;
  f.env = {{"WEIR_ROOT_PASSWORD", "from-env"}};
  f.files = {{"/run/secrets/root", "from-file\n"}};
  EXPECT_EQ(f.resolve({"/run/secrets/root", "", ""}).root_password, "from-file");
}

TEST(Credentials, EnvironmentOrder) {
  Fake f;
  f.env = {{"MYSQL_ROOT_PASSWORD", "mysql"}, {"MARIADB_ROOT_PASSWORD", "mariadb"}};
  EXPECT_EQ(f.resolve().root_password, "mariadb");
  f.env["WEIR_ROOT_PASSWORD"] = "weir";
  EXPECT_EQ(f.resolve().root_password, "weir");
  f.env["WEIR_ROOT_PASSWORD_FILE"] = "/s/root";
  f.files["/s/root"] = "filed\r\n";
  EXPECT_EQ(f.resolve().root_password, "filed");
}

TEST(Credentials, ReplicationAccount) {
  Fake f;
  f.env = {{"MARIADB_REPLICATION_USER", "replicator"}, {"WEIR_REPL_PASSWORD_FILE", "/s/repl"}};
  f.files = {{"/s/repl", "rp"}};
  auto c = f.resolve();
  EXPECT_EQ(c.repl_user, "replicator");
  EXPECT_EQ(c.repl_password, "rp");
  f.env["WEIR_REPL_USER"] = "weir_repl";
  EXPECT_EQ(f.resolve().repl_user, "weir_repl");
  EXPECT_EQ(f.resolve({"", "", "flag_user"}).repl_user, "flag_user");
}

TEST(Credentials, UnreadableFileIsAnErrorNamingIt) {
  Fake f;
  f.env = {{"WEIR_ROOT_PASSWORD_FILE", "/missing"}};
  try {
    f.resolve();
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/missing"), std::string::npos);
  }
}

}  // namespace
}  // namespace weir::pod
