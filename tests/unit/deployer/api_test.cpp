#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "weir/cli/parser.hpp"

#include "weir/deployer/commands.hpp"
#include "weir/deployer/deployer.hpp"
#include "weir/deployer/kube.hpp"
#include "weir/deployer/resources.hpp"

namespace weir::deployer {
namespace {

using ::testing::HasSubstr;

TEST(Resources, PathsOfTheKindsWeirUses) {
  struct Case {
    const char* api_version;
    const char* kind;
    const char* path;
  };
  for (const auto& [api_version, kind, path] : {
           Case{"v1", "ConfigMap", "/api/v1/namespaces/ns/configmaps/x"},
           Case{"apps/v1", "StatefulSet", "/apis/apps/v1/namespaces/ns/statefulsets/x"},
           Case{"policy/v1", "PodDisruptionBudget", "/apis/policy/v1/namespaces/ns/poddisruptionbudgets/x"},
           Case{"rbac.authorization.k8s.io/v1", "RoleBinding",
                "/apis/rbac.authorization.k8s.io/v1/namespaces/ns/rolebindings/x"},
           Case{"rbac.authorization.k8s.io/v1", "ClusterRole", "/apis/rbac.authorization.k8s.io/v1/clusterroles/x"},
           Case{"monitoring.coreos.com/v1", "ServiceMonitor",
                "/apis/monitoring.coreos.com/v1/namespaces/ns/servicemonitors/x"},
       }) {
    auto r = resource_for(api_version, kind);
    ASSERT_TRUE(r.ok()) << kind;
    EXPECT_EQ(object_path(*r, "ns", "x"), path);
  }
  EXPECT_TRUE(resource_for("monitoring.coreos.com/v1", "ServiceMonitor")->from_crd);
  EXPECT_FALSE(resource_for("apps/v1", "Deployment")->from_crd);
  auto unknown = resource_for("apps/v2", "StatefulSet");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message, HasSubstr("StatefulSet in apps/v2"));
}

TEST(Resources, LabelsAndQueryEscaping) {
  EXPECT_EQ(object_label("StatefulSet", "db", "mysql"), "StatefulSet db/mysql");
  EXPECT_EQ(object_label("ClusterRole", "", "weir"), "ClusterRole weir");
  EXPECT_EQ(query_escape("app=mysql,tier in (a b)"), "app%3Dmysql%2Ctier%20in%20%28a%20b%29");
}

TEST(ApiError, StatusWithCausesBecomesAnErrorNamingTheObject) {
  Response r;
  r.status = 422;
  r.body = R"({"kind":"Status","apiVersion":"v1","status":"Failure",
    "message":"StatefulSet.apps \"mysql\" is invalid: spec.replicas: Invalid value: -1",
    "reason":"Invalid","details":{"causes":[{"reason":"FieldValueInvalid",
    "message":"Invalid value: -1: must be greater than or equal to 0","field":"spec.replicas"}]},"code":422})";
  const auto e = api_error(r, "StatefulSet db/mysql");
  EXPECT_EQ(e.reason, "Invalid");
  ASSERT_EQ(e.causes.size(), 1U);
  EXPECT_EQ(e.causes[0].field, "spec.replicas");
  EXPECT_EQ(e.to_string(),
            "StatefulSet db/mysql: Invalid (422): StatefulSet.apps \"mysql\" is invalid: spec.replicas: Invalid "
            "value: -1 [spec.replicas: Invalid value: -1: must be greater than or equal to 0]");
}

TEST(ApiError, PlainAnswersGetTheApiReasonForTheirCode) {
  for (const auto& [code, reason] : std::vector<std::pair<int, std::string>>{
           {403, "Forbidden"}, {404, "NotFound"}, {409, "Conflict"}, {422, "Invalid"}, {500, "InternalError"}}) {
    Response r;
    r.status = code;
    r.body = "404 page not found\n";
    EXPECT_EQ(api_error(r, "x").reason, reason) << code;
  }
}

TEST(ApplyReport, SummaryCountsEachOutcomeAndNamesTheFailure) {
  ApplyReport report;
  report.objects = {{"A", Outcome::created, {}},
                    {"B", Outcome::unchanged, {}},
                    {"C", Outcome::skipped, {}},
                    {"D", Outcome::failed, {}},
                    {"E", Outcome::not_attempted, {}}};
  Error e;
  e.object = "D";
  e.reason = "Conflict";
  e.http_status = 409;
  report.error = e;
  EXPECT_EQ(report.summary(),
            "applied 2 (created 1, configured 0, unchanged 1), skipped 1, not applied 1; failed: D: Conflict (409)");
}

TEST(Commands, KubernetesFlagsSelectTheCluster) {
  cli::Command scale;
  scale.name = "scale";
  scale.positionals = {{"N", ""}};
  scale.option_groups = {{"weir up", {{"dir", '\0', "DIR", ""}, {"delete-data", '\0', "", ""}}},
                         cluster_option_group()};
  auto wants = [&](const std::vector<std::string>& words) {
    const auto parsed = cli::parse(scale, words);
    EXPECT_EQ(parsed.error, "");
    return wants_kubernetes(parsed.args);
  };
  EXPECT_FALSE(wants({"3"}));
  EXPECT_FALSE(wants({"3", "--dir", "x", "--delete-data"}));
  EXPECT_TRUE(wants({"3", "--kubeconfig", "k"}));
  EXPECT_TRUE(wants({"3", "--context", "c"}));
  EXPECT_TRUE(wants({"3", "-n", "db"}));
  EXPECT_TRUE(wants({"3", "--k8s"}));
  EXPECT_TRUE(wants({"3", "-f", "values.yaml"}));
}

}  // namespace
}  // namespace weir::deployer
