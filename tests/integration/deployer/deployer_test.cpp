// The deployer against a real kube-apiserver: server-side apply of every object build_objects
// returns, idempotence, scale, teardown, and errors that name the object.
#include <algorithm>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apiserver_fixture.hpp"
#include "weir/deployer/deployer.hpp"
#include "weir/deployer/resources.hpp"
#include "weir/manifests/manifests.hpp"

namespace weir::deployer::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::vector<Object> objects_for(const std::string& ns, bool service_monitor = true) {
  weir::manifests::DeploySettings settings;
  settings.namespace_name = ns;
  settings.service_monitor = service_monitor;
  return weir::manifests::build_objects(settings);
}

struct Lines {
  std::vector<std::string> lines;
  Progress progress() {
    return [this](const std::string& line) { lines.push_back(line); };
  }
  std::string joined() const {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
};

ApplyOptions no_wait() {
  ApplyOptions o;
  o.wait = false;
  return o;
}

Result<json> get_object(Client& client, const Object& o) {
  auto r = resource_for(o.api_version, o.kind);
  if (!r) return r.error();
  return client.get(object_path(*r, r->namespaced ? o.namespace_name : "", o.name));
}

class DeployerTest : public ApiServerTest {};

TEST_F(DeployerTest, AppliesEveryObjectWithFieldManagerWeirAndSkipsTheMissingServiceMonitorCrd) {
  auto client = admin();
  const auto objects = objects_for(ns_);
  Lines out;
  const auto report = apply_objects(objects, client, out.progress(), no_wait());
  ASSERT_TRUE(report.ok()) << report.summary() << "\n" << out.joined();
  ASSERT_EQ(report.objects.size(), objects.size());
  int skipped = 0;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const auto& o = objects[i];
    if (o.kind == "ServiceMonitor") {
      EXPECT_EQ(report.objects[i].outcome, Outcome::skipped);
      EXPECT_THAT(report.objects[i].detail, HasSubstr("CustomResourceDefinition"));
      ++skipped;
      continue;
    }
    EXPECT_EQ(report.objects[i].outcome, Outcome::created) << report.objects[i].object;
    auto got = get_object(client, o);
    ASSERT_TRUE(got.ok()) << got.error().to_string();
    bool by_weir = false;
    for (const auto& m : (*got)["metadata"]["managedFields"]) {
      if (m.value("manager", "") == "weir" && m.value("operation", "") == "Apply") by_weir = true;
    }
    EXPECT_TRUE(by_weir) << o.kind << " " << o.name << " managedFields: " << (*got)["metadata"]["managedFields"].dump();
  }
  EXPECT_EQ(skipped, 1);
  EXPECT_THAT(out.joined(), HasSubstr("skipped ServiceMonitor " + ns_ + "/weir"));
  EXPECT_THAT(report.summary(), HasSubstr("skipped 1"));
}

// The API server takes both NetworkPolicies as rendered (with namespaces added to the proxy's) and
// the admin token Secret; a second apply keeps the generated token.
TEST_F(DeployerTest, NetworkPoliciesAndTheAdminTokenAreAcceptedAsRendered) {
  auto client = admin();
  weir::manifests::DeploySettings settings;
  settings.namespace_name = ns_;
  settings.network_policy_client_namespaces = "apps,web";
  settings.network_policy_metrics_namespaces = "*";
  const auto objects = weir::manifests::build_objects(settings);
  const auto report = apply_objects(
      objects, client, [](const std::string&) {}, no_wait());
  ASSERT_TRUE(report.ok()) << report.summary();
  int policies = 0;
  for (const auto& o : objects) {
    if (o.kind != "NetworkPolicy") continue;
    ++policies;
    auto got = get_object(client, o);
    ASSERT_TRUE(got.ok()) << got.error().to_string();
    EXPECT_EQ((*got)["spec"], o.body["spec"]) << o.name;
  }
  EXPECT_EQ(policies, 2);
  auto token = client.get("/api/v1/namespaces/" + ns_ + "/secrets/weir-admin-token");
  ASSERT_TRUE(token.ok()) << token.error().to_string();
  const std::string first = (*token)["data"]["token"];
  ASSERT_TRUE(apply_objects(
                  weir::manifests::build_objects(settings), client, [](const std::string&) {}, no_wait())
                  .ok());
  auto again = client.get("/api/v1/namespaces/" + ns_ + "/secrets/weir-admin-token");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)["data"]["token"], first) << "the generated token was replaced";
}

