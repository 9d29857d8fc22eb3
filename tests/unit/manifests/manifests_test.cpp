// build_objects and the settings of `weir deploy`: every object present, labels, probes through
// `weir pod probe`, PVC retention, secrets only in the Secret, and errors naming the key.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "weir/config/config.hpp"
#include "weir/manifests/manifests.hpp"
#include "weir/manifests/rendered_files.hpp"
#include "weir/manifests/yaml_json.hpp"
#include "weir/testing/temp_dir.hpp"

namespace weir::manifests {
namespace {

using json = nlohmann::json;

const Object* find(const std::vector<Object>& objects, const std::string& kind, const std::string& name) {
  for (const auto& o : objects) {
    if (o.kind == kind && o.name == name) return &o;
  }
  return nullptr;
}

const json& container(const json& pod_spec, const std::string& list, const std::string& name) {
  for (const auto& c : pod_spec.at(list)) {
    if (c.at("name") == name) return c;
  }
  throw std::runtime_error("no container " + name + " in " + list);
}

std::string joined(const json& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w.get<std::string>();
  return out;
}

TEST(BuildObjects, EveryObjectOfTheTutorialAndTheProxyInApplyOrder) {
  const auto objects = build_objects(DeploySettings{});
  std::vector<std::string> got;
  for (const auto& o : objects) got.push_back(o.kind + "/" + o.name);
  const std::vector<std::string> want{
      "ServiceAccount/weir",       "Role/weir",           "RoleBinding/weir",   "Secret/mysql-credentials",
      "Secret/weir-admin-token",   "ConfigMap/mysql",     "ConfigMap/weir",     "Service/mysql",
      "Service/mysql-read",        "NetworkPolicy/mysql", "NetworkPolicy/weir", "StatefulSet/mysql",
      "PodDisruptionBudget/mysql", "Deployment/weir",     "Service/weir",       "PodDisruptionBudget/weir"};
  EXPECT_EQ(got, want);
  for (const auto& o : objects) {
    EXPECT_EQ(o.body.at("apiVersion"), o.api_version) << o.name;
    EXPECT_EQ(o.body.at("kind"), o.kind);
    EXPECT_EQ(o.body.at("metadata").at("name"), o.name);
    EXPECT_EQ(o.body.at("metadata").at("namespace"), "default");
    EXPECT_EQ(o.namespace_name, "default");
  }
}

TEST(BuildObjects, StandardLabelsOnEveryObjectAndPodTemplate) {
  DeploySettings s;
  s.name = "db";
  s.namespace_name = "shop";
  for (const auto& o : build_objects(s)) {
    const json& labels = o.body.at("metadata").at("labels");
    for (const char* key : {"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component",
                            "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"}) {
      EXPECT_TRUE(labels.contains(key)) << o.kind << "/" << o.name << " lacks " << key;
    }
    EXPECT_EQ(labels.at("app.kubernetes.io/instance"), "db");
    EXPECT_EQ(o.body.at("metadata").at("namespace"), "shop");
    if (o.body.contains("spec") && o.body.at("spec").contains("template")) {
      const json& tpl = o.body.at("spec").at("template").at("metadata").at("labels");
      for (const auto& [k, v] : o.body.at("spec").at("selector").at("matchLabels").items()) {
        EXPECT_EQ(tpl.at(k), v) << o.name << ": the selector must match the pod template";
      }
    }
  }
  const auto objects = build_objects(s);
  EXPECT_EQ(find(objects, "StatefulSet", "db")->body["metadata"]["labels"]["app"], "db");
  EXPECT_EQ(find(objects, "Service", "db-read")->body["metadata"]["labels"]["readonly"], "true");
  EXPECT_EQ(find(objects, "RoleBinding", "weir")->body["subjects"][0]["namespace"], "shop");
}

TEST(BuildObjects, StatefulSetAsTheTutorialWithWeirPodSteps) {
  const auto objects = build_objects(DeploySettings{});
  const json& spec = find(objects, "StatefulSet", "mysql")->body.at("spec");
  EXPECT_EQ(spec.at("replicas"), 3);
  EXPECT_EQ(spec.at("serviceName"), "mysql");
  EXPECT_EQ(spec.at("podManagementPolicy"), "OrderedReady");
  EXPECT_EQ(spec.at("persistentVolumeClaimRetentionPolicy").at("whenScaled"), "Retain");
  EXPECT_EQ(spec.at("persistentVolumeClaimRetentionPolicy").at("whenDeleted"), "Retain");
  const json& claim = spec.at("volumeClaimTemplates").at(0);
  EXPECT_EQ(claim.at("metadata").at("name"), "data");
  EXPECT_EQ(claim.at("spec").at("resources").at("requests").at("storage"), "10Gi");
  EXPECT_FALSE(claim.at("spec").contains("storageClassName"));

  const json& pod = spec.at("template").at("spec");
  std::vector<std::string> init_names;
  for (const auto& c : pod.at("initContainers")) init_names.push_back(c.at("name"));
  EXPECT_EQ(init_names, (std::vector<std::string>{"install-weir", "init", "clone"}));
  EXPECT_EQ(container(pod, "initContainers", "install-weir").at("image"), "weir:latest");
  EXPECT_EQ(joined(container(pod, "initContainers", "install-weir").at("command")),
            "cp -R /opt/weir/bin /opt/weir/lib /mnt/weir/");
  EXPECT_EQ(joined(container(pod, "initContainers", "init").at("command")),
            "/opt/weir/bin/weir pod init --flavour mariadb --service mysql --conf-dir /mnt/conf.d");
  EXPECT_EQ(joined(container(pod, "initContainers", "clone").at("command")),
            "/opt/weir/bin/weir pod clone --flavour mariadb --service mysql");
  EXPECT_EQ(joined(container(pod, "containers", "sidecar").at("command")),
            "/opt/weir/bin/weir pod sidecar --flavour mariadb --service mysql");
  const json& db = container(pod, "containers", "mysql");
  EXPECT_EQ(db.at("image"), "mariadb:11.4") << "the official image, unmodified";
  EXPECT_EQ(joined(db.at("livenessProbe").at("exec").at("command")),
            "/opt/weir/bin/weir pod probe liveness --flavour mariadb --service mysql");
  EXPECT_EQ(joined(db.at("readinessProbe").at("exec").at("command")),
            "/opt/weir/bin/weir pod probe readiness --require-replication --flavour mariadb --service mysql");
  EXPECT_EQ(db.at("resources").at("requests").at("cpu"), "500m");
  EXPECT_EQ(db.at("resources").at("requests").at("memory"), "1Gi");
  EXPECT_EQ(db.at("securityContext").at("runAsNonRoot"), true);
  EXPECT_EQ(db.at("securityContext").at("allowPrivilegeEscalation"), false);
  EXPECT_TRUE(pod.contains("affinity"));
  EXPECT_EQ(pod.at("affinity").at("podAntiAffinity").at("preferredDuringSchedulingIgnoredDuringExecution").size(), 1U);
  EXPECT_FALSE(pod.at("affinity").at("podAntiAffinity").contains("requiredDuringSchedulingIgnoredDuringExecution"));
  // The weir binary reaches the database containers through the emptyDir the init container fills.
  std::set<std::string> volumes;
  for (const auto& v : pod.at("volumes")) volumes.insert(v.at("name"));
  EXPECT_TRUE(volumes.count("weir-bin") && volumes.count("conf") && volumes.count("config-map") &&
              volumes.count("secrets"));
  EXPECT_TRUE(pod.at("volumes").at(1).at("emptyDir").is_object());
  // The entrypoint executes an executable *.sh instead of sourcing it, and then docker_process_sql
  // is undefined: the ConfigMap's files must not be executable. Secrets: owner and group only.
  EXPECT_EQ(pod.at("volumes").at(2).at("configMap").at("defaultMode"), 0444);
  EXPECT_EQ(pod.at("volumes").at(3).at("secret").at("defaultMode"), 0440);
}

// `weir pod` reads the credentials from the Secret's files whatever its step: every container
// that runs it (init containers included) has the Secret mounted where the environment says.
TEST(BuildObjects, EveryContainerRunningWeirPodMountsTheSecret) {
  const auto objects = build_objects(DeploySettings{});
  const json& spec = find(objects, "StatefulSet", "mysql")->body.at("spec").at("template").at("spec");
  int checked = 0;
  for (const char* list : {"initContainers", "containers"}) {
    for (const auto& c : spec.at(list)) {
      const bool runs_pod = c.contains("command") && c.at("command").size() > 1 && c.at("command").at(1) == "pod";
      if (!runs_pod) continue;
      ++checked;
      bool mounted = false;
      for (const auto& m : c.at("volumeMounts"))
        mounted = mounted || (m.at("name") == "secrets" && m.at("mountPath") == "/etc/weir/secrets");
      EXPECT_TRUE(mounted) << c.at("name") << " runs weir pod without the Secret mounted";
    }
  }
  EXPECT_EQ(checked, 3);  // init, clone, sidecar (the database container's probes run in it too)
}

TEST(BuildObjects, MysqlFlavourUsesXtrabackupImageForBackupsAndMysqlVariables) {
  DeploySettings s;
  s.flavour = "mysql";
  s.storage_class = "fast";
  const auto objects = build_objects(s);
  const json& spec = find(objects, "StatefulSet", "mysql")->body.at("spec");
  const json& pod = spec.at("template").at("spec");
  EXPECT_EQ(container(pod, "containers", "mysql").at("image"), "mysql:8.0");
  EXPECT_EQ(container(pod, "containers", "sidecar").at("image"), "percona/percona-xtrabackup:8.0");
  EXPECT_EQ(container(pod, "initContainers", "clone").at("image"), "percona/percona-xtrabackup:8.0");
  EXPECT_EQ(container(pod, "containers", "mysql").at("env").at(0).at("name"), "MYSQL_ROOT_PASSWORD");
  EXPECT_NE(joined(container(pod, "containers", "sidecar").at("command")).find("--flavour mysql"), std::string::npos);
  EXPECT_EQ(spec.at("volumeClaimTemplates").at(0).at("spec").at("storageClassName"), "fast");
  const std::string script = find(objects, "ConfigMap", "mysql")->body.at("data").at("weir-accounts.sh");
  EXPECT_EQ(script.find("SLAVE MONITOR"), std::string::npos) << "MariaDB-only privilege";
}

TEST(BuildObjects, SecretHoldsGeneratedPasswordsAndIsCreateOnly) {
  const auto a = build_objects(DeploySettings{});
  const auto b = build_objects(DeploySettings{});
  const Object* sa = find(a, "Secret", "mysql-credentials");
  const Object* sb = find(b, "Secret", "mysql-credentials");
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(sa->body.at("metadata").at("annotations").at(kCreateOnlyAnnotation), "true");
  for (const char* key : {"root-password", "replication-password", "monitor-password"}) {
    const std::string pa = sa->body.at("stringData").at(key);
    EXPECT_EQ(pa.size(), 24U);
    EXPECT_NE(pa, sb->body.at("stringData").at(key).get<std::string>()) << key << " must be random";
  }
}

TEST(BuildObjects, GeneratedSecretsHiddenForPrinting) {
  const auto objects = build_objects(DeploySettings{});
  const auto shown = with_generated_secrets_hidden(objects);
  ASSERT_EQ(shown.size(), objects.size());
  const std::string text = to_yaml(shown);
  for (const auto& o : objects) {
    if (o.kind != "Secret") continue;
    for (const auto& [key, value] : o.body.at("stringData").items()) {
      EXPECT_EQ(text.find(value.get<std::string>()), std::string::npos) << o.name << " shows " << key;
      EXPECT_EQ(find(shown, "Secret", o.name)->body.at("stringData").at(key), kGeneratedPlaceholder);
    }
  }
}

TEST(BuildObjects, NoSecretValueOutsideTheSecret) {
  const auto objects = build_objects(DeploySettings{});
  const json& data = find(objects, "Secret", "mysql-credentials")->body.at("stringData");
  for (const auto& o : objects) {
    if (o.kind == "Secret") continue;
    const std::string text = o.body.dump();
    for (const auto& [key, value] : data.items()) {
      EXPECT_EQ(text.find(value.get<std::string>()), std::string::npos) << o.kind << "/" << o.name << " has " << key;
    }
    if (o.kind == "ConfigMap") {
      EXPECT_EQ(text.find("password:"), std::string::npos) << "no inline password in " << o.name;
    }
  }
}

// Ports of a NetworkPolicy ingress rule, and the pod selectors (matchLabels "app") it admits.
std::vector<int> rule_ports(const json& rule) {
  std::vector<int> out;
  for (const auto& p : rule.at("ports")) {
    EXPECT_EQ(p.at("protocol"), "TCP");
    out.push_back(p.at("port").get<int>());
  }
  return out;
}
std::vector<std::string> rule_apps(const json& rule) {
  std::vector<std::string> out;
  for (const auto& peer : rule.at("from")) out.push_back(peer.at("podSelector").at("matchLabels").at("app"));
  return out;
}

TEST(BuildObjects, DatabaseNetworkPolicyAdmitsTheProxyAndPeersAndTheBackupStreamOnlyToPeers) {
  const auto objects = build_objects(DeploySettings{});
  const Object* policy = find(objects, "NetworkPolicy", "mysql");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->api_version, "networking.k8s.io/v1");
  const json& spec = policy->body.at("spec");
  EXPECT_EQ(spec.at("podSelector").at("matchLabels").at("app"), "mysql");
  EXPECT_EQ(spec.at("policyTypes"), json::array({"Ingress"}));
  ASSERT_EQ(spec.at("ingress").size(), 2U);
  EXPECT_EQ(rule_ports(spec.at("ingress")[0]), std::vector<int>{3306});
  EXPECT_EQ(rule_apps(spec.at("ingress")[0]), (std::vector<std::string>{"weir", "mysql"}));
  EXPECT_EQ(rule_ports(spec.at("ingress")[1]), std::vector<int>{3307});
  EXPECT_EQ(rule_apps(spec.at("ingress")[1]), std::vector<std::string>{"mysql"});
}

TEST(BuildObjects, ProxyNetworkPolicyAdmitsThisNamespaceAndTheNamedOnes) {
  DeploySettings s;
  const auto objects = build_objects(s);
  const json& spec = find(objects, "NetworkPolicy", "weir")->body.at("spec");
  EXPECT_EQ(spec.at("podSelector").at("matchLabels").at("app"), "weir");
  ASSERT_EQ(spec.at("ingress").size(), 2U);
  EXPECT_EQ(rule_ports(spec.at("ingress")[0]), std::vector<int>{3306});
  EXPECT_EQ(rule_ports(spec.at("ingress")[1]), std::vector<int>{9033});
  const json this_namespace = json::array({{{"podSelector", json::object()}}});
  EXPECT_EQ(spec.at("ingress")[0].at("from"), this_namespace);
  EXPECT_EQ(spec.at("ingress")[1].at("from"), this_namespace);

  s.network_policy_client_namespaces = "apps,web";
  s.network_policy_metrics_namespaces = "*";
  const auto wider_objects = build_objects(s);
  const json& wider = find(wider_objects, "NetworkPolicy", "weir")->body.at("spec");
  const json& clients = wider.at("ingress")[0].at("from");
  ASSERT_EQ(clients.size(), 2U);
  EXPECT_EQ(clients[1].at("namespaceSelector").at("matchExpressions")[0].at("values"), json::array({"apps", "web"}));
  EXPECT_EQ(wider.at("ingress")[1].at("from"), json::array({{{"namespaceSelector", json::object()}}}));

  s.network_policy = false;
  for (const auto& o : build_objects(s)) EXPECT_NE(o.kind, "NetworkPolicy");
}

TEST(BuildObjects, AdminTokenFromAGeneratedCreateOnlySecretMountedAndConfigured) {
  DeploySettings s;
  const auto objects = build_objects(s);
  const Object* secret = find(objects, "Secret", "weir-admin-token");
  ASSERT_NE(secret, nullptr);
  EXPECT_EQ(secret->body.at("metadata").at("annotations").at(kCreateOnlyAnnotation), "true");
  const std::string token = secret->body.at("stringData").at("token");
  EXPECT_EQ(token.size(), 32U);
  EXPECT_NE(token, find(build_objects(s), "Secret", "weir-admin-token")->body.at("stringData").at("token"));
  const json& pod = find(objects, "Deployment", "weir")->body.at("spec").at("template").at("spec");
  EXPECT_EQ(pod.at("volumes")[2].at("secret").at("secretName"), "weir-admin-token");
  EXPECT_EQ(container(pod, "containers", "weir").at("volumeMounts")[2].at("mountPath"), "/etc/weir/admin");
  const std::string config = find(objects, "ConfigMap", "weir")->body.at("data").at("weir.yaml");
  EXPECT_NE(config.find("  token_file: /etc/weir/admin/token\n"), std::string::npos) << config;
  EXPECT_EQ(config.find(token), std::string::npos);

  s.admin_token_secret = "my-token";
  s.service_monitor = true;
  const auto own = build_objects(s);
  EXPECT_EQ(find(own, "Secret", "weir-admin-token"), nullptr) << "a Secret of the user's own is not generated";
  EXPECT_EQ(find(own, "Deployment", "weir")
                ->body.at("spec")
                .at("template")
                .at("spec")
                .at("volumes")[2]
                .at("secret")
                .at("secretName"),
            "my-token");
  EXPECT_EQ(find(own, "ServiceMonitor", "weir")->body.at("spec").at("endpoints")[0].at("bearerTokenSecret"),
            (json{{"name", "my-token"}, {"key", "token"}}));
}

TEST(BuildObjects, ProxyDeploymentDrainsAndIsReadyOnReadyz) {
  const auto objects = build_objects(DeploySettings{});
  const json& spec = find(objects, "Deployment", "weir")->body.at("spec");
  EXPECT_EQ(spec.at("replicas"), 2);
  const json& pod = spec.at("template").at("spec");
  const json& c = container(pod, "containers", "weir");
  EXPECT_EQ(c.at("readinessProbe").at("httpGet").at("path"), "/readyz");
  EXPECT_EQ(c.at("readinessProbe").at("httpGet").at("port"), "admin");
  EXPECT_EQ(joined(c.at("lifecycle").at("preStop").at("exec").at("command")), "sleep 5");
  EXPECT_GT(pod.at("terminationGracePeriodSeconds").get<int>(), 5 + 25) << "preStop plus the 25 s shutdown grace";
  EXPECT_EQ(pod.at("serviceAccountName"), "weir");
  EXPECT_EQ(c.at("securityContext").at("readOnlyRootFilesystem"), true);
  const json& svc = find(objects, "Service", "weir")->body.at("spec");
  EXPECT_EQ(svc.at("ports").at(0).at("port"), 3306);
  EXPECT_EQ(find(objects, "Service", "mysql")->body.at("spec").at("clusterIP"), "None");
  EXPECT_EQ(find(objects, "PodDisruptionBudget", "weir")->body.at("spec").at("maxUnavailable"), 1);
}

TEST(BuildObjects, ProxyPodsCarryTheScrapeAnnotations) {
  const auto objects = build_objects(DeploySettings{});
  const json& annotations =
      find(objects, "Deployment", "weir")->body.at("spec").at("template").at("metadata").at("annotations");
  EXPECT_EQ(annotations.at("prometheus.io/scrape"), "true");
  EXPECT_EQ(annotations.at("prometheus.io/port"), "9033");
  EXPECT_EQ(annotations.at("prometheus.io/path"), "/metrics");
}

TEST(BuildObjects, RoleGrantsOnlyListingAndWatchingEndpointSlices) {
  const auto objects = build_objects(DeploySettings{});
  const json& rules = find(objects, "Role", "weir")->body.at("rules");
  ASSERT_EQ(rules.size(), 1U);
  EXPECT_EQ(rules[0].at("apiGroups"), json::array({"discovery.k8s.io"}));
  EXPECT_EQ(rules[0].at("resources"), json::array({"endpointslices"}));
  EXPECT_EQ(rules[0].at("verbs"), json::array({"list", "watch"}));
}

TEST(BuildObjects, ServiceMonitorOnlyWhenAsked) {
  DeploySettings s;
  EXPECT_EQ(find(build_objects(s), "ServiceMonitor", "weir"), nullptr);
  s.service_monitor = true;
  const auto objects = build_objects(s);
  const Object* monitor = find(objects, "ServiceMonitor", "weir");
  ASSERT_NE(monitor, nullptr);
  EXPECT_EQ(monitor->api_version, "monitoring.coreos.com/v1");
  EXPECT_EQ(monitor->body.at("spec").at("endpoints").at(0).at("port"), "admin");
  EXPECT_NE(find(objects, "Service", "weir-admin"), nullptr);
}

TEST(BuildObjects, AntiAffinityCanBeSwitchedOff) {
  DeploySettings s;
  s.anti_affinity = false;
  for (const auto& o : build_objects(s)) {
    if (o.kind == "StatefulSet" || o.kind == "Deployment") {
      EXPECT_FALSE(o.body.at("spec").at("template").at("spec").contains("affinity")) << o.kind;
    }
  }
}

TEST(ProxyConfig, TheRenderedWeirYamlLoadsInTheProxysParser) {
  const weir::testing::TempDir dir("weir-manifests-");
  const auto secret = dir / "monitor-password";
  std::ofstream(secret) << "s3cret\n";
  std::string text = render_proxy_config("db", 3306, 9033);
  const std::string mounted = "/etc/weir/secrets/monitor-password";
  text.replace(text.find(mounted), mounted.size(), secret.string());
  const auto token = dir / "token";
  std::ofstream(token) << "admin-token\n";
  const std::string mounted_token = "/etc/weir/admin/token";
  text.replace(text.find(mounted_token), mounted_token.size(), token.string());
  const auto result = config::parse_config(text, "weir.yaml");
  ASSERT_TRUE(result.ok()) << result.error_text();
  const auto& cfg = *result.config;
  EXPECT_EQ(cfg.backends.discovery, config::BackendsConfig::Discovery::kubernetes);
  EXPECT_EQ(cfg.backends.kubernetes.service, "db");
  EXPECT_EQ(cfg.backends.kubernetes.namespace_name, "");  // the pod's own
  EXPECT_EQ(cfg.backends.kubernetes.kubeconfig, "");      // the pod's service account
  EXPECT_EQ(cfg.backends.kubernetes.primary_ordinal, 0u);
  EXPECT_EQ(cfg.listen.port, 3306);
  EXPECT_EQ(cfg.admin.port, 9033);
  ASSERT_TRUE(cfg.admin.token.has_value());
  EXPECT_EQ(cfg.admin.token->value, "admin-token");
  EXPECT_TRUE(cfg.load_users_from_backend.enabled);
}

TEST(Yaml, OutputReadsBackAsTheSameObjects) {
  DeploySettings s;
  s.service_monitor = true;
  const auto objects = build_objects(s);
  const auto docs = yaml_documents_to_json(to_yaml(objects));
  ASSERT_EQ(docs.size(), objects.size());
  for (std::size_t i = 0; i < docs.size(); ++i) EXPECT_EQ(docs[i], objects[i].body) << objects[i].name;
  // Strings YAML would read as other types stay strings.
  const json tricky = {{"a", "true"}, {"b", "3306"}, {"c", ""},    {"d", "no"},
                       {"e", "x\ny"}, {"f", "1e3"},  {"g", "null"}};
  EXPECT_EQ(yaml_documents_to_json(json_to_yaml(tricky)).at(0), tricky);
}

TEST(Json, IsAV1List) {
  const auto objects = build_objects(DeploySettings{});
  const json list = json::parse(to_json(objects));
  EXPECT_EQ(list.at("kind"), "List");
  EXPECT_EQ(list.at("apiVersion"), "v1");
  EXPECT_EQ(list.at("items").size(), objects.size());
}

TEST(Settings, DefaultsAreValidAndValuesKeysAreApplied) {
  DeploySettings s;
  EXPECT_EQ(validate_settings(s), "");
  EXPECT_EQ(apply_values_yaml(s, "replicas: 5\nflavour: mysql\nserviceMonitor: true\nstorageClass: fast\n", "v.yaml"),
            "");
  EXPECT_EQ(s.replicas, 5);
  EXPECT_EQ(s.flavour, "mysql");
  EXPECT_TRUE(s.service_monitor);
  EXPECT_EQ(set_value(s, "proxyReplicas=3"), "");
  EXPECT_EQ(s.proxy_replicas, 3);
  EXPECT_EQ(validate_settings(s), "");
}

TEST(Settings, ErrorsNameTheKey) {
  DeploySettings s;
  EXPECT_NE(apply_values_yaml(s, "replicas: 2\nreplics: 3\n", "v.yaml").find("v.yaml:2: unknown key 'replics'"),
            std::string::npos);
  EXPECT_NE(apply_values_yaml(s, "replicas: three\n", "v.yaml").find("replicas: must be a whole number"),
            std::string::npos);
  EXPECT_NE(set_value(s, "serviceMonitor=maybe").find("serviceMonitor: must be true or false"), std::string::npos);
  EXPECT_NE(set_value(s, "nope=1").find("unknown key 'nope'"), std::string::npos);
  const std::pair<const char*, const char*> bad[] = {
      {"flavour=postgres", "flavour:"},
      {"replicas=0", "replicas:"},
      {"name=My_DB", "name:"},
      {"storageSize=ten", "storageSize:"},
      {"imagePullPolicy=Sometimes", "imagePullPolicy:"},
      {"proxyName=mysql", "proxyName:"},
      {"databaseMemoryRequest=1 GB", "databaseMemoryRequest:"},
      {"proxyTerminationGracePeriodSeconds=3", "proxyTerminationGracePeriodSeconds:"}};
  for (const auto& [assignment, key] : bad) {
    DeploySettings t;
    ASSERT_EQ(set_value(t, assignment), "") << assignment;
    EXPECT_EQ(validate_settings(t).rfind(key, 0), 0U) << assignment << " -> " << validate_settings(t);
  }
}

}  // namespace
}  // namespace weir::manifests
