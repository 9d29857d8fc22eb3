#include "weir/kube/kubeconfig.hpp"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace weir::kube {
namespace {

namespace fs = std::filesystem;

Error config_error(std::string message) {
  Error e;
  e.reason = "Config";
  e.message = std::move(message);
  return e;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string scalar(const YAML::Node& node, const char* key) {
  const auto v = node[key];
  return v && v.IsScalar() ? v.as<std::string>() : std::string();
}

YAML::Node find_named(const YAML::Node& list, const std::string& name) {
  if (!list || !list.IsSequence()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& item : list) {
    if (scalar(item, "name") == name) return item;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

// `<key>-data` (base64) or `<key>` (a file): the PEM text, empty when neither is set.
Result<std::string> data_or_file(const YAML::Node& node, const std::string& key, const fs::path& base_dir,
                                 const std::string& where) {
  const auto data = scalar(node, (key + "-data").c_str());
  if (!data.empty()) {
    auto decoded = base64_decode(data);
    if (!decoded) return config_error(where + ": " + key + "-data is not valid base64");
    return *decoded;
  }
  const auto file = scalar(node, key.c_str());
  if (file.empty()) return std::string();
  const fs::path path = fs::path(file).is_absolute() ? fs::path(file) : base_dir / file;
  auto text = read_file(path);
  if (!text) return config_error(where + ": cannot read " + key + " file " + path.string());
  return *text;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : in) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    const int v = value(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

Result<ClusterConfig> parse_kubeconfig(std::string_view text, const fs::path& base_dir, std::string_view context) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return config_error("kubeconfig is not valid YAML: " + std::string(e.what()));
  }
  if (!root.IsMap()) return config_error("kubeconfig is not a YAML mapping");
  ClusterConfig c;
  c.context = context.empty() ? scalar(root, "current-context") : std::string(context);
  if (c.context.empty()) return config_error("kubeconfig has no current-context and no context was given");
  const auto ctx_item = find_named(root["contexts"], c.context);
  if (!ctx_item) return config_error("kubeconfig has no context named '" + c.context + "'");
  const auto ctx = ctx_item["context"];
  const auto cluster_name = scalar(ctx, "cluster");
  const auto user_name = scalar(ctx, "user");
  const auto ns = scalar(ctx, "namespace");
  if (!ns.empty()) c.namespace_name = ns;

  const auto cluster_item = find_named(root["clusters"], cluster_name);
  if (!cluster_item) {
    return config_error("context '" + c.context + "' names cluster '" + cluster_name + "', which is not in clusters");
  }
  const auto cluster = cluster_item["cluster"];
  c.server = scalar(cluster, "server");
  if (c.server.empty()) return config_error("cluster '" + cluster_name + "' has no server");
  c.insecure_skip_tls_verify = scalar(cluster, "insecure-skip-tls-verify") == "true";
  c.tls_server_name = scalar(cluster, "tls-server-name");
  auto ca = data_or_file(cluster, "certificate-authority", base_dir, "cluster '" + cluster_name + "'");
  if (!ca) return ca.error();
  c.ca_pem = *ca;

  if (!user_name.empty()) {
    const auto user_item = find_named(root["users"], user_name);
    if (!user_item) {
      return config_error("context '" + c.context + "' names user '" + user_name + "', which is not in users");
    }
    const auto user = user_item["user"];
    const auto where = "user '" + user_name + "'";
    auto cert = data_or_file(user, "client-certificate", base_dir, where);
    if (!cert) return cert.error();
    auto key = data_or_file(user, "client-key", base_dir, where);
    if (!key) return key.error();
    c.client_cert_pem = *cert;
    c.client_key_pem = *key;
    if (c.client_cert_pem.empty() != c.client_key_pem.empty()) {
      return config_error(where + " has a client certificate without a key or a key without a certificate");
    }
    c.token = scalar(user, "token");
    const auto token_file = scalar(user, "tokenFile");
    if (!token_file.empty()) {
      c.token_file = fs::path(token_file).is_absolute() ? fs::path(token_file) : base_dir / token_file;
    }
    if (user["exec"] || user["auth-provider"]) {
      if (c.token.empty() && c.token_file.empty() && c.client_cert_pem.empty()) {
        return config_error(where +
                            " uses an exec or auth-provider plugin, which weir does not run; use a token or a "
                            "client certificate");
      }
    }
  }
  return c;
}

Result<ClusterConfig> load_kubeconfig(const fs::path& file, std::string_view context) {
  auto text = read_file(file);
  if (!text) return config_error("cannot read kubeconfig " + file.string());
  auto parsed = parse_kubeconfig(*text, file.parent_path(), context);
  if (!parsed) {
    Error e = parsed.error();
    e.message = file.string() + ": " + e.message;
    return e;
  }
  return parsed;
}

Result<ClusterConfig> in_cluster_config(const fs::path& sa_dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || port == nullptr || *host == '\0' || *port == '\0') {
    return config_error("not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
  }
  ClusterConfig c;
  c.context = "in-cluster";
  const std::string h(host);
  c.server = "https://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;
  c.token_file = sa_dir / "token";
  if (!read_file(c.token_file)) return config_error("cannot read the service account token " + c.token_file.string());
  auto ca = read_file(sa_dir / "ca.crt");
  if (!ca) return config_error("cannot read the service account CA " + (sa_dir / "ca.crt").string());
  c.ca_pem = *ca;
  if (auto ns = read_file(sa_dir / "namespace")) {
    while (!ns->empty() && (ns->back() == '\n' || ns->back() == ' ')) ns->pop_back();
    if (!ns->empty()) c.namespace_name = *ns;
  }
  return c;
}

Result<ClusterConfig> resolve_cluster_config(const fs::path& kubeconfig, std::string_view context) {
  if (!kubeconfig.empty()) return load_kubeconfig(kubeconfig, context);
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') {
    std::string first(env);
    first = first.substr(0, first.find(':'));
    return load_kubeconfig(first, context);
  }
  if (context.empty() && std::getenv("KUBERNETES_SERVICE_HOST") != nullptr) return in_cluster_config();
  const char* home = std::getenv("HOME");
  if (home == nullptr) return config_error("no kubeconfig: set --kubeconfig or KUBECONFIG");
  return load_kubeconfig(fs::path(home) / ".kube" / "config", context);
}

}  // namespace weir::kube
