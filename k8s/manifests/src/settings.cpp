// DeploySettings from values files and `key=value` assignments, and their validation. The keys
// are those of charts/weir/values.yaml (and values.schema.json checks the same rules).
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <regex>
#include <variant>

#include "weir/manifests/manifests.hpp"

namespace weir::manifests {
namespace {

using StringField = std::string DeploySettings::*;
using IntField = int DeploySettings::*;
using BoolField = bool DeploySettings::*;

struct Key {
  const char* name;
  std::variant<StringField, IntField, BoolField> field;
};

// In values.yaml order.
const Key kKeys[] = {
    {"name", &DeploySettings::name},
    {"flavour", &DeploySettings::flavour},
    {"replicas", &DeploySettings::replicas},
    {"databaseImage", &DeploySettings::database_image},
    {"backupImage", &DeploySettings::backup_image},
    {"weirImage", &DeploySettings::weir_image},
    {"imagePullPolicy", &DeploySettings::image_pull_policy},
    {"storageSize", &DeploySettings::storage_size},
    {"storageClass", &DeploySettings::storage_class},
    {"serverConfig", &DeploySettings::server_config},
    {"databaseCpuRequest", &DeploySettings::database_cpu},
    {"databaseMemoryRequest", &DeploySettings::database_memory},
    {"sidecarCpuRequest", &DeploySettings::sidecar_cpu},
    {"sidecarMemoryRequest", &DeploySettings::sidecar_memory},
    {"proxyName", &DeploySettings::proxy_name},
    {"proxyReplicas", &DeploySettings::proxy_replicas},
    {"proxyCpuRequest", &DeploySettings::proxy_cpu},
    {"proxyMemoryRequest", &DeploySettings::proxy_memory},
    {"proxyPreStopSeconds", &DeploySettings::proxy_pre_stop_seconds},
    {"proxyTerminationGracePeriodSeconds", &DeploySettings::proxy_termination_grace_seconds},
    {"antiAffinity", &DeploySettings::anti_affinity},
    {"serviceMonitor", &DeploySettings::service_monitor},
    {"adminTokenSecret", &DeploySettings::admin_token_secret},
    {"networkPolicy", &DeploySettings::network_policy},
    {"networkPolicyClientNamespaces", &DeploySettings::network_policy_client_namespaces},
    {"networkPolicyMetricsNamespaces", &DeploySettings::network_policy_metrics_namespaces},
};

const Key* find_key(const std::string& name) {
  for (const auto& key : kKeys) {
    if (name == key.name) return &key;
  }
  return nullptr;
}

std::string unknown_key(const std::string& name) {
  std::string known;
  for (const auto& key : kKeys) known += std::string(known.empty() ? "" : ", ") + key.name;
  return "unknown key '" + name + "' (known: " + known + ")";
}

// Sets one field from its text form; the error names the key.
std::string assign(DeploySettings& s, const Key& key, const std::string& text) {
  const std::string name = key.name;
  if (const auto* f = std::get_if<StringField>(&key.field)) {
    s.** f = text;
    return "";
  }
  if (const auto* f = std::get_if<IntField>(&key.field)) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
      return name + ": must be a whole number, got '" + text + "'";
    }
    s.** f = value;
    return "";
  }
  const auto* f = std::get_if<BoolField>(&key.field);
  if (text == "true") {
    s.** f = true;
  } else if (text == "false") {
    s.** f = false;
  } else {
    return name + ": must be true or false, got '" + text + "'";
  }
  return "";
}

bool dns_label(const std::string& text) {
  static const std::regex kLabel("[a-z]([-a-z0-9]*[a-z0-9])?");
  return std::regex_match(text, kLabel);
}

bool quantity(const std::string& text) {
  static const std::regex kQuantity(R"([0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)");
  return std::regex_match(text, kQuantity);
}

// "", "*", or "a,b,c" (DNS labels).
bool namespace_list(const std::string& text) {
  static const std::regex kList("\\*|([a-z0-9]([-a-z0-9]*[a-z0-9])?(,[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?");
  return std::regex_match(text, kList);
}

}  // namespace

std::vector<std::string> namespace_list_items(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto comma = text.find(',', start);
    const auto end = comma == std::string::npos ? text.size() : comma;
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> values_keys() {
  std::vector<std::string> out;
  for (const auto& key : kKeys) out.emplace_back(key.name);
  return out;
}

std::string set_value(DeploySettings& settings, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) return "--set expects key=value, got '" + assignment + "'";
  const std::string name = assignment.substr(0, eq);
  const Key* key = find_key(name);
  if (key == nullptr) return "--set: " + unknown_key(name);
  return assign(settings, *key, assignment.substr(eq + 1));
}

