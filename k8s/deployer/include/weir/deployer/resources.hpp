#pragma once
// apiVersion + kind -> the REST path of the resource, for the kinds weir's objects use.
#include <string>
#include <string_view>

#include "weir/deployer/kube.hpp"

namespace weir::deployer {

struct Resource {
  std::string api_version;  // "v1", "apps/v1", ...
  std::string kind;
  std::string base;    // "/api/v1" or "/apis/<group>/<version>"
  std::string plural;  // "statefulsets"
  bool namespaced = true;
  bool from_crd = false;  // served only when a CustomResourceDefinition is installed
};

Result<Resource> resource_for(std::string_view api_version, std::string_view kind);

// /apis/apps/v1/namespaces/NS/statefulsets[/NAME]
std::string collection_path(const Resource& resource, std::string_view namespace_name);
std::string object_path(const Resource& resource, std::string_view namespace_name, std::string_view name);

// "StatefulSet default/mysql" (cluster-scoped: "ClusterRole weir")
std::string object_label(std::string_view kind, std::string_view namespace_name, std::string_view name);

// Percent-encodes a query parameter value (label selectors carry '=' and ',').
std::string query_escape(std::string_view value);

}  // namespace weir::deployer
