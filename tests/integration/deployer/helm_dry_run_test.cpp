// The chart's objects as the API server validates them: `helm template charts/weir` through
// `kubectl apply --server-side --dry-run=server`.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apiserver_fixture.hpp"

namespace weir::deployer::testing {
namespace {

namespace fs = std::filesystem;

class HelmDryRunTest : public ApiServerTest {};

TEST_F(HelmDryRunTest, HelmTemplateOutputIsAcceptedByTheApiServer) {
  const fs::path chart = fs::path(WEIR_SOURCE_DIR) / "charts" / "weir";
  const fs::path helm = fs::path(WEIR_SOURCE_DIR) / ".tools" / "helm";
  if (!fs::exists(chart / "Chart.yaml")) GTEST_SKIP() << "charts/weir does not exist yet";
  if (!fs::exists(helm)) GTEST_SKIP() << "helm is not installed: run scripts/setup-k8s-tools.sh (pinned Go build)";
  const auto rendered = fs::path(api_server().dir) / ("chart-" + ns_ + ".yaml");
  std::string out;
  ASSERT_EQ(
      run_command(
          helm.string() + " template weir " + chart.string() + " --namespace " + ns_ + " > " + rendered.string(), out),
      0)
      << out;
  const auto kubectl = api_server().bin + "/kubectl --kubeconfig " + kubeconfig();
  const int status = run_command(
      kubectl + " apply --server-side --field-manager=weir --dry-run=server -n " + ns_ + " -f " + rendered.string(),
      out);
  // The optional ServiceMonitor is off by default, so every rendered kind is served here.
  EXPECT_EQ(status, 0) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("statefulset.apps/mysql serverside-applied (server dry run)"));
  EXPECT_THAT(out, ::testing::HasSubstr("deployment.apps/weir serverside-applied (server dry run)"));
  // A dry run creates nothing.
  ASSERT_EQ(run_command(kubectl + " get statefulsets -n " + ns_ + " -o name", out), 0) << out;
  EXPECT_EQ(out.find("mysql"), std::string::npos) << out;
}

}  // namespace
}  // namespace weir::deployer::testing
