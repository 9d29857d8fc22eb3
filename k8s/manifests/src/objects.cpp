// build_objects: every Kubernetes object of a weir deployment. charts/weir/templates renders the
// same objects; tests/chart compares both, so a change here needs the same change there.
#include <random>

#include "weir/manifests/manifests.hpp"
#include "weir/manifests/rendered_files.hpp"

namespace weir::manifests {
namespace {

using json = nlohmann::json;

constexpr int kMysqlPort = 3306;
constexpr int kBackupPort = 3307;
constexpr int kAdminPort = 9033;
constexpr int kDatabaseUid = 999;              // the mysql user of the official mariadb and mysql images
constexpr int kWeirUid = 10001;                // the weir user of weir's image (Dockerfile)
constexpr const char* kWeirDir = "/opt/weir";  // the weir bundle in the image and in database pods
constexpr const char* kSecretsDir = "/etc/weir/secrets";
constexpr const char* kAdminTokenDir = "/etc/weir/admin";  // render_proxy_config's token_file is in it

std::string weir_bin() { return std::string(kWeirDir) + "/bin/weir"; }

std::string secret_name(const DeploySettings& s) { return s.name + "-credentials"; }

json labels(const DeploySettings& s, const std::string& app, const std::string& component) {
  return {{"app", app},
          {"app.kubernetes.io/name", app},
          {"app.kubernetes.io/instance", s.name},
          {"app.kubernetes.io/component", component},
          {"app.kubernetes.io/part-of", "weir"},
          {"app.kubernetes.io/managed-by", "weir"}};
}

json db_labels(const DeploySettings& s) { return labels(s, s.name, "database"); }
json proxy_labels(const DeploySettings& s) { return labels(s, s.proxy_name, "proxy"); }
// Pod templates carry the labels without managed-by (pods are made by their controllers).
json pod_labels(json object_labels) {
  object_labels.erase("app.kubernetes.io/managed-by");
  return object_labels;
}
json db_selector(const DeploySettings& s) { return {{"app", s.name}, {"app.kubernetes.io/name", s.name}}; }
json proxy_selector(const DeploySettings& s) {
  return {{"app", s.proxy_name}, {"app.kubernetes.io/name", s.proxy_name}};
}

json metadata(const DeploySettings& s, const std::string& name, const json& object_labels) {
  return {{"name", name}, {"namespace", s.namespace_name}, {"labels", object_labels}};
}

Object make(const DeploySettings& s, const std::string& api_version, const std::string& kind, const std::string& name,
            const json& object_labels, json rest) {
  json body = {{"apiVersion", api_version}, {"kind", kind}, {"metadata", metadata(s, name, object_labels)}};
  for (auto& [key, value] : rest.items()) body[key] = value;
  return Object{api_version, kind, name, s.namespace_name, std::move(body)};
}

// `length` characters from [A-Za-z0-9]: about 5.95 bits each (24: 143 bits).
std::string random_password(int length = 24) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device device;
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
  std::string out;
  for (int i = 0; i < length; ++i) out += kAlphabet[pick(device)];
  return out;
}

json anti_affinity(const json& selector) {
  return {{"podAntiAffinity",
           {{"preferredDuringSchedulingIgnoredDuringExecution",
             json::array(
                 {{{"weight", 100},
                   {"podAffinityTerm",
                    {{"labelSelector", {{"matchLabels", selector}}}, {"topologyKey", "kubernetes.io/hostname"}}}}})}}}};
}

json restricted_container_security(int uid) {
  return {{"runAsUser", uid},
          {"runAsGroup", uid},
          {"runAsNonRoot", true},
          {"allowPrivilegeEscalation", false},
          {"capabilities", {{"drop", json::array({"ALL"})}}}};
}

json requests(const std::string& cpu, const std::string& memory) {
  return {{"requests", {{"cpu", cpu}, {"memory", memory}}}};
}

json env_value(const std::string& name, const std::string& value) { return {{"name", name}, {"value", value}}; }

json env_secret(const DeploySettings& s, const std::string& name, const std::string& key) {
  return {{"name", name}, {"valueFrom", {{"secretKeyRef", {{"name", secret_name(s)}, {"key", key}}}}}};
}

json mount(const std::string& volume, const std::string& path, bool read_only = false,
           const std::string& sub_path = "") {
  json m = {{"name", volume}, {"mountPath", path}};
  if (!sub_path.empty()) m["subPath"] = sub_path;
  if (read_only) m["readOnly"] = true;
  return m;
}

// The environment every container running `weir pod ...` gets: credentials from the mounted Secret
// and libmariadb's client plugins from weir's bundle.
json weir_env() {
  const std::string dir = kSecretsDir;
  return json::array({env_value("WEIR_ROOT_PASSWORD_FILE", dir + "/root-password"), env_value("WEIR_REPL_USER", "repl"),
                      env_value("WEIR_REPL_PASSWORD_FILE", dir + "/replication-password"),
                      env_value("MARIADB_PLUGIN_DIR", std::string(kWeirDir) + "/lib/plugin")});
}

json pod_command(const DeploySettings& s, std::initializer_list<std::string> step) {
  json cmd = json::array({weir_bin(), "pod"});
  for (const auto& word : step) cmd.push_back(word);
  cmd.push_back("--flavour");
  cmd.push_back(s.flavour);
  cmd.push_back("--service");
  cmd.push_back(s.name);
  return cmd;
}

json exec_probe(const DeploySettings& s, std::initializer_list<std::string> probe, int initial_delay, int period,
                int timeout) {
  return {{"exec", {{"command", pod_command(s, probe)}}},
          {"initialDelaySeconds", initial_delay},
          {"periodSeconds", period},
          {"timeoutSeconds", timeout}};
}

Object secret(const DeploySettings& s) {
  json meta_labels = db_labels(s);
  Object o = make(s, "v1", "Secret", secret_name(s), meta_labels,
                  {{"type", "Opaque"},
                   {"stringData",
                    {{"root-password", random_password()},
                     {"replication-password", random_password()},
                     {"monitor-password", random_password()}}}});
  o.body["metadata"]["annotations"] = {{kCreateOnlyAnnotation, "true"}};
  return o;
}

// The admin endpoint's bearer token; every endpoint but /healthz and /readyz (the probes) needs it.
Object admin_token_secret(const DeploySettings& s) {
  Object o = make(s, "v1", "Secret", admin_token_secret_name(s), proxy_labels(s),
                  {{"type", "Opaque"}, {"stringData", {{"token", random_password(32)}}}});
  o.body["metadata"]["annotations"] = {{kCreateOnlyAnnotation, "true"}};
  return o;
}

json tcp_port(int port) { return {{"protocol", "TCP"}, {"port", port}}; }
json pods_with(const json& selector) { return {{"podSelector", {{"matchLabels", selector}}}}; }

// Every pod of this namespace, and of `namespaces` ("a,b"); "*": every pod of every namespace.
json namespace_peers(const std::string& namespaces) {
  if (namespaces == "*") return json::array({{{"namespaceSelector", json::object()}}});
  json peers = json::array({{{"podSelector", json::object()}}});
  const auto names = namespace_list_items(namespaces);
  if (!names.empty()) {
    peers.push_back(
        {{"namespaceSelector",
          {{"matchExpressions",
            json::array({{{"key", "kubernetes.io/metadata.name"}, {"operator", "In"}, {"values", names}}})}}}});
  }
  return peers;
}

// The servers answer the proxy and each other (replication); the backup stream goes only to the
// next database pod.
Object database_network_policy(const DeploySettings& s) {
  return make(
      s, "networking.k8s.io/v1", "NetworkPolicy", s.name, db_labels(s),
      {{"spec",
        {{"podSelector", {{"matchLabels", db_selector(s)}}},
         {"policyTypes", json::array({"Ingress"})},
         {"ingress", json::array({{{"from", json::array({pods_with(proxy_selector(s)), pods_with(db_selector(s))})},
                                   {"ports", json::array({tcp_port(kMysqlPort)})}},
                                  {{"from", json::array({pods_with(db_selector(s))})},
                                   {"ports", json::array({tcp_port(kBackupPort)})}}})}}}});
}

Object proxy_network_policy(const DeploySettings& s) {
  return make(s, "networking.k8s.io/v1", "NetworkPolicy", s.proxy_name, proxy_labels(s),
              {{"spec",
                {{"podSelector", {{"matchLabels", proxy_selector(s)}}},
                 {"policyTypes", json::array({"Ingress"})},
                 {"ingress", json::array({{{"from", namespace_peers(s.network_policy_client_namespaces)},
                                           {"ports", json::array({tcp_port(kMysqlPort)})}},
                                          {{"from", namespace_peers(s.network_policy_metrics_namespaces)},
                                           {"ports", json::array({tcp_port(kAdminPort)})}}})}}}});
}

Object database_config(const DeploySettings& s) {
  return make(s, "v1", "ConfigMap", s.name, db_labels(s),
              {{"data", {{"server.cnf", s.server_config}, {"weir-accounts.sh", render_accounts_script(s.flavour)}}}});
}

Object proxy_config(const DeploySettings& s) {
  return make(s, "v1", "ConfigMap", s.proxy_name, proxy_labels(s),
              {{"data", {{"weir.yaml", render_proxy_config(s.name, kMysqlPort, kAdminPort)}}}});
}

json mysql_port() { return {{"name", "mysql"}, {"port", kMysqlPort}, {"targetPort", "mysql"}}; }

Object headless_service(const DeploySettings& s) {
  return make(
      s, "v1", "Service", s.name, db_labels(s),
      {{"spec", {{"clusterIP", "None"}, {"ports", json::array({mysql_port()})}, {"selector", db_selector(s)}}}});
}

Object read_service(const DeploySettings& s) {
  json read_labels = db_labels(s);
  read_labels["readonly"] = "true";
  return make(s, "v1", "Service", s.name + "-read", read_labels,
              {{"spec", {{"ports", json::array({mysql_port()})}, {"selector", db_selector(s)}}}});
}

json database_pod_spec(const DeploySettings& s) {
  const std::string db_image = effective_database_image(s);
  const std::string backup_image = effective_backup_image(s);
  const json security = restricted_container_security(kDatabaseUid);
  const json secrets_mount = mount("secrets", kSecretsDir, true);
  const json weir_mount = mount("weir-bin", kWeirDir, true);
  const json data_mount = mount("data", "/var/lib/mysql", false, "mysql");
  const json conf_mount = mount("conf", "/etc/mysql/conf.d");

  json install = {{"name", "install-weir"},
                  {"image", s.weir_image},
                  {"imagePullPolicy", s.image_pull_policy},
                  // Not `cp -a DIR/.`: that also sets the times of the emptyDir itself, which is not ours.
                  {"command", json::array({"cp", "-R", std::string(kWeirDir) + "/bin", std::string(kWeirDir) + "/lib",
                                           "/mnt/weir/"})},
                  {"volumeMounts", json::array({mount("weir-bin", "/mnt/weir")})},
                  {"securityContext", security}};
  json init = {{"name", "init"},
               {"image", db_image},
               {"imagePullPolicy", s.image_pull_policy},
               {"command",
                [&] {
                  json c = pod_command(s, {"init"});
                  c.push_back("--conf-dir");
                  c.push_back("/mnt/conf.d");
                  return c;
                }()},
               {"env", weir_env()},
               // The replication account's password goes into the replicas' configuration.
               {"volumeMounts", json::array({mount("conf", "/mnt/conf.d"), weir_mount, secrets_mount})},
               {"securityContext", security}};
  json clone = {{"name", "clone"},
                {"image", backup_image},
                {"imagePullPolicy", s.image_pull_policy},
                {"command", pod_command(s, {"clone"})},
                {"env", weir_env()},
                {"volumeMounts", json::array({data_mount, conf_mount, weir_mount, secrets_mount})},
                {"securityContext", security}};

  json db_env = json::array();
  const std::string env_prefix = s.flavour == "mysql" ? "MYSQL" : "MARIADB";
  db_env.push_back(env_secret(s, env_prefix + "_ROOT_PASSWORD", "root-password"));
  db_env.push_back(env_secret(s, "WEIR_MONITOR_PASSWORD", "monitor-password"));
  for (const auto& e : weir_env()) db_env.push_back(e);
  json database = {
      {"name", "mysql"},
      {"image", db_image},
      {"imagePullPolicy", s.image_pull_policy},
      {"env", db_env},
      {"ports", json::array({{{"name", "mysql"}, {"containerPort", kMysqlPort}}})},
      {"volumeMounts",
       json::array({data_mount, conf_mount, mount("config-map", "/etc/mysql/conf.d/server.cnf", true, "server.cnf"),
                    mount("config-map", "/docker-entrypoint-initdb.d/weir-accounts.sh", true, "weir-accounts.sh"),
                    weir_mount, secrets_mount})},
      {"resources", requests(s.database_cpu, s.database_memory)},
      {"livenessProbe", exec_probe(s, {"probe", "liveness"}, 30, 10, 5)},
      // A replica whose replication threads stopped is not ready (the primary never is: ordinal 0).
      {"readinessProbe", exec_probe(s, {"probe", "readiness", "--require-replication"}, 5, 2, 1)},
      {"securityContext", security}};
  json sidecar = {{"name", "sidecar"},
                  {"image", backup_image},
                  {"imagePullPolicy", s.image_pull_policy},
                  {"command", pod_command(s, {"sidecar"})},
                  {"env", weir_env()},
                  {"ports", json::array({{{"name", "backup"}, {"containerPort", kBackupPort}}})},
                  {"volumeMounts", json::array({data_mount, conf_mount, weir_mount, secrets_mount})},
                  {"resources", requests(s.sidecar_cpu, s.sidecar_memory)},
                  {"securityContext", security}};

  // Volume modes: 0444 for the ConfigMap (the image's entrypoint sources weir-accounts.sh, which
  // defines nothing when executed instead), 0440 for the Secret (read through the pod's fsGroup).
  json spec = {
      {"automountServiceAccountToken", false},
      {"securityContext", {{"fsGroup", kDatabaseUid}, {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"initContainers", json::array({install, init, clone})},
      {"containers", json::array({database, sidecar})},
      {"volumes",
       json::array({{{"name", "conf"}, {"emptyDir", json::object()}},
                    {{"name", "weir-bin"}, {"emptyDir", json::object()}},
                    {{"name", "config-map"}, {"configMap", {{"name", s.name}, {"defaultMode", 292}}}},
                    {{"name", "secrets"}, {"secret", {{"secretName", secret_name(s)}, {"defaultMode", 288}}}}})}};
  if (s.anti_affinity) spec["affinity"] = anti_affinity(db_selector(s));
  return spec;
}

Object statefulset(const DeploySettings& s) {
  json claim_spec = {{"accessModes", json::array({"ReadWriteOnce"})},
                     {"resources", {{"requests", {{"storage", s.storage_size}}}}}};
  if (!s.storage_class.empty()) claim_spec["storageClassName"] = s.storage_class;
  return make(
      s, "apps/v1", "StatefulSet", s.name, db_labels(s),
      {{"spec",
        {{"selector", {{"matchLabels", db_selector(s)}}},
         {"serviceName", s.name},
         {"replicas", s.replicas},
         {"podManagementPolicy", "OrderedReady"},
         {"updateStrategy", {{"type", "RollingUpdate"}}},
         {"persistentVolumeClaimRetentionPolicy", {{"whenScaled", "Retain"}, {"whenDeleted", "Retain"}}},
         {"template", {{"metadata", {{"labels", pod_labels(db_labels(s))}}}, {"spec", database_pod_spec(s)}}},
         {"volumeClaimTemplates",
          json::array({{{"metadata", {{"name", "data"}, {"labels", db_selector(s)}}}, {"spec", claim_spec}}})}}}});
}

Object pdb(const DeploySettings& s, const std::string& name, const json& object_labels, const json& selector) {
  return make(s, "policy/v1", "PodDisruptionBudget", name, object_labels,
              {{"spec", {{"maxUnavailable", 1}, {"selector", {{"matchLabels", selector}}}}}});
}

Object service_account(const DeploySettings& s) {
  return make(s, "v1", "ServiceAccount", s.proxy_name, proxy_labels(s), json::object());
}

// What the proxy's discovery needs: list and watch the EndpointSlices of its namespace.
Object role(const DeploySettings& s) {
  return make(s, "rbac.authorization.k8s.io/v1", "Role", s.proxy_name, proxy_labels(s),
              {{"rules", json::array({{{"apiGroups", json::array({"discovery.k8s.io"})},
                                       {"resources", json::array({"endpointslices"})},
                                       {"verbs", json::array({"list", "watch"})}}})}});
}

Object role_binding(const DeploySettings& s) {
  return make(s, "rbac.authorization.k8s.io/v1", "RoleBinding", s.proxy_name, proxy_labels(s),
              {{"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", s.proxy_name}}},
               {"subjects",
                json::array({{{"kind", "ServiceAccount"}, {"name", s.proxy_name}, {"namespace", s.namespace_name}}})}});
}

Object proxy_deployment(const DeploySettings& s) {
  json container = {
      {"name", "weir"},
      {"image", s.weir_image},
      {"imagePullPolicy", s.image_pull_policy},
      {"args", json::array({"proxy", "--config", "/etc/weir/weir.yaml"})},
      {"ports", json::array({{{"name", "mysql"}, {"containerPort", kMysqlPort}},
                             {{"name", "admin"}, {"containerPort", kAdminPort}}})},
      {"volumeMounts", json::array({mount("config", "/etc/weir/weir.yaml", true, "weir.yaml"),
                                    mount("secrets", kSecretsDir, true), mount("admin-token", kAdminTokenDir, true)})},
      {"resources", requests(s.proxy_cpu, s.proxy_memory)},
      {"readinessProbe",
       {{"httpGet", {{"path", "/readyz"}, {"port", "admin"}}}, {"periodSeconds", 2}, {"failureThreshold", 2}}},
      {"livenessProbe",
       {{"httpGet", {{"path", "/healthz"}, {"port", "admin"}}}, {"periodSeconds", 10}, {"failureThreshold", 3}}},
      {"lifecycle",
       {{"preStop", {{"exec", {{"command", json::array({"sleep", std::to_string(s.proxy_pre_stop_seconds)})}}}}}}},
      {"securityContext", [&] {
         json sc = restricted_container_security(kWeirUid);
         sc["readOnlyRootFilesystem"] = true;
         return sc;
       }()}};
  json pod_spec = {
      {"serviceAccountName", s.proxy_name},
      {"terminationGracePeriodSeconds", s.proxy_termination_grace_seconds},
      {"securityContext", {{"fsGroup", kWeirUid}, {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"containers", json::array({container})},
      {"volumes",
       json::array({{{"name", "config"}, {"configMap", {{"name", s.proxy_name}}}},
                    {{"name", "secrets"},
                     {"secret",
                      {{"secretName", secret_name(s)},
                       {"defaultMode", 288},
                       {"items", json::array({{{"key", "monitor-password"}, {"path", "monitor-password"}}})}}}},
                    {{"name", "admin-token"},
                     {"secret",
                      {{"secretName", admin_token_secret_name(s)},
                       {"defaultMode", 288},
                       {"items", json::array({{{"key", "token"}, {"path", "token"}}})}}}}})}};
  if (s.anti_affinity) pod_spec["affinity"] = anti_affinity(proxy_selector(s));
  return make(s, "apps/v1", "Deployment", s.proxy_name, proxy_labels(s),
              {{"spec",
                {{"replicas", s.proxy_replicas},
                 {"selector", {{"matchLabels", proxy_selector(s)}}},
                 {"strategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxUnavailable", 0}, {"maxSurge", 1}}}}},
                 {"template",
                  {{"metadata",
                    {{"labels", pod_labels(proxy_labels(s))},
                     // The usual scrape annotations, for a Prometheus with kubernetes_sd (role: pod)
                     // and no ServiceMonitor support.
                     {"annotations",
                      {{"prometheus.io/scrape", "true"},
                       {"prometheus.io/port", std::to_string(kAdminPort)},
                       {"prometheus.io/path", "/metrics"}}}}},
                   {"spec", pod_spec}}}}}});
}

