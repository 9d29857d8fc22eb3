// `weir deploy`, `weir scale`, `weir status` and `weir teardown` as a user runs them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apiserver_fixture.hpp"

namespace weir::deployer::testing {
namespace {

using ::testing::HasSubstr;

class WeirCommandTest : public ApiServerTest {
 protected:
  int weir(const std::string& words, std::string& out, const std::string& config = "kubeconfig") {
    return run_command(std::string(WEIR_BINARY) + " " + words + " --kubeconfig " + kubeconfig(config) + " -n " + ns_,
                       out);
  }
};

TEST_F(WeirCommandTest, DeployTwiceScaleStatusTeardown) {
  std::string out;
  ASSERT_EQ(weir("deploy --wait=false", out), 0) << out;
  EXPECT_THAT(out, HasSubstr("created StatefulSet " + ns_ + "/mysql"));
  EXPECT_THAT(out, HasSubstr("applied 16 (created 16, configured 0, unchanged 0)"));
  ASSERT_EQ(weir("deploy --no-wait", out), 0) << out;
  EXPECT_THAT(out, HasSubstr("applied 16 (created 0, configured 0, unchanged 16)"));

  ASSERT_EQ(weir("scale 5", out), 0) << out;
  auto client = admin();
  auto sts = client.get("/apis/apps/v1/namespaces/" + ns_ + "/statefulsets/mysql");
  ASSERT_TRUE(sts.ok());
  EXPECT_EQ((*sts)["spec"]["replicas"], 5);

  // Not all ready (nothing runs pods here): exit status 3, and the table says so.
  EXPECT_EQ(weir("status", out), 3) << out;
  EXPECT_THAT(out, HasSubstr("statefulset mysql: 0/5 ready"));
  EXPECT_THAT(out, HasSubstr("proxy weir: 0/2 ready"));

  ASSERT_EQ(weir("teardown --delete-pvcs", out), 0) << out;
  EXPECT_THAT(out, HasSubstr("deleted StatefulSet " + ns_ + "/mysql"));
  EXPECT_THAT(out, HasSubstr("deleted Secret " + ns_ + "/mysql-credentials"));
  auto cm = client.get("/api/v1/namespaces/" + ns_ + "/configmaps/mysql");
  ASSERT_FALSE(cm.ok());
  EXPECT_EQ(cm.error().reason, "NotFound");
}

TEST_F(WeirCommandTest, DeployWithoutRightsNamesTheObjectAndWhatWasNotApplied) {
  std::string out;
  EXPECT_EQ(weir("deploy --wait=false", out, "kubeconfig-nobody"), 1) << out;
  EXPECT_THAT(out,
              HasSubstr("failed ServiceAccount " + ns_ + "/weir: ServiceAccount " + ns_ + "/weir: Forbidden (403)"));
  EXPECT_THAT(out, HasSubstr("applied before the failure: none"));
  EXPECT_THAT(out, HasSubstr("not applied 15"));
}

TEST_F(WeirCommandTest, DeployWaitsForThePodsUntilItsTimeout) {
  std::string out;
  EXPECT_EQ(weir("deploy --timeout 2s", out), 1) << out;
  EXPECT_THAT(out, HasSubstr("StatefulSet " + ns_ + "/mysql: 0/3 pods ready, waiting for mysql-0"));
  EXPECT_THAT(out, HasSubstr("Timeout"));
  EXPECT_EQ(weir("deploy --timeout 0", out), 2) << out;
  EXPECT_THAT(out, HasSubstr("--timeout must be a positive number"));
}

}  // namespace
}  // namespace weir::deployer::testing
