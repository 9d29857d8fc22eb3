// The Helm chart and `weir deploy --dry-run -o yaml` render the same objects, field by field, for
// the default values and for values that switch every branch. Allowed differences, and only these:
// the label app.kubernetes.io/managed-by (Helm / weir), annotations under helm.sh/, the Secret's
// random passwords (the keys must match), and the chart's `helm test` hook pod (not deployed).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "weir/cli/dispatch.hpp"
#include "weir/deployer/commands.hpp"
#include "weir/manifests/manifests.hpp"
#include "weir/manifests/yaml_json.hpp"
#include "weir/testing/temp_dir.hpp"

namespace weir::manifests {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string helm_path() {
  if (const char* env = std::getenv("WEIR_HELM"); env != nullptr && *env != '\0') return env;
  return WEIR_DEFAULT_HELM;
}

struct Output {
  int status = -1;
  std::string out;
};

// Runs a command line (words quoted by the caller) and captures stdout and stderr together.
Output run(const std::string& command) {
  Output r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// `weir deploy <args>` in this process, its standard output captured (the command's own table and run).
Output weir_deploy(std::vector<std::string> words) {
  words.insert(words.begin(), "deploy");
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  const weir::testing::TempDir dir("weir-deploy-out-");
  const fs::path file = dir / "stdout";
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  FILE* out = std::fopen(file.c_str(), "w");
  ::dup2(::fileno(out), STDOUT_FILENO);
  Output r;
  r.status = weir::cli::dispatch(weir::deployer::deploy_command(), std::span<char*>(argv.data(), argv.size()));
  std::fflush(stdout);
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  std::fclose(out);
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  r.out = text.str();
  fs::remove(file);
  return r;
}

bool is_hook(const json& object) {
  return object.contains("metadata") && object["metadata"].contains("annotations") &&
         object["metadata"]["annotations"].contains("helm.sh/hook");
}

json normalise(json object) {
  json& meta = object["metadata"];
  if (meta.contains("labels")) meta["labels"].erase("app.kubernetes.io/managed-by");
  if (meta.contains("annotations")) {
    json kept = json::object();
    for (const auto& [key, value] : meta["annotations"].items()) {
      if (key.rfind("helm.sh/", 0) != 0) kept[key] = value;
    }
    if (kept.empty()) {
      meta.erase("annotations");
    } else {
      meta["annotations"] = kept;
    }
  }
  if (object.value("kind", "") == "Secret") {
    json keys = json::object();
    for (const char* field : {"data", "stringData"}) {
      if (!object.contains(field)) continue;
      for (const auto& [key, value] : object[field].items()) {
        keys[key] = value.is_string() && !value.get<std::string>().empty() ? "<secret>" : "<empty>";
      }
      object.erase(field);
    }
    object["secretKeys"] = keys;
  }
  return object;
}

using ObjectMap = std::map<std::string, json>;

ObjectMap by_kind_and_name(const std::vector<json>& docs, const std::string& managed_by, std::string& problems) {
  ObjectMap out;
  for (const auto& doc : docs) {
    if (is_hook(doc)) continue;
    const std::string id = doc.value("kind", "?") + "/" + doc["metadata"].value("name", "?");
    const auto labels = doc["metadata"].value("labels", json::object());
    if (labels.value("app.kubernetes.io/managed-by", "") != managed_by) {
      problems += id + ": app.kubernetes.io/managed-by is not " + managed_by + "\n";
    }
    if (!out.emplace(id, normalise(doc)).second) problems += id + " appears twice\n";
  }
  return out;
}

void diff(const json& chart, const json& deployer, const std::string& path, std::string& out) {
  if (chart.type() != deployer.type() || (!chart.is_object() && !chart.is_array())) {
    if (chart != deployer) out += "  " + path + ": chart " + chart.dump() + " / weir deploy " + deployer.dump() + "\n";
    return;
  }
  if (chart.is_object()) {
    for (const auto& [key, value] : chart.items()) {
      if (!deployer.contains(key)) {
        out += "  " + path + "." + key + ": only in the chart: " + value.dump() + "\n";
      } else {
        diff(value, deployer[key], path + "." + key, out);
      }
    }
    for (const auto& [key, value] : deployer.items()) {
      if (!chart.contains(key)) out += "  " + path + "." + key + ": only in weir deploy: " + value.dump() + "\n";
    }
    return;
  }
  if (chart.size() != deployer.size()) {
    out += "  " + path + ": " + std::to_string(chart.size()) + " items in the chart, " +
           std::to_string(deployer.size()) + " in weir deploy\n";
  }
  for (std::size_t i = 0; i < std::min(chart.size(), deployer.size()); ++i) {
    diff(chart[i], deployer[i], path + "[" + std::to_string(i) + "]", out);
  }
}

class ChartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(helm_path())) {
      GTEST_SKIP() << "helm not found at " << helm_path() << " (run scripts/setup-k8s-tools.sh or set WEIR_HELM)";
    }
  }

  // Renders both with the same values file (empty: the defaults) and namespace; returns the
  // differences, empty when they agree.
  static std::string compare(const std::string& values_yaml, const std::string& ns, std::size_t* objects = nullptr) {
    std::vector<std::string> deploy_args{"--dry-run", "-o", "yaml", "-n", ns};
    std::string helm = quote(helm_path()) + " template weir " + quote(WEIR_CHART_DIR) + " --namespace " + quote(ns);
    const weir::testing::TempDir dir("weir-chart-values-");
    fs::path values;
    if (!values_yaml.empty()) {
      values = dir / "values.yaml";
      std::ofstream(values) << values_yaml;
      deploy_args.insert(deploy_args.end(), {"-f", values.string()});
      helm += " -f " + quote(values.string());
    }
    const Output chart = run(helm);
    const Output deployer = weir_deploy(deploy_args);
    if (chart.status != 0) return "helm template failed:\n" + chart.out;
    if (deployer.status != 0) return "weir deploy --dry-run failed";
    std::string problems;
    const ObjectMap a = by_kind_and_name(yaml_documents_to_json(chart.out), "Helm", problems);
    const ObjectMap b = by_kind_and_name(yaml_documents_to_json(deployer.out), "weir", problems);
    for (const auto& [id, object] : a) {
      auto it = b.find(id);
      if (it == b.end()) {
        problems += id + ": only in the chart\n";
        continue;
      }
      std::string d;
      diff(object, it->second, "", d);
      if (!d.empty()) problems += id + " differs:\n" + d;
    }
    for (const auto& [id, object] : b) {
      if (!a.count(id)) problems += id + ": only in weir deploy\n";
    }
    if (objects != nullptr) *objects = a.size();
    return problems;
  }
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// values.yaml, values.schema.json and DeploySettings know the same keys, in the same order for the
// first two, and values.yaml's defaults are DeploySettings' defaults.
TEST(ChartValues, EveryKnobIsInValuesSchemaAndSettingsWithTheSameDefault) {
  const auto values = yaml_documents_to_json(read_text(fs::path(WEIR_CHART_DIR) / "values.yaml"));
  ASSERT_EQ(values.size(), 1U);
  std::vector<std::string> keys;
  for (const auto& [key, value] : values[0].items()) keys.push_back(key);
  std::vector<std::string> known = values_keys();
  std::vector<std::string> sorted_known = known;
  std::sort(sorted_known.begin(), sorted_known.end());
  EXPECT_EQ(keys, sorted_known) << "values.yaml and DeploySettings (values_keys) differ";
  const json schema = json::parse(read_text(fs::path(WEIR_CHART_DIR) / "values.schema.json"));
  std::vector<std::string> schema_keys;
  for (const auto& [key, value] : schema.at("properties").items()) schema_keys.push_back(key);
  EXPECT_EQ(schema_keys, sorted_known) << "values.schema.json and DeploySettings differ";

  DeploySettings from_file;
  from_file.replicas = -1;  // overwritten by the file, or the comparison below fails
  ASSERT_EQ(apply_values_yaml(from_file, read_text(fs::path(WEIR_CHART_DIR) / "values.yaml"), "values.yaml"), "");
  auto without_secret = [](const std::vector<Object>& objects) {
    std::vector<json> out;
    for (const auto& o : objects) {
      if (o.kind != "Secret") out.push_back(o.body);
    }
    return out;
  };
  EXPECT_EQ(without_secret(build_objects(from_file)), without_secret(build_objects(DeploySettings{})));
}

