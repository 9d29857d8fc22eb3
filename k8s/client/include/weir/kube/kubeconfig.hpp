#pragma once
// Where the cluster is and who we are: a kubeconfig file (current-context or a named context) or
// the in-cluster service account.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "weir/kube/result.hpp"

namespace weir::kube {

struct ClusterConfig {
  std::string server;  // "https://host:port"
  std::string ca_pem;  // empty: the system's trust store
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  // overrides the host name checked in the certificate
  std::string client_cert_pem;  // client certificate authentication
  std::string client_key_pem;
  std::string token;                       // bearer token
  std::filesystem::path token_file;        // read on each request (service account tokens rotate)
  std::string namespace_name = "default";  // the context's namespace
  std::string context;                     // the context used ("in-cluster" for the service account)
};

// Parses kubeconfig text. Relative file paths inside resolve against `base_dir`. `context`
// empty: current-context.
// Standard base64 (padding, line breaks and spaces ignored); nullopt on another character.
std::optional<std::string> base64_decode(std::string_view in);

Result<ClusterConfig> parse_kubeconfig(std::string_view text, const std::filesystem::path& base_dir,
                                       std::string_view context = {});
Result<ClusterConfig> load_kubeconfig(const std::filesystem::path& file, std::string_view context = {});

// The pod's service account: KUBERNETES_SERVICE_HOST/PORT and `sa_dir`/{token,ca.crt,namespace}.
Result<ClusterConfig> in_cluster_config(
    const std::filesystem::path& sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

// kubectl's order: an explicit kubeconfig file, else the first file of $KUBECONFIG, else the
// in-cluster service account when KUBERNETES_SERVICE_HOST is set, else ~/.kube/config.
Result<ClusterConfig> resolve_cluster_config(const std::filesystem::path& kubeconfig, std::string_view context);

}  // namespace weir::kube
