#include "weir/pod/pod_options.hpp"

#include <gtest/gtest.h>

#include "weir/pod/args.hpp"

namespace weir::pod {
namespace {

TEST(ParseArgs, ValuesFlagsAndPositionals) {
  auto r = parse_args({"readiness", "--port", "3316", "--flavour=mysql", "--require-replication"}, {"port", "flavour"},
                      {"require-replication"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.args.positional, std::vector<std::string>{"readiness"});
  EXPECT_EQ(r.args.get("port"), "3316");
  EXPECT_EQ(r.args.get("flavour"), "mysql");
  EXPECT_TRUE(r.args.has("require-replication"));
  EXPECT_EQ(r.args.get_or("missing", "d"), "d");
}

TEST(ParseArgs, Errors) {
  EXPECT_EQ(parse_args({"--nope"}, {"port"}, {}).error, "unknown option '--nope'");
  EXPECT_EQ(parse_args({"--port"}, {"port"}, {}).error, "option '--port' needs a value");
}

TEST(ParseInt, Bounds) {
  EXPECT_EQ(parse_int("3306", 1, 65535), 3306);
  EXPECT_EQ(parse_int("0", 1, 65535), std::nullopt);
  EXPECT_EQ(parse_int("70000", 1, 65535), std::nullopt);
  EXPECT_EQ(parse_int("12a", 0, 100), std::nullopt);
  EXPECT_EQ(parse_int("", 0, 100), std::nullopt);
}

TEST(PodOptions, TutorialDefaultsFromTheHostname) {
  const auto r = parse_pod_options({}, "mysql-2");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.ordinal, 2);
  EXPECT_EQ(r.options.flavour, Flavour::kMariadb);
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
  EXPECT_EQ(r.options.flavour, Flavour::kMysql);
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