Object proxy_service(const DeploySettings& s) {
  return make(s, "v1", "Service", s.proxy_name, proxy_labels(s),
              {{"spec", {{"ports", json::array({mysql_port()})}, {"selector", proxy_selector(s)}}}});
}

Object proxy_admin_service(const DeploySettings& s) {
  return make(s, "v1", "Service", s.proxy_name + "-admin", proxy_labels(s),
              {{"spec",
                {{"clusterIP", "None"},
                 {"ports", json::array({{{"name", "admin"}, {"port", kAdminPort}, {"targetPort", "admin"}}})},
                 {"selector", proxy_selector(s)}}}});
}

Object service_monitor(const DeploySettings& s) {
  return make(s, "monitoring.coreos.com/v1", "ServiceMonitor", s.proxy_name, proxy_labels(s),
              {{"spec",
                {{"selector", {{"matchLabels", proxy_selector(s)}}},
                 {"endpoints",
                  json::array({{{"port", "admin"},
                                {"path", "/metrics"},
                                {"interval", "30s"},
                                {"bearerTokenSecret", {{"name", admin_token_secret_name(s)}, {"key", "token"}}}}})}}}});
}

}  // namespace

std::string admin_token_secret_name(const DeploySettings& s) {
  return s.admin_token_secret.empty() ? s.proxy_name + "-admin-token" : s.admin_token_secret;
}

