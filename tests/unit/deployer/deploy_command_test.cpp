// weir deploy's command line: flags, values files and --set assignments in Helm's order, and the errors naming them.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "weir/cli/parser.hpp"
#include "weir/deployer/commands.hpp"
#include "weir/deployer/deploy_command.hpp"
#include "weir/testing/temp_dir.hpp"

namespace weir::deployer {
namespace {

DeployCommand parse_deploy_command(const std::vector<std::string>& words) {
  const auto parsed = cli::parse(deploy_command(), words);
  if (!parsed.error.empty()) {
    DeployCommand failed;
    failed.error = parsed.error;
    return failed;
  }
  return deploy_command_from(parsed.args);
}

TEST(DeployCommand, ParsesFlagsValuesAndSetInHelmsOrder) {
  const weir::testing::TempDir dir("weir-values-");
  const auto path = dir / "values.yaml";
  std::ofstream(path) << "replicas: 4\nproxyReplicas: 1\n";
  const auto cmd = parse_deploy_command(
      {"--dry-run", "-o", "json", "-n", "shop", "-f", path.string(), "--set", "replicas=6", "--kubeconfig", "/k"});
  EXPECT_EQ(cmd.error, "");
  EXPECT_TRUE(cmd.dry_run);
  EXPECT_EQ(cmd.output, "json");
  EXPECT_EQ(cmd.settings.namespace_name, "shop");
  EXPECT_EQ(cmd.settings.replicas, 6);
  EXPECT_EQ(cmd.settings.proxy_replicas, 1);
  EXPECT_EQ(cmd.kubeconfig, "/k");
  EXPECT_NE(parse_deploy_command({"-o", "xml"}).error, "");
  EXPECT_NE(parse_deploy_command({"--bogus"}).error.find("--bogus"), std::string::npos);
  EXPECT_NE(parse_deploy_command({"--timeout", "0"}).error.find("--timeout"), std::string::npos);
  EXPECT_NE(parse_deploy_command({"--wait=maybe"}).error.find("'maybe'"), std::string::npos);
  EXPECT_NE(parse_deploy_command({"-f", "/nonexistent/values.yaml"}).error.find("/nonexistent/values.yaml"),
            std::string::npos);
}

TEST(DeployCommand, TheLastOfWaitAndNoWaitWins) {
  EXPECT_TRUE(parse_deploy_command({}).apply.wait);
  EXPECT_FALSE(parse_deploy_command({"--no-wait"}).apply.wait);
  EXPECT_FALSE(parse_deploy_command({"--wait=false"}).apply.wait);
  EXPECT_TRUE(parse_deploy_command({"--no-wait", "--wait"}).apply.wait);
  EXPECT_TRUE(parse_deploy_command({"--wait=false", "--wait=true"}).apply.wait);
  EXPECT_EQ(parse_deploy_command({"--timeout", "5m"}).apply.timeout, std::chrono::seconds(300));
}

}  // namespace
}  // namespace weir::deployer