TEST_F(ChartTest, LintPasses) {
  const Output lint = run(quote(helm_path()) + " lint --strict " + quote(WEIR_CHART_DIR));
  EXPECT_EQ(lint.status, 0) << lint.out;
}

TEST_F(ChartTest, DefaultValuesRenderTheSameObjectsAsWeirDeploy) {
  std::size_t objects = 0;
  EXPECT_EQ(compare("", "default", &objects), "");
  EXPECT_EQ(objects, 16U);
}

TEST_F(ChartTest, EveryBranchRendersTheSameObjectsAsWeirDeploy) {
  const std::string values =
      "name: db\n"
      "flavour: mysql\n"
      "replicas: 5\n"
      "backupImage: registry.example/xtrabackup:8.0.35\n"
      "weirImage: registry.example/weir:1.2.3\n"
      "imagePullPolicy: Always\n"
      "storageSize: 50Gi\n"
      "storageClass: fast-ssd\n"
      "serverConfig: |\n  [mysqld]\n  max_connections=500\n  innodb_buffer_pool_size=2G\n"
      "databaseCpuRequest: '2'\n"
      "databaseMemoryRequest: 4Gi\n"
      "proxyName: front\n"
      "proxyReplicas: 3\n"
      "proxyPreStopSeconds: 10\n"
      "proxyTerminationGracePeriodSeconds: 60\n"
      "antiAffinity: false\n"
      "serviceMonitor: true\n"
      "adminTokenSecret: shop-admin\n"
      "networkPolicyClientNamespaces: apps,web\n"
      "networkPolicyMetricsNamespaces: '*'\n";
  std::size_t objects = 0;
  EXPECT_EQ(compare(values, "shop", &objects), "");
  EXPECT_EQ(objects, 17U);
  EXPECT_EQ(compare("databaseImage: mariadb:10.11\n", "default"), "");
  EXPECT_EQ(compare("networkPolicyMetricsNamespaces: monitoring\n", "default"), "");
  EXPECT_EQ(compare("networkPolicy: false\n", "default", &objects), "");
  EXPECT_EQ(objects, 14U);
}

