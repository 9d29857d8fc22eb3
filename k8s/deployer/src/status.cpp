// cluster_status: the StatefulSet's pods with their roles and readiness, the proxy Deployment,
// and the lag the proxy measures (its /backends, through the API server's service proxy).
#include <algorithm>
#include <cstdio>
#include <optional>

#include "weir/deployer/deployer.hpp"
#include "weir/deployer/resources.hpp"

namespace weir::deployer {
namespace {

using nlohmann::json;

int int_at(const json& j, const char* a, const char* b) {
  if (!j.contains(a) || !j[a].is_object() || !j[a].contains(b) || !j[a][b].is_number_integer()) return 0;
  return j[a][b].get<int>();
}

std::string selector_of(const json& sts) {
  std::string out;
  if (!sts.contains("spec") || !sts["spec"].contains("selector")) return out;
  const auto& sel = sts["spec"]["selector"];
  if (!sel.contains("matchLabels")) return out;
  for (const auto& [k, v] : sel["matchLabels"].items()) {
    if (!out.empty()) out += ',';
    out += k + "=" + v.get<std::string>();
  }
  return out;
}

// /api/v1/namespaces/NS/pods/POD:PORT/proxy/backends of the first ready pod of the proxy
// Deployment, PORT being its container port named "admin".
std::optional<std::string> proxy_pod_target(Client& client, std::string_view namespace_name, const json& deployment) {
  int port = 0;
  const auto containers = deployment["spec"]["template"]["spec"].value("containers", json::array());
  for (const auto& c : containers) {
    for (const auto& p : c.value("ports", json::array())) {
      if (p.value("name", "") == "admin") port = p.value("containerPort", 0);
    }
  }
  if (port == 0) return std::nullopt;
  const auto pod_res = *resource_for("v1", "Pod");
  auto pods =
      client.get(collection_path(pod_res, namespace_name) + "?labelSelector=" + query_escape(selector_of(deployment)));
  if (!pods) return std::nullopt;
  for (const auto& p : (*pods)["items"]) {
    bool ready = false;
    if (p.contains("status") && p["status"].contains("conditions")) {
      for (const auto& c : p["status"]["conditions"]) {
        if (c.value("type", "") == "Ready") ready = c.value("status", "") == "True";
      }
    }
    if (ready) {
      return object_path(pod_res, namespace_name, p["metadata"].value("name", "") + ":" + std::to_string(port)) +
             "/proxy/backends";
    }
  }
  return std::nullopt;
}

// The proxy's admin token (Secret <proxy>-admin-token, as deployed by default) in the header the
// admin endpoint also reads: the API server's proxy drops the Authorization header. Empty when the
// Secret cannot be read (then /backends answers 401 if a token is set, and the lag is unknown).
Headers admin_token_header(Client& client, std::string_view namespace_name, std::string_view proxy) {
  const auto secret_res = *resource_for("v1", "Secret");
  const std::string name = std::string(proxy) + "-admin-token";
  auto secret = client.get(object_path(secret_res, namespace_name, name), object_label("Secret", namespace_name, name));
  if (!secret || !secret->contains("data") || !(*secret)["data"].contains("token")) return {};
  auto token = weir::kube::base64_decode((*secret)["data"]["token"].get<std::string>());
  if (!token) return {};
  return {{"X-Weir-Admin-Token", *token}};
}

}  // namespace

Result<ClusterStatus> cluster_status(Client& client, std::string_view namespace_name, std::string_view statefulset,
                                     std::string_view proxy, std::string_view admin_service) {
  ClusterStatus st;
  st.statefulset = std::string(statefulset);
  st.proxy = std::string(proxy);
  const auto sts_res = *resource_for("apps/v1", "StatefulSet");
  const auto sts_label = object_label("StatefulSet", namespace_name, statefulset);
  auto sts = client.get(object_path(sts_res, namespace_name, statefulset), sts_label);
  if (!sts) return sts.error();
  st.desired = int_at(*sts, "spec", "replicas");
  st.ready = int_at(*sts, "status", "readyReplicas");

  const auto pod_res = *resource_for("v1", "Pod");
  const auto selector = selector_of(*sts);
  auto pods = client.get(collection_path(pod_res, namespace_name) +
                             (selector.empty() ? std::string() : "?labelSelector=" + query_escape(selector)),
                         "Pods of " + sts_label);
  if (!pods) return pods.error();
  const std::string prefix = std::string(statefulset) + "-";
  for (const auto& p : (*pods)["items"]) {
    PodStatus ps;
    ps.name = p["metadata"].value("name", "");
    if (ps.name.rfind(prefix, 0) != 0) continue;
    try {
      ps.ordinal = std::stoi(ps.name.substr(prefix.size()));
    } catch (...) {
      continue;
    }
    ps.role = ps.ordinal == 0 ? "primary" : "replica";
    ps.phase = p.contains("status") ? p["status"].value("phase", "") : "";
    if (p.contains("status") && p["status"].contains("conditions")) {
      for (const auto& c : p["status"]["conditions"]) {
        if (c.value("type", "") == "Ready") ps.ready = c.value("status", "") == "True";
      }
    }
    st.pods.push_back(std::move(ps));
  }
  std::sort(st.pods.begin(), st.pods.end(), [](const auto& a, const auto& b) { return a.ordinal < b.ordinal; });

  if (!proxy.empty()) {
    const auto dep_res = *resource_for("apps/v1", "Deployment");
    auto dep =
        client.get(object_path(dep_res, namespace_name, proxy), object_label("Deployment", namespace_name, proxy));
    if (dep) {
      st.proxy_desired = int_at(*dep, "spec", "replicas");
      st.proxy_ready = int_at(*dep, "status", "readyReplicas");
    }
    const auto svc = *resource_for("v1", "Service");
    const std::string service =
        admin_service.empty() ? std::string(proxy) + "-admin:admin" : std::string(admin_service);
    std::string target = object_path(svc, namespace_name, service) + "/proxy/backends";
    const Headers token = admin_token_header(client, namespace_name, proxy);
    auto backends = client.request("GET", target, {}, {}, token);
    // Without the admin Service (it comes with the ServiceMonitor), ask a ready proxy pod directly.
    if (backends && backends->status == 404 && dep) {
      if (auto via_pod = proxy_pod_target(client, namespace_name, *dep)) {
        target = *via_pod;
        backends = client.request("GET", target, {}, {}, token);
      }
    }
    if (!backends) {
      st.lag_note = "lag unknown: " + backends.error().message;
    } else if (backends->status != 200) {
      st.lag_note =
          "lag unknown: the proxy's /backends answered " + std::to_string(backends->status) + " through " + target;
    } else {
      const auto list = json::parse(backends->body, nullptr, false);
      for (const auto& b : list.is_array() ? list : json::array()) {
        const auto name = b.value("name", "");
        for (auto& ps : st.pods) {
          // Backends are named after the pod, or its DNS name (mysql-1.mysql...).
          if ((name == ps.name || name.rfind(ps.name + ".", 0) == 0) && b.contains("lag_seconds") &&
              b["lag_seconds"].is_number()) {
            ps.lag_seconds = b["lag_seconds"].get<double>();
          }
        }
      }
    }
  }
  return st;
}

std::string format_status(const ClusterStatus& st) {
  std::string out =
      "statefulset " + st.statefulset + ": " + std::to_string(st.ready) + "/" + std::to_string(st.desired) + " ready\n";
  char line[160];
  std::snprintf(line, sizeof line, "%-20s %-8s %-10s %-6s %s\n", "POD", "ROLE", "PHASE", "READY", "LAG");
  out += line;
  for (const auto& p : st.pods) {
    std::string lag = "-";
    if (p.lag_seconds) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3fs", *p.lag_seconds);
      lag = buf;
    }
    std::snprintf(line, sizeof line, "%-20s %-8s %-10s %-6s %s\n", p.name.c_str(), p.role.c_str(),
                  p.phase.empty() ? "-" : p.phase.c_str(), p.ready ? "yes" : "no", lag.c_str());
    out += line;
  }
  if (!st.proxy.empty()) {
    out += "proxy " + st.proxy + ": " + std::to_string(st.proxy_ready) + "/" + std::to_string(st.proxy_desired) +
           " ready\n";
  }
  if (!st.lag_note.empty()) out += st.lag_note + "\n";
  return out;
}

}  // namespace weir::deployer
