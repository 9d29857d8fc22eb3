#include "weir/deployer/resources.hpp"

#include <array>

namespace weir::deployer {
namespace {

struct Known {
  std::string_view api_version;
  std::string_view kind;
  std::string_view plural;
  bool namespaced;
  bool from_crd;
};

// The kinds weir's objects use, and the ones status and teardown read.
constexpr std::array kKnown{
    Known{"v1", "ConfigMap", "configmaps", true, false},
    Known{"v1", "Secret", "secrets", true, false},
    Known{"v1", "Service", "services", true, false},
    Known{"v1", "ServiceAccount", "serviceaccounts", true, false},
    Known{"v1", "Pod", "pods", true, false},
    Known{"v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, false},
    Known{"v1", "Endpoints", "endpoints", true, false},
    Known{"v1", "Namespace", "namespaces", false, false},
    Known{"apps/v1", "StatefulSet", "statefulsets", true, false},
    Known{"apps/v1", "Deployment", "deployments", true, false},
    Known{"policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", true, false},
    Known{"rbac.authorization.k8s.io/v1", "Role", "roles", true, false},
    Known{"rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true, false},
    Known{"rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false, false},
    Known{"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false, false},
    Known{"discovery.k8s.io/v1", "EndpointSlice", "endpointslices", true, false},
    Known{"networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", true, false},
    Known{"monitoring.coreos.com/v1", "ServiceMonitor", "servicemonitors", true, true},
    Known{"monitoring.coreos.com/v1", "PodMonitor", "podmonitors", true, true},
};

}  // namespace

Result<Resource> resource_for(std::string_view api_version, std::string_view kind) {
  for (const auto& k : kKnown) {
    if (k.api_version == api_version && k.kind == kind) {
      Resource r;
      r.api_version = std::string(api_version);
      r.kind = std::string(kind);
      r.base = api_version.find('/') == std::string_view::npos ? "/api/" + r.api_version : "/apis/" + r.api_version;
      r.plural = std::string(k.plural);
      r.namespaced = k.namespaced;
      r.from_crd = k.from_crd;
      return r;
    }
  }
  Error e;
  e.reason = "UnknownKind";
  e.message = "weir does not know the REST path of " + std::string(kind) + " in " + std::string(api_version);
  return e;
}

std::string collection_path(const Resource& resource, std::string_view namespace_name) {
  if (!resource.namespaced) return resource.base + "/" + resource.plural;
  return resource.base + "/namespaces/" + std::string(namespace_name) + "/" + resource.plural;
}

std::string object_path(const Resource& resource, std::string_view namespace_name, std::string_view name) {
  return collection_path(resource, namespace_name) + "/" + std::string(name);
}

std::string object_label(std::string_view kind, std::string_view namespace_name, std::string_view name) {
  std::string out(kind);
  out += ' ';
  if (!namespace_name.empty()) {
    out += namespace_name;
    out += '/';
  }
  out += name;
  return out;
}

std::string query_escape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '_' || c == '.' || c == '~';
    if (plain) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace weir::deployer