TEST_F(ChartTest, TheComparisonSeesADrift) {
  // The same comparison between the chart with one value changed and weir deploy without it.
  const std::string problems = [] {
    const Output chart = run(quote(helm_path()) + " template weir " + quote(WEIR_CHART_DIR) + " --set replicas=4");
    const Output deployer = weir_deploy({"--dry-run"});
    std::string p;
    const ObjectMap a = by_kind_and_name(yaml_documents_to_json(chart.out), "Helm", p);
    const ObjectMap b = by_kind_and_name(yaml_documents_to_json(deployer.out), "weir", p);
    diff(a.at("StatefulSet/mysql"), b.at("StatefulSet/mysql"), "", p);
    return p;
  }();
  EXPECT_NE(problems.find(".spec.replicas: chart 4 / weir deploy 3"), std::string::npos) << problems;
}

TEST_F(ChartTest, BadValuesAreRefusedByBoth) {
  for (const char* bad :
       {"replicas=0", "flavour=postgres", "storageSize=ten", "imagePullPolicy=Sometimes",
        "networkPolicyClientNamespaces=Apps", "networkPolicyMetricsNamespaces=a,,b", "adminTokenSecret=Bad_Name"}) {
    const Output chart = run(quote(helm_path()) + " template weir " + quote(WEIR_CHART_DIR) + " --set " + bad);
    EXPECT_NE(chart.status, 0) << bad << " accepted by the chart";
    EXPECT_NE(weir_deploy({"--dry-run", "--set", bad}).status, 0) << bad << " accepted by weir deploy";
  }
}

TEST_F(ChartTest, HelmTestHookWritesAndReadsThroughTheProxyService) {
  const Output chart = run(quote(helm_path()) + " template weir " + quote(WEIR_CHART_DIR));
  ASSERT_EQ(chart.status, 0) << chart.out;
  int hooks = 0;
  for (const auto& doc : yaml_documents_to_json(chart.out)) {
    if (!is_hook(doc)) continue;
    ++hooks;
    EXPECT_EQ(doc["metadata"]["annotations"]["helm.sh/hook"], "test");
    const std::string script = doc["spec"]["containers"][0]["command"][2];
    EXPECT_NE(script.find("-h weir -P 3306"), std::string::npos) << script;
    EXPECT_NE(script.find("REPLACE INTO"), std::string::npos);
    EXPECT_NE(script.find("[ \"$got\" = \"$stamp\" ]"), std::string::npos);
  }
  EXPECT_EQ(hooks, 1);
}

}  // namespace
}  // namespace weir::manifests