TEST_F(DeployerTest, TheStatefulSetKeepsItsClaimsOnScaleDownAsApplied) {
  auto client = admin();
  const auto objects = objects_for(ns_, false);
  const auto report = apply_objects(
      objects, client, [](const std::string&) {}, no_wait());
  ASSERT_TRUE(report.ok()) << report.summary();
  auto sts = client.get("/apis/apps/v1/namespaces/" + ns_ + "/statefulsets/mysql");
  ASSERT_TRUE(sts.ok()) << sts.error().to_string();
  EXPECT_EQ((*sts)["spec"]["persistentVolumeClaimRetentionPolicy"]["whenScaled"], "Retain");
  EXPECT_EQ((*sts)["spec"]["replicas"], 3);
  EXPECT_EQ((*sts)["spec"]["podManagementPolicy"].get<std::string>(), "OrderedReady");
}

TEST_F(DeployerTest, ASecondApplyChangesNothing) {
  auto client = admin();
  const auto objects = objects_for(ns_);
  ASSERT_TRUE(apply_objects(
                  objects, client, [](const std::string&) {}, no_wait())
                  .ok());
  std::vector<std::string> versions;
  for (const auto& o : objects) {
    auto got = get_object(client, o);
    versions.push_back(got ? (*got)["metadata"].value("resourceVersion", "") : "absent");
  }
  // The same settings again: the Secret gets new random passwords from build_objects, and must be
  // left alone; everything else is identical.
  const auto again_objects = objects_for(ns_);
  Lines out;
  const auto again = apply_objects(again_objects, client, out.progress(), no_wait());
  ASSERT_TRUE(again.ok()) << again.summary();
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].kind == "ServiceMonitor") continue;
    EXPECT_EQ(again.objects[i].outcome, Outcome::unchanged) << again.objects[i].object << "\n" << out.joined();
    auto got = get_object(client, objects[i]);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ((*got)["metadata"].value("resourceVersion", ""), versions[i]) << again.objects[i].object;
  }
  EXPECT_THAT(again.summary(), HasSubstr("created 0, configured 0"));
}

TEST_F(DeployerTest, AChangedObjectIsConfigured) {
  auto client = admin();
  auto objects = objects_for(ns_, false);
  ASSERT_TRUE(apply_objects(
                  objects, client, [](const std::string&) {}, no_wait())
                  .ok());
  auto sts = std::find_if(objects.begin(), objects.end(), [](const auto& o) { return o.kind == "StatefulSet"; });
  ASSERT_NE(sts, objects.end());
  sts->body["spec"]["template"]["metadata"]["annotations"]["example.com/touched"] = "1";
  const auto report = apply_objects(
      objects, client, [](const std::string&) {}, no_wait());
  ASSERT_TRUE(report.ok()) << report.summary();
  for (std::size_t i = 0; i < objects.size(); ++i) {
    EXPECT_EQ(report.objects[i].outcome, objects[i].kind == "StatefulSet" ? Outcome::configured : Outcome::unchanged)
        << report.objects[i].object;
  }
}

TEST_F(DeployerTest, ScaleSetsTheStatefulSetsReplicas) {
  auto client = admin();
  ASSERT_TRUE(apply_objects(
                  objects_for(ns_, false), client, [](const std::string&) {}, no_wait())
                  .ok());
  auto scaled = scale_statefulset(client, ns_, "mysql", 5);
  ASSERT_TRUE(scaled.ok()) << scaled.error().to_string();
  auto sts = client.get("/apis/apps/v1/namespaces/" + ns_ + "/statefulsets/mysql");
  ASSERT_TRUE(sts.ok());
  EXPECT_EQ((*sts)["spec"]["replicas"], 5);
  auto absent = scale_statefulset(client, ns_, "nosuch", 2);
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().reason, "NotFound");
  EXPECT_THAT(absent.error().to_string(), HasSubstr("StatefulSet " + ns_ + "/nosuch"));
}