std::string effective_database_image(const DeploySettings& s) {
  if (!s.database_image.empty()) return s.database_image;
  return s.flavour == "mysql" ? "mysql:8.0" : "mariadb:11.4";
}

std::string effective_backup_image(const DeploySettings& s) {
  if (!s.backup_image.empty()) return s.backup_image;
  return s.flavour == "mysql" ? "percona/percona-xtrabackup:8.0" : effective_database_image(s);
}

std::vector<Object> with_generated_secrets_hidden(std::vector<Object> objects) {
  for (auto& o : objects) {
    if (o.kind != "Secret" || !o.body.contains("stringData")) continue;
    for (auto& [key, value] : o.body["stringData"].items()) value = kGeneratedPlaceholder;
  }
  return objects;
}

std::vector<Object> build_objects(const DeploySettings& s) {
  std::vector<Object> out{service_account(s), role(s), role_binding(s), secret(s)};
  if (s.admin_token_secret.empty()) out.push_back(admin_token_secret(s));
  for (auto o : {database_config(s), proxy_config(s), headless_service(s), read_service(s)})
    out.push_back(std::move(o));
  if (s.network_policy) {
    out.push_back(database_network_policy(s));
    out.push_back(proxy_network_policy(s));
  }
  out.push_back(statefulset(s));
  out.push_back(pdb(s, s.name, db_labels(s), db_selector(s)));
  out.push_back(proxy_deployment(s));
  out.push_back(proxy_service(s));
  out.push_back(pdb(s, s.proxy_name, proxy_labels(s), proxy_selector(s)));
  if (s.service_monitor) {
    out.push_back(proxy_admin_service(s));
    out.push_back(service_monitor(s));
  }
  return out;
}

}  // namespace weir::manifests
