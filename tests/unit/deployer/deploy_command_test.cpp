// parse_deploy_command: flags, values files and --set assignments in Helm's order, and the errors naming them.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "weir/deployer/deploy_command.hpp"

namespace weir::deployer {
namespace {

TEST(DeployCommand, ParsesFlagsValuesAndSetInHelmsOrder) {
  const auto path = std::filesystem::temp_directory_path() / ("weir-values-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << "replicas: 4\nproxyReplicas: 1\n";
  const auto cmd = parse_deploy_command({"--dry-run", "-o", "json", "-n", "shop", "-f", path.string(), "--set",
                                         "replicas=6", "--kubeconfig", "/k"});
  std::filesystem::remove(path);
  EXPECT_EQ(cmd.error, "");
  EXPECT_TRUE(cmd.dry_run);
  EXPECT_EQ(cmd.output, "json");
  EXPECT_EQ(cmd.settings.namespace_name, "shop");
  EXPECT_EQ(cmd.settings.replicas, 6);
  EXPECT_EQ(cmd.settings.proxy_replicas, 1);
  EXPECT_EQ(cmd.kubeconfig, "/k");
  EXPECT_NE(parse_deploy_command({"-o", "xml"}).error, "");
  EXPECT_NE(parse_deploy_command({"--bogus"}).error.find("--bogus"), std::string::npos);
  EXPECT_NE(parse_deploy_command({"-f", "/nonexistent/values.yaml"}).error.find("/nonexistent/values.yaml"),
            std::string::npos);
}

}  // namespace
}  // namespace weir::deployer