TEST_F(DeployerTest, TeardownRemovesEveryObjectAndKeepsClaimsUnlessAsked) {
  auto client = admin();
  const auto objects = objects_for(ns_);
  ASSERT_TRUE(apply_objects(
                  objects, client, [](const std::string&) {}, no_wait())
                  .ok());
  // No controller runs here: make the claims the StatefulSet controller would have made.
  for (const std::string name : {"data-mysql-0", "data-mysql-1", "other-claim"}) {
    const json pvc = {
        {"apiVersion", "v1"},
        {"kind", "PersistentVolumeClaim"},
        {"metadata", {{"name", name}}},
        {"spec", {{"accessModes", {"ReadWriteOnce"}}, {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}};
    auto made = client.send("POST", "/api/v1/namespaces/" + ns_ + "/persistentvolumeclaims", pvc, "application/json");
    ASSERT_TRUE(made.ok()) << made.error().to_string();
  }
  Lines out;
  const auto kept = teardown_objects(objects, client, out.progress(), false);
  ASSERT_TRUE(kept.ok()) << kept.error->to_string();
  EXPECT_TRUE(kept.pvcs.empty());
  for (const auto& o : objects) {
    auto got = get_object(client, o);
    if (o.kind == "Secret") {
      EXPECT_TRUE(got.ok()) << "the Secret goes with the kept claims";
      continue;
    }
    // Foreground deletion of objects with dependents leaves them with a deletionTimestamp until the
    // garbage collector (not running here) has removed the dependents; the others are gone at once.
    if (got.ok() && (o.kind == "StatefulSet" || o.kind == "Deployment")) {
      EXPECT_TRUE((*got)["metadata"].contains("deletionTimestamp")) << o.kind << " " << o.name << " still there";
    } else {
      EXPECT_EQ(got.error().reason, "NotFound") << got.error().to_string();
    }
  }
  auto claims = client.get("/api/v1/namespaces/" + ns_ + "/persistentvolumeclaims");
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ((*claims)["items"].size(), 3U);
  // A second teardown finds everything absent, and now deletes the StatefulSet's claims only.
  const auto removed = teardown_objects(objects, client, out.progress(), true);
  ASSERT_TRUE(removed.ok()) << removed.error->to_string();
  EXPECT_THAT(removed.pvcs, ::testing::UnorderedElementsAre("data-mysql-0", "data-mysql-1"));
  EXPECT_THAT(out.joined(), HasSubstr("kept Secret " + ns_ + "/mysql-credentials: kept with the data"));
  EXPECT_THAT(out.joined(), HasSubstr("deleted Secret " + ns_ + "/mysql-credentials"));
  for (const auto& o : objects) {
    if (o.kind == "Secret") {
      EXPECT_FALSE(get_object(client, o).ok()) << "deleted with the claims";
    }
  }
  claims = client.get("/api/v1/namespaces/" + ns_ + "/persistentvolumeclaims");
  ASSERT_TRUE(claims.ok());
  std::vector<std::string> left;
  for (const auto& c : (*claims)["items"]) {
    if (!c["metadata"].contains("deletionTimestamp")) left.push_back(c["metadata"]["name"]);
  }
  EXPECT_THAT(left, ::testing::ElementsAre("other-claim"));
}

TEST_F(DeployerTest, ForbiddenStopsAtTheFirstObjectAndSaysSo) {
  auto client = admin("kubeconfig-nobody");
  const auto objects = objects_for(ns_);
  Lines out;
  const auto report = apply_objects(objects, client, out.progress(), no_wait());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error->reason, "Forbidden");
  EXPECT_EQ(report.error->http_status, 403);
  const auto first = object_label(objects[0].kind, ns_, objects[0].name);
  EXPECT_EQ(report.error->object, first);
  EXPECT_THAT(report.error->to_string(), HasSubstr(first + ": Forbidden (403)"));
  EXPECT_THAT(report.error->message, HasSubstr("nobody"));
  EXPECT_EQ(report.objects[0].outcome, Outcome::failed);
  for (std::size_t i = 1; i < report.objects.size(); ++i) EXPECT_EQ(report.objects[i].outcome, Outcome::not_attempted);
  EXPECT_THAT(out.joined(), HasSubstr("applied before the failure: none"));
  EXPECT_THAT(out.joined(), HasSubstr("not applied: " + object_label(objects[1].kind, ns_, objects[1].name)));
}

TEST_F(DeployerTest, AnInvalidObjectIsNamedWithItsFieldCausesAndTheRestIsReported) {
  auto client = admin();
  auto objects = objects_for(ns_, false);
  auto sts = std::find_if(objects.begin(), objects.end(), [](const auto& o) { return o.kind == "StatefulSet"; });
  ASSERT_NE(sts, objects.end());
  sts->body["spec"]["replicas"] = -1;
  const auto index = static_cast<std::size_t>(sts - objects.begin());
  Lines out;
  const auto report = apply_objects(objects, client, out.progress(), no_wait());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error->reason, "Invalid");
  EXPECT_EQ(report.error->http_status, 422);
  EXPECT_EQ(report.error->object, "StatefulSet " + ns_ + "/mysql");
  ASSERT_FALSE(report.error->causes.empty());
  EXPECT_EQ(report.error->causes[0].field, "spec.replicas");
  EXPECT_THAT(report.error->to_string(), HasSubstr("spec.replicas: "));
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const auto expected = i < index ? Outcome::created : i == index ? Outcome::failed : Outcome::not_attempted;
    EXPECT_EQ(report.objects[i].outcome, expected) << report.objects[i].object;
  }
  EXPECT_THAT(out.joined(), HasSubstr("stopped: StatefulSet " + ns_ + "/mysql: Invalid (422)"));
  EXPECT_THAT(out.joined(), HasSubstr("applied before the failure: " + report.objects[0].object));
  EXPECT_THAT(report.summary(), HasSubstr("not applied " + std::to_string(objects.size() - index - 1)));
}

