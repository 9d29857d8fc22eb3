#pragma once
// The Kubernetes objects of a weir deployment, built in one place: `weir deploy` applies them and
// the Helm chart (charts/weir) renders the same objects (a test compares both field by field).
//
// The objects follow the tutorial "Run a Replicated Stateful Application" (ConfigMap `mysql`,
// headless Service `mysql`, Service `mysql-read`, StatefulSet `mysql`) with its bash replaced by
// `weir pod init|clone|sidecar|probe`, plus the proxy (Deployment and Service `weir`), the Secrets
// (passwords, the admin token), PodDisruptionBudgets, RBAC, NetworkPolicies and an optional
// ServiceMonitor.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace weir::manifests {

// Every knob of charts/weir/values.yaml has a field here with the same default; the comment names
// the values key. The namespace is not a value: Helm takes it from the release, weir deploy from
// --namespace.
struct DeploySettings {
  std::string name = "mysql";                      // name: StatefulSet, headless Service, ConfigMap base name
  std::string namespace_name = "default";          // (helm: the release namespace; weir deploy: --namespace)
  std::string flavour = "mariadb";                 // flavour: mariadb | mysql
  int replicas = 3;                                // replicas: database pods (ordinal 0 is the primary)
  std::string database_image;                      // databaseImage: "" = mariadb:11.4 | mysql:8.0
  std::string backup_image;                        // backupImage: "" = the database image (mariadb) |
                                                   //   percona/percona-xtrabackup:8.0 (mysql)
  std::string weir_image = "weir:latest";          // weirImage
  std::string image_pull_policy = "IfNotPresent";  // imagePullPolicy: Always | IfNotPresent | Never
  std::string storage_size = "10Gi";               // storageSize: size of each pod's PVC `data`
  std::string storage_class;                       // storageClass: "" = the cluster's default
  std::string server_config = "[mysqld]\nskip-name-resolve\n";  // serverConfig: server.cnf
  std::string database_cpu = "500m";                            // databaseCpuRequest
  std::string database_memory = "1Gi";                          // databaseMemoryRequest
  std::string sidecar_cpu = "100m";                             // sidecarCpuRequest
  std::string sidecar_memory = "100Mi";                         // sidecarMemoryRequest
  std::string proxy_name = "weir";                              // proxyName: Deployment, Service, ConfigMap, RBAC names
  int proxy_replicas = 2;                                       // proxyReplicas
  std::string proxy_cpu = "100m";                               // proxyCpuRequest
  std::string proxy_memory = "128Mi";                           // proxyMemoryRequest
  int proxy_pre_stop_seconds = 5;            // proxyPreStopSeconds: wait before SIGTERM (endpoints update)
  int proxy_termination_grace_seconds = 35;  // proxyTerminationGracePeriodSeconds (> preStop + drain 25s)
  bool anti_affinity = true;                 // antiAffinity: prefer spreading pods over nodes
  bool service_monitor = false;              // serviceMonitor: Prometheus operator ServiceMonitor
  // adminTokenSecret: the Secret (key `token`) with the bearer token of the proxy's admin endpoint;
  // "" = <proxyName>-admin-token, generated and created only when missing.
  std::string admin_token_secret;
  bool network_policy = true;  // networkPolicy: NetworkPolicies for the database and proxy pods
  // networkPolicyClientNamespaces: comma-separated namespaces whose pods may reach the proxy's
  // port 3306, besides this namespace; "*" = every namespace.
  std::string network_policy_client_namespaces;
  // networkPolicyMetricsNamespaces: the same for the admin port 9033 (/metrics for Prometheus).
  std::string network_policy_metrics_namespaces;
};

struct Object {
  std::string api_version, kind, name, namespace_name;
  nlohmann::json body;  // the full object (apiVersion, kind, metadata, ...)
};

// The objects in apply order (RBAC, Secret, ConfigMaps, Services, StatefulSet, proxy, ...).
// The Secret's passwords are generated here (random); whoever applies must create the Secret only
// when it is missing and never overwrite it: it carries the annotation kCreateOnlyAnnotation.
std::vector<Object> build_objects(const DeploySettings& settings);

// The objects with every generated secret value (the stringData of create-only Secrets) replaced
// by kGeneratedPlaceholder: what `weir deploy --dry-run` prints, so that no password reaches a
// terminal, a CI log or a pasted output.
std::vector<Object> with_generated_secrets_hidden(std::vector<Object> objects);
inline constexpr const char* kGeneratedPlaceholder = "<generated>";

std::string to_yaml(const std::vector<Object>& objects);  // multi-document YAML ("---" between)
std::string to_json(const std::vector<Object>& objects);  // a v1 List, pretty-printed

// Annotation on objects an applier must create when missing and leave alone when present.
inline constexpr const char* kCreateOnlyAnnotation = "weir.io/create-only";

// --- settings from values files and flags ------------------------------------------------------

struct [[nodiscard]] SettingsResult {
  DeploySettings settings;
  std::string error;  // non-empty: what was wrong, naming the key (and the file)
  bool ok() const { return error.empty(); }
};

// Checks every field (names, counts, quantities, enums); the message names the values key.
std::string validate_settings(const DeploySettings& settings);

// Applies one `key=value` (a values key, as in `helm --set`) to settings.
std::string set_value(DeploySettings& settings, const std::string& assignment);

// Applies a values-style YAML document (the keys of values.yaml; unknown keys are errors).
std::string apply_values_yaml(DeploySettings& settings, const std::string& yaml_text, const std::string& source_name);

// The values keys, in values.yaml order (for help texts and tests).
std::vector<std::string> values_keys();

// The names of a networkPolicy*Namespaces value ("a,b" -> {"a", "b"}; "" -> {}).
std::vector<std::string> namespace_list_items(const std::string& text);

// The Secret holding the admin token: adminTokenSecret, or the generated <proxyName>-admin-token.
std::string admin_token_secret_name(const DeploySettings& settings);

// The images actually used, after the per-flavour defaults.
std::string effective_database_image(const DeploySettings& settings);
std::string effective_backup_image(const DeploySettings& settings);

}  // namespace weir::manifests
