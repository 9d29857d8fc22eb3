#include "weir/pod/pod_options.hpp"

#include <gtest/gtest.h>

#include "weir/cli/parser.hpp"
#include "weir/pod/pod_main.hpp"

namespace weir::pod {
namespace {

// The words after `weir pod init`, parsed as the command line is.
OptionsResult parse_pod_options(const std::vector<std::string>& words, const std::string& hostname) {
  const auto pod = pod_command();
  const auto parsed = cli::parse(*cli::find_subcommand(pod, "init"), words);
  if (!parsed.error.empty()) {
    OptionsResult failed;
    failed.error = parsed.error;
    return failed;
  }
  return pod_options_from(parsed.args, hostname);
}

TEST(PodOptions, TutorialDefaultsFromTheHostname) {
  const auto r = parse_pod_options({}, "mysql-2");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.ordinal, 2);
  EXPECT_EQ(r.options.flavour, Flavour::mariadb);
  EXPECT_EQ(r.options.peer_host, "mysql-1.mysql");
  EXPECT_EQ(r.options.peer_port, 3307);
  EXPECT_EQ(r.options.primary_host, "mysql-0.mysql");
  EXPECT_EQ(r.options.backup_port, 3307);
  EXPECT_EQ(r.options.conf_dir, "/etc/mysql/conf.d");
  EXPECT_EQ(r.options.data_dir, "/var/lib/mysql");
}

TEST(PodOptions, FlagsOverrideTheHostname) {
  const auto r = parse_pod_options({"--ordinal", "1", "--flavour", "mysql", "--service", "db", "--peer-port", "23307",
                                    "--primary-host", "127.0.0.1", "--clone-timeout", "5"},
                                   "laptop");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.ordinal, 1);
  EXPECT_EQ(r.options.flavour, Flavour::mysql);
  EXPECT_EQ(r.options.peer_host, "mysql-0.db");
  EXPECT_EQ(r.options.peer_port, 23307);
  EXPECT_EQ(r.options.primary_host, "127.0.0.1");
  EXPECT_EQ(r.options.clone_timeout_s, 5);
}

TEST(PodOptions, ClearErrors) {
  EXPECT_NE(parse_pod_options({}, "laptop").error.find("does not end in -<number>"), std::string::npos);
  EXPECT_NE(parse_pod_options({"--flavour", "percona"}, "mysql-0").error.find("'percona'"), std::string::npos);
  EXPECT_NE(parse_pod_options({"--port", "99999"}, "mysql-0").error.find("--port"), std::string::npos);
  EXPECT_NE(parse_pod_options({"--ordinal", "-1"}, "mysql-0").error.find("--ordinal"), std::string::npos);
}

}  // namespace
}  // namespace weir::pod