TEST_F(DeployerTest, WaitingForPodsThatNeverRunTimesOutNamingTheStatefulSet) {
  auto client = admin();
  ApplyOptions options;
  options.timeout = std::chrono::seconds(2);
  options.poll = std::chrono::milliseconds(200);
  Lines out;
  const auto report = apply_objects(objects_for(ns_, false), client, out.progress(), options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error->reason, "Timeout");
  EXPECT_EQ(report.error->object, "StatefulSet " + ns_ + "/mysql");
  EXPECT_THAT(report.error->message, HasSubstr("0/3 pods ready, still waiting for mysql-0 (not created yet)"));
  EXPECT_THAT(out.joined(), HasSubstr("StatefulSet " + ns_ + "/mysql: 0/3 pods ready"));
}

// Pods made by hand and marked Ready through the status subresource: the wait goes through the
// ordinals in order, then the proxy Deployment.
TEST_F(DeployerTest, WaitFollowsThePodsInOrderThenTheProxy) {
  auto client = admin();
  auto objects = objects_for(ns_, false);
  ApplyOptions options;
  options.wait = false;
  ASSERT_TRUE(apply_objects(
                  objects, client, [](const std::string&) {}, options)
                  .ok());
  auto make_ready_pod = [&](const std::string& name) {
    const json pod = {{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata", {{"name", name}}},
                      {"spec", {{"containers", {{{"name", "c"}, {"image", "x"}}}}}}};
    auto made = client.send("POST", "/api/v1/namespaces/" + ns_ + "/pods", pod, "application/json");
    ASSERT_TRUE(made.ok()) << made.error().to_string();
    const json status = {{"status", {{"phase", "Running"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
    auto marked = client.send("PATCH", "/api/v1/namespaces/" + ns_ + "/pods/" + name + "/status", status,
                              "application/merge-patch+json");
    ASSERT_TRUE(marked.ok()) << marked.error().to_string();
  };
  for (const std::string name : {"mysql-0", "mysql-1", "mysql-2"}) make_ready_pod(name);
  // The proxy Deployment's status as a controller would write it.
  const json dep_status = {{"status", {{"replicas", 2}, {"readyReplicas", 2}, {"updatedReplicas", 2}}}};
  auto marked = client.send("PATCH", "/apis/apps/v1/namespaces/" + ns_ + "/deployments/weir/status", dep_status,
                            "application/merge-patch+json");
  ASSERT_TRUE(marked.ok()) << marked.error().to_string();
  options.wait = true;
  options.timeout = std::chrono::seconds(20);
  options.poll = std::chrono::milliseconds(200);
  Lines out;
  const auto report = apply_objects(objects, client, out.progress(), options);
  ASSERT_TRUE(report.ok()) << report.summary() << "\n" << out.joined();
  EXPECT_THAT(out.joined(), HasSubstr("StatefulSet " + ns_ + "/mysql: 3/3 pods ready"));
  EXPECT_THAT(out.joined(), HasSubstr("Deployment " + ns_ + "/weir: 2/2 replicas ready"));

  auto status = cluster_status(client, ns_, "mysql", "weir");
  ASSERT_TRUE(status.ok()) << status.error().to_string();
  // The pods made here carry no labels, so the StatefulSet's selector finds none of them.
  EXPECT_EQ(status->desired, 3);
  EXPECT_EQ(status->proxy_ready, 2);
  EXPECT_THAT(status->lag_note, HasSubstr("lag unknown"));
}

TEST_F(DeployerTest, StatusListsThePodsWithRolesAndReadiness) {
  auto client = admin();
  const auto objects = objects_for(ns_, false);
  ASSERT_TRUE(apply_objects(
                  objects, client, [](const std::string&) {}, no_wait())
                  .ok());
  auto sts = client.get("/apis/apps/v1/namespaces/" + ns_ + "/statefulsets/mysql");
  ASSERT_TRUE(sts.ok());
  const json labels = (*sts)["spec"]["selector"]["matchLabels"];
  for (const std::string name : {"mysql-1", "mysql-0"}) {
    const json pod = {{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata", {{"name", name}, {"labels", labels}}},
                      {"spec", {{"containers", {{{"name", "c"}, {"image", "x"}}}}}}};
    ASSERT_TRUE(client.send("POST", "/api/v1/namespaces/" + ns_ + "/pods", pod, "application/json").ok());
  }
  const json ready = {{"status", {{"phase", "Running"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
  ASSERT_TRUE(
      client.send("PATCH", "/api/v1/namespaces/" + ns_ + "/pods/mysql-0/status", ready, "application/merge-patch+json")
          .ok());
  auto status = cluster_status(client, ns_, "mysql", "weir");
  ASSERT_TRUE(status.ok()) << status.error().to_string();
  ASSERT_EQ(status->pods.size(), 2U);
  EXPECT_EQ(status->pods[0].name, "mysql-0");
  EXPECT_EQ(status->pods[0].role, "primary");
  EXPECT_TRUE(status->pods[0].ready);
  EXPECT_EQ(status->pods[1].name, "mysql-1");
  EXPECT_EQ(status->pods[1].role, "replica");
  EXPECT_FALSE(status->pods[1].ready);
  const auto text = format_status(*status);
  EXPECT_THAT(text, HasSubstr("mysql-0"));
  EXPECT_THAT(text, HasSubstr("primary"));
  EXPECT_THAT(text, HasSubstr("proxy weir: 0/2 ready"));
  // The lag comes from a ready proxy pod's /backends when the admin Service is absent; no kubelet
  // runs here, so the API server cannot reach the pod and the note names where it asked.
  auto dep = client.get("/apis/apps/v1/namespaces/" + ns_ + "/deployments/weir");
  ASSERT_TRUE(dep.ok());
  const json proxy_pod = {{"apiVersion", "v1"},
                          {"kind", "Pod"},
                          {"metadata", {{"name", "weir-abc"}, {"labels", (*dep)["spec"]["selector"]["matchLabels"]}}},
                          {"spec", {{"containers", {{{"name", "c"}, {"image", "x"}}}}}}};
  ASSERT_TRUE(client.send("POST", "/api/v1/namespaces/" + ns_ + "/pods", proxy_pod, "application/json").ok());
  ASSERT_TRUE(
      client.send("PATCH", "/api/v1/namespaces/" + ns_ + "/pods/weir-abc/status", ready, "application/merge-patch+json")
          .ok());
  status = cluster_status(client, ns_, "mysql", "weir");
  ASSERT_TRUE(status.ok()) << status.error().to_string();
  EXPECT_THAT(status->lag_note, HasSubstr("/api/v1/namespaces/" + ns_ + "/pods/weir-abc:"));
  auto missing = cluster_status(client, ns_, "nosuch", "weir");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().to_string(), HasSubstr("StatefulSet " + ns_ + "/nosuch: NotFound (404)"));
}

TEST_F(DeployerTest, ServerSideDryRunChangesNothing) {
  auto client = admin();
  ApplyOptions options = no_wait();
  options.dry_run = true;
  const auto objects = objects_for(ns_, false);
  const auto report = apply_objects(
      objects, client, [](const std::string&) {}, options);
  ASSERT_TRUE(report.ok()) << report.summary();
  for (const auto& o : objects) EXPECT_FALSE(get_object(client, o).ok()) << o.kind << " " << o.name;
}

}  // namespace
}  // namespace weir::deployer::testing
