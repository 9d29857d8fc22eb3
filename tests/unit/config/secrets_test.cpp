// Secrets from the file itself, from files and from environment variables.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.hpp"
#include "weir/config/config.hpp"

namespace weir::config {
namespace {

using ::testing::ElementsAre;
using testing::errors_of;
using testing::ScopedEnv;
using testing::TempDir;

// A valid document whose monitor secret is `secret_yaml` (line 1, column 20 onwards).
std::string with_monitor_secret(const std::string& secret_yaml) {
  return "monitor: {user: m, " + secret_yaml + "}\n" +
         "backends: {static: [{host: db, role: primary}]}\nusers: [{name: a, password_hash: "
         "\"*6D8E7CA2D13CBEBC74BE7EF3A2976000952DCE92\"}]\n";
}

TEST(Secrets, FromFileWithTrailingNewlineStripped) {
  TempDir dir;
  const std::string file = dir.write("monitor", "s3cret\n");
  const ConfigResult r = parse_config(with_monitor_secret("password_file: " + file), "weir.yaml");
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_EQ(r.config->monitor.password.value, "s3cret");
  EXPECT_EQ(r.config->monitor.password.source, Secret::Source::file);
  EXPECT_EQ(r.config->monitor.password.reference, file);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Secrets, FileLineEndingsAreStrippedButInnerBytesKept) {
  TempDir dir;
  const struct {
    const char* content;
    const char* expected;
  } cases[] = {{"abc", "abc"}, {"abc\r\n", "abc"}, {"abc\n\n", "abc"}, {"a b\tc\n", "a b\tc"}, {"", ""}};
  for (const auto& c : cases) {
    const std::string file = dir.write("pw", c.content);
    const ConfigResult r = parse_config(with_monitor_secret("password_file: " + file), "weir.yaml");
    ASSERT_TRUE(r.ok()) << r.error_text();
    EXPECT_EQ(r.config->monitor.password.value, c.expected);
  }
}

TEST(Secrets, MissingFileNamesTheKeyAndTheFile) {
  TempDir dir;
  const std::string file = dir.path() + "/absent";
  EXPECT_THAT(
      errors_of(with_monitor_secret("password_file: " + file)),
      ElementsAre("weir.yaml:1:35: monitor.password_file: cannot read \"" + file + "\": No such file or directory"));
}

TEST(Secrets, DirectoryIsNotASecretFile) {
  TempDir dir;
  EXPECT_THAT(errors_of(with_monitor_secret("password_file: " + dir.path())),
              ElementsAre("weir.yaml:1:35: monitor.password_file: cannot read \"" + dir.path() + "\": Is a directory"));
}

TEST(Secrets, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  TempDir dir;
  const std::string file = dir.write("pw", "x");
  ::chmod(file.c_str(), 0);
  EXPECT_THAT(errors_of(with_monitor_secret("password_file: " + file)),
              ElementsAre("weir.yaml:1:35: monitor.password_file: cannot read \"" + file + "\": Permission denied"));
}

TEST(Secrets, PathThroughAFileIsUnreadable) {
  TempDir dir;
  const std::string file = dir.write("pw", "x") + "/inside";
  EXPECT_THAT(errors_of(with_monitor_secret("password_file: " + file)),
              ElementsAre("weir.yaml:1:35: monitor.password_file: cannot read \"" + file + "\": Not a directory"));
}

TEST(Secrets, HugeFileIsRefused) {
  TempDir dir;
  const std::string file = dir.write("pw", std::string(70000, 'x'));
  EXPECT_THAT(errors_of(with_monitor_secret("password_file: " + file)),
              ElementsAre("weir.yaml:1:35: monitor.password_file: cannot read \"" + file +
                          "\": larger than 64KiB; expected a file holding only the secret"));
}

TEST(Secrets, FromEnvironment) {
  ScopedEnv env("WEIR_TEST_MONITOR_PASSWORD", "from-env\n");
  const ConfigResult r = parse_config(with_monitor_secret("password_env: WEIR_TEST_MONITOR_PASSWORD"), "weir.yaml");
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_EQ(r.config->monitor.password.value, "from-env\n");  // taken as is
  EXPECT_EQ(r.config->monitor.password.source, Secret::Source::env);
  EXPECT_EQ(r.config->monitor.password.reference, "WEIR_TEST_MONITOR_PASSWORD");
}

TEST(Secrets, EmptyEnvironmentVariableIsAnEmptyPassword) {
  ScopedEnv env("WEIR_TEST_EMPTY", "");
  const ConfigResult r = parse_config(with_monitor_secret("password_env: WEIR_TEST_EMPTY"), "weir.yaml");
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_EQ(r.config->monitor.password.value, "");
}

TEST(Secrets, UnsetEnvironmentVariable) {
  ScopedEnv env("WEIR_TEST_UNSET", nullptr);
  EXPECT_THAT(errors_of(with_monitor_secret("password_env: WEIR_TEST_UNSET")),
              ElementsAre("weir.yaml:1:34: monitor.password_env: environment variable WEIR_TEST_UNSET is not set"));
}

TEST(Secrets, InvalidEnvironmentVariableName) {
  EXPECT_THAT(errors_of(with_monitor_secret("password_env: \"A-B\"")),
              ElementsAre("weir.yaml:1:34: monitor.password_env: expected an environment variable name "
                          "(letters, digits, _), found \"A-B\""));
}

TEST(Secrets, OnlyOneSourceMayBeGiven) {
  EXPECT_THAT(errors_of(with_monitor_secret("password: x, password_env: X, password_file: /y")),
              ElementsAre("weir.yaml:1:47: monitor.password_env: only one of password, password_file and "
                          "password_env may be given (password is given too)",
                          "weir.yaml:1:65: monitor.password_file: only one of password, password_file and "
                          "password_env may be given (password is given too)"));
}

TEST(Secrets, InlinePasswordIsAllowedWithAWarning) {
  const ConfigResult r = parse_config(with_monitor_secret("password: hunter2"), "weir.yaml");
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_EQ(r.config->monitor.password.value, "hunter2");
  EXPECT_EQ(r.config->monitor.password.source, Secret::Source::inline_value);
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_EQ(r.warnings[0].to_string(),
            "weir.yaml:1:30: monitor.password: a secret written in the configuration file; prefer "
            "password_file or password_env");
}

TEST(Secrets, SecretValuesNeverAppearInErrors) {
  TempDir dir;
  const std::string file = dir.write("pw", "file-secret-value");
  ScopedEnv env("WEIR_TEST_SECRET", "env-secret-value");
  const ConfigResult r =
      parse_config("monitor: {user: m, password_file: " + file +
                       "}\nbackends: {static: [{host: db, role: primary}]}\n"
                       "users:\n  - {name: a, password_env: WEIR_TEST_SECRET, password_hash: \"*AAAA\"}\n"
                       "  - {name: b, password_hash: \"not-a-hash-inline-secret\"}\n"
                       "admin: {token: 12}\nlisten: {port: bad}\n",
                   "weir.yaml");
  ASSERT_FALSE(r.ok());
  const std::string text = r.error_text();
  for (const char* secret : {"file-secret-value", "env-secret-value", "*AAAA", "not-a-hash-inline-secret"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in:\n" << text;
  }
}

TEST(Secrets, AdminTokenAcceptsTheSameThreeForms) {
  TempDir dir;
  const std::string file = dir.write("token", "tok-from-file\n");
  const ConfigResult r = parse_config(testing::kMinimal + "admin: {token_file: " + file + "}\n", "weir.yaml");
  ASSERT_TRUE(r.ok()) << r.error_text();
  ASSERT_TRUE(r.config->admin.token.has_value());
  EXPECT_EQ(r.config->admin.token->value, "tok-from-file");

  const ConfigResult none = parse_config(testing::kMinimal, "weir.yaml");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.config->admin.token.has_value());
}

TEST(Secrets, PasswordHashIsNormalisedToUpperCase) {
  const ConfigResult r = parse_config(
      "monitor: {user: m, password: \"\"}\nbackends: {static: [{host: db, role: primary}]}\n"
      "users: [{name: a, password_hash: \"*6d8e7ca2d13cbebc74be7ef3a2976000952dce92\"}]\n",
      "weir.yaml");
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_EQ(r.config->users[0].password_hash, "*6D8E7CA2D13CBEBC74BE7EF3A2976000952DCE92");
}

}  // namespace
}  // namespace weir::config