std::string apply_values_yaml(DeploySettings& settings, const std::string& yaml_text, const std::string& source_name) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return source_name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg;
  }
  if (root.IsNull()) return "";
  if (!root.IsMap()) return source_name + ": the values must be a map of keys";
  for (const auto& item : root) {
    const std::string name = item.first.as<std::string>();
    const std::string where = source_name + ":" + std::to_string(item.first.Mark().line + 1) + ": ";
    const Key* key = find_key(name);
    if (key == nullptr) return where + unknown_key(name);
    if (!item.second.IsScalar() && !item.second.IsNull()) return where + name + ": must be a single value";
    const std::string text = item.second.IsNull() ? "" : item.second.Scalar();
    if (auto error = assign(settings, *key, text); !error.empty()) return where + error;
  }
  return "";
}

std::string validate_settings(const DeploySettings& s) {
  // The StatefulSet's pods carry a controller-revision-hash label "<name>-<10 chars>" (63 max).
  if (!dns_label(s.name) || s.name.size() > 52) {
    return "name: must be a DNS label (lowercase letters, digits, '-', starting with a letter) of at most 52 "
           "characters, got '" +
           s.name + "'";
  }
  if (!dns_label(s.proxy_name) || s.proxy_name.size() > 57) {
    return "proxyName: must be a DNS label of at most 57 characters, got '" + s.proxy_name + "'";
  }
  if (s.proxy_name == s.name || s.proxy_name == s.name + "-read") {
    return "proxyName: must differ from name and name-read, got '" + s.proxy_name + "'";
  }
  if (!dns_label(s.namespace_name)) return "namespace: must be a DNS label, got '" + s.namespace_name + "'";
  if (s.flavour != "mariadb" && s.flavour != "mysql") {
    return "flavour: must be 'mariadb' or 'mysql', got '" + s.flavour + "'";
  }
  if (s.replicas < 1 || s.replicas > 100) return "replicas: must be 1..100, got " + std::to_string(s.replicas);
  if (s.proxy_replicas < 0 || s.proxy_replicas > 100) {
    return "proxyReplicas: must be 0..100, got " + std::to_string(s.proxy_replicas);
  }
  if (s.weir_image.empty()) return "weirImage: must not be empty";
  if (s.image_pull_policy != "Always" && s.image_pull_policy != "IfNotPresent" && s.image_pull_policy != "Never") {
    return "imagePullPolicy: must be Always, IfNotPresent or Never, got '" + s.image_pull_policy + "'";
  }
  const std::pair<const char*, const std::string*> quantities[] = {{"storageSize", &s.storage_size},
                                                                   {"databaseCpuRequest", &s.database_cpu},
                                                                   {"databaseMemoryRequest", &s.database_memory},
                                                                   {"sidecarCpuRequest", &s.sidecar_cpu},
                                                                   {"sidecarMemoryRequest", &s.sidecar_memory},
                                                                   {"proxyCpuRequest", &s.proxy_cpu},
                                                                   {"proxyMemoryRequest", &s.proxy_memory}};
  for (const auto& [name, value] : quantities) {
    if (!quantity(*value)) {
      return std::string(name) + ": must be a Kubernetes quantity such as 500m, 1Gi or 10Gi, got '" + *value + "'";
    }
  }
  if (!s.storage_class.empty() && !std::regex_match(s.storage_class, std::regex("[a-z0-9]([-.a-z0-9]*[a-z0-9])?"))) {
    return "storageClass: must be a DNS subdomain name or empty, got '" + s.storage_class + "'";
  }
  if (!s.admin_token_secret.empty() &&
      !std::regex_match(s.admin_token_secret, std::regex("[a-z0-9]([-.a-z0-9]*[a-z0-9])?"))) {
    return "adminTokenSecret: must be a Secret name (DNS subdomain) or empty, got '" + s.admin_token_secret + "'";
  }
  for (const auto& [name, value] :
       {std::pair{"networkPolicyClientNamespaces", &s.network_policy_client_namespaces},
        std::pair{"networkPolicyMetricsNamespaces", &s.network_policy_metrics_namespaces}}) {
    if (!namespace_list(*value)) {
      return std::string(name) + ": must be \"\", \"*\" or namespace names separated by commas, got '" + *value + "'";
    }
  }
  if (s.proxy_pre_stop_seconds < 0 || s.proxy_pre_stop_seconds > 300) {
    return "proxyPreStopSeconds: must be 0..300, got " + std::to_string(s.proxy_pre_stop_seconds);
  }
  if (s.proxy_termination_grace_seconds <= s.proxy_pre_stop_seconds || s.proxy_termination_grace_seconds > 3600) {
    return "proxyTerminationGracePeriodSeconds: must exceed proxyPreStopSeconds (" +
           std::to_string(s.proxy_pre_stop_seconds) + ") and be at most 3600, got " +
           std::to_string(s.proxy_termination_grace_seconds);
  }
  return "";
}

}  // namespace weir::manifests
