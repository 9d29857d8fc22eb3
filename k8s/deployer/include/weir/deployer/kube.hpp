#pragma once
// The deployer speaks to the API server through weir's Kubernetes client (k8s/client); its types
// are used here under their short names.
#include "weir/kube/client.hpp"
#include "weir/kube/kubeconfig.hpp"
#include "weir/kube/result.hpp"

namespace weir::deployer {

using kube::api_error;
using kube::Cause;
using kube::Client;
using kube::ClusterConfig;
using kube::Done;
using kube::Error;
using kube::Headers;
using kube::in_cluster_config;
using kube::load_kubeconfig;
using kube::parse_kubeconfig;
using kube::resolve_cluster_config;
using kube::Response;
using kube::Result;

}  // namespace weir::deployer
